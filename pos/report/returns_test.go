package report

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
)

// returnLedger is a sale on day 1 and a partial return on day 2, under
// the campaign's return policy: 3 pears (￥119.70) paid with a ￥50
// voucher of unit 1001, a ￥30 voucher of unit 1002 and ￥39.70 by WeChat;
// 2 pears come back, so the ￥50 voucher pays the pear kept (￥39.90, its
// ￥10.10 excess forfeited), the ￥30 voucher is no longer needed
// (reinstated, or forfeited whole) and the ￥39.70 is refunded by WeChat.
func returnLedger(t *testing.T, policy pos.ReturnPolicy) (sale, ret *pos.Record) {
	t.Helper()
	day1 := time.Date(2020, 9, 15, 10, 0, 0, 0, pos.CST)
	dep := postest.NewDeployment(t, day1)
	dep.Campaign().Returns = policy
	p := dep.Catalogue.Products[0]
	lines := []pos.Line{pos.NewLine(&p, 3)}
	v1, v2 := dep.Voucher("m1", 5000), dep.Voucher("m2", 3000)
	v2.Unit = 1002
	s, err := pos.Settle(lines, []*pos.Voucher{v1, v2}, dep.Trust)
	if err != nil {
		t.Fatal(err)
	}
	sale = &pos.Record{Seq: 1, Kind: pos.KindSale, Time: day1, Store: "S1", Terminal: "T01", Receipt: "T01-000001", Cashier: "c1",
		Mode: pos.EntryScan, Lines: lines, Total: s.Total, Eligible: s.Eligible, Vouchers: s.Vouchers, VoucherAmount: s.VoucherAmount,
		Forfeited: s.Forfeited, SelfPaid: s.SelfPaid, Method: pos.PayWeChat}
	if sale.Total != 11970 || sale.VoucherAmount != 8000 || sale.SelfPaid != 3970 || sale.Forfeited != 0 {
		t.Fatalf("sale = %+v", sale)
	}
	ret, err = pos.Resettle(sale, nil, []pos.ReturnItem{{SKU: p.SKU, Qty: 2}}, dep.Trust)
	if err != nil {
		t.Fatal(err)
	}
	ret.Seq, ret.Time, ret.Store, ret.Terminal, ret.Receipt = 2, day1.Add(24*time.Hour), "S1", "T01", "T01-000002"
	ret.Cashier, ret.Manager, ret.Reason = "m9", "m9", "顾客退货"
	return sale, ret
}

