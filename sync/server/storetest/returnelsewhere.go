package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// testReturnElsewhere: goods of a sale made at terminal TA come back at
// TB, another terminal of the store. The server answers TB's lookup of the
// sale (server.Sale) and agrees to the return, reinstating a voucher the
// goods kept no longer need (a change in the status feed) once however
// often the return is sent; TA's later return sees TB's and may take back
// only what is left; a lookup from another store, of a voided sale or of
// no record is refused; settlement takes TB's returns off TA's paid sales;
// a void at TA of a sale TB took goods of is a conflict for review that
// releases nothing and reaches TA's download.
func testReturnElsewhere(t *testing.T, open Opener) { returnElsewhere(t, open, false) }

// testReturnElsewhereScan is testReturnElsewhere through a server that
// reads the sale's returns without the followers index (scanStore).
func testReturnElsewhereScan(t *testing.T, open Opener) { returnElsewhere(t, open, true) }

func returnElsewhere(t *testing.T, open Opener, scan bool) {
	e := newEnv(t, open)
	if scan {
		e.srv.Store = scanStore{e.st}
	}
	a, b, x := e.enroll("TA", 1), e.enroll("TB", 2), e.enrollAt("HF-002", "TX", 3)
	lookup := func(tm *term, receipt string) *wire.SaleResponse {
		t.Helper()
		resp, err := e.srv.Sale(tm.wire(), wire.SaleRequest{Receipt: receipt})
		must(t, err)
		return resp
	}
	decode := func(en pos.Entry) *pos.Record {
		t.Helper()
		r, err := pos.DecodeRecord(en)
		must(t, err)
		return r
	}
	// returnOf seals at tm the return of qty boxes of sale after prior.
	returnOf := func(tm *term, sale *pos.Record, prior []*pos.Record, qty int64) pos.Entry {
		t.Helper()
		r, err := pos.Resettle(sale, prior, []pos.ReturnItem{{SKU: sale.Lines[0].SKU, Qty: qty}}, e.dep.Trust)
		must(t, err)
		r.Cashier, r.Manager, r.Reason = "9001", "9001", "顾客退货"
		if r.SaleTerminal == tm.id {
			r.SaleTerminal = ""
		}
		return tm.seal(r)
	}
	agree := func(tm *term, en pos.Entry) *wire.ReturnResponse {
		t.Helper()
		resp, err := e.srv.Return(tm.wire(), wire.ReturnRequest{Entry: en})
		must(t, err)
		return resp
	}
	status := func(id pos.VoucherID) (st pos.VoucherStatus) {
		t.Helper()
		e.view(func(l server.LedgerView) (err error) { st, err = l.Status(id); return err })
		return st
	}
	refusedWith := func(what string, r *wire.SaleResponse, reason string) {
		t.Helper()
		if r.Result != wire.ReturnRefused || r.Reason != reason || r.Sale != nil || len(r.Returns) != 0 {
			t.Errorf("%s: %s %s %q (sale %v, %d returns), want refused %s", what, r.Result, r.Reason, r.Detail, r.Sale != nil, len(r.Returns), reason)
		}
	}

	// Sale 1 at TA: two boxes (79.80) paid by vouchers of 50 and 30 yuan.
	sale1 := a.sale(e.dep.Code(t, "m1", pos.Yuan(50)), e.dep.Code(t, "m2", pos.Yuan(30)))
	eq(t, "sale 1", fmt.Sprint(a.upload(sale1)), "[accepted]")
	s1 := decode(sale1)
	v50, v30 := s1.Vouchers[0], s1.Vouchers[1]

	found := lookup(b, "TA-000001")
	if found.Result != wire.SaleFound || found.Sale == nil || found.Sale.Hash != sale1.Hash || len(found.Returns) != 0 {
		t.Fatalf("TB looks up TA-000001: %+v", found)
	}

	// TB takes one box back: the 30-yuan voucher is no longer needed.
	var before uint64
	e.view(func(l server.LedgerView) (err error) { before, err = l.LastChange(); return err })
	e.now = e.now.Add(time.Minute)
	bret := returnOf(b, s1, nil, 1)
	if r := decode(bret); r.SaleTerminal != "TA" || r.Returns != 1 {
		t.Fatalf("TB's return names sale %s/%d", r.SaleTerminal, r.Returns)
	}
	first := agree(b, bret)
	if first.Result != pos.UploadAccepted || first.Refund != 0 || first.Reinstated != pos.Yuan(30) ||
		!slices.Equal(first.Vouchers, []pos.VoucherID{v30.ID}) || first.Forfeited != 1010 {
		t.Fatalf("TB's return: %+v", first)
	}
	eq(t, "30-yuan voucher after TB's return", status(v30.ID), pos.StatusValid)
	eq(t, "50-yuan voucher after TB's return", status(v50.ID), pos.StatusRedeemedElsewhere)
	e.view(func(l server.LedgerView) error {
		ch, _, err := l.Changes(before, 100)
		if len(ch) != 1 || ch[0].Voucher != v30.ID || ch[0].Status != pos.StatusValid {
			t.Errorf("status feed after TB's return: %+v", ch)
		}
		return err
	})
	// Replayed, by the agreement and by upload: counted once.
	if again := agree(b, bret); again.Result != pos.UploadDuplicate || again.Reinstated != first.Reinstated {
		t.Errorf("TB's return replayed: %+v", again)
	}
	eq(t, "TB's return uploaded", fmt.Sprint(b.upload(bret)), "[duplicate]")
	e.view(func(l server.LedgerView) error {
		total, err := l.RedeemedTotal(v30.Campaign, v30.Holder)
		eq(t, "m2's redeemed total", total, 0)
		last, err2 := l.LastChange()
		eq(t, "feed after the replays", last, before+1)
		h, err3 := l.Head("TB")
		eq(t, "TB's records", fmt.Sprint(h.Seq, h.Records), "1 1")
		return cmpErr(err, err2, err3)
	})

	// TA's view of its own sale holds TB's return; a return settled
	// without it (two boxes, the whole sale) is refused.
	e.now = e.now.Add(time.Minute)
	own := lookup(a, "000001")
	if own.Result != wire.SaleFound || own.Sale.Hash != sale1.Hash || len(own.Returns) != 1 || own.Returns[0].Hash != bret.Hash {
		t.Fatalf("TA looks up its sale 1: %+v", own)
	}
	stale := returnOf(a, s1, nil, 2)
	if r := agree(a, stale); r.Result != wire.ReturnRefused || r.Reason != pos.ECONFLICT {
		t.Fatalf("TA's return without TB's: %+v", r)
	}
	a.seq, a.prev = a.seq-1, decode(stale).Prev
	aret := returnOf(a, s1, []*pos.Record{decode(own.Returns[0])}, 1)
	if r := agree(a, aret); r.Result != pos.UploadAccepted || r.Reinstated != pos.Yuan(50) || !slices.Equal(r.Vouchers, []pos.VoucherID{v50.ID}) {
		t.Fatalf("TA's return after TB's: %+v", r)
	}
	eq(t, "50-yuan voucher after TA's return", status(v50.ID), pos.StatusValid)
	both := lookup(b, "TA-000001")
	if both.Result != wire.SaleFound || len(both.Returns) != 2 || both.Returns[0].Hash != bret.Hash || both.Returns[1].Hash != aret.Hash {
		t.Errorf("TB looks up TA-000001 after both returns: %+v", both)
	}
	// TB, settling on what it knew before TA's return, asks for a third box.
	if r := agree(b, returnOf(b, s1, []*pos.Record{decode(bret)}, 1)); r.Result != wire.ReturnRefused || r.Reason != pos.ECONFLICT {
		t.Errorf("a third box back: %+v", r)
	}
	b.seq--
	b.prev = bret.Hash

	// Refusals: another store's terminal, a voided sale, no such record.
	refusedWith("TX looks up TA-000001", lookup(x, "TA-000001"), pos.EReturnElsewhere)
	if r := lookup(x, "TA-000001"); r.Params["store"] != "HF-001" {
		t.Errorf("refusal to TX names store %q", r.Params["store"])
	}
	xret := returnOf(x, s1, nil, 1)
	if r := agree(x, xret); r.Result != wire.ReturnRefused || r.Reason != pos.EReturnElsewhere {
		t.Errorf("TX returns goods of TA-000001: %+v", r)
	}
	sale2 := a.sale()
	void2 := a.void(a.seq)
	eq(t, "sale 2 and its void", fmt.Sprint(a.upload(sale2, void2)), "[accepted accepted]")
	refusedWith("TB looks up the voided TA-000003", lookup(b, "TA-000003"), pos.ECONFLICT)
	refusedWith("TB looks up TA-000099", lookup(b, "TA-000099"), pos.ENOTFOUND)
	refusedWith("TB looks up TA-000004 (the void)", lookup(b, "TA-000004"), pos.ECONFLICT)
	refusedWith("TB looks up a non-number", lookup(b, "TA-x"), pos.ENOTFOUND)

	// Sale 3 at TA (a 100-yuan voucher); TB takes a box back; TA, which
	// did not know, voids the sale: a conflict that releases nothing.
	sale3 := a.sale(e.dep.Code(t, "m3", pos.Yuan(100)))
	eq(t, "sale 3", fmt.Sprint(a.upload(sale3)), "[accepted]")
	s3 := decode(sale3)
	b3 := returnOf(b, s3, nil, 1)
	if r := agree(b, b3); r.Result != pos.UploadAccepted || r.Reinstated != 0 {
		t.Fatalf("TB's return of sale 3: %+v", r)
	}
	v100 := s3.Vouchers[0]
	void3 := a.void(s3.Seq)
	eq(t, "TA voids sale 3", fmt.Sprint(a.upload(void3)), "[conflict:"+server.ReasonVoidAfterReturn+"]")
	eq(t, "voucher of sale 3 after the void", status(v100.ID), pos.StatusRedeemedElsewhere)
	e.view(func(l server.LedgerView) error {
		total, err := l.RedeemedTotal(v100.Campaign, v100.Holder)
		eq(t, "m3's redeemed total after the void", total, pos.Yuan(100))
		cl, err2 := l.Claims(v100.ID)
		if len(cl) != 1 || cl[0].Voided || !cl[0].Counted {
			t.Errorf("claims of sale 3's voucher after the void: %+v", cl)
		}
		return cmpErr(err, err2)
	})
	var in *wire.Incident
	for _, i := range e.incidents() {
		if i.Reason == server.ReasonVoidAfterReturn {
			in = &i
		}
	}
	if in == nil || in.Terminal != "TA" || in.Seq != decode(void3).Seq || !strings.Contains(in.Detail, decode(b3).Receipt) {
		t.Fatalf("incident of the void: %+v", in)
	}
	var told []string
	for _, ti := range a.download("").Incidents {
		told = append(told, fmt.Sprint(ti.Reason, " ", ti.Receipt))
	}
	eq(t, "TA is told", fmt.Sprint(told), "[void_after_return TA-000005]")
	told = nil
	for _, ti := range b.download("").Incidents {
		told = append(told, fmt.Sprint(ti.Reason, " ", ti.Receipt))
	}
	eq(t, "TB is told", fmt.Sprint(told), "[void_after_return "+decode(b3).Receipt+"]")
	// With the void refused, TB may take the other box back.
	if r := agree(b, returnOf(b, s3, []*pos.Record{decode(b3)}, 1)); r.Result != pos.UploadAccepted || r.Reinstated != pos.Yuan(100) {
		t.Fatalf("TB's second return of sale 3: %+v", r)
	}

	// Settlement: TA's paid sales 1 and 3 (79.80 each in vouchers), less
	// TB's and TA's returns of sale 1 and TB's two of sale 3 (39.90 each):
	// everything came back. TB holds no record 5 (sale 3's seq) of its own:
	// its returns of sale 3 count by TA's sale.
	day := pos.DayOf(e.now)
	e.now = e.now.AddDate(0, 0, 1) // a day is settled once it is over
	set, err := e.srv.Settlement(day, "HF-001")
	must(t, err)
	returns := 0
	for _, r := range set.Rows {
		returns += r.Returns
	}
	eq(t, "payable", set.Payable, 7980+7980-4*3990)
	eq(t, "return rows", returns, 4)
	rep, err := e.srv.Report(day, 0)
	must(t, err)
	eq(t, "report: sales voids returns", fmt.Sprint(rep.Sales, rep.Voids, rep.Returns), "3 1 4")
	eq(t, "report: voucher amount", rep.VoucherAmount, 7980+7980-4*3990)
}

// cmpErr returns the first error of errs that is not nil.
func cmpErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
