package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/sync/client"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// instance is a second HTTP front of the env's server (another voucherd
// instance of the same deployment) that counts requests and can be made to
// answer 503.
type instance struct {
	*httptest.Server
	hits atomic.Int32
	down atomic.Bool
}

func (e *env) instance(t *testing.T) *instance {
	in := &instance{}
	h := e.srv.Handler()
	in.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in.hits.Add(1)
		if in.down.Load() {
			http.Error(w, `{"code":"internal","message":"down"}`, http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(in.Close)
	return in
}

func TestServerList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		code string
	}{
		{"https://a.example:8443/", []string{"https://a.example:8443"}, ""},
		{" https://a , http://b:80/ ,", []string{"https://a", "http://b:80"}, ""},
		{"", nil, pos.ENOTPROVISIONED},
		{"https://a,ftp://b", nil, pos.EINVALID},
		{"a.example", nil, pos.EINVALID},
	} {
		got, err := pos.ParseServers(tc.in)
		if pos.ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.code)
		}
		if len(got) != len(tc.want) {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
			}
		}
	}
}

// TestFailover: a terminal enrolled with two server URLs syncs through the
// first; when it dies the next sync goes to the second, and stays there.
func TestFailover(t *testing.T) {
	e := newEnv(t)
	a, b := e.instance(t), e.instance(t)
	tm := e.enroll("HF-001-T01", a.URL+", "+b.URL+"/")
	cfg, _ := tm.Config()
	if cfg.Server != a.URL+","+b.URL {
		t.Fatalf("stored server list %q", cfg.Server)
	}
	c, err := client.New(tm.DB, fastOptions(10))
	if err != nil {
		t.Fatal(err)
	}
	tm.redeem(t, e.dep.Code(t, member(1), pos.Yuan(100)))
	if err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if b.hits.Load() != 0 || c.Server() != a.URL {
		t.Fatalf("first sync: %d requests to the second server, current %s", b.hits.Load(), c.Server())
	}

	a.Close() // the first instance dies: connection refused
	tm.redeem(t, e.dep.Code(t, member(2), pos.Yuan(100)))
	if err := c.Sync(context.Background()); err != nil {
		t.Fatalf("sync with the first server dead: %v", err)
	}
	if c.Server() != b.URL || b.hits.Load() == 0 {
		t.Fatalf("after failover: current %s, %d requests to the second", c.Server(), b.hits.Load())
	}
	if st := c.State(); st.Queue.Count != 0 || !st.Online {
		t.Fatalf("state after failover %+v", st)
	}
	rep, err := e.srv.Report(pos.DayOf(e.dep.Now), 0)
	if err != nil || rep.Sales != 2 {
		t.Fatalf("server report %+v %v", rep, err)
	}
}

// TestFailoverOn5xxSticky: a 503 from the current server moves the client
// to the next; when the first recovers the client stays where it is, and
// so does a new client on the same terminal database.
func TestFailoverOn5xxSticky(t *testing.T) {
	e := newEnv(t)
	a, b := e.instance(t), e.instance(t)
	tm := e.enroll("HF-001-T01", a.URL+","+b.URL)
	c, err := client.New(tm.DB, fastOptions(10))
	if err != nil {
		t.Fatal(err)
	}
	a.down.Store(true)
	tm.redeem(t, e.dep.Code(t, member(1), pos.Yuan(100)))
	if err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c.Server() != b.URL {
		t.Fatalf("current %s after a 503, want %s", c.Server(), b.URL)
	}
	a.down.Store(false)
	before := a.hits.Load()
	tm.redeem(t, e.dep.Code(t, member(2), pos.Yuan(100)))
	if err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a.hits.Load() != before || c.Server() != b.URL {
		t.Errorf("not sticky: %d more requests to the first, current %s", a.hits.Load()-before, c.Server())
	}
	// A new client (the next posctl sync run, the app restarted) starts
	// with the server that answered last, kept in the terminal database.
	c2, err := client.New(tm.DB, fastOptions(10))
	if err != nil {
		t.Fatal(err)
	}
	if c2.Server() != b.URL {
		t.Fatalf("a new client starts at %s, want %s (the last that answered)", c2.Server(), b.URL)
	}
	before = a.hits.Load()
	if err := c2.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a.hits.Load() != before {
		t.Errorf("a new client sent %d requests to the first server", a.hits.Load()-before)
	}
	// Both down: the sync fails offline and the sales stay queued.
	a.down.Store(true)
	b.down.Store(true)
	tm.redeem(t, e.dep.Code(t, member(3), pos.Yuan(100)))
	err = c.Sync(context.Background())
	if err == nil || c.State().Queue.Count != 1 {
		t.Fatalf("both down: %v, queue %+v", err, c.State().Queue)
	}
}

