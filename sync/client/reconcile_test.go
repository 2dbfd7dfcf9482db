package client_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/client"
)

// TestReconcileDifferences: T02 redeems a voucher first; T01 redeems
// another and then the same one, syncs, and sells once more offline. T01's
// reconciliation lists the double spend (conflict), the sale not uploaded
// and the totals; T02's agrees with the server. Alerts of the store come
// back empty (nothing suspicious).
func TestReconcileDifferences(t *testing.T) {
	e := newEnv(t)
	// The real clock: open all day, so the test never meets off-hours.
	e.srv.AlertConfig = &pos.AlertConfig{DefaultHours: "00:00-24:00"}
	t1, t2 := e.enroll("HF-001-T01", e.http.URL), e.enroll("HF-001-T02", e.http.URL)
	shared := e.dep.Sign(t, e.dep.Voucher(member(1), pos.Yuan(10)))
	t2.redeem(t, shared)
	c1, err := client.New(t1.DB, fastOptions(0))
	if err != nil {
		t.Fatal(err)
	}
	c2, err := client.New(t2.DB, fastOptions(0))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c2.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	first := t1.redeem(t, e.dep.Sign(t, e.dep.Voucher(member(2), pos.Yuan(10))))
	second := t1.redeem(t, shared)
	if err := c1.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	third := t1.redeem(t, e.dep.Sign(t, e.dep.Voucher(member(3), pos.Yuan(10))))
	day := pos.DayOf(first.Record.Time)

	rec, err := c1.Reconcile(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	want := []pos.ReconcileDiff{
		{Kind: pos.DiffConflict, Seq: 2, Receipt: second.Record.Receipt, Reason: pos.EREDEEMEDELSEWHERE},
		{Kind: pos.DiffNotUploaded, Seq: 3, Receipt: third.Record.Receipt},
	}
	if len(rec.Diffs) != 3 || !reflect.DeepEqual(rec.Diffs[:2], want) || rec.Diffs[2].Kind != pos.DiffTotals {
		t.Fatalf("diffs %+v", rec.Diffs)
	}
	if rec.Records != 3 || rec.Differences() != 2 || rec.Local.Sales != 3 || rec.Server.Sales != 1 ||
		rec.Server.VoucherAmount != first.Record.VoucherAmount {
		t.Errorf("reconciliation %+v", rec)
	}
	ok, err := c2.Reconcile(ctx, day)
	if err != nil || len(ok.Diffs) != 0 || ok.Records != 1 || ok.Local != ok.Server {
		t.Fatalf("T02: %+v %v", ok, err)
	}
	empty, err := c2.Reconcile(ctx, pos.DayOf(time.Now().AddDate(0, 0, -3)))
	if err != nil || len(empty.Diffs) != 0 || empty.Records != 0 {
		t.Fatalf("a day without records: %+v %v", empty, err)
	}
	alerts, err := c1.Alerts(ctx, day)
	if err != nil || len(alerts) != 0 {
		t.Fatalf("alerts %+v %v", alerts, err)
	}
}
