package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"fupinpos/pos"
)

// splitLedger is two days at two stores: baskets mixing the three origin
// kinds, an expired certification and a product outside the voucher
// scope, and on the second day a void of a sale of the first.
func splitLedger() []*pos.Record {
	pear := pos.Line{SKU: "PEAR", Name: "砀山酥梨", County: "砀山县", Price: 3990, Qty: 2, Eligible: true}
	rice := pos.Line{SKU: "RICE", Name: "贫困村大米", County: "肥东县", Price: 5000, Qty: 1, Eligible: true, Origin: pos.OriginPoorVillage}
	tea := pos.Line{SKU: "TEA", Name: "定点茶", County: "金寨县", Price: 12800, Qty: 1, Eligible: true, Origin: pos.OriginDesignated, Units: []uint32{1002}}
	honey := pos.Line{SKU: "HONEY", Name: "过期蜂蜜", County: "岳西县", Price: 6000, Qty: 1, SelfPay: pos.ReasonCertExpired, Origin: pos.OriginDesignated}
	bag := pos.Line{SKU: "BAG", Name: "购物袋", Price: 50, Qty: 1}
	v := func(unit uint32, face, applied pos.Money) pos.AppliedVoucher {
		return pos.AppliedVoucher{Unit: unit, Face: face, Applied: applied, Forfeited: face - applied}
	}
	s2 := sale(2, "2020-08-02 09:00:00", "c2", pos.PayCash, []pos.Line{tea, honey}, v(1002, 10000, 10000), v(1001, 5000, 2800))
	s2.Store = "S2"
	return []*pos.Record{
		sale(1, "2020-08-01 18:00:00", "c1", pos.PayWeChat, []pos.Line{pear, rice, bag}, v(1001, 10000, 10000)),
		s2,
		sale(3, "2020-08-02 10:00:00", "c1", pos.PayCash, []pos.Line{bag}),
		{Seq: 4, Kind: pos.KindVoid, Time: at("2020-08-02 11:00:00"), Voids: 1, Cashier: "m1", Manager: "m1", Store: "S1"},
	}
}

func rowsOf(rows []Row) string {
	var parts []string
	for _, r := range rows {
		parts = append(parts, fmt.Sprintf("%s:%d/%d/%d:%s", r.Key, r.Count, r.Qty, r.Sales-r.Voids, r.Amount.Plain()))
	}
	return strings.Join(parts, " ")
}

// TestOriginAndCertifiedSplit: goods split by origin kind (pos.Origins
// order, outside the scope last) and certified from non-certified by
// reason, voids negative, every split summing to the day's total.
func TestOriginAndCertifiedSplit(t *testing.T) {
	b := NewBuilder(Names{})
	for _, r := range splitLedger() {
		b.Add(r)
	}
	for _, tc := range []struct {
		day                     string
		certified, nonCertified pos.Money
		origin, cert, store     string
	}{
		{"2020-08-01", 7980 + 5000, 50,
			"poverty_county:1/2/1:79.80 poor_village:1/1/1:50.00 -:1/1/1:0.50",
			"certified:1/3/1:129.80 not_eligible:1/1/1:0.50",
			"S1:1/0/1:130.30"},
		// Sale 2 and 3 on the day, sale 1 voided: negative.
		{"2020-08-02", 12800 - 7980 - 5000, 6000 + 50 - 50,
			"poverty_county:-1/-2/-1:-79.80 poor_village:-1/-1/-1:-50.00 designated_point:1/2/1:188.00 -:0/0/0:0.00",
			"certified:0/-2/0:-1.80 cert_expired:1/1/1:60.00 not_eligible:0/0/0:0.00",
			"S2:1/0/1:188.00 S1:0/0/0:-129.80"},
	} {
		d := b.Day(tc.day)
		if d.Certified != tc.certified || d.NonCertified != tc.nonCertified {
			t.Errorf("%s: certified %s non-certified %s, want %s %s", tc.day, d.Certified, d.NonCertified, tc.certified, tc.nonCertified)
		}
		if d.Certified+d.NonCertified != d.Total {
			t.Errorf("%s: certified %s + non-certified %s != total %s", tc.day, d.Certified, d.NonCertified, d.Total)
		}
		for name, got := range map[string][]string{"origin": {rowsOf(d.ByOrigin), tc.origin}, "certified": {rowsOf(d.ByCertified), tc.cert}, "store": {rowsOf(d.ByStore), tc.store}} {
			if got[0] != got[1] {
				t.Errorf("%s by %s:\n got %s\nwant %s", tc.day, name, got[0], got[1])
			}
		}
		var sum pos.Money
		for _, r := range d.ByOrigin {
			sum += r.Amount
		}
		if sum != d.Total {
			t.Errorf("%s: origins sum to %s, total %s", tc.day, sum, d.Total)
		}
	}

	d := b.Day("2020-08-02")
	var txt, csvb bytes.Buffer
	if err := WriteText(&txt, d, Lang("zh_Hans")); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"认定产品", "非认定（自费）", "按产地类型", "定点扶贫点", "非贫困地区贫困村", "扶贫产品认定已过期"} {
		if !strings.Contains(txt.String(), w) {
			t.Errorf("text lacks %q:\n%s", w, txt.String())
		}
	}
	if err := WriteSummaryCSV(&csvb, d, nil); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"\n2020-08-02,按产地类型,designated_point,定点扶贫点,1,0,1,,2,188.00,,,,,0\n",
		"\n2020-08-02,按是否认定,certified,认定产品,1,1,0,,-2,-1.80,,,,,0\n",
		"\n2020-08-02,按是否认定,cert_expired,扶贫产品认定已过期,1,0,1,,1,60.00,,,,,0\n"} {
		if !strings.Contains(csvb.String(), w) {
			t.Errorf("csv lacks %q:\n%s", w, csvb.String())
		}
	}
}

