package pos

import "testing"

func TestSettle(t *testing.T) {
	pear := Line{SKU: "PEAR", Price: 3990, Qty: 1, Eligible: true}
	tea := Line{SKU: "TEA", Price: 12800, Qty: 1, Eligible: true}
	bag := Line{SKU: "BAG", Price: 200, Qty: 1}
	v := func(campaign uint16, serial uint32, value Money) *Voucher {
		x := testVoucher()
		x.Campaign, x.Serial, x.Value = campaign, serial, value
		return x
	}
	type want struct {
		code                                 string
		total, eligible, voucher, forf, self Money
	}
	tests := []struct {
		name  string
		lines []Line
		vs    []*Voucher
		want  want
	}{
		{"self-paid only", []Line{pear, bag}, nil, want{"", 4190, 3990, 0, 0, 4190}},
		{"voucher under basket", []Line{tea}, []*Voucher{v(2020, 1, 5000)}, want{"", 12800, 12800, 5000, 0, 7800}},
		{"voucher pays only eligible lines", []Line{pear, bag}, []*Voucher{v(2020, 1, 3990)}, want{"", 4190, 3990, 3990, 0, 200}},
		{"excess forfeited", []Line{pear, bag}, []*Voucher{v(2020, 1, 10000)}, want{"", 4190, 3990, 3990, 6010, 200}},
		{"excess refused", []Line{pear}, []*Voucher{v(7, 1, 10000)}, want{code: ECHANGEREFUSED}},
		{"two vouchers, second forfeits", []Line{tea}, []*Voucher{v(2020, 1, 10000), v(2020, 2, 5000)}, want{"", 12800, 12800, 12800, 2200, 0}},
		{"three vouchers exactly", []Line{tea, pear}, []*Voucher{v(2020, 1, 10000), v(2020, 2, 5000), v(2020, 3, 1790)}, want{"", 16790, 16790, 16790, 0, 0}},
		{"nothing left for the third", []Line{pear}, []*Voucher{v(2020, 1, 3990), v(2020, 2, 100)}, want{code: ECHANGEREFUSED}},
		{"no eligible lines", []Line{bag}, []*Voucher{v(2020, 1, 100)}, want{code: ENOELIGIBLE}},
		{"empty basket", nil, []*Voucher{v(2020, 1, 100)}, want{code: ENOELIGIBLE}},
		{"same voucher twice", []Line{tea}, []*Voucher{v(2020, 1, 100), v(2020, 1, 100)}, want{code: EDUPLICATEINSALE}},
		{"zero quantity", []Line{{SKU: "X", Price: 1, Qty: 0, Eligible: true}}, nil, want{code: EINVALID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Settle(tt.lines, tt.vs, testTrust())
			if got := ErrorCode(err); got != tt.want.code {
				t.Fatalf("Settle error %v, want code %q", err, tt.want.code)
			}
			if err != nil {
				return
			}
			got := want{"", s.Total, s.Eligible, s.VoucherAmount, s.Forfeited, s.SelfPaid}
			if got != tt.want {
				t.Fatalf("Settle = %+v, want %+v", got, tt.want)
			}
			// No change and no cash, ever.
			var applied Money
			for i, a := range s.Vouchers {
				if a.Applied+a.Forfeited != a.Face || a.Applied < 0 || a.Forfeited < 0 || a.Face != tt.vs[i].Value {
					t.Errorf("voucher %d: face %s != applied %s + forfeited %s", i, a.Face, a.Applied, a.Forfeited)
				}
				applied += a.Applied
			}
			if s.SelfPaid < 0 || applied > s.Eligible || s.SelfPaid+s.VoucherAmount != s.Total {
				t.Errorf("settlement pays out: %+v", s)
			}
		})
	}
}

func TestCheckCap(t *testing.T) {
	a, b := testVoucher(), testVoucher()
	b.Serial = 43
	other := testVoucher()
	other.Serial, other.Holder = 44, HolderRef{9}
	known := func(redeemed Money) func(HolderRef, uint16) Money {
		return func(h HolderRef, c uint16) Money {
			if h == (HolderRef{}) && c == 2020 {
				return redeemed
			}
			return 0
		}
	}
	tests := []struct {
		name     string
		vs       []*Voucher
		redeemed Money
		want     string
	}{
		{"two of one member within cap", []*Voucher{a, b}, Yuan(100), ""},
		{"exactly the cap", []*Voucher{a, b}, Yuan(100), ""},
		{"one fen over", []*Voucher{a, b}, Yuan(100) + 1, ECAPEXCEEDED},
		{"already at cap", []*Voucher{a}, Yuan(300), ECAPEXCEEDED},
		{"another member unaffected", []*Voucher{other}, Yuan(300), ""},
	}
	for _, tt := range tests {
		if got := ErrorCode(CheckCap(tt.vs, testTrust(), known(tt.redeemed))); got != tt.want {
			t.Errorf("%s: CheckCap = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestValidEAN(t *testing.T) {
	tests := map[string]bool{
		"6937777001005": true, "6937777001006": false, "4006381333931": true, "96385074": true, "96385075": false,
		"693777700100": false, "69377770010055": false, "693777700100a": false, "": false,
	}
	for in, want := range tests {
		if got := ValidEAN(in); got != want {
			t.Errorf("ValidEAN(%q) = %v", in, got)
		}
	}
}
