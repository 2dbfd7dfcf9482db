// Package uitest gives the screens' tests a real terminal: the pos/bolt
// database on a temporary file, provisioned like `posctl provision` does
// for a pos/postest deployment (the demo campaign around DemoNow, the demo
// catalogue, three users), behind the same ui.Store adapter the app uses
// (pos/ui/boltstore). The tests therefore see the counter's rules — the
// catalogue re-prices every line, voids are records of their own on the
// same CST day only, PINs lock after repeated failures — not a copy of them.
// Never use it on a real counter: its keys are fixed test keys.
package uitest

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/postest"
	"fupinpos/pos/ui/boltstore"
	"fupinpos/pos/voucher"
)

// Store is the demo terminal: a provisioned bolt database behind
// boltstore.Store, so it is a ui.Store.
type Store struct {
	*boltstore.Store
	// Now is the terminal clock (bolt.Options.Now); tests may replace it.
	// It starts at DemoNow.
	Now func() time.Time

	closeMu sync.Mutex
	closed  bool
}

// Deployment is the demo issuer: its key signs vouchers the Store accepts.
type Deployment struct {
	*postest.Deployment
}

// Demo users: id, PIN, role.
const (
	CashierID, CashierPIN       = "1001", "1234"
	ManagerID, ManagerPIN       = "2001", "2468"
	TechnicianID, TechnicianPIN = "3001", "1357"
)

// DemoNow is a time inside the demo campaign's redemption window.
var DemoNow = time.Date(2020, 9, 15, 10, 30, 0, 0, pos.CST)

// DemoConfig is the demo terminal's configuration.
var DemoConfig = pos.TerminalConfig{Store: "S001", StoreName: "合肥百大扶贫专区", Counter: "1", Terminal: "T01", Lang: "zh_Hans"}

// demoUsers are the users New adds, with their PINs.
var demoUsers = []struct {
	u   pos.User
	pin string
}{
	{pos.User{ID: CashierID, Name: "王芳", Role: pos.RoleCashier}, CashierPIN},
	{pos.User{ID: ManagerID, Name: "李强", Role: pos.RoleManager}, ManagerPIN},
	{pos.User{ID: TechnicianID, Name: "张工", Role: pos.RoleTechnician}, TechnicianPIN},
}

// actor is who the setup is audited under.
const actor = "uitest"

// New returns the demo terminal in tb's temporary directory, closed when
// the test ends, and the deployment that issues its vouchers.
func New(tb testing.TB) (*Store, *Deployment) {
	tb.Helper()
	s, d, err := build(tb, tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s, d
}

// build provisions a terminal database in dir as posctl provision does.
func build(tb testing.TB, dir string) (*Store, *Deployment, error) {
	dep := postest.NewDeployment(tb, DemoNow)
	bundle := dep.Bundle(tb)
	s := &Store{Now: func() time.Time { return DemoNow }}
	db, err := bolt.Open(filepath.Join(dir, "terminal.db"), 0o600, &bolt.Options{
		Now: func() time.Time { return s.Now() }, Timeout: 2 * time.Second})
	if err != nil {
		return nil, nil, err
	}
	s.Store = boltstore.New(db, nil)
	err = func() error {
		if _, err := db.Provision(DemoConfig, dep.RootPublic(), actor); err != nil {
			return err
		}
		tl, _, err := db.InstallBundle(bundle, actor)
		if err != nil {
			return err
		}
		if _, err := db.RecordSync(tl.IssuedAt); err != nil {
			return err
		}
		for _, u := range demoUsers {
			if err := db.AddUser(u.u, u.pin, actor); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	db.SetOnline(true)
	return s, &Deployment{dep}, nil
}

// Close closes the database and removes the directory NewDemo made.
func (s *Store) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.DB.Close()
	return err
}

// SetConfig saves cfg (validated and audited under actor by the store), in
// the form the technician screen calls.
func (s *Store) SetConfig(cfg *pos.TerminalConfig, actor string) error {
	return s.DB.SetConfig(*cfg, actor)
}

// AddIncident records an incident as the sync client would after a
// conflicting upload; it keeps in.Time when set. It panics when the store
// refuses, which only a broken test setup causes.
func (s *Store) AddIncident(in pos.Incident) {
	if _, err := s.DB.AddIncident(in); err != nil {
		panic(err)
	}
}

// AuditLog returns the audit log, oldest first, one event a line as
// "actor action key=value ..." with the keys sorted.
func (s *Store) AuditLog() []string {
	var out []string
	err := s.AuditEvents(0, func(ev *pos.AuditEvent) error {
		parts := []string{ev.Actor, ev.Action}
		keys := make([]string, 0, len(ev.Detail))
		for k := range ev.Detail {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			parts = append(parts, k+"="+ev.Detail[k])
		}
		out = append(out, strings.Join(parts, " "))
		return nil
	})
	if err != nil {
		panic(err)
	}
	return out
}

// Issue signs a voucher of value for member, valid for the whole campaign.
func (d *Deployment) Issue(value pos.Money, member string) string {
	code, err := voucher.Encode(d.Voucher(member, value), d.Issuer)
	if err != nil {
		panic(err)
	}
	return code
}

// Forge returns a code of the deployment's key id whose signature does not
// verify: one digit of a genuine code changed.
func (d *Deployment) Forge(value pos.Money) string {
	code := d.Issue(value, "forger")
	b := []byte(code)
	b[len(b)-5] = '0' + (b[len(b)-5]-'0'+1)%10
	return string(b)
}

// Printer is a ui.Printer that keeps what it was asked to print.
type Printer struct {
	mu      sync.Mutex
	Printed []*pos.Receipt
	Err     error
}

// SetErr makes the next prints fail with err (nil: print again), safe
// while the app prints from another goroutine.
func (p *Printer) SetErr(err error) { p.mu.Lock(); p.Err = err; p.mu.Unlock() }

// Copies returns what was printed so far, safe while the app prints.
func (p *Printer) Copies() []*pos.Receipt {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*pos.Receipt(nil), p.Printed...)
}

// PrintReceipt records r, or fails with Err.
func (p *Printer) PrintReceipt(r *pos.Receipt) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Err != nil {
		return p.Err
	}
	p.Printed = append(p.Printed, r)
	return nil
}
