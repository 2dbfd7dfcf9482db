package escpos

import (
	"strings"
	"testing"

	"fupinpos/assets"
	"fupinpos/pos"
	"fupinpos/pos/report"
)

var profiles = []Profile{Paper58, Paper80, Paper80At180}

// layouts returns every kind of page the package lays out, in both
// languages, with long names that must wrap.
func layouts(t *testing.T, p Profile) map[string][]byte {
	t.Helper()
	long := fixtureReceipt(10)
	long.StoreName = "陕西省安康市汉滨区总工会消费扶贫专区第一门市部（新城街道）"
	long.Lines[0].Name = "特级富硒绿茶明前一芽一叶手工炒制礼盒装（紫阳县原产地直供）"
	long.Lines[1].Name = "Organic mountain walnut kernels, hand-picked, 500 g vacuum pack"
	long.Lines[2].Qty = 9999
	long.Lines[2].Price = 999999
	long.Cashier = "欧阳晓明（实习收银员）"
	void := fixtureReceipt(1)
	void.Kind, void.Voids, void.Lines = pos.KindVoid, "T0007-000099", nil
	reprint := fixtureReceipt(4)
	reprint.Reprint = true
	cash := fixtureReceipt(1)
	cash.Vouchers, cash.VoucherAmount, cash.Forfeited, cash.SelfPaid = nil, 0, 0, cash.Total
	out := map[string][]byte{}
	for _, lang := range []string{"zh_Hans", "en"} {
		for name, r := range map[string]*pos.Receipt{"long": long, "void": void, "reprint": reprint, "cash": cash, "short": fixtureReceipt(1)} {
			b, err := Receipt(r, p, assets.For(lang))
			if err != nil {
				t.Fatalf("%s %s: %v", name, lang, err)
			}
			out[name+"-"+lang] = b
		}
		z, err := ZReport(fixtureDay(), p, assets.For(lang))
		if err != nil {
			t.Fatal(err)
		}
		out["z-"+lang] = z
		tp, err := TestPage(p, "tcp://192.168.1.50:9100?paper="+p.Name, assets.For(lang))
		if err != nil {
			t.Fatal(err)
		}
		out["test-"+lang] = tp
	}
	return out
}

// fixtureDay is a day report with every breakdown filled.
func fixtureDay() *report.Day {
	b := report.NewBuilder(report.Names{Unit: func(id uint32) string {
		return map[uint32]string{1: "安康市总工会", 2: "汉滨区教育局工会委员会"}[id]
	}})
	r := fixtureReceipt(5)
	rec := &pos.Record{Seq: 1, Kind: pos.KindSale, Time: r.Time, Store: "S01", Terminal: "T0007", Cashier: "u1",
		Receipt: r.Number, Lines: r.Lines, Total: r.Total, VoucherAmount: r.VoucherAmount, Forfeited: r.Forfeited,
		SelfPaid: r.SelfPaid, Method: pos.PayCash}
	for i, v := range r.Vouchers {
		rec.Vouchers = append(rec.Vouchers, pos.AppliedVoucher{Unit: uint32(i + 1), Face: v.Face, Applied: v.Applied, Forfeited: v.Forfeited})
	}
	b.Add(rec)
	return b.Day(pos.DayOf(r.Time))
}

// TestLinesWithinColumns interprets every layout on every profile of the
// table (Profiles) and checks that no line
// uses more columns than the profile has, that the printer never had to
// wrap a line itself, and that every command was understood.
func TestLinesWithinColumns(t *testing.T) {
	for _, p := range Profiles {
		for name, b := range layouts(t, p) {
			doc, err := Interpret(b, p)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range doc.Widths {
				if w > p.Columns {
					t.Errorf("%s %s: line %d %q is %d columns, max %d", p.Name, name, i, doc.Lines[i], w, p.Columns)
				}
			}
			if len(doc.Overflows) > 0 {
				t.Errorf("%s %s: printer wrapped lines %v", p.Name, name, doc.Overflows)
			}
			if len(doc.Unknown) > 0 {
				t.Errorf("%s %s: unknown commands %v", p.Name, name, doc.Unknown)
			}
			if want := b2i(p.Cut); doc.Count(EventCut) != want {
				t.Errorf("%s %s: %d cuts, want %d", p.Name, name, doc.Count(EventCut), want)
			}
			if strings.Contains(doc.Text(), "receipt.") || strings.Contains(doc.Text(), "report.") {
				t.Errorf("%s %s: untranslated label in\n%s", p.Name, name, doc.Text())
			}
		}
	}
}

