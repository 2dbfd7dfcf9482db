package bolt_test

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/postest"
)

// clock is a settable fake clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)         { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// t0 is the fixed "now" of most tests: an afternoon in the campaign.
var t0 = time.Date(2020, 8, 20, 14, 30, 0, 0, pos.CST)

// fixture is a provisioned terminal of a test deployment.
type fixture struct {
	*bolt.DB
	dep   *postest.Deployment
	clock *clock
	path  string
}

// Test users.
const (
	cashier    = "1001"
	cashierPIN = "2468"
	manager    = "9001"
	managerPIN = "8642"
)

// MustOpen returns a fresh database file in a temporary directory.
func MustOpen(tb testing.TB, c *clock) *bolt.DB {
	tb.Helper()
	db, err := bolt.Open(filepath.Join(tb.TempDir(), "terminal.db"), 0o600, &bolt.Options{Now: c.Now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// MustProvision provisions db for dep at store HF-001, terminal T01, with
// the trust bundle, a cashier and a manager, and a sync just now.
func MustProvision(tb testing.TB, db *bolt.DB, dep *postest.Deployment) {
	tb.Helper()
	cfg := pos.TerminalConfig{Store: "HF-001", StoreName: "合肥百货大楼", Counter: "扶贫专区 1", Terminal: "T01", Scopes: []uint32{34}}
	if _, err := db.Provision(cfg, dep.RootPublic(), "tech"); err != nil {
		tb.Fatal(err)
	}
	if _, _, err := db.InstallBundle(dep.Bundle(tb), "tech"); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.RecordSync(dep.Now.Add(-time.Minute)); err != nil {
		tb.Fatal(err)
	}
	db.SetOnline(true)
	for _, u := range []struct {
		u   pos.User
		pin string
	}{
		{pos.User{ID: cashier, Name: "王芳", Role: pos.RoleCashier}, cashierPIN},
		{pos.User{ID: manager, Name: "李经理", Role: pos.RoleManager}, managerPIN},
	} {
		if err := db.AddUser(u.u, u.pin, "tech"); err != nil {
			tb.Fatal(err)
		}
	}
}

// newFixture returns a provisioned terminal at t0; edit may change the
// deployment (rules, windows) before its documents are signed.
func newFixture(tb testing.TB, edit func(*postest.Deployment)) *fixture {
	tb.Helper()
	c := &clock{t: t0}
	dep := postest.NewDeployment(tb, t0)
	if edit != nil {
		edit(dep)
	}
	db := MustOpen(tb, c)
	MustProvision(tb, db, dep)
	return &fixture{DB: db, dep: dep, clock: c, path: db.Path()}
}

// sale is a request for items by the test cashier.
func sale(method pos.PayMethod, codes []string, items ...bolt.Item) bolt.SaleRequest {
	return bolt.SaleRequest{Cashier: cashier, Items: items, Codes: codes, Method: method}
}

func item(sku string, qty int64) bolt.Item { return bolt.Item{SKU: sku, Qty: qty} }

// wantCode fails unless err carries code.
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := pos.ErrorCode(err); got != code {
		tb.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// MustRedeem records a sale or fails.
func (f *fixture) MustRedeem(tb testing.TB, req bolt.SaleRequest) *bolt.Sale {
	tb.Helper()
	s, err := f.Redeem(req)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
