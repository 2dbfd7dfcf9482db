package report

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
)

func at(s string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, s, pos.CST)
	if err != nil {
		panic(err)
	}
	return t
}

func sale(seq uint64, when, cashier string, method pos.PayMethod, lines []pos.Line, vs ...pos.AppliedVoucher) *pos.Record {
	r := &pos.Record{Seq: seq, Kind: pos.KindSale, Time: at(when), Cashier: cashier, Store: "S1", Terminal: "T01", Lines: lines, Vouchers: vs, Method: method}
	for _, l := range lines {
		r.Total += l.Amount()
	}
	for _, v := range vs {
		r.VoucherAmount += v.Applied
		r.Forfeited += v.Forfeited
	}
	r.SelfPaid = r.Total - r.VoucherAmount
	return r
}

func TestDay(t *testing.T) {
	pear := pos.Line{SKU: "PEAR", Name: "砀山酥梨", County: "砀山县", Price: 3990, Qty: 2, Eligible: true}
	tea := pos.Line{SKU: "TEA", Name: "岳西翠兰", County: "岳西县", Price: 12800, Qty: 1, Eligible: true}
	v := func(unit uint32, face, applied pos.Money) pos.AppliedVoucher {
		return pos.AppliedVoucher{Unit: unit, Face: face, Applied: applied, Forfeited: face - applied}
	}
	b := NewBuilder(Names{Unit: func(id uint32) string { return map[uint32]string{1001: "总工会"}[id] }})
	b.Add(sale(1, "2020-08-01 23:59:59", "c1", pos.PayWeChat, []pos.Line{pear}, v(1001, 5000, 5000)))        // 7980: 5000 voucher + 2980 self
	b.Add(sale(2, "2020-08-02 00:00:00", "c1", pos.PayNone, []pos.Line{pear}, v(1001, 10000, 7980)))         // forfeits 2020
	b.Add(sale(3, "2020-08-02 09:30:00", "c2", pos.PayCash, []pos.Line{tea, pear}, v(1002, 10000, 10000)))   // 20780: 10780 self
	b.Add(&pos.Record{Seq: 4, Kind: pos.KindVoid, Time: at("2020-08-02 10:00:00"), Voids: 1, Cashier: "m1"}) // voids yesterday's sale today

	d1 := b.Day("2020-08-01")
	if d1.Sales != 1 || d1.Total != 7980 || d1.VoucherAmount != 5000 || d1.SelfPaid != 2980 {
		t.Errorf("day 1 = %+v", d1)
	}
	d := b.Day("2020-08-02")
	want := struct {
		sales, voids, vouchers       int
		total, voucher, forf, selfpd pos.Money
	}{2, 1, 1, 7980 + 20780 - 7980, 7980 + 10000 - 5000, 2020, 10780 - 2980}
	got := struct {
		sales, voids, vouchers       int
		total, voucher, forf, selfpd pos.Money
	}{d.Sales, d.Voids, d.Vouchers, d.Total, d.VoucherAmount, d.Forfeited, d.SelfPaid}
	if got != want {
		t.Fatalf("day 2 totals = %+v, want %+v", got, want)
	}
	if d.Total != d.VoucherAmount+d.SelfPaid {
		t.Errorf("total %s != voucher %s + self-paid %s", d.Total, d.VoucherAmount, d.SelfPaid)
	}
	units := map[string]Row{}
	for _, r := range d.ByUnit {
		units[r.Key] = r
	}
	if u := units["1001"]; u.Label != "总工会" || u.Count != 0 || u.Voucher != 7980-5000 || u.Forfeited != 2020 {
		t.Errorf("unit 1001 = %+v", u)
	}
	if u := units["1002"]; u.Count != 1 || u.Voucher != 10000 || u.Label != "#1002" {
		t.Errorf("unit 1002 = %+v", u)
	}
	counties := map[string]Row{}
	for _, r := range d.ByCounty {
		counties[r.Key] = r
	}
	if c := counties["砀山县"]; c.Qty != 2 || c.Amount != 7980 {
		t.Errorf("砀山县 = %+v (2 sold, 2 sold, 2 voided)", c)
	}
	if len(d.ByHour) != 3 || d.ByHour[0].Key != "00" || d.ByHour[1].Key != "09" || d.ByHour[2].Key != "10" {
		t.Errorf("hours = %+v", d.ByHour)
	}
	if empty := b.Day("2020-09-01"); empty.Sales != 0 || empty.ByUnit == nil {
		t.Errorf("empty day = %+v", empty)
	}
	if days := b.Days(); strings.Join(days, ",") != "2020-08-01,2020-08-02" {
		t.Errorf("days = %v", days)
	}

	var csvb, txt bytes.Buffer
	if err := WriteCSV(&csvb, d); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(csvb.String(), BOM+"日期,分类,编号,名称,销售笔数,作废笔数,净笔数,") {
		t.Errorf("csv header not Chinese with a BOM:\n%s", csvb.String())
	}
	if !strings.Contains(csvb.String(), "2020-08-02,合计,S1,S1,2,1,1,1,,207.80,,129.80,20.20,78.00") {
		t.Errorf("csv:\n%s", csvb.String())
	}
	if err := WriteText(&txt, d, func(k string) string { return k }); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(txt.String(), "￥207.80") || !strings.Contains(txt.String(), "岳西翠兰") {
		t.Errorf("text:\n%s", txt.String())
	}
}

