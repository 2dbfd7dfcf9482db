package bolt_test

import (
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/postest"
	"fupinpos/sync/client"
)

var _ client.ReturnStore = (*bolt.DB)(nil)

// TestReturnSteps: a return needs a manager and a reason; it is prepared
// aside (nothing in the ledger, sales blocked), retried as the same entry,
// committed as exactly that entry (outbox, index, audit, the reinstated
// voucher usable here again) or discarded; another day inside the window
// works, a voided sale and a sale past the window do not.
func TestReturnSteps(t *testing.T) {
	f := newFixture(t, func(d *postest.Deployment) { d.Trust.Expires = d.Campaign().RedeemUntil.AddDate(0, 1, 0) })
	code := f.dep.Code(t, "m1", pos.Yuan(100))
	s := f.MustRedeem(t, sale(pos.PayAlipay, []string{code}, item("YX-CUILAN-250", 1), item("BAG-ECO", 2)))
	req := bolt.ReturnRequest{Sale: s.Record.Seq, Items: []pos.ReturnItem{{SKU: "YX-CUILAN-250", Qty: 1}}, Manager: manager, PIN: managerPIN, Reason: "坏果"}

	bad := req
	bad.Manager, bad.PIN = cashier, cashierPIN
	_, err := f.PrepareReturn(bad)
	wantCode(t, err, pos.EFORBIDDEN)
	bad = req
	bad.Reason = ""
	_, err = f.PrepareReturn(bad)
	wantCode(t, err, pos.EINVALID)

	f.clock.Advance(26 * time.Hour) // another day
	p, err := f.PrepareReturn(req)
	if err != nil {
		t.Fatal(err)
	}
	if seq, _, _ := f.Head(); seq != 1 || p.Record.Seq != 2 {
		t.Fatalf("prepared %d with the ledger at %d", p.Record.Seq, seq)
	}
	_, err = f.Redeem(sale(pos.PayCash, nil, item("BAG-ECO", 1)))
	wantCode(t, err, pos.EReturnPending)
	other := req
	other.Items = []pos.ReturnItem{{SKU: "BAG-ECO", Qty: 1}}
	_, err = f.PrepareReturn(other)
	wantCode(t, err, pos.ECONFLICT)
	again, err := f.PrepareReturn(req)
	if err != nil || again.Entry.Hash != p.Entry.Hash {
		t.Fatalf("retry prepared %v, %v; want the same entry", again, err)
	}
	r := p.Record
	rein, lost := r.ReturnAmounts()
	if r.Kind != pos.KindReturn || r.Total != 12800 || r.SelfPaid != 2800 || r.Method != pos.PayAlipay || rein != pos.Yuan(100) || lost != 0 {
		t.Fatalf("prepared return %+v", r)
	}

	if _, err := f.CommitReturn(pos.Hash{1}); pos.ErrorCode(err) != pos.ENOTFOUND {
		t.Fatalf("commit of another hash: %v", err)
	}
	c, err := f.CommitReturn(p.Entry.Hash)
	if err != nil || c.Hash != p.Entry.Hash || c.Record.Seq != 2 {
		t.Fatalf("commit: %+v, %v", c, err)
	}
	if sr, err := f.SaleReturns(s.Record.Seq); err != nil || len(sr.Returns) != 1 || sr.Returns[0].Seq != 2 {
		t.Fatalf("returns of the sale: %+v, %v", sr, err)
	}
	if q, _ := f.Queue(); q.Count != 2 {
		t.Fatalf("outbox %+v, want the sale and the return", q)
	}
	if _, err := f.Check(code); err != nil {
		t.Fatalf("the reinstated voucher is refused here: %v", err)
	}
	f.MustRedeem(t, sale(pos.PayCash, nil, item("BAG-ECO", 1)))
	_, err = f.Void(s.Record.Seq, manager, managerPIN, "错单")
	wantCode(t, err, pos.ECONFLICT) // goods of it came back: no void on top

	// A refused return leaves nothing; a voided sale cannot be returned.
	p, err = f.PrepareReturn(bolt.ReturnRequest{Sale: s.Record.Seq, Items: []pos.ReturnItem{{SKU: "BAG-ECO", Qty: 2}}, Manager: manager, PIN: managerPIN, Reason: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.DiscardReturn(p.Entry.Hash, manager, pos.ECAMPAIGNCLOSED); err != nil {
		t.Fatal(err)
	}
	if pr, _ := f.PendingReturn(); pr != nil {
		t.Fatal("a discarded return is still pending")
	}
	s2 := f.MustRedeem(t, sale(pos.PayCash, nil, item("BAG-ECO", 1)))
	if _, err := f.Void(s2.Record.Seq, manager, managerPIN, "错单"); err != nil {
		t.Fatal(err)
	}
	_, err = f.PrepareReturn(bolt.ReturnRequest{Sale: s2.Record.Seq, Items: []pos.ReturnItem{{SKU: "BAG-ECO", Qty: 1}}, Manager: manager, PIN: managerPIN, Reason: "x"})
	wantCode(t, err, pos.ECONFLICT)

	// Past the window (by a clock the terminal trusts) it refuses before
	// asking the server.
	f.clock.Set(f.dep.Campaign().RedeemUntil.Add(time.Second))
	if _, err := f.RecordSync(f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	_, err = f.PrepareReturn(bolt.ReturnRequest{Sale: s.Record.Seq, Items: []pos.ReturnItem{{SKU: "BAG-ECO", Qty: 1}}, Manager: manager, PIN: managerPIN, Reason: "x"})
	wantCode(t, err, pos.ECAMPAIGNCLOSED)
}

// TestReturnable: what is left to take back of a sale is its quantities
// less the returns recorded against it, per SKU (lines of one SKU summed);
// a voided sale has nothing to take back (refused); an unknown seq is not
// found.
func TestReturnable(t *testing.T) {
	f := newFixture(t, nil)
	s := f.MustRedeem(t, sale(pos.PayCash, nil, item("YX-CUILAN-250", 1), item("BAG-ECO", 2), item("BAG-ECO", 1)))
	left := func(seq uint64) map[string]int64 {
		t.Helper()
		sr, err := f.SaleReturns(seq)
		if err != nil {
			t.Fatal(err)
		}
		m, err := sr.Returnable()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	want := func(got map[string]int64, cuilan, bag int64) {
		t.Helper()
		if len(got) != 2 || got["YX-CUILAN-250"] != cuilan || got["BAG-ECO"] != bag {
			t.Fatalf("returnable %v, want YX-CUILAN-250 %d, BAG-ECO %d", got, cuilan, bag)
		}
	}
	want(left(s.Record.Seq), 1, 3)
	for _, items := range [][]pos.ReturnItem{{{SKU: "BAG-ECO", Qty: 2}}, {{SKU: "BAG-ECO", Qty: 1}, {SKU: "YX-CUILAN-250", Qty: 1}}} {
		p, err := f.PrepareReturn(bolt.ReturnRequest{Sale: s.Record.Seq, Items: items, Manager: manager, PIN: managerPIN, Reason: "x"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.CommitReturn(p.Entry.Hash); err != nil {
			t.Fatal(err)
		}
		if items[0].Qty == 2 {
			want(left(s.Record.Seq), 1, 1)
		}
	}
	want(left(s.Record.Seq), 0, 0)

	s2 := f.MustRedeem(t, sale(pos.PayCash, nil, item("YX-CUILAN-250", 2), item("BAG-ECO", 1)))
	want(left(s2.Record.Seq), 2, 1)
	if _, err := f.Void(s2.Record.Seq, manager, managerPIN, "错单"); err != nil {
		t.Fatal(err)
	}
	_, err := f.SaleReturns(s2.Record.Seq)
	wantCode(t, err, pos.ECONFLICT)
	if _, err := f.SaleReturns(999); pos.ErrorCode(err) != pos.ENOTFOUND {
		t.Fatalf("returnable of no record: %v", err)
	}
}

// TestReturnOtherTerminalSale: goods sold at another terminal of the store
// come back here on the sale the server answered (Known): the return
// names that terminal's sale, never this terminal's sale of the same seq,
// and its slip says so. Without the server's answer, for another store or
// for a different record, nothing is prepared; a sale of this terminal is
// settled on the returns the server knows of, taken at other terminals
// too.
func TestReturnOtherTerminalSale(t *testing.T) {
	f := newFixture(t, nil)
	own := f.MustRedeem(t, sale(pos.PayCash, nil, item("BAG-ECO", 3)))
	cfg, err := f.Config()
	if err != nil {
		t.Fatal(err)
	}
	// T02's sale 1: the same goods, as the server holds it.
	theirs := *own.Record
	theirs.Terminal, theirs.Receipt = "T02", "T02-000001"
	known := &pos.SaleReturns{Sale: &theirs}
	req := bolt.ReturnRequest{Sale: 1, SaleTerminal: "T02", Items: []pos.ReturnItem{{SKU: "BAG-ECO", Qty: 2}}, Manager: manager, PIN: managerPIN, Reason: "顾客退货"}

	_, err = f.PrepareReturn(req)
	wantCode(t, err, pos.ESERVEROFFLINE)
	elsewhere := theirs
	elsewhere.Store = cfg.Store + "-X"
	bad := req
	bad.Known = &pos.SaleReturns{Sale: &elsewhere}
	_, err = f.PrepareReturn(bad)
	wantCode(t, err, pos.EReturnElsewhere)
	wrong := theirs
	wrong.Seq = 2
	bad.Known = &pos.SaleReturns{Sale: &wrong}
	_, err = f.PrepareReturn(bad)
	wantCode(t, err, pos.ESYNC)

	req.Known = known
	p, err := f.PrepareReturn(req)
	if err != nil {
		t.Fatal(err)
	}
	r := p.Record
	if r.Terminal != cfg.Terminal || r.SaleTerminal != "T02" || r.Returns != 1 || r.Seq != 2 || r.SelfPaid != 2*own.Record.Lines[0].Price || r.Method != pos.PayCash {
		t.Fatalf("prepared %+v", r)
	}
	if _, err := f.CommitReturn(p.Entry.Hash); err != nil {
		t.Fatal(err)
	}
	sr, err := f.SaleReturns(own.Record.Seq)
	if err != nil || len(sr.Returns) != 0 {
		t.Fatalf("T02's return is indexed under this terminal's sale %d: %+v, %v", own.Record.Seq, sr, err)
	}
	if left, err := sr.Returnable(); err != nil || left["BAG-ECO"] != 3 {
		t.Fatalf("this terminal's sale left %v, %v", left, err)
	}
	rc, err := f.Receipt(r.Seq, false, manager)
	if err != nil || rc.Returns != "T02-000001" {
		t.Fatalf("return slip names %q, %v", rc.Returns, err)
	}

	// This terminal's own sale, of which the server knows a return taken at
	// T03: two of three are back already.
	trust, err := f.Trust()
	if err != nil {
		t.Fatal(err)
	}
	at3, err := pos.Resettle(own.Record, nil, []pos.ReturnItem{{SKU: "BAG-ECO", Qty: 2}}, trust)
	if err != nil {
		t.Fatal(err)
	}
	at3.Terminal, at3.Seq, at3.Receipt = "T03", 7, "T03-000007"
	mine := bolt.ReturnRequest{Sale: own.Record.Seq, Known: &pos.SaleReturns{Sale: own.Record, Returns: []*pos.Record{at3}},
		Items: []pos.ReturnItem{{SKU: "BAG-ECO", Qty: 2}}, Manager: manager, PIN: managerPIN, Reason: "顾客退货"}
	_, err = f.PrepareReturn(mine)
	wantCode(t, err, pos.ECONFLICT)
	mine.Items[0].Qty = 1
	p, err = f.PrepareReturn(mine)
	if err != nil || p.Record.SaleTerminal != "" || p.Record.Returns != own.Record.Seq || p.Record.Lines[0].Qty != 1 {
		t.Fatalf("own sale's last unit: %+v, %v", p, err)
	}
}