// serverRecord returns the server's record seq of terminal.
func serverRecord(t *testing.T, e *env, terminal string, seq uint64) *server.StoredRecord {
	t.Helper()
	var r *server.StoredRecord
	err := e.srv.Store.ViewLedger(func(l server.LedgerView) error {
		var err error
		r, err = l.Record(terminal, seq)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRestoredTerminal: a terminal restored from a backup refuses to sell
// until a sync. When the server holds later records of it (sold after the
// backup) the sync says so and the block stays, and the vouchers of those
// later sales are known as redeemed; a backup as recent as the server's
// chain is released by the sync and sells on with the next receipt number.
func TestRestoredTerminal(t *testing.T) {
	e := newEnv(t)
	tm := e.enroll("HF-001-T01", e.http.URL)
	c, _ := client.New(tm.DB, fastOptions(10))
	tm.redeem(t, e.dep.Code(t, member(1), pos.Yuan(100)))
	if err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(t.TempDir(), "old.db")
	if _, err := tm.Backup(old); err != nil {
		t.Fatal(err)
	}
	later := e.dep.Code(t, member(2), pos.Yuan(100))
	tm.redeem(t, later)
	if err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	recent := filepath.Join(t.TempDir(), "recent.db")
	if _, err := tm.Backup(recent); err != nil {
		t.Fatal(err)
	}

	open := func(path string) (*bolt.DB, *client.Client) {
		db, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		db.SetOnline(true)
		rc, err := client.New(db, fastOptions(10))
		if err != nil {
			t.Fatal(err)
		}
		return db, rc
	}
	sell := func(db *bolt.DB, code string) (*bolt.Sale, error) {
		return db.Redeem(bolt.SaleRequest{Cashier: "1001", Items: []bolt.Item{{SKU: "YX-CUILAN-250", Qty: 3}}, Codes: []string{code}, Method: pos.PayCash})
	}

	// The old backup: the server holds record 2, the backup only 1.
	odb, oc := open(old)
	fresh := e.dep.Code(t, member(3), pos.Yuan(100))
	if _, err := sell(odb, fresh); pos.ErrorCode(err) != bolt.ERestored {
		t.Fatalf("sale before sync on the old backup: %v (pos/bolt appendLedger must call restoredGuard)", err)
	}
	if err := oc.Sync(context.Background()); pos.ErrorCode(err) != bolt.ERestored {
		t.Fatalf("sync of the old backup: %v, want %s", err, bolt.ERestored)
	}
	if _, err := sell(odb, fresh); pos.ErrorCode(err) != bolt.ERestored {
		t.Fatalf("sale after the refused confirmation: %v", err)
	}
	if _, err := odb.Check(later); err == nil {
		t.Error("the old backup accepts a voucher the server knows redeemed after the backup")
	}

	// The recent backup: the same chain head as the server.
	rdb, rc := open(recent)
	if _, err := sell(rdb, fresh); pos.ErrorCode(err) != bolt.ERestored {
		t.Fatalf("sale before sync on the recent backup: %v", err)
	}
	if err := rc.Sync(context.Background()); err != nil {
		t.Fatalf("sync of the recent backup: %v", err)
	}
	s, err := sell(rdb, fresh)
	if err != nil || s.Record.Seq != 3 {
		t.Fatalf("sale after sync: %+v %v", s, err)
	}
	if err := rc.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := serverRecord(t, e, "HF-001-T01", 3); r == nil || r.Result != pos.UploadAccepted || r.Entry.Hash != s.Hash {
		t.Fatalf("server record 3: %+v", r)
	}
}

// TestServerRefusesFork: a copy of a terminal that sells on from an older
// point (its mark lifted by hand) re-sends a held seq with other content:
// the server answers conflict chain_rewritten and keeps the first version.
func TestServerRefusesFork(t *testing.T) {
	e := newEnv(t)
	tm := e.enroll("HF-001-T01", e.http.URL)
	c, _ := client.New(tm.DB, fastOptions(10))
	s1 := tm.redeem(t, e.dep.Code(t, member(1), pos.Yuan(100)))
	if err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "copy.db")
	if _, err := tm.Backup(cp); err != nil {
		t.Fatal(err)
	}
	s2 := tm.redeem(t, e.dep.Code(t, member(2), pos.Yuan(100)))
	if err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}

	fork, err := bolt.Open(cp, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fork.Close()
	fork.SetOnline(true)
	if err := fork.ConfirmRestored(1, s1.Hash, "test"); err != nil { // bypass: the copy's own head is 1
		t.Fatal(err)
	}
	f2 := (&terminal{DB: fork}).redeem(t, e.dep.Code(t, member(3), pos.Yuan(100)))
	if f2.Record.Seq != 2 || f2.Record.Receipt != s2.Record.Receipt || f2.Hash == s2.Hash {
		t.Fatalf("fork record %d %s", f2.Record.Seq, f2.Record.Receipt)
	}
	fc, _ := client.New(fork, fastOptions(10))
	if err := fc.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	ins, _ := fork.Incidents()
	if len(ins) != 1 || ins[0].Seq != 2 || ins[0].Result != pos.UploadConflict || ins[0].Reason != wire.ReasonChainRewritten {
		t.Fatalf("fork incidents %+v", ins)
	}
	if r := serverRecord(t, e, "HF-001-T01", 2); r == nil || r.Entry.Hash != s2.Hash || r.Result != pos.UploadAccepted {
		t.Fatalf("server record 2 was overwritten: %+v", r)
	}
	rep, _ := e.srv.Report(pos.DayOf(e.dep.Now), 0)
	if rep.Sales != 2 {
		t.Errorf("server report counts %d sales, want 2 (the fork is not a sale)", rep.Sales)
	}
}
