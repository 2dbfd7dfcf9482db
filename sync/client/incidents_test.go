package client_test

import (
	"context"
	"strings"
	"testing"

	"fupinpos/pos"
	"fupinpos/sync/client"
)

// TestTripleSpendEveryTerminalTold: three offline terminals redeem one
// voucher and sync in turn with the real server on loopback. Every
// terminal's incident list (what the manager screen reads) holds one entry
// per server incident that names its sale: the first terminal two, the
// second two (its upload answer and the third's claim), the third one.
// Syncing again, and a download cursor from another server database (which
// makes the server send every incident again), add nothing.
func TestTripleSpendEveryTerminalTold(t *testing.T) {
	e := newEnv(t)
	tms := []*terminal{e.enroll("HF-001-T01", e.http.URL), e.enroll("HF-001-T02", e.http.URL), e.enroll("HF-001-T03", e.http.URL)}
	v := e.dep.Voucher(member(3), pos.Yuan(100))
	code := e.dep.Sign(t, v)
	for _, tm := range tms {
		tm.redeem(t, code)
	}
	sync := func(tm *terminal) {
		t.Helper()
		c, err := client.New(tm.DB, fastOptions(0))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for _, tm := range tms {
		sync(tm)
	}
	check := func(when string) {
		t.Helper()
		for i, want := range []int{2, 2, 1} {
			in, err := tms[i].Incidents()
			if err != nil {
				t.Fatal(err)
			}
			if len(in) != want {
				t.Fatalf("%s: %s has %d incidents, want %d: %+v", when, tms[i].id, len(in), want, in)
			}
			for _, x := range in {
				if x.Seq != 1 || x.Receipt != tms[i].id+"-000001" || x.Result != pos.UploadConflict || x.Reason != pos.EREDEEMEDELSEWHERE ||
					!strings.Contains(x.Detail, v.ID().String()) {
					t.Errorf("%s: %s incident %+v", when, tms[i].id, x)
				}
			}
		}
	}
	for _, tm := range tms {
		sync(tm)
	}
	check("after two rounds")
	if srv, _ := e.srv.Incidents(); len(srv) != 2 {
		t.Fatalf("server incidents %+v", srv)
	}
	// The first terminal's cursor is from another database now: the server
	// answers with snapshots and every incident from the start.
	if _, err := tms[0].ApplyDownload(pos.Download{Cursor: "0000000000000000.1.0"}, "test"); err != nil {
		t.Fatal(err)
	}
	sync(tms[0])
	check("after a cursor reset")
	in, _ := tms[0].Incidents()
	if !strings.Contains(in[0].Detail, "HF-001-T02-000001") || !strings.Contains(in[1].Detail, "HF-001-T03-000001") {
		t.Errorf("first terminal's incidents do not name the other sales: %+v", in)
	}
}
