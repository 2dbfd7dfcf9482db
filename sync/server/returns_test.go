package server

import (
	"testing"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// TestReturnAgreement drives /v1/return as a terminal would: a return
// uploaded without agreement is a conflict; one the server settles
// otherwise, one past a gap in the chain and an over-return are refused
// and hold nothing; an agreed return is answered the same when replayed
// and its upload is a duplicate (counted once); the return that frees the
// voucher reinstates it (valid, the member's total back to zero).
func TestReturnAgreement(t *testing.T) {
	e := newEnv(t)
	tm := e.enroll("T01", 1)
	sale := tm.sale(e.dep.Code(t, "m1", pos.Yuan(100)))
	if got := results(tm.upload(sale)); got[0] != "accepted" {
		t.Fatalf("sale: %v", got)
	}
	srec, err := pos.DecodeRecord(sale)
	if err != nil {
		t.Fatal(err)
	}
	var prior []*pos.Record
	ret := func(qty int64) *pos.Record {
		t.Helper()
		r, err := pos.Resettle(srec, prior, []pos.ReturnItem{{SKU: srec.Lines[0].SKU, Qty: qty}}, e.dep.Trust)
		if err != nil {
			t.Fatal(err)
		}
		r.Cashier, r.Manager, r.Reason = "9001", "9001", "顾客退货"
		return r
	}
	send := func(en pos.Entry) wire.ReturnResponse {
		t.Helper()
		var resp wire.ReturnResponse
		if st, werr := e.call("POST", wire.PathReturn, tm.signer(), wire.ReturnRequest{Entry: en}, &resp); st != 200 {
			t.Fatalf("return: %d %v", st, werr)
		}
		return resp
	}
	// refused seals r, expects a refusal with reason, and takes the seq back.
	refused := func(r *pos.Record, skip bool, reason string) {
		t.Helper()
		seq, prev := tm.seq, tm.prev
		if skip {
			tm.seq++
		}
		if resp := send(tm.seal(r)); resp.Result != wire.ReturnRefused || resp.Reason != reason {
			t.Fatalf("want refused %s, got %+v", reason, resp)
		}
		tm.seq, tm.prev = seq, prev
	}

	if got := results(tm.upload(tm.seal(ret(1)))); got[0] != "conflict:"+ReasonReturnUnagreed {
		t.Fatalf("unagreed return uploaded: %v", got)
	}
	tampered := ret(1)
	tampered.Method = pos.PayCash
	refused(tampered, false, pos.ESYNC)
	refused(ret(1), true, pos.ESYNC)

	agreed := tm.seal(ret(1))
	first := send(agreed)
	if first.Result != pos.UploadAccepted || first.Refund != 0 || first.Forfeited != 3990 || first.Reinstated != 0 {
		t.Fatalf("agreed return: %+v", first)
	}
	again := send(agreed)
	if again.Result != pos.UploadDuplicate || again.Seq != first.Seq || again.Forfeited != first.Forfeited {
		t.Fatalf("replayed return: %+v", again)
	}
	if got := results(tm.upload(agreed)); got[0] != "duplicate" {
		t.Fatalf("agreed return uploaded: %v", got)
	}
	r1, _ := pos.DecodeRecord(agreed)
	prior = append(prior, r1)

	over := ret(1)
	over.Lines[0].Qty, over.Total, over.Eligible, over.VoucherAmount, over.Forfeited = 2, 7980, 7980, 7980, 0
	refused(over, false, pos.ECONFLICT)

	last := send(tm.seal(ret(1)))
	if last.Result != pos.UploadAccepted || last.Reinstated != pos.Yuan(100) || len(last.Vouchers) != 1 || last.Vouchers[0] != srec.Vouchers[0].ID {
		t.Fatalf("last return: %+v", last)
	}
	v := srec.Vouchers[0]
	var status pos.VoucherStatus
	var total pos.Money
	var head Head
	e.srv.Store.ViewLedger(func(l LedgerView) error {
		status, _ = l.Status(v.ID)
		total, _ = l.RedeemedTotal(v.Campaign, v.Holder)
		head, _ = l.Head("T01")
		return nil
	})
	if status != pos.StatusValid || total != 0 || head.Seq != 4 || head.Records != 4 {
		t.Fatalf("after the returns: status %v, member total %s, head %+v", status, total, head)
	}
}

// TestSaleRoute: /v1/sale answers a signed lookup of another terminal's
// sale of the store with the sale's entry, refuses a number the server
// does not hold, and takes no unsigned request.
func TestSaleRoute(t *testing.T) {
	e := newEnv(t)
	a, b := e.enroll("T01", 1), e.enroll("T02", 2)
	sale := a.sale(e.dep.Code(t, "m1", pos.Yuan(100)))
	if got := results(a.upload(sale)); got[0] != "accepted" {
		t.Fatalf("sale: %v", got)
	}
	ask := func(receipt string) wire.SaleResponse {
		t.Helper()
		var resp wire.SaleResponse
		if st, werr := e.call("POST", wire.PathSale, b.signer(), wire.SaleRequest{Receipt: receipt}, &resp); st != 200 {
			t.Fatalf("sale %s: %d %v", receipt, st, werr)
		}
		return resp
	}
	if r := ask("T01-000001"); r.Result != wire.SaleFound || r.Sale == nil || r.Sale.Hash != sale.Hash || !r.ServerTime.Equal(e.now) {
		t.Errorf("T02 asks for T01-000001: %+v", r)
	}
	if r := ask("000001"); r.Result != wire.ReturnRefused || r.Reason != pos.ENOTFOUND || r.Params["receipt"] != "T02-000001" {
		t.Errorf("T02 asks for its own 000001: %+v", r)
	}
	if st, _ := e.call("POST", wire.PathSale, nil, wire.SaleRequest{Receipt: "T01-000001"}, nil); st != 401 {
		t.Errorf("unsigned lookup: status %d, want 401", st)
	}
}