// TestReturnOnItsOwnDay counts a partial return on its own day, its
// amounts taken off every breakdown, exact to the fen, under both return
// policies; the day of the sale is unchanged; the builder fed the whole
// ledger and the day builder agree; the transactions sum to the day.
func TestReturnOnItsOwnDay(t *testing.T) {
	for _, tc := range []struct {
		policy         pos.ReturnPolicy
		forfeited      pos.Money // day 2
		vouchers       int       // day 2
		u2Face, u2Forf pos.Money // unit 1002's row on day 2
		u2Vouchers     int
	}{
		{pos.ReturnReinstate, 1010, -1, -3000, 0, -1},
		{pos.ReturnForfeit, 1010 + 3000, 0, 0, 3000, 0},
	} {
		t.Run(string(tc.policy), func(t *testing.T) {
			sale, ret := returnLedger(t, tc.policy)
			whole := NewBuilder(Names{Unit: func(id uint32) string { return map[uint32]string{1001: "总工会"}[id] }})
			whole.Add(sale)
			whole.Add(ret)
			day := NewDayBuilder(Names{Unit: func(id uint32) string { return map[uint32]string{1001: "总工会"}[id] }}, "2020-09-16")
			day.AddRecord(sale, nil) // another day: ignored
			day.AddRecord(ret, nil)

			d1 := whole.Day("2020-09-15")
			if d1.Sales != 1 || d1.Returns != 0 || d1.Total != 11970 || d1.VoucherAmount != 8000 || d1.SelfPaid != 3970 || d1.Vouchers != 2 {
				t.Errorf("day 1 = %+v", d1)
			}
			d := whole.Day("2020-09-16")
			if got := day.Day("2020-09-16"); !reflect.DeepEqual(got, d) {
				t.Errorf("day builder:\n%+v\nwhole ledger:\n%+v", got, d)
			}
			type totals struct {
				sales, voids, net, returns, vouchers           int
				total, voucher, forf, self, certified, nonCert pos.Money
			}
			want := totals{0, 0, 0, 1, tc.vouchers, -7980, -4010, tc.forfeited, -3970, -7980, 0}
			got := totals{d.Sales, d.Voids, d.Net, d.Returns, d.Vouchers, d.Total, d.VoucherAmount, d.Forfeited, d.SelfPaid, d.Certified, d.NonCertified}
			if got != want {
				t.Errorf("day 2 = %+v, want %+v", got, want)
			}
			rows := func(rs []Row) map[string]Row {
				m := map[string]Row{}
				for _, r := range rs {
					r.Label = ""
					m[r.Key] = r
				}
				return m
			}
			wantUnits := map[string]Row{
				"1001": {Key: "1001", Returns: 1, Amount: -1010, Voucher: -1010, Forfeited: 1010},
				"1002": {Key: "1002", Returns: 1, Vouchers: tc.u2Vouchers, Amount: -3000, Face: tc.u2Face, Voucher: -3000, Forfeited: tc.u2Forf},
			}
			if u := rows(d.ByUnit); !reflect.DeepEqual(u, wantUnits) {
				t.Errorf("units = %+v, want %+v", u, wantUnits)
			}
			p := sale.Lines[0]
			goods := Row{Key: p.SKU, Returns: 1, Qty: -2, Amount: -7980}
			if r := rows(d.ByProduct); !reflect.DeepEqual(r, map[string]Row{p.SKU: goods}) {
				t.Errorf("products = %+v", r)
			}
			goods.Key = p.County
			if r := rows(d.ByCounty); !reflect.DeepEqual(r, map[string]Row{p.County: goods}) {
				t.Errorf("counties = %+v", r)
			}
			goods.Key = string(p.Origin.Or())
			if r := rows(d.ByOrigin); !reflect.DeepEqual(r, map[string]Row{goods.Key: goods}) {
				t.Errorf("origins = %+v", r)
			}
			goods.Key = KeyCertified
			if r := rows(d.ByCertified); !reflect.DeepEqual(r, map[string]Row{KeyCertified: goods}) {
				t.Errorf("certified = %+v", r)
			}
			wantMethods := map[string]Row{"wechat": {Key: "wechat", Returns: 1, Amount: -3970, SelfPaid: -3970}}
			if r := rows(d.ByMethod); !reflect.DeepEqual(r, wantMethods) {
				t.Errorf("methods = %+v", r)
			}
			people := Row{Key: "m9", Returns: 1, Amount: -7980, Voucher: -4010, Forfeited: tc.forfeited, SelfPaid: -3970}
			if r := rows(d.ByCashier); !reflect.DeepEqual(r, map[string]Row{"m9": people}) {
				t.Errorf("cashiers = %+v", r)
			}
			people.Key = "S1"
			if r := rows(d.ByStore); !reflect.DeepEqual(r, map[string]Row{"S1": people}) {
				t.Errorf("stores = %+v", r)
			}

			txs := whole.Transactions("2020-09-16")
			wantTx := Tx{Seq: 2, Time: ret.Time, Receipt: "T01-000002", Kind: pos.KindReturn, Returns: "T01-000001", Cashier: "m9", CashierName: "m9",
				Manager: "m9", ManagerName: "m9", Reason: "顾客退货", Vouchers: tc.vouchers, Units: "总工会、#1002", Goods: p.Name + "×-2",
				Total: -7980, VoucherAmount: -4010, SelfPaid: -3970, Forfeited: tc.forfeited, Method: pos.PayWeChat}
			if len(txs) != 1 || !reflect.DeepEqual(txs[0], wantTx) {
				t.Errorf("transactions = %+v\nwant %+v", txs, wantTx)
			}
			_, cells := TransactionTable(txs, nil)
			if c := cells[0][len(cells[0])-1]; c.String() != "T01-000001" {
				t.Errorf("transactions sheet: returned receipt cell %q", c.String())
			}
			var txt bytes.Buffer
			if err := WriteText(&txt, d, Lang("zh_Hans")); err != nil || !strings.Contains(txt.String(), "退货笔数") {
				t.Errorf("text report lacks the returns (%v):\n%s", err, txt.String())
			}
			head, sum := SummaryTable(d, nil)
			if head[len(head)-1] != "退货笔数" || sum[0][len(sum[0])-1].Int != 1 || sum[0][9].Money != -7980 {
				t.Errorf("summary: %v / %v", head, sum[0])
			}
		})
	}
}

