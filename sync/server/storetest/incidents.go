package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// RunIncidents runs the incident review behaviours (filters by day, store
// and status, paging, resolution) against stores from open: every engine
// gives the same pages as a model that filters the list in memory.
func RunIncidents(t *testing.T, open Opener) {
	t.Run("IncidentFilters", func(t *testing.T) { testIncidentFilters(t, open) })
	t.Run("IncidentResolve", func(t *testing.T) { testIncidentResolve(t, open) })
}

// incidentFixture stores incidents across two CST days (one a microsecond
// before midnight, one at midnight) and three stores, one of whose names
// is a prefix of another's, some with claims.
func incidentFixture(t *testing.T, st server.Store) []wire.Incident {
	t.Helper()
	d1 := time.Date(2020, 9, 15, 0, 0, 0, 0, pos.CST)
	times := []time.Time{d1, d1.Add(9 * time.Hour), d1.Add(24*time.Hour - time.Microsecond), d1.Add(24 * time.Hour),
		d1.Add(30 * time.Hour), d1.Add(-time.Microsecond)}
	stores := []string{"HF-001", "HF-0010", "HF-002"}
	var want []wire.Incident
	must(t, st.UpdateLedger(func(tx server.LedgerTx) error {
		want = want[:0]
		for i := range 18 {
			in := wire.Incident{Time: times[i%len(times)].UTC(), Kind: wire.IncidentDoubleSpend, Reason: pos.EREDEEMEDELSEWHERE,
				Terminal: fmt.Sprintf("T%d", i%4), Store: stores[i%len(stores)], Seq: uint64(i + 1),
				Voucher: pos.NewVoucherID(2020, uint32(i+1)), Amount: pos.Money(100 * i), Detail: fmt.Sprintf("case %d", i)}
			if i%3 == 0 {
				in.Claims = []wire.Claim{{Terminal: "T9", Store: "HF-009", Seq: 7, Receipt: "T9-000007", Time: in.Time.Add(-time.Hour).UTC(), Counted: true},
					{Terminal: in.Terminal, Store: in.Store, Seq: in.Seq, Receipt: "R", Time: in.Time}}
			}
			id, err := tx.AddIncident(in)
			if err != nil {
				return err
			}
			in.ID = id
			want = append(want, in)
		}
		return nil
	}))
	return want
}

func testIncidentFilters(t *testing.T, open Opener) {
	st := openStore(t, open)
	if got, more, err := st.ListIncidents(server.IncidentQuery{Limit: 10}); err != nil || len(got) != 0 || more {
		t.Fatalf("empty store: %v %v %v", got, more, err)
	}
	all := incidentFixture(t, st)
	// Close every fourth case.
	at := time.Date(2020, 9, 20, 8, 0, 0, 0, time.UTC)
	for i := 0; i < len(all); i += 4 {
		in, err := st.ResolveIncident(all[i].ID, server.Resolution{Time: at, Note: "refunded"})
		must(t, err)
		all[i].Resolved, all[i].Resolution = in.Resolved, in.Resolution
	}
	model := func(q server.IncidentQuery) (page []uint64, more bool) {
		for _, in := range all {
			switch {
			case in.ID <= q.After,
				q.Day != "" && pos.DayOf(in.Time) != q.Day,
				q.Store != "" && in.Store != q.Store,
				q.Status == wire.IncidentOpen && !in.Open(),
				q.Status == wire.IncidentResolved && in.Open():
				continue
			}
			if len(page) == q.Limit {
				return page, true
			}
			page = append(page, in.ID)
		}
		return page, false
	}
	queries := 0
	for _, day := range []string{"", "2020-09-14", "2020-09-15", "2020-09-16", "2020-09-17"} {
		for _, store := range []string{"", "HF-001", "HF-0010", "HF-002", "HF-00"} {
			for _, status := range []string{"", wire.IncidentOpen, wire.IncidentResolved} {
				for _, after := range []uint64{0, 5} {
					for _, limit := range []int{2, 100} {
						q := server.IncidentQuery{Day: day, Store: store, Status: status, After: after, Limit: limit}
						got, more, err := st.ListIncidents(q)
						must(t, err)
						wantIDs, wantMore := model(q)
						var ids []uint64
						for _, in := range got {
							ids = append(ids, in.ID)
						}
						if !slices.Equal(ids, wantIDs) || more != wantMore {
							t.Errorf("%+v: ids %v more %v, want %v %v", q, ids, more, wantIDs, wantMore)
						}
						queries++
					}
				}
			}
		}
	}
	// Whole incidents, claims and resolutions included, page by page.
	var got []wire.Incident
	for after := uint64(0); ; {
		page, more, err := st.ListIncidents(server.IncidentQuery{After: after, Limit: 5})
		must(t, err)
		got = append(got, page...)
		if !more {
			break
		}
		after = page[len(page)-1].ID
	}
	if len(got) != len(all) {
		t.Fatalf("%d incidents in pages, want %d", len(got), len(all))
	}
	for i := range all {
		if a, b := fmt.Sprintf("%+v", got[i]), fmt.Sprintf("%+v", all[i]); a != b {
			t.Errorf("incident %d:\n got %s\nwant %s", i, a, b)
		}
	}
	t.Logf("%d queries agree with the model", queries)
}