// TestReceiptContent checks that the parts a store and an auditor rely on
// are on the paper, read back through the interpreter.
func TestReceiptContent(t *testing.T) {
	r := fixtureReceipt(3)
	for _, p := range profiles {
		b, err := Receipt(r, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Interpret(b, p)
		if err != nil {
			t.Fatal(err)
		}
		text := doc.Text()
		for _, want := range []string{
			r.StoreName, r.Counter, r.Terminal, r.Number, "2025-03-14 14:26:53", r.Cashier,
			"富硒小米（5斤装）", "紫阳县", "1袋×￥45.80", "￥306.80", "****-****0042", "安康市总工会",
			"￥150.00", "￥156.80", "现金", "本券不找零、不兑换现金", "合计", r.AuditCode,
		} {
			if !strings.Contains(strings.ReplaceAll(text, "\n", ""), want) {
				t.Errorf("%s: %q missing from\n%s", p.Name, want, text)
			}
		}
		if strings.Contains(text, "REPRINT") {
			t.Errorf("%s: an original receipt is marked as a reprint", p.Name)
		}
		if len(doc.QRs) != 1 || doc.QRs[0] != r.AuditCode {
			t.Errorf("%s: QR payloads %q, want %q", p.Name, doc.QRs, r.AuditCode)
		}
		// Issue 10 defect 6: the drawer is on in every preset, so the
		// first copy of a cash sale opens it; drawer=0 turns it off.
		if doc.Count(EventDrawer) != 1 {
			t.Errorf("%s: drawer kicked %d times by a cash sale, want 1", p.Name, doc.Count(EventDrawer))
		}
		off := p
		off.Drawer = false
		b, _ = Receipt(r, off, nil)
		if doc, _ := Interpret(b, off); doc.Count(EventDrawer) != 0 {
			t.Errorf("%s: drawer kicked with drawer off", p.Name)
		}
	}
}

// TestReprintMarked checks that a reprint says so and an original does not.
func TestReprintMarked(t *testing.T) {
	for _, reprint := range []bool{false, true} {
		r := fixtureReceipt(3)
		r.Reprint = reprint
		p := Paper58
		p.Drawer = true
		b, err := Receipt(r, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Interpret(b, p)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(doc.Text(), "** 重印 REPRINT **"); got != reprint {
			t.Errorf("reprint=%t: marked=%t\n%s", reprint, got, doc.Text())
		}
		// the drawer opens for the cash sale, never again for its reprint
		if got := doc.Count(EventDrawer) == 1; got == reprint {
			t.Errorf("reprint=%t: %d drawer kicks", reprint, doc.Count(EventDrawer))
		}
	}
}

// TestVoidSlip checks that a void slip names the receipt it cancels and
// shows the amounts taken back as negative.
func TestVoidSlip(t *testing.T) {
	r := fixtureReceipt(3)
	r.Kind, r.Number, r.Voids, r.Lines = pos.KindVoid, "T0007-000124", "T0007-000123", nil
	b, err := Receipt(r, Paper80, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Interpret(b, Paper80)
	if err != nil {
		t.Fatal(err)
	}
	text := doc.Text()
	for _, want := range []string{"作废 VOID", "作废原小票: T0007-000123", "小票号: T0007-000124", "-" + r.Total.String(), "-" + r.SelfPaid.String()} {
		if !strings.Contains(text, want) {
			t.Errorf("%q missing from\n%s", want, text)
		}
	}
}

// TestZReport checks the day's totals and breakdown rows are printed.
func TestZReport(t *testing.T) {
	d := fixtureDay()
	b, err := ZReport(d, Paper58, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Interpret(b, Paper58)
	if err != nil {
		t.Fatal(err)
	}
	text := doc.Text()
	if d.Certified+d.NonCertified != d.Total || len(d.ByOrigin) == 0 || len(d.ByCertified) == 0 {
		t.Fatalf("fixture day without the certified split: %+v", d)
	}
	for _, want := range []string{"Z 日结报表", d.Day, d.Total.String(), d.VoucherAmount.String(), d.SelfPaid.String(), "按发券单位", "安康市总工会", "紫阳县", "现金",
		"认定产品", d.Certified.String(), "非认定（自费）", d.NonCertified.String(), "贫困县"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q missing from\n%s", want, text)
		}
	}
	// The counts, in both languages: the net count follows the voids.
	d.Sales, d.Voids, d.Net = 7, 2, 5
	for _, tc := range []struct {
		lang  string
		lines []string
	}{
		{"zh_Hans", []string{"销售笔数", "7", "作废笔数", "2", "净笔数", "5"}},
		{"en", []string{"Sales", "7", "Voids", "2", "Net count", "5"}},
	} {
		b, err := ZReport(d, Paper58, assets.For(tc.lang))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Interpret(b, Paper58)
		if err != nil {
			t.Fatal(err)
		}
		at := -1
		for i, l := range doc.Lines {
			if strings.HasPrefix(l, tc.lines[0]) {
				at = i
				break
			}
		}
		if at < 0 || at+3 > len(doc.Lines) {
			t.Fatalf("%s: no %q line in\n%s", tc.lang, tc.lines[0], doc.Text())
		}
		for j := 0; j < 3; j++ {
			f := strings.Fields(doc.Lines[at+j])
			name, n := strings.Join(f[:len(f)-1], " "), f[len(f)-1]
			if name != tc.lines[2*j] || n != tc.lines[2*j+1] {
				t.Errorf("%s: line %d %q, want %s … %s", tc.lang, at+j, doc.Lines[at+j], tc.lines[2*j], tc.lines[2*j+1])
			}
		}
	}
}
