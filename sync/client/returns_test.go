package client_test

import (
	"cmp"
	"context"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/sync/client"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// returnSteps are the bolt steps of a return of req on tm: its sale (of
// req.SaleTerminal, else of tm) looked up at the server first.
func returnSteps(tm *terminal, req bolt.ReturnRequest) client.ReturnSteps {
	return client.ReturnSteps{
		Receipt: pos.ReceiptNumber(cmp.Or(req.SaleTerminal, tm.id), req.Sale),
		Prepare: func(known *pos.SaleReturns) (pos.Entry, error) {
			req.Known = known
			p, err := tm.PrepareReturn(req)
			if err != nil {
				return pos.Entry{}, err
			}
			return p.Entry, nil
		},
		Commit:  func(h pos.Hash) error { _, err := tm.CommitReturn(h); return err },
		Discard: func(h pos.Hash, why string) error { return tm.DiscardReturn(h, req.Manager, why) },
	}
}

func (e *env) wireTerminal(tm *terminal) *wire.Terminal {
	e.t.Helper()
	cfg, err := tm.Config()
	if err != nil {
		e.t.Fatal(err)
	}
	wt, err := e.srv.Store.Terminal(cfg.Terminal)
	if err != nil {
		e.t.Fatal(err)
	}
	return wt
}

func serverRecords(t *testing.T, e *env, id string) server.Head {
	t.Helper()
	var h server.Head
	if err := e.srv.Store.ViewLedger(func(l server.LedgerView) (err error) { h, err = l.Head(id); return err }); err != nil {
		t.Fatal(err)
	}
	return h
}

// returnSetup enrolls T01 and T02 of one store, each with manager 9001
// (PIN 1357) and a sync client, and records at T01 a sale of tea, two
// bags of pears and a bag (￥209.80) paid with a ￥100 voucher (code) and
// WeChat, not uploaded yet.
func returnSetup(t *testing.T) (e *env, a, b *terminal, ca, cb *client.Client, code string, sale *bolt.Sale) {
	t.Helper()
	e = newEnv(t)
	a, b = e.enroll("T01", e.http.URL), e.enroll("T02", e.http.URL)
	for _, tm := range []*terminal{a, b} {
		if err := tm.AddUser(pos.User{ID: "9001", Name: "李经理", Role: pos.RoleManager}, "1357", "tech"); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if ca, err = client.New(a.DB, fastOptions(100)); err != nil {
		t.Fatal(err)
	}
	if cb, err = client.New(b.DB, fastOptions(100)); err != nil {
		t.Fatal(err)
	}
	code = e.dep.Code(t, member(1), pos.Yuan(100))
	sale, err = a.Redeem(bolt.SaleRequest{Cashier: "1001", Codes: []string{code}, Method: pos.PayWeChat,
		Items: []bolt.Item{{SKU: "YX-CUILAN-250", Qty: 1}, {SKU: "DS-PEAR-5", Qty: 2}, {SKU: "BAG-ECO", Qty: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	return e, a, b, ca, cb, code, sale
}

// TestReturnOnline takes back goods of a sale still in the outbox, replays
// the agreed return (counted once), refuses an over-return and a return
// after the window on the server, and sees the reinstated voucher redeemed
// again at another terminal after its download.
func TestReturnOnline(t *testing.T) {
	e, a, b, ca, cb, code, sale := returnSetup(t)
	ctx := context.Background()
	if sale.Record.SelfPaid != 10980 || sale.Record.VoucherAmount != 10000 {
		t.Fatalf("sale %+v", sale.Record)
	}
	req := func(items ...pos.ReturnItem) bolt.ReturnRequest {
		return bolt.ReturnRequest{Sale: sale.Record.Seq, Items: items, Manager: "9001", PIN: "1357", Reason: "顾客退货"}
	}

	// The sale is still in the outbox: the return uploads it first.
	resp, err := ca.Return(ctx, returnSteps(a, req(pos.ReturnItem{SKU: "DS-PEAR-5", Qty: 2})))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Result != pos.UploadAccepted || resp.Refund != 7980 || resp.Method != pos.PayWeChat || resp.Reinstated != 0 || resp.Forfeited != 0 {
		t.Fatalf("first return answered %+v", resp)
	}
	first, err := a.Record(resp.Seq)
	if err != nil || first.Record.Kind != pos.KindReturn || first.Record.Returns != sale.Record.Seq {
		t.Fatalf("ledger record %d: %+v, %v", resp.Seq, first, err)
	}
	var entry wire.ReturnRequest
	pending, err := a.Pending(100)
	if err != nil {
		t.Fatal(err)
	}
	for _, pe := range pending {
		if pe.Hash == first.Hash {
			entry.Entry = pe
		}
	}
	if entry.Entry.Hash != first.Hash {
		t.Fatalf("the return %s is not in the outbox (%d entries)", first.Hash, len(pending))
	}

	// A replay of the agreed return is answered as before and counted once;
	// its upload through the outbox is a duplicate.
	wt := e.wireTerminal(a)
	before := serverRecords(t, e, wt.ID)
	again, err := e.srv.Return(wt, entry)
	if err != nil || again.Result != pos.UploadDuplicate || again.Refund != 7980 || again.Seq != resp.Seq {
		t.Fatalf("replay answered %+v, %v", again, err)
	}
	if n, err := ca.Upload(ctx); err != nil || n != 1 {
		t.Fatalf("upload after the return settled %d, %v", n, err)
	}
	if after := serverRecords(t, e, wt.ID); after.Records != before.Records || after.Seq != resp.Seq {
		t.Fatalf("server head %+v after the replay, %+v before", after, before)
	}

	// Over-return: the terminal refuses it, and so does the server when a
	// terminal signs one anyway.
	if _, err := a.PrepareReturn(req(pos.ReturnItem{SKU: "DS-PEAR-5", Qty: 1})); pos.ErrorCode(err) != pos.ECONFLICT {
		t.Fatalf("over-return on the terminal: %v", err)
	}
	seq, prev, _ := a.Head()
	forged := &pos.Record{Seq: seq + 1, Prev: prev, Kind: pos.KindReturn, Time: time.Now(), Store: wt.Store, Terminal: wt.ID,
		Receipt: pos.ReceiptNumber(wt.ID, seq+1), Cashier: "9001", Manager: "9001", Returns: sale.Record.Seq,
		Lines: []pos.Line{sale.Record.Lines[1]}, Total: 3990, Eligible: 3990, SelfPaid: 3990, Method: pos.PayWeChat}
	forged.Lines[0].Qty = 1
	fe, err := pos.Seal(forged, mustKey(t, a))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := e.srv.Return(wt, wire.ReturnRequest{Entry: fe}); err != nil || r.Result != wire.ReturnRefused || r.Reason != pos.ECONFLICT {
		t.Fatalf("server over-return answered %+v, %v", r, err)
	}

	// The voucher is redeemed: T02 refuses it after its download.
	if _, err := cb.Download(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Check(code); pos.ErrorCode(err) != pos.EREDEEMEDELSEWHERE {
		t.Fatalf("T02 before the return: %v", err)
	}

	// After the window the server refuses (its clock decides), and the
	// terminal keeps nothing.
	p, err := a.PrepareReturn(req(pos.ReturnItem{SKU: "YX-CUILAN-250", Qty: 1}))
	if err != nil {
		t.Fatal(err)
	}
	late := e.dep.Campaign().RedeemUntil.Add(time.Second)
	e.srv.Now = func() time.Time { return late }
	r, err := e.srv.Return(wt, wire.ReturnRequest{Entry: p.Entry})
	e.srv.Now = nil
	if err != nil || r.Result != wire.ReturnRefused || r.Reason != pos.ECAMPAIGNCLOSED {
		t.Fatalf("late return answered %+v, %v", r, err)
	}
	if err := a.DiscardReturn(p.Entry.Hash, "9001", r.Reason); err != nil {
		t.Fatal(err)
	}

	// The tea taken back: the voucher is no longer needed and comes back
	// whole; the bag keeps its self-paid ¥2.00, the rest is refunded.
	resp, err = ca.Return(ctx, returnSteps(a, req(pos.ReturnItem{SKU: "YX-CUILAN-250", Qty: 1})))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Refund != 2800 || resp.Reinstated != 10000 || len(resp.Vouchers) != 1 {
		t.Fatalf("second return answered %+v", resp)
	}
	if _, err := cb.Download(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Check(code); err != nil {
		t.Fatalf("T02 refuses the reinstated voucher: %v", err)
	}
	again2, err := b.Redeem(bolt.SaleRequest{Cashier: "1001", Codes: []string{code}, Method: pos.PayCash, Items: []bolt.Item{{SKU: "YX-CUILAN-250", Qty: 1}}})
	if err != nil || again2.Record.VoucherAmount != 10000 {
		t.Fatalf("T02 redeems the reinstated voucher: %+v, %v", again2, err)
	}
	cbres, err := cb.Upload(ctx)
	if err != nil || cbres != 1 {
		t.Fatalf("T02 upload: %d, %v", cbres, err)
	}
	var status pos.VoucherStatus
	var total pos.Money
	v := sale.Record.Vouchers[0]
	e.srv.Store.ViewLedger(func(l server.LedgerView) error {
		status, _ = l.Status(v.ID)
		total, _ = l.RedeemedTotal(v.Campaign, v.Holder)
		return nil
	})
	if status != pos.StatusRedeemedElsewhere || total != pos.Yuan(100) {
		t.Fatalf("server after the new sale: status %v, member total %s", status, total)
	}
}

// TestReturnNeedsServer: an unreachable server refuses the return and
// nothing is recorded; an answer lost after the server agreed leaves the
// return pending, which blocks sales until it is sent again.
func TestReturnNeedsServer(t *testing.T) {
	e := newEnv(t)
	a := e.enroll("T01", e.http.URL)
	if err := a.AddUser(pos.User{ID: "9001", Name: "李经理", Role: pos.RoleManager}, "1357", "tech"); err != nil {
		t.Fatal(err)
	}
	sale := a.redeem(t, e.dep.Code(t, member(1), pos.Yuan(100)))
	req := bolt.ReturnRequest{Sale: sale.Record.Seq, Items: []pos.ReturnItem{{SKU: "YX-CUILAN-250", Qty: 1}}, Manager: "9001", PIN: "1357", Reason: "质量问题"}
	opts := fastOptions(100)
	opts.Server = "http://127.0.0.1:1"
	down, err := client.New(a.DB, opts)
	if err != nil {
		t.Fatal(err)
	}
	seq, _, _ := a.Head()
	if _, err := down.Return(context.Background(), returnSteps(a, req)); pos.ErrorCode(err) != pos.ESERVEROFFLINE {
		t.Fatalf("return with the server down: %v", err)
	}
	if p, _ := a.PendingReturn(); p != nil {
		t.Fatalf("a return is pending after the server was down: %+v", p.Record)
	}
	if s, _, _ := a.Head(); s != seq {
		t.Fatalf("ledger head %d, want %d", s, seq)
	}

	// The server agrees but the answer is lost.
	up, err := client.New(a.DB, fastOptions(100))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := up.Upload(context.Background()); err != nil {
		t.Fatal(err)
	}
	p, err := a.PrepareReturn(req)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := e.srv.Return(e.wireTerminal(a), wire.ReturnRequest{Entry: p.Entry}); err != nil || r.Result != pos.UploadAccepted {
		t.Fatalf("server answered %+v, %v", r, err)
	}
	if _, err := a.Redeem(bolt.SaleRequest{Cashier: "1001", Items: []bolt.Item{{SKU: "BAG-ECO", Qty: 1}}, Method: pos.PayCash}); pos.ErrorCode(err) != pos.EReturnPending {
		t.Fatalf("sale while a return is pending: %v", err)
	}
	// The pump's next sync sends it again (Sync → ResendPendingReturn).
	if err := up.Sync(context.Background()); err != nil {
		t.Fatalf("the return sent again by the next sync: %v", err)
	}
	if p, _ := a.PendingReturn(); p != nil {
		t.Fatal("the return still waits after the server answered")
	}
	got, err := a.Record(p.Record.Seq)
	if err != nil || got.Hash != p.Entry.Hash {
		t.Fatalf("ledger holds %+v, %v; want the agreed entry %s", got, err, p.Entry.Hash)
	}
	if _, err := a.Redeem(bolt.SaleRequest{Cashier: "1001", Items: []bolt.Item{{SKU: "BAG-ECO", Qty: 1}}, Method: pos.PayCash}); err != nil {
		t.Fatalf("sale after the return: %v", err)
	}
	if _, err := up.Upload(context.Background()); err != nil {
		t.Fatal(err)
	}
	q, err := a.Queue()
	if err != nil || q.Count != 0 {
		t.Fatalf("outbox after upload: %+v, %v", q, err)
	}
}

func mustKey(t *testing.T, tm *terminal) []byte {
	t.Helper()
	k, err := tm.PrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestReturnAtOtherTerminal: goods sold at T01 come back at T02 of the
// same store through the real server: T02 looks the sale up, the server
// agrees, T02's ledger names T01's sale and its slip too; a replay counts
// once; T01 then sees T02's return (LookupSale) and may take back only
// what is left, settled on both returns.
func TestReturnAtOtherTerminal(t *testing.T) {
	e, a, b, ca, cb, code, sale := returnSetup(t)
	ctx := context.Background()

	// Not uploaded yet: the server does not know the sale.
	if _, err := cb.LookupSale(ctx, sale.Record.Receipt); pos.ErrorCode(err) != pos.ENOTFOUND {
		t.Fatalf("lookup of a sale not uploaded: %v", err)
	}
	if _, err := ca.Upload(ctx); err != nil {
		t.Fatal(err)
	}
	seq, resp, err := cb.ReturnSale(ctx, b.DB, sale.Record.Receipt, []pos.ReturnItem{{SKU: "DS-PEAR-5", Qty: 2}}, "9001", "1357", "顾客退货")
	if err != nil {
		t.Fatal(err)
	}
	if resp.Result != pos.UploadAccepted || resp.Refund != 7980 || resp.Method != pos.PayWeChat || resp.Reinstated != 0 {
		t.Fatalf("T02's return answered %+v", resp)
	}
	rec, err := b.Record(seq)
	if err != nil || rec.Record.Terminal != "T02" || rec.Record.SaleTerminal != "T01" || rec.Record.Returns != sale.Record.Seq {
		t.Fatalf("T02's ledger record %d: %+v, %v", seq, rec, err)
	}
	if rc, err := b.Receipt(seq, false, "9001"); err != nil || rc.Returns != "T01-000001" || rc.SelfPaid != 7980 {
		t.Fatalf("T02's return slip: %+v, %v", rc, err)
	}

	// A replay of T02's agreed return is answered as before, counted once.
	wb := e.wireTerminal(b)
	before := serverRecords(t, e, wb.ID)
	var entry wire.ReturnRequest
	pending, err := b.Pending(100)
	if err != nil {
		t.Fatal(err)
	}
	for _, pe := range pending {
		if pe.Hash == rec.Hash {
			entry.Entry = pe
		}
	}
	again, err := e.srv.Return(wb, entry)
	if err != nil || again.Result != pos.UploadDuplicate || again.Refund != 7980 {
		t.Fatalf("replay answered %+v, %v", again, err)
	}
	if after := serverRecords(t, e, wb.ID); after.Records != before.Records {
		t.Fatalf("server head %+v after the replay, %+v before", after, before)
	}

	// T01 learns of T02's return from the server, not from its ledger.
	known, err := ca.LookupSale(ctx, sale.Record.Receipt)
	if err != nil || known.Sale.Seq != sale.Record.Seq || len(known.Returns) != 1 || known.Returns[0].Terminal != "T02" {
		t.Fatalf("T01's lookup of its sale: %+v, %v", known, err)
	}
	if left, err := known.Returnable(); err != nil || left["DS-PEAR-5"] != 0 || left["YX-CUILAN-250"] != 1 {
		t.Fatalf("left after T02's return: %v, %v", left, err)
	}
	if _, _, err := ca.ReturnSale(ctx, a.DB, sale.Record.Receipt, []pos.ReturnItem{{SKU: "DS-PEAR-5", Qty: 1}}, "9001", "1357", "顾客退货"); pos.ErrorCode(err) != pos.ECONFLICT {
		t.Fatalf("T01 takes back pears T02 took back: %v", err)
	}
	if p, _ := a.PendingReturn(); p != nil {
		t.Fatalf("a refused return waits: %+v", p.Record)
	}
	_, resp, err = ca.ReturnSale(ctx, a.DB, sale.Record.Receipt, []pos.ReturnItem{{SKU: "YX-CUILAN-250", Qty: 1}}, "9001", "1357", "顾客退货")
	if err != nil {
		t.Fatal(err)
	}
	// The tea back too: the voucher is not needed and comes back whole;
	// the bag keeps ¥2.00 of the ¥109.80 self-paid, T02 refunded ¥79.80.
	if resp.Refund != 2800 || resp.Reinstated != pos.Yuan(100) {
		t.Fatalf("T01's return after T02's answered %+v", resp)
	}
	if _, err := cb.Download(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Check(code); err != nil {
		t.Fatalf("T02 refuses the reinstated voucher: %v", err)
	}
}

// TestReinstatedAtSellingTerminal: a return taken at T02 gives back the
// voucher of T01's sale; after T01's next sync its own "used here" mark
// yields to the server's reinstatement, so the voucher is valid at T01
// as at every other terminal.
func TestReinstatedAtSellingTerminal(t *testing.T) {
	_, a, b, ca, cb, code, sale := returnSetup(t)
	ctx := context.Background()
	if err := ca.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Check(code); pos.ErrorCode(err) != pos.EALREADYREDEEMED {
		t.Fatalf("T01 before the return: %v", err)
	}
	_, resp, err := cb.ReturnSale(ctx, b.DB, sale.Record.Receipt,
		[]pos.ReturnItem{{SKU: "YX-CUILAN-250", Qty: 1}, {SKU: "DS-PEAR-5", Qty: 2}, {SKU: "BAG-ECO", Qty: 1}}, "9001", "1357", "退")
	if err != nil || resp.Reinstated != pos.Yuan(100) {
		t.Fatalf("T02's return answered %+v, %v", resp, err)
	}
	for _, c := range []*client.Client{cb, ca} {
		if err := c.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Check(code); err != nil {
		t.Fatalf("T01 refuses the voucher T02's return reinstated: %v", err)
	}
	if _, err := b.Check(code); err != nil {
		t.Fatalf("T02 refuses the reinstated voucher: %v", err)
	}
	// T01 takes it again: the new sale marks it, and T01's next download
	// (which brings nothing new about it) leaves that mark.
	if _, err := a.Redeem(bolt.SaleRequest{Cashier: "1001", Codes: []string{code}, Method: pos.PayWeChat,
		Items: []bolt.Item{{SKU: "YX-CUILAN-250", Qty: 1}}}); err != nil {
		t.Fatalf("T01 redeems the reinstated voucher: %v", err)
	}
	if _, err := ca.Download(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Check(code); pos.ErrorCode(err) != pos.EALREADYREDEEMED {
		t.Fatalf("T01 after redeeming it again: %v", err)
	}
}
