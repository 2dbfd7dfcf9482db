package client_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"fupinpos/pos"
	"fupinpos/sync/client"
	"fupinpos/sync/server"
)

// backup copies e's server database; done makes a server restored from a backup copy taken now: the
// copy gets a new epoch and moved serial counters (as voucherd restore
// does), and done opens it as a new server on its own URL.
func (e *env) backup() (done func() (*server.Server, string)) {
	e.t.Helper()
	path := filepath.Join(e.t.TempDir(), "backup.db")
	f, err := os.Create(path)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.srv.Store.(*server.Bolt).Backup(f, nil); err != nil {
		e.t.Fatal(err)
	}
	f.Close()
	return func() (*server.Server, string) {
		if err := server.NewEpoch(path); err != nil {
			e.t.Fatal(err)
		}
		if _, err := server.MoveSerials(path, nil, server.RestoreSerialGap); err != nil {
			e.t.Fatal(err)
		}
		st, err := server.OpenBolt(path)
		if err != nil {
			e.t.Fatal(err)
		}
		e.t.Cleanup(func() { st.Close() })
		srv := &server.Server{Store: st, Root: e.dep.RootPublic(), AdminToken: "test-admin-token", Log: slog.New(slog.NewTextHandler(e.logs, nil))}
		h := httptest.NewServer(srv.Handler())
		e.t.Cleanup(h.Close)
		return srv, h.URL
	}
}

// TestServerRestoredFromOlderBackup: the server goes back to a backup that
// lacks a terminal's uploaded sale. The terminal, whose outbox the server
// had emptied, sends its records again from the server's position — also
// when its next sync carries a new sale, which must not become a chain gap
// — so the lost sale's voucher is redeemed again for every terminal and
// its issuance (made after the backup, learned from the signed code)
// counts toward the member's cap again.
func TestServerRestoredFromOlderBackup(t *testing.T) {
	for _, tc := range []struct {
		name    string
		newSale bool // a sale made after the restore, before the first sync
	}{{"sync", false}, {"new sale first", true}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			t1 := e.enroll("HF-001-T01", e.http.URL)
			code := e.code("HF-001-T02") // enrolled on the restored server, from the backup
			sync := func(tm *terminal, url string) *client.Client {
				t.Helper()
				o := fastOptions(0)
				o.Server = url
				c, err := client.New(tm.DB, o)
				if err != nil {
					t.Fatal(err)
				}
				if err := c.Sync(context.Background()); err != nil {
					t.Fatal(err)
				}
				return c
			}
			v1 := e.dep.Voucher(member(1), pos.Yuan(100))
			t1.redeem(t, e.dep.Sign(t, v1))
			sync(t1, e.http.URL)
			restore := e.backup()
			v2 := e.dep.Voucher(member(2), pos.Yuan(300))
			code2 := e.dep.Sign(t, v2)
			t1.redeem(t, code2)
			sync(t1, e.http.URL)
			if q, _ := t1.Queue(); q.Count != 0 {
				t.Fatalf("outbox before the restore: %+v", q)
			}

			srv, url := restore()
			want := uint64(2)
			if tc.newSale {
				t1.redeem(t, e.dep.Sign(t, e.dep.Voucher(member(3), pos.Yuan(100))))
				want = 3
			}
			c := sync(t1, url)
			if got := c.State().Stats.Rewound; got != 1 {
				t.Fatalf("records sent again: %d, want 1", got)
			}
			if q, _ := t1.Queue(); q.Count != 0 {
				t.Fatalf("outbox after the sync: %+v", q)
			}
			var head server.Head
			srv.Store.ViewLedger(func(l server.LedgerView) error { head, _ = l.Head("HF-001-T01"); return nil })
			if head.Seq != want || head.Records != int(want) {
				t.Fatalf("server head %+v, want seq %d", head, want)
			}
			if in, _ := srv.Incidents(); len(in) != 0 {
				t.Fatalf("server incidents %+v", in)
			}
			if in, _ := t1.Incidents(); len(in) != 0 {
				t.Fatalf("terminal incidents %+v", in)
			}
			is, err := srv.Store.Issued(v2.ID())
			if err != nil || is.Holder != v2.Holder || is.Value != v2.Value || is.Code != code2 {
				t.Fatalf("issuance of the voucher issued after the backup: %+v, %v", is, err)
			}
			if total, _ := srv.Store.IssuedTotal(v2.Campaign, v2.Holder); total != pos.Yuan(300) {
				t.Fatalf("member's issued total %s, want ￥300.00", total)
			}
			// Another terminal learns that the voucher is spent.
			t2 := e.enrollCode("HF-001-T02", url, code)
			sync(t2, url)
			if _, err := t2.Check(code2); pos.ErrorCode(err) != pos.EREDEEMEDELSEWHERE {
				t.Fatalf("second terminal checks the lost sale's voucher: %v", err)
			}
			// A second sync sends nothing again.
			if c := sync(t1, url); c.State().Stats.Rewound != 0 || c.State().Stats.Uploaded != 0 {
				t.Fatalf("second sync after the restore: %+v", c.State().Stats)
			}
		})
	}
}
