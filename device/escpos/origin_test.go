package escpos

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fupinpos/assets"
	"fupinpos/pos"
)

// originReceipt is a sale laid out by pos.NewReceipt from a ledger record:
// a certified poverty-county line, a poor-village line, a designated-point
// line of the voucher's unit (paid), one of another unit (not payable by
// the voucher), a line whose certification expired (self-pay only) and a
// shopping bag (not eligible). One voucher of unit 1001.
func originReceipt() *pos.Receipt {
	at := time.Date(2020, 10, 8, 10, 30, 0, 0, pos.CST)
	p := []pos.Product{
		{SKU: "JZ-KIWI-12", Name: "金寨猕猴桃 12个", Unit: "盒", Price: 5800, County: "金寨县", Eligible: true,
			Cert: &pos.Certification{Number: "皖扶贫认〔2020〕0032", County: "金寨县", Supplier: "金寨县果业合作社", CreditCode: "91341524MA2N0QK65E", ValidUntil: "2021-06-30"}},
		{SKU: "FD-RICE-5", Name: "肥东大米 5千克", Unit: "袋", Price: 4500, County: "肥东县", Village: "陈集村", Origin: pos.OriginPoorVillage, Eligible: true},
		{SKU: "HG-TEA-250", Name: "合工大定点茶 250克", Unit: "罐", Price: 3000, County: "岳西县", Origin: pos.OriginDesignated, Units: []uint32{1001}, Eligible: true},
		{SKU: "DL-HONEY", Name: "电力定点蜂蜜", Unit: "瓶", Price: 2600, County: "太湖县", Origin: pos.OriginDesignated, Units: []uint32{1002}, Eligible: true},
		{SKU: "DS-PEAR-5", Name: "砀山酥梨 5斤装", Unit: "箱", Price: 3990, County: "砀山县", Eligible: true,
			Cert: &pos.Certification{Number: "皖扶贫认〔2020〕0117", County: "砀山县", Supplier: "砀山县梨业公司", CreditCode: "91341321MA2N0QK67Y", ValidUntil: "2020-09-30"}},
		{SKU: "BAG-ECO", Name: "环保购物袋", Unit: "个", Price: 200},
	}
	var lines []pos.Line
	var total, eligible pos.Money
	for i := range p {
		l := pos.NewLineAt(&p[i], 1, at)
		lines = append(lines, l)
		total += l.Amount()
		if l.Eligible {
			eligible += l.Amount()
		}
	}
	rec := &pos.Record{Kind: pos.KindSale, Time: at, Terminal: "T0007", Receipt: "T0007-000200", Cashier: "1001",
		Lines: lines, Total: total, Eligible: eligible, Method: pos.PayCash,
		Vouchers:      []pos.AppliedVoucher{{ID: pos.NewVoucherID(2020, 42), Campaign: 2020, Unit: 1001, Face: 10000, Applied: 10000}},
		VoucherAmount: 10000, SelfPaid: total - 10000}
	trust := &pos.TrustList{
		Campaigns: []pos.Campaign{{ID: 2020, Excess: pos.ExcessForfeit}},
		Units:     []pos.WorkUnit{{ID: 1001, Name: "合肥工业大学"}, {ID: 1002, Name: "合肥供电公司"}},
	}
	return pos.NewReceipt(rec, pos.Hash{}, &pos.TerminalConfig{StoreName: "合肥百货大楼扶贫专区", Counter: "2号柜台"}, trust, "王芳", "")
}

// TestGoldenReceiptOrigins pins a receipt with every origin kind and both
// kinds of self-pay-only line: the designated-point units are named, each
// line no voucher paid says "※仅自费" and why, and the total is split into
// certified and non-certified goods.
func TestGoldenReceiptOrigins(t *testing.T) {
	r := originReceipt()
	for _, p := range []Profile{Paper58, Paper80} {
		b, err := Receipt(r, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		name := "receipt-origins-" + strings.TrimPrefix(p.Name, "Paper")
		golden(t, name+".bin", b)
		doc, err := Interpret(b, p)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, name+".txt", []byte(doc.Transcript()))
		if len(doc.Overflows) > 0 {
			t.Errorf("%s: lines %v overflow the paper", p.Name, doc.Overflows)
		}
		text := doc.Text()
		for _, want := range []string{"金寨县 1盒×￥58.00", "肥东县 陈集村", "定点扶贫点: 合肥工业大学", "定点扶贫点: 合肥供电公司",
			"※仅自费: 定点扶贫点产品，", "※仅自费: 扶贫产品认定已过期", "※仅自费: 非扶贫产品，不可用券"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: receipt lacks %q:\n%s", p.Name, want, text)
			}
		}
		// Certified: kiwi, rice and both designated lines = 58+45+30+26;
		// not certified: the expired pears and the bag = 39.90+2.
		certified := slices.IndexFunc(doc.Lines, func(l string) bool { return strings.HasPrefix(l, "  其中认定扶贫产品") })
		if certified < 0 || !strings.HasSuffix(doc.Lines[certified], "￥159.00") || !strings.HasSuffix(doc.Lines[certified+1], "￥41.90") {
			t.Errorf("%s: no certified split ￥159.00 / ￥41.90 in\n%s", p.Name, text)
		}
		if n := strings.Count(text, "※"); n != 3 {
			t.Errorf("%s: %d self-pay notes, want 3 (other unit, expired, bag)", p.Name, n)
		}
	}
}

// TestReceiptAllCertified: a receipt whose goods are all certified prints
// no split (the fixture's layout is unchanged) and no self-pay note.
func TestReceiptAllCertified(t *testing.T) {
	b, err := Receipt(fixtureReceipt(3), Paper58, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Interpret(b, Paper58)
	if err != nil {
		t.Fatal(err)
	}
	if text := doc.Text(); strings.Contains(text, "认定") || strings.Contains(text, "※") {
		t.Errorf("all-certified receipt has a split or a note:\n%s", text)
	}
	en := assets.For("en")
	b, _ = Receipt(originReceipt(), Paper80, en)
	doc, _ = Interpret(b, Paper80)
	if text := doc.Text(); !strings.Contains(text, "self-pay only: certification expired") || !strings.Contains(text, "of which certified") {
		t.Errorf("English receipt lacks the translated notes:\n%s", text)
	}
}
