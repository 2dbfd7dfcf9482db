package server

import (
	"testing"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// TestReconcileEndpoint: the server answers for the records it holds of
// the asked range (accepted, conflict), not for the one never uploaded,
// and totals only the accepted ones; a bad range is refused.
func TestReconcileEndpoint(t *testing.T) {
	e := newEnv(t)
	a1, b1 := e.enrollAt("A1", "HF-001", 51), e.enrollAt("B1", "HF-002", 52)
	twice := e.unitCode("m1", 1001, 2000)
	b1.upload(b1.sale(twice))
	s1, s2 := a1.sale(e.unitCode("m2", 1001, 5000)), a1.sale(twice)
	a1.sale(e.unitCode("m3", 1001, 5000)) // seq 3, kept on the terminal
	if got := results(a1.upload(s1, s2)); got[1] != "conflict:"+pos.EREDEEMEDELSEWHERE {
		t.Fatalf("upload %v", got)
	}
	var resp wire.ReconcileResponse
	if st, werr := e.call("POST", wire.PathReconcile, a1.signer(), wire.ReconcileRequest{Day: "2020-09-15", From: 1, To: 3}, &resp); st != 200 {
		t.Fatalf("reconcile: %d %v", st, werr)
	}
	want := []wire.ReconcileRecord{{Seq: 1, Result: pos.UploadAccepted, Day: "2020-09-15"},
		{Seq: 2, Result: pos.UploadConflict, Reason: pos.EREDEEMEDELSEWHERE, Day: "2020-09-15"}}
	if resp.Terminal != "A1" || len(resp.Records) != 2 || resp.Records[0] != want[0] || resp.Records[1] != want[1] {
		t.Fatalf("records %+v", resp)
	}
	if (resp.Totals != pos.ReconcileTotals{Sales: 1, Total: 7980, VoucherAmount: 5000}) {
		t.Errorf("totals %+v", resp.Totals)
	}
	for _, bad := range []wire.ReconcileRequest{{Day: "2020-9-15", From: 1, To: 1}, {Day: "2020-09-15", From: 3, To: 1},
		{Day: "2020-09-15", From: 1, To: wire.MaxReconcileRecords + 1}} {
		if st, werr := e.call("POST", wire.PathReconcile, a1.signer(), bad, nil); st != 400 || werr.Code != pos.EINVALID {
			t.Errorf("%+v: %d %v", bad, st, werr)
		}
	}
}
