package client_test

import (
	"context"
	"strings"
	"testing"

	"fupinpos/assets"
	"fupinpos/pos"
	"fupinpos/sync/client"
	"fupinpos/sync/wire"
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

// TestIncidentDecisionReachesTerminals: a double spend is decided at the
// server (keep A: the first sale is paid); at their next sync both
// terminals hold their incident as resolved, with the decision and whether
// their own sale is paid — what posctl incidents and the manager's screen
// show. An undecided case stays open, and syncing again changes nothing.
func TestIncidentDecisionReachesTerminals(t *testing.T) {
	for _, tc := range []struct {
		keep           string
		paid1, paid2   bool
		by, note, text string
	}{
		{wire.KeepA, true, false, "alice", "first sale stands", "alice 决定：first sale stands"},
		{wire.KeepBoth, true, true, "bob", "both paid", "bob 决定：both paid"},
		{"", true, false, "", "closed", "说明：closed"},
	} {
		t.Run("keep="+tc.keep, func(t *testing.T) {
			e := newEnv(t)
			t1 := e.enroll("HF-001-T01", e.http.URL)
			t2 := e.enroll("HF-001-T02", e.http.URL)
			code := e.dep.Code(t, member(1), pos.Yuan(100))
			t1.redeem(t, code)
			t2.redeem(t, code)
			syncAll := func(tms ...*terminal) {
				t.Helper()
				for _, tm := range tms {
					c, _ := client.New(tm.DB, fastOptions(0))
					if err := c.Sync(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
			}
			syncAll(t1, t2, t1)
			for _, tm := range []*terminal{t1, t2} {
				in, _ := tm.Incidents()
				if len(in) != 1 || in[0].Resolution != nil {
					t.Fatalf("%s before the decision: %+v", tm.id, in)
				}
			}
			srvIn, _ := e.srv.Incidents()
			var err error
			if tc.keep == "" {
				_, err = e.srv.ResolveIncident(wire.ResolveRequest{Incident: srvIn[0].ID, Resolution: tc.note})
			} else {
				_, err = e.srv.DecideIncident(wire.DecideRequest{Incident: srvIn[0].ID, Keep: tc.keep, Note: tc.note, By: tc.by})
			}
			if err != nil {
				t.Fatal(err)
			}
			syncAll(t1, t2, t1, t2)
			for _, c := range []struct {
				tm   *terminal
				paid bool
			}{{t1, tc.paid1}, {t2, tc.paid2}} {
				in, _ := c.tm.Incidents()
				if len(in) != 1 || in[0].Resolution == nil {
					t.Fatalf("%s after the decision: %+v", c.tm.id, in)
				}
				r := in[0].Resolution
				if r.Keep != tc.keep || r.By != tc.by || r.Note != tc.note || r.Paid != c.paid || r.Time.IsZero() {
					t.Fatalf("%s's resolution %+v, want keep %q by %q note %q paid %v", c.tm.id, r, tc.keep, tc.by, tc.note, c.paid)
				}
				if s := assets.For("zh_Hans").Resolution(r); !strings.Contains(s, tc.text) || !strings.Contains(s, map[bool]string{true: "此笔予以结算", false: "此笔不予结算"}[c.paid]) {
					t.Fatalf("%s's resolution in words: %s", c.tm.id, s)
				}
			}
		})
	}
}