// TestOnlyUnit: with a unit filter, only sales with one of its vouchers
// count, the voucher figures are the unit's alone, goods come from the
// whole basket and no sale total or self-paid amount is counted.
func TestOnlyUnit(t *testing.T) {
	for _, tc := range []struct {
		unit                          uint32
		sales, voids, vouchers        int
		total, voucher, forf, selfpd  pos.Money
		units, products, certified    string
		methods                       int
		reviewCount                   int
		reviewAmount, reviewVoucherAm pos.Money
	}{
		{0, 2, 1, 1, 18850 - 13030, 12800 - 10000, 2200, 6000 + 50 - 3030, "1002:1/0/1:100.00 1001:0/0/0:-72.00", "TEA:1/1/1:128.00", "certified:0/-2/0:-1.80", 2, 1, 4000, 3000},
		{1002, 1, 0, 1, 0, 10000, 0, 0, "1002:1/0/1:100.00", "TEA:1/1/1:128.00", "certified:1/1/1:128.00", 0, 1, 4000, 3000},
		{1001, 1, 1, 0, 0, 2800 - 10000, 2200, 0, "1001:0/0/0:-72.00", "TEA:1/1/1:128.00", "certified:0/-2/0:-1.80", 0, 1, 4000, 3000},
		{7, 0, 0, 0, 0, 0, 0, 0, "", "", "", 0, 1, 4000, 3000},
	} {
		b := NewBuilder(Names{})
		b.OnlyUnit(tc.unit)
		for _, r := range splitLedger() {
			b.Add(r)
		}
		conflict := sale(9, "2020-08-02 12:00:00", "c1", pos.PayCash, []pos.Line{{SKU: "X", Price: 4000, Qty: 1, Eligible: true}},
			pos.AppliedVoucher{Unit: 1001, Face: 3000, Applied: 3000})
		b.AddReview(conflict, "redeemed_elsewhere")
		b.AddReview(sale(10, "2020-08-01 12:00:00", "c1", pos.PayCash, nil), "redeemed_elsewhere") // another day
		d := b.Day("2020-08-02")
		got := fmt.Sprint(d.Sales, d.Voids, d.Vouchers, d.Total, d.VoucherAmount, d.Forfeited, d.SelfPaid)
		want := fmt.Sprint(tc.sales, tc.voids, tc.vouchers, tc.total, tc.voucher, tc.forf, tc.selfpd)
		if got != want {
			t.Errorf("unit %d: totals %s, want %s", tc.unit, got, want)
		}
		var products []Row
		for _, r := range d.ByProduct {
			if r.Key == "TEA" {
				products = append(products, r)
			}
		}
		if g := rowsOf(d.ByUnit); g != tc.units {
			t.Errorf("unit %d: by unit %s, want %s", tc.unit, g, tc.units)
		}
		if g := rowsOf(products); g != tc.products {
			t.Errorf("unit %d: tea %s, want %s", tc.unit, g, tc.products)
		}
		if len(d.ByCertified) > 0 && rowsOf(d.ByCertified[:1]) != tc.certified || len(d.ByCertified) == 0 && tc.certified != "" {
			t.Errorf("unit %d: certified %s, want %s first", tc.unit, rowsOf(d.ByCertified), tc.certified)
		}
		if len(d.ByMethod) != tc.methods {
			t.Errorf("unit %d: methods %+v", tc.unit, d.ByMethod)
		}
		if len(d.Review) != 1 || d.Review[0].Key != "redeemed_elsewhere" || d.Review[0].Count != tc.reviewCount ||
			d.Review[0].Amount != tc.reviewAmount || d.Review[0].Voucher != tc.reviewVoucherAm {
			t.Errorf("unit %d: review %+v", tc.unit, d.Review)
		}
	}
}