func testIncidentResolve(t *testing.T, open Opener) {
	st := openStore(t, open)
	all := incidentFixture(t, st)
	at := time.Date(2020, 9, 20, 8, 0, 0, 0, pos.CST)
	in, err := st.ResolveIncident(all[2].ID, server.Resolution{Time: at, Note: "voucher refunded to the member"})
	must(t, err)
	if in.ID != all[2].ID || !in.Resolved.Equal(at) || in.Resolution != "voucher refunded to the member" || in.Detail != all[2].Detail {
		t.Errorf("resolved %+v", in)
	}
	_, err = st.ResolveIncident(all[2].ID, server.Resolution{Time: at.Add(time.Hour), Note: "again"})
	wantCode(t, err, pos.ECONFLICT)
	_, err = st.ResolveIncident(9999, server.Resolution{Time: at, Note: "x"})
	wantCode(t, err, pos.ENOTFOUND)
	// The first resolution stands; the case lists as resolved only.
	res, _, err := st.ListIncidents(server.IncidentQuery{Status: wire.IncidentResolved, Limit: 10})
	must(t, err)
	if len(res) != 1 || res[0].ID != all[2].ID || res[0].Resolution != "voucher refunded to the member" || !res[0].Resolved.Equal(at) {
		t.Errorf("resolved list %+v", res)
	}
	open2, _, err := st.ListIncidents(server.IncidentQuery{Status: wire.IncidentOpen, Limit: 100})
	must(t, err)
	if len(open2) != len(all)-1 || slices.ContainsFunc(open2, func(x wire.Incident) bool { return x.ID == all[2].ID }) {
		t.Errorf("%d open, want %d without %d", len(open2), len(all)-1, all[2].ID)
	}
	// A new incident after the resolution is indexed too.
	must(t, st.UpdateLedger(func(tx server.LedgerTx) error {
		_, err := tx.AddIncident(wire.Incident{Time: at, Kind: wire.IncidentChain, Reason: wire.ReasonChainRewritten, Terminal: "T1", Store: "HF-777", Seq: 1})
		return err
	}))
	got, _, err := st.ListIncidents(server.IncidentQuery{Store: "HF-777", Day: "2020-09-20", Status: wire.IncidentOpen, Limit: 10})
	must(t, err)
	if len(got) != 1 || got[0].ID != uint64(len(all)+1) || got[0].Kind != wire.IncidentChain {
		t.Errorf("new incident %+v", got)
	}
}
