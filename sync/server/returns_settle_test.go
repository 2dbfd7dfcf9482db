package server

import (
	"reflect"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/report"
	"fupinpos/pos/voucher"
	"fupinpos/sync/wire"
)

// storedDay builds the day report of CST day from the records the server
// stores (accepted ones), as Report reads them: a return that was sent
// twice is stored, and so counted, once.
func storedDay(t *testing.T, e *env, day string) *report.Day {
	t.Helper()
	b := report.NewDayBuilder(report.Names{}, day)
	err := e.srv.Store.ViewLedger(func(l LedgerView) error {
		return dayRecords(l, day, func(terminal string, sr *StoredRecord, r *pos.Record) error {
			if sr.Result == pos.UploadAccepted {
				b.AddRecord(r, nil)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.Day(day)
}

// TestSettlementOfReturns: a sale on 15 September (3 pears, ￥119.70: a
// ￥50 voucher of unit 1001, a ￥30 voucher of unit 1002, ￥39.70 by
// WeChat) and a return of 2 pears on the 16th, agreed by the server, sent
// twice and uploaded once more. Under both return policies the settlement
// of each day, the day reports and the reconciliation totals are exact to
// the fen, the return counted once: the 16th pays the store back what the
// union no longer owes per unit (￥10.10 of unit 1001, ￥30 of unit 1002),
// so the two days together pay ￥39.90 for the pear kept.
func TestSettlementOfReturns(t *testing.T) {
	for _, tc := range []struct {
		policy    pos.ReturnPolicy
		u2        wire.SettlementRow // unit 1002 on the 16th
		forfeited pos.Money          // the 16th's forfeited change
		vouchers  int
	}{
		{pos.ReturnReinstate, wire.SettlementRow{Store: "HF-001", Unit: 1002, UnitName: "安徽省电力公司合肥供电公司", Returns: 1, Vouchers: -1, Face: -3000, Applied: -3000}, 1010, -1},
		{pos.ReturnForfeit, wire.SettlementRow{Store: "HF-001", Unit: 1002, UnitName: "安徽省电力公司合肥供电公司", Returns: 1, Applied: -3000, Forfeited: 3000}, 4010, 0},
	} {
		t.Run(string(tc.policy), func(t *testing.T) {
			e := newEnv(t)
			e.dep.Campaign().Returns = tc.policy
			if err := e.srv.Store.UpdateDeployment(func(d *Deployment) error {
				for i := range d.Campaigns {
					d.Campaigns[i].Returns = tc.policy
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			tm := e.enroll("T01", 1)
			p := e.dep.Catalogue.Products[0]
			c1, c2 := e.unitCode("m1", 1001, 5000), e.unitCode("m2", 1002, 3000)
			s := &pos.Record{Kind: pos.KindSale, Cashier: "1001", Method: pos.PayWeChat, Lines: []pos.Line{pos.NewLine(&p, 3)}}
			s.Total, s.Eligible = s.Lines[0].Amount(), s.Lines[0].Amount()
			for _, c := range []struct {
				code    string
				unit    uint32
				applied pos.Money
			}{{c1, 1001, 5000}, {c2, 1002, 3000}} {
				v, err := voucher.Decode(c.code)
				if err != nil {
					t.Fatal(err)
				}
				s.Vouchers = append(s.Vouchers, pos.AppliedVoucher{ID: v.ID(), Campaign: v.Campaign, KeyID: v.KeyID, Holder: v.Holder,
					Unit: v.Unit, Face: v.Value, Applied: c.applied, Code: c.code})
				s.VoucherAmount += c.applied
			}
			s.SelfPaid = s.Total - s.VoucherAmount
			saleEntry := tm.seal(s)
			if got := results(tm.upload(saleEntry)); got[0] != "accepted" {
				t.Fatalf("sale: %v", got)
			}
			sale, _ := pos.DecodeRecord(saleEntry)

			e.now = e.now.Add(24 * time.Hour)
			ret, err := pos.Resettle(sale, nil, []pos.ReturnItem{{SKU: p.SKU, Qty: 2}}, e.dep.Trust)
			if err != nil {
				t.Fatal(err)
			}
			ret.Cashier, ret.Manager, ret.Reason = "9001", "9001", "顾客退货"
			retEntry := tm.seal(ret)
			for i := range 2 {
				var resp wire.ReturnResponse
				want := []pos.UploadResult{pos.UploadAccepted, pos.UploadDuplicate}[i]
				if st, werr := e.call("POST", wire.PathReturn, tm.signer(), wire.ReturnRequest{Entry: retEntry}, &resp); st != 200 ||
					resp.Result != want || resp.Refund != 3970 || resp.Method != pos.PayWeChat {
					t.Fatalf("return #%d: %d %v %+v", i, st, werr, resp)
				}
			}
			if got := results(tm.upload(retEntry)); got[0] != "duplicate" {
				t.Fatalf("return uploaded: %v", got)
			}

			e.now = e.now.Add(48 * time.Hour) // both days are over
			settle := func(day string) *wire.Settlement {
				t.Helper()
				st, err := e.srv.Settlement(day, "")
				if err != nil {
					t.Fatal(err)
				}
				return st
			}
			d1, d2 := settle("2020-09-15"), settle("2020-09-16")
			want1 := []wire.SettlementRow{
				{Store: "HF-001", Unit: 1001, UnitName: "合肥市总工会机关", Sales: 1, Vouchers: 1, Face: 5000, Applied: 5000},
				{Store: "HF-001", Unit: 1002, UnitName: "安徽省电力公司合肥供电公司", Sales: 1, Vouchers: 1, Face: 3000, Applied: 3000},
			}
			if !reflect.DeepEqual(d1.Rows, want1) || d1.Payable != 8000 || len(d1.Withheld) != 0 {
				t.Errorf("15th: %+v payable %s, want %+v", d1.Rows, d1.Payable, want1)
			}
			want2 := []wire.SettlementRow{
				{Store: "HF-001", Unit: 1001, UnitName: want1[0].UnitName, Returns: 1, Applied: -1010, Forfeited: 1010},
				tc.u2,
			}
			if !reflect.DeepEqual(d2.Rows, want2) || d2.Payable != -4010 || len(d2.Withheld) != 0 {
				t.Errorf("16th: %+v payable %s, want %+v", d2.Rows, d2.Payable, want2)
			}
			if d1.Payable+d2.Payable != 3990 {
				t.Errorf("two days pay %s, want ￥39.90", d1.Payable+d2.Payable)
			}

			r1, r2 := storedDay(t, e, "2020-09-15"), storedDay(t, e, "2020-09-16")
			if r1.Sales != 1 || r1.Returns != 0 || r1.Total != 11970 || r1.VoucherAmount != 8000 || r1.SelfPaid != 3970 || r1.Vouchers != 2 {
				t.Errorf("report 15th: %+v", r1)
			}
			if r2.Sales != 0 || r2.Returns != 1 || r2.Total != -7980 || r2.VoucherAmount != -4010 || r2.SelfPaid != -3970 ||
				r2.Forfeited != tc.forfeited || r2.Vouchers != tc.vouchers || len(r2.ByMethod) != 1 || r2.ByMethod[0].SelfPaid != -3970 {
				t.Errorf("report 16th: %+v", r2)
			}
			if r1.VoucherAmount+r2.VoucherAmount != d1.Payable+d2.Payable {
				t.Errorf("report and settlement disagree: %s + %s vs %s + %s", r1.VoucherAmount, r2.VoucherAmount, d1.Payable, d2.Payable)
			}

			rc, err := e.srv.Reconcile(&wire.Terminal{ID: "T01"}, wire.ReconcileRequest{Day: "2020-09-16", From: 2, To: 2})
			if err != nil {
				t.Fatal(err)
			}
			if (rc.Totals != pos.ReconcileTotals{Returns: 1, Total: -7980, VoucherAmount: -4010}) {
				t.Errorf("reconcile 16th: %+v", rc.Totals)
			}
		})
	}
}