// TestOneMeaning: sales, voids and net count the same way at every level,
// and a work unit's amount is the applied voucher value (what the Z report
// prints), not the face value.
func TestOneMeaning(t *testing.T) {
	pear := pos.Line{SKU: "PEAR", Name: "砀山酥梨", County: "砀山县", Price: 3990, Qty: 1, Eligible: true}
	b := NewBuilder(Names{Cashier: func(id string) string { return map[string]string{"c1": "张三", "m1": "李店长"}[id] }})
	for i := 1; i <= 6; i++ {
		b.Add(sale(uint64(i), "2020-08-20 10:00:00", "c1", pos.PayCash, []pos.Line{pear},
			pos.AppliedVoucher{Unit: 7, Face: 5000, Applied: 3990, Forfeited: 1010}))
	}
	b.Add(&pos.Record{Seq: 7, Kind: pos.KindVoid, Time: at("2020-08-20 11:00:00"), Voids: 2, Cashier: "m1", Manager: "m1", Receipt: "T01-000007"})
	d := b.Day("2020-08-20")
	if d.Sales != 6 || d.Voids != 1 || d.Net != 5 || d.Total != 5*3990 {
		t.Fatalf("day: sales %d voids %d net %d total %s", d.Sales, d.Voids, d.Net, d.Total)
	}
	for _, s := range d.Sections() {
		for _, r := range s.Rows {
			if r.Count != r.Sales-r.Voids {
				t.Errorf("%s %s: count %d != sales %d - voids %d", s.Key, r.Key, r.Count, r.Sales, r.Voids)
			}
		}
	}
	u := d.ByUnit[0]
	if u.Amount != 5*3990 || u.Voucher != u.Amount || u.Face != 5*5000 || u.Sales != 6 || u.Voids != 1 {
		t.Errorf("unit row = %+v, want amount = applied ￥199.50, face ￥250.00", u)
	}
	txs := b.Transactions("2020-08-20")
	if len(txs) != 7 || txs[6].Kind != pos.KindVoid || txs[6].Total != -3990 || txs[6].ManagerName != "李店长" || txs[0].CashierName != "张三" {
		t.Fatalf("transactions = %+v", txs)
	}
	var sum pos.Money
	for _, x := range txs {
		sum += x.Total
	}
	if sum != d.Total {
		t.Errorf("transactions sum to %s, day total %s", sum, d.Total)
	}
}