// TestCountsAreSales: 笔数 are transactions in every breakdown. Six sales
// (one of five products from one county, one paid by two vouchers of one
// unit) and a void: every row a sale touches counts it once — the origin
// kind and the certified split said 10 / 1 / 9 (basket lines) beside a
// total of 6 / 1 / 5 — and a work unit's vouchers are counted apart.
func TestCountsAreSales(t *testing.T) {
	line := func(sku string) pos.Line {
		return pos.Line{SKU: sku, Name: sku, County: "砀山县", Price: 1000, Qty: 1, Eligible: true, Origin: pos.OriginPovertyCounty}
	}
	v := pos.AppliedVoucher{Unit: 1001, Face: 1000, Applied: 1000}
	b := NewBuilder(Names{})
	b.Add(sale(1, "2020-08-20 09:00:00", "c1", pos.PayNone, []pos.Line{line("A"), line("B"), line("C"), line("D"), line("E")}, v, v))
	for i := uint64(2); i <= 6; i++ {
		b.Add(sale(i, "2020-08-20 10:00:00", "c1", pos.PayNone, []pos.Line{line("A")}, v))
	}
	b.Add(&pos.Record{Seq: 7, Kind: pos.KindVoid, Time: at("2020-08-20 11:00:00"), Voids: 6, Cashier: "m1", Manager: "m1", Store: "S1"})
	d := b.Day("2020-08-20")
	if d.Sales != 6 || d.Voids != 1 || d.Net != 5 || d.Vouchers != 6 {
		t.Fatalf("day: sales %d voids %d net %d vouchers %d", d.Sales, d.Voids, d.Net, d.Vouchers)
	}
	counts := func(r Row) string {
		return fmt.Sprintf("%d/%d/%d vouchers %d qty %d", r.Sales, r.Voids, r.Count, r.Vouchers, r.Qty)
	}
	for _, tc := range []struct {
		name string
		rows []Row
		want string
	}{
		{"origin", d.ByOrigin, "6/1/5 vouchers 0 qty 9"},
		{"certified", d.ByCertified, "6/1/5 vouchers 0 qty 9"},
		{"county", d.ByCounty, "6/1/5 vouchers 0 qty 9"},
		{"unit", d.ByUnit, "6/1/5 vouchers 6 qty 0"},
		{"cashier", d.ByCashier, "6/1/5 vouchers 0 qty 0"},
	} {
		if len(tc.rows) != 1 || counts(tc.rows[0]) != tc.want {
			t.Errorf("%s rows %+v, want one with %s", tc.name, tc.rows, tc.want)
		}
	}
	var csvb, txt bytes.Buffer
	if err := WriteSummaryCSV(&csvb, d, nil); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"2020-08-20,合计,S1,S1,6,1,5,6,,",
		"\n2020-08-20,按产地类型,poverty_county,贫困县,6,1,5,,9,90.00,",
		"\n2020-08-20,按是否认定,certified,认定产品,6,1,5,,9,90.00,",
		"\n2020-08-20,按发券单位,1001,#1001,6,1,5,6,,60.00,"} {
		if !strings.Contains(csvb.String(), w) {
			t.Errorf("csv lacks %q:\n%s", w, csvb.String())
		}
	}
	if err := WriteText(&txt, d, Lang("zh_Hans")); err != nil {
		t.Fatal(err)
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(txt.String(), "\n") {
		lines[strings.Join(strings.Fields(l), " ")] = true
	}
	for _, w := range []string{"贫困县 5 ￥90.00 -", "认定产品 5 ￥90.00 -", "#1001 5 ￥60.00 ￥60.00"} {
		if !lines[w] {
			t.Errorf("text lacks the line %q:\n%s", w, txt.String())
		}
	}
}