// TestReturnUnderOnlyUnit: a unit's settlement report counts the return
// of a sale it paid by that unit's voucher lines alone.
func TestReturnUnderOnlyUnit(t *testing.T) {
	sale, ret := returnLedger(t, pos.ReturnReinstate)
	for _, tc := range []struct {
		unit               uint32
		vouchers           int
		voucher, forfeited pos.Money
	}{
		{1001, 0, -1010, 1010},
		{1002, -1, -3000, 0},
	} {
		b := NewBuilder(Names{})
		b.OnlyUnit(tc.unit)
		b.Add(sale)
		b.Add(ret)
		d := b.Day("2020-09-16")
		if d.Returns != 1 || d.Vouchers != tc.vouchers || d.VoucherAmount != tc.voucher || d.Forfeited != tc.forfeited || d.Total != 0 || d.SelfPaid != 0 ||
			len(d.ByUnit) != 1 || d.ByUnit[0].Voucher != tc.voucher || len(d.ByMethod) != 0 {
			t.Errorf("unit %d: %+v", tc.unit, d)
		}
	}
}

// TestReturnOfOtherTerminal: a return taken at T02 of T01's sale counts in
// T02's report by its own amounts and names T01's receipt; T02's own sale
// with the same seq (paid in cash, no unit's voucher) is not taken for
// it, so a unit's report still counts the return.
func TestReturnOfOtherTerminal(t *testing.T) {
	sale, ret := returnLedger(t, pos.ReturnReinstate)
	ret.Terminal, ret.Receipt = "T02", "T02-000002"
	own := &pos.Record{Seq: 1, Kind: pos.KindSale, Time: sale.Time, Store: "S1", Terminal: "T02", Receipt: "T02-000001", Cashier: "c2",
		Lines: sale.Lines, Total: sale.Total, Eligible: sale.Eligible, SelfPaid: sale.Total, Method: pos.PayCash}
	if ret.SaleTerminal != "T01" || ret.SaleReceipt() != "T01-000001" {
		t.Fatalf("return names %q %q", ret.SaleTerminal, ret.SaleReceipt())
	}
	b := NewBuilder(Names{})
	b.OnlyUnit(1001)
	b.Add(own)
	b.Add(ret)
	if d := b.Day("2020-09-16"); d.Returns != 1 || d.VoucherAmount != -1010 || d.Forfeited != 1010 {
		t.Fatalf("unit 1001 at T02: %+v", d)
	}
	all := NewBuilder(Names{})
	all.Add(own)
	all.Add(ret)
	txs := all.Transactions("2020-09-16")
	if d := all.Day("2020-09-16"); d.Returns != 1 || d.SelfPaid != -3970 || len(txs) != 1 || txs[0].Returns != "T01-000001" {
		t.Fatalf("T02's day: %+v, transactions %+v", d, txs)
	}
}