// TestCSVLanguage: headers follow the language; names sit next to ids.
func TestCSVLanguage(t *testing.T) {
	b := NewBuilder(Names{Unit: func(uint32) string { return "总工会" }, Cashier: func(string) string { return "张三" }})
	b.Add(sale(1, "2020-08-20 10:00:00", "c1", pos.PayWeChat, []pos.Line{{SKU: "PEAR", Name: "砀山酥梨", Price: 3990, Qty: 2}},
		pos.AppliedVoucher{Unit: 1001, Face: 5000, Applied: 5000}))
	d := b.Day("2020-08-20")
	if m := d.ByMethod[0]; m.Amount != 2980 || m.SelfPaid != 2980 {
		t.Errorf("method row = %+v, want amount = self-paid ￥29.80", m)
	}
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"zh_Hans", []string{BOM + "日期,分类", "按发券单位,1001,总工会,1,0,1,1,,50.00,50.00,50.00,0.00,", "按收银员,c1,张三,", "按商品,PEAR,砀山酥梨,", "自付方式,wechat,微信,"}},
		{"en", []string{BOM + "Day,Section,ID,Name,", ",c1,张三,"}},
	} {
		var buf bytes.Buffer
		if err := WriteSummaryCSV(&buf, d, Lang(tc.lang)); err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("%s: csv lacks %q:\n%s", tc.lang, w, buf.String())
			}
		}
	}
	var buf bytes.Buffer
	if err := WriteTransactionsCSV(&buf, b.Transactions("2020-08-20"), nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "2020-08-20 10:00:00,,销售,,c1,张三,,,,,1,总工会,砀山酥梨×2,79.80,50.00,29.80,0.00,微信") {
		t.Errorf("transactions csv:\n%s", buf.String())
	}
}

// TestExportRowsSayWhatTheyAre: the summary's total row names the store (its
// id under 编号, its name under 名称: it showed the terminal id and the
// store id), and a void's transaction row says 作废 under 录入方式 (it
// showed the cancelled sale's 扫码) with its vouchers negated like its
// amounts, so each column still sums to the day's figure.
func TestExportRowsSayWhatTheyAre(t *testing.T) {
	pear := pos.Line{SKU: "PEAR", Name: "砀山酥梨", County: "砀山县", Price: 3990, Qty: 1, Eligible: true}
	b := NewBuilder(Names{})
	for i := uint64(1); i <= 2; i++ {
		s := sale(i, "2020-08-20 10:00:00", "c1", pos.PayNone, []pos.Line{pear}, pos.AppliedVoucher{Unit: 7, Face: 3990, Applied: 3990})
		s.Mode = pos.EntryScan
		b.Add(s)
	}
	b.Add(&pos.Record{Seq: 3, Kind: pos.KindVoid, Time: at("2020-08-20 11:00:00"), Voids: 2, Cashier: "m1", Manager: "m1", Receipt: "T01-000003"})
	d := b.Day("2020-08-20")
	for _, tc := range []struct {
		storeName, want string
	}{
		{"合肥百货大楼", "2020-08-20,合计,S1,合肥百货大楼,2,1,1,1,"},
		{"", "2020-08-20,合计,S1,S1,2,1,1,1,"}, // no name: the id
	} {
		d.StoreName = tc.storeName
		var csvb bytes.Buffer
		if err := WriteSummaryCSV(&csvb, d, nil); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(csvb.String(), "\n"+tc.want) {
			t.Errorf("summary lacks %q:\n%s", tc.want, csvb.String())
		}
	}
	head, rows := TransactionTable(b.Transactions("2020-08-20"), nil)
	col := func(name string) int { return slices.Index(head, name) }
	mode, kind, vouchers := col("录入方式"), col("类型"), col("消费券张数")
	if mode < 0 || kind < 0 || vouchers < 0 || len(rows) != 3 {
		t.Fatalf("head %v, %d rows", head, len(rows))
	}
	var sum int64
	for i, want := range []struct {
		kind, mode string
		vouchers   int64
	}{{"销售", "扫码", 1}, {"销售", "扫码", 1}, {"作废", "作废", -1}} {
		r := rows[i]
		if r[kind].Text != want.kind || r[mode].Text != want.mode || r[vouchers].Int != want.vouchers {
			t.Errorf("row %d: kind %q mode %q vouchers %d, want %+v", i, r[kind].Text, r[mode].Text, r[vouchers].Int, want)
		}
		sum += r[vouchers].Int
	}
	if sum != int64(d.Vouchers) {
		t.Errorf("vouchers column sums to %d, day %d", sum, d.Vouchers)
	}
}
