package client_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/postest"
	"fupinpos/sync/client"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// env is a real central server on loopback with a real bbolt file, built
// from a postest deployment whose windows include the real time now.
type env struct {
	t    testing.TB
	dep  *postest.Deployment
	srv  *server.Server
	http *httptest.Server
	logs *logBuffer
}

type logBuffer struct {
	mu sync.Mutex
	sb strings.Builder
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.Write(p)
}
func (b *logBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.sb.String() }

func newEnv(t testing.TB) *env {
	t.Helper()
	dep := postest.NewDeployment(t, time.Now())
	dep.Campaign().Offline.MaxQueueCount = 100000
	dep.Campaign().Offline.MaxQueueAmount = pos.Yuan(10_000_000)
	st, err := server.OpenBolt(filepath.Join(t.TempDir(), server.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.UpdateDeployment(func(d *server.Deployment) error {
		d.Campaigns, d.Units, d.Keys, d.Catalogue, d.TrustSeq = dep.Trust.Campaigns, dep.Trust.Units, dep.Trust.Keys, *dep.Catalogue, dep.Trust.Seq
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.SetDocuments(&server.Documents{Trust: dep.TrustDoc(t), TrustSeq: dep.Trust.Seq, Catalogue: dep.CatalogueDoc(t), CatalogueVersion: dep.Catalogue.Version})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, dep: dep, logs: &logBuffer{}}
	e.srv = &server.Server{Store: st, Root: dep.RootPublic(), AdminToken: "test-admin-token", Log: slog.New(slog.NewTextHandler(e.logs, nil))}
	e.http = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.http.Close)
	return e
}

// terminal is an enrolled terminal: its own database file and a cashier.
type terminal struct {
	*bolt.DB
	id string
}

// code returns a fresh one-time enrollment code for a terminal named name.
func (e *env) code(name string) string {
	e.t.Helper()
	add, err := e.srv.AddTerminal(wire.AddTerminalRequest{Store: "HF-001", Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	return add.Code
}

// enroll makes a terminal database and enrolls it through url (the
// server, or a proxy in front of it).
func (e *env) enroll(name, url string) *terminal {
	e.t.Helper()
	return e.enrollCode(name, url, e.code(name))
}

// enrollCode is enroll with a code the caller got (from another server).
func (e *env) enrollCode(name, url, code string) *terminal {
	e.t.Helper()
	db, err := bolt.Open(filepath.Join(e.t.TempDir(), name+".db"), 0o600, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { db.Close() })
	var seen string
	_, err = client.Enroll(context.Background(), db, url, code, pos.TerminalConfig{StoreName: "合肥百货大楼"},
		func(fp string) bool { seen = fp; return true }, client.Options{})
	if err != nil {
		e.t.Fatal(err)
	}
	if seen == "" {
		e.t.Fatal("the technician was not asked to confirm the root key")
	}
	if err := db.AddUser(pos.User{ID: "1001", Name: "王芳", Role: pos.RoleCashier}, "2468", "tech"); err != nil {
		e.t.Fatal(err)
	}
	db.SetOnline(true)
	return &terminal{DB: db, id: name}
}

// redeem sells one pear box against each code.
func (tm *terminal) redeem(t testing.TB, codes ...string) *bolt.Sale {
	t.Helper()
	s, err := tm.Redeem(bolt.SaleRequest{Cashier: "1001", Items: []bolt.Item{{SKU: "YX-CUILAN-250", Qty: 3}}, Codes: codes, Method: pos.PayCash})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fastOptions retry quickly, for tests.
func fastOptions(batch int) client.Options {
	return client.Options{Timeout: 500 * time.Millisecond, RetryMax: 2, RetryMin: time.Millisecond, RetryWait: 20 * time.Millisecond, BatchSize: batch}
}

func member(i int) string { return fmt.Sprintf("member-%05d", i) }
