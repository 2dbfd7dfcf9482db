package pos

import (
	"slices"
	"testing"
)

// testSale settles lines with vouchers of campaign at the given faces into
// a sale record paid by cash, seq 7.
func testSale(t *testing.T, trust *TrustList, lines []Line, campaign uint16, faces ...Money) *Record {
	t.Helper()
	var vs []*Voucher
	for i, f := range faces {
		v := testVoucher()
		v.Campaign, v.Serial, v.Value = campaign, uint32(100+i), f
		vs = append(vs, v)
	}
	s, err := Settle(lines, vs, trust)
	if err != nil {
		t.Fatal(err)
	}
	r := &Record{Seq: 7, Kind: KindSale, Receipt: "T01-000007", Terminal: "T01", Lines: lines, Total: s.Total, Eligible: s.Eligible,
		Vouchers: s.Vouchers, VoucherAmount: s.VoucherAmount, Forfeited: s.Forfeited, SelfPaid: s.SelfPaid}
	if s.SelfPaid > 0 {
		r.Method = PayCash
	}
	return r
}

func TestResettle(t *testing.T) {
	tea := Line{SKU: "TEA", Price: 12800, Qty: 1, Eligible: true}
	pear2 := Line{SKU: "PEAR", Price: 3990, Qty: 2, Eligible: true}
	pear := Line{SKU: "PEAR", Price: 3990, Qty: 1, Eligible: true}
	bag := Line{SKU: "BAG", Price: 200, Qty: 1}
	forfeitPolicy := testTrust()
	forfeitPolicy.Campaigns[0].Returns = ReturnForfeit

	type want struct {
		code                       string
		total, voucher, forf, self Money
		method                     PayMethod
		reinstated, lost           Money // ReturnAmounts
		nReinstated                int
	}
	tests := []struct {
		name     string
		trust    *TrustList
		lines    []Line
		campaign uint16
		faces    []Money
		prior    [][]ReturnItem // earlier returns, recorded in turn
		items    []ReturnItem
		want     want
	}{
		{"partial eligible line, voucher still needed: self-paid refunded", testTrust(), []Line{tea, pear2}, 2020, []Money{10000}, nil,
			[]ReturnItem{{"PEAR", 1}}, want{total: 3990, self: 3990, method: PayCash}},
		{"eligible line whole, voucher no longer needed: reinstated", testTrust(), []Line{pear, bag}, 2020, []Money{10000}, nil,
			[]ReturnItem{{"PEAR", 1}}, want{total: 3990, voucher: 3990, forf: -6010, reinstated: 10000, nReinstated: 1}},
		{"eligible line whole, campaign forfeits on return", forfeitPolicy, []Line{pear, bag}, 2020, []Money{10000}, nil,
			[]ReturnItem{{"PEAR", 1}}, want{total: 3990, voucher: 3990, forf: 3990, lost: 3990}},
		{"self-paid line: refunded by its method, vouchers untouched", testTrust(), []Line{pear, bag}, 2020, []Money{10000}, nil,
			[]ReturnItem{{"BAG", 1}}, want{total: 200, self: 200, method: PayCash}},
		{"everything: vouchers reinstated, all self-paid refunded", testTrust(), []Line{tea, pear2}, 2020, []Money{10000}, nil,
			[]ReturnItem{{"TEA", 1}, {"PEAR", 2}}, want{total: 20780, voucher: 10000, self: 10780, method: PayCash, reinstated: 10000, nReinstated: 1}},
		{"spent voucher kept whole under a refusing campaign: never cash", testTrust(), []Line{pear2}, 7, []Money{7980}, nil,
			[]ReturnItem{{"PEAR", 1}}, want{total: 3990, voucher: 3990, forf: 3990, lost: 3990}},
		{"second voucher no longer needed, first kept", testTrust(), []Line{tea, pear2}, 2020, []Money{10000, 10000}, nil,
			[]ReturnItem{{"TEA", 1}}, want{total: 12800, voucher: 12020, forf: 2020, self: 780, method: PayCash, reinstated: 10000, lost: 2020, nReinstated: 1}},
		{"after an earlier return", testTrust(), []Line{tea, pear2}, 2020, []Money{10000}, [][]ReturnItem{{{"PEAR", 1}}},
			[]ReturnItem{{"PEAR", 1}}, want{total: 3990, self: 3990, method: PayCash}},
		{"over-return", testTrust(), []Line{tea, pear2}, 2020, []Money{10000}, nil,
			[]ReturnItem{{"PEAR", 3}}, want{code: ECONFLICT}},
		{"over-return across returns: replay counted once", testTrust(), []Line{tea, pear2}, 2020, []Money{10000}, [][]ReturnItem{{{"PEAR", 2}}},
			[]ReturnItem{{"PEAR", 1}}, want{code: ECONFLICT}},
		{"unknown product", testTrust(), []Line{tea}, 2020, []Money{10000}, nil, []ReturnItem{{"RICE", 1}}, want{code: ECONFLICT}},
		{"zero quantity", testTrust(), []Line{tea}, 2020, []Money{10000}, nil, []ReturnItem{{"TEA", 0}}, want{code: EINVALID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sale := testSale(t, tt.trust, tt.lines, tt.campaign, tt.faces...)
			var prior []*Record
			for i, items := range tt.prior {
				r, err := Resettle(sale, prior, items, tt.trust)
				if err != nil {
					t.Fatal(err)
				}
				r.Seq, r.Receipt = sale.Seq+uint64(i)+1, "prior"
				prior = append(prior, r)
			}
			before, err := StateOf(sale, prior)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Resettle(sale, prior, tt.items, tt.trust)
			if got := ErrorCode(err); got != tt.want.code {
				t.Fatalf("Resettle error %v, want code %q", err, tt.want.code)
			}
			if err != nil {
				return
			}
			rein, lost := r.ReturnAmounts()
			got := want{"", r.Total, r.VoucherAmount, r.Forfeited, r.SelfPaid, r.Method, rein, lost, len(r.Reinstated)}
			if got != tt.want {
				t.Fatalf("Resettle = %+v, want %+v", got, tt.want)
			}
			// Never cash for a voucher: the refund is at most the self-paid
			// part still held, and the goods add up.
			if r.SelfPaid < 0 || r.SelfPaid > before.SelfPaid || r.Total != r.VoucherAmount+r.SelfPaid || r.Kind != KindReturn || r.Returns != sale.Seq {
				t.Errorf("return pays out: %+v (self-paid held %s)", r, before.SelfPaid)
			}
			// Replaying the return on the sale leaves a state that settles
			// exactly: vouchers face = applied + forfeited.
			after, err := StateOf(sale, append(prior, r))
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range after.Vouchers {
				if v.Applied+v.Forfeited != v.Face || v.Applied <= 0 || slices.Contains(r.Reinstated, v.ID) {
					t.Errorf("voucher %s after the return: %+v", v.ID, v)
				}
			}
		})
	}
}

func TestCheckReturnWindow(t *testing.T) {
	trust := testTrust()
	paid := testSale(t, trust, []Line{{SKU: "PEAR", Price: 3990, Qty: 1, Eligible: true}}, 2020, 3990)
	cash := testSale(t, trust, []Line{{SKU: "BAG", Price: 200, Qty: 1}}, 2020)
	tests := []struct {
		sale *Record
		now  string
		code string
	}{
		{paid, "2020-10-31 23:59:59", ""},
		{paid, "2020-11-01 00:00:00", ECAMPAIGNCLOSED},
		{paid, "2020-07-09 23:59:59", ECAMPAIGNCLOSED},
		{cash, "2020-10-31 23:59:59", ""},
		{cash, "2020-11-01 00:00:00", ECAMPAIGNCLOSED},
	}
	for _, tt := range tests {
		if got := ErrorCode(CheckReturnWindow(tt.sale, trust, at(tt.now))); got != tt.code {
			t.Errorf("return of %s at %s: code %q, want %q", tt.sale.Lines[0].SKU, tt.now, got, tt.code)
		}
	}
	trust.Campaigns[0].Returns = "cash"
	if ErrorCode(trust.Validate()) != EINVALID {
		t.Error("a return policy paying cash validated")
	}
}
