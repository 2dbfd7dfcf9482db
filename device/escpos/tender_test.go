package escpos

import (
	"slices"
	"strings"
	"testing"

	"fupinpos/assets"
	"fupinpos/pos"
)

// tenderedReceipt is the fixture with cash tendered for its self-paid part.
func tenderedReceipt(tendered pos.Money) *pos.Receipt {
	r := fixtureReceipt(3)
	r.Tendered = tendered
	r.Change = tendered - r.SelfPaid
	return r
}

// TestReceiptTendered: a receipt with cash tendered prints 实收 and 找零
// right after the self-paid line, within the paper's columns, in the
// receipt's language; without it (Tendered 0) neither line is printed.
func TestReceiptTendered(t *testing.T) {
	en := assets.For("en")
	for _, tc := range []struct {
		name   string
		r      *pos.Receipt
		p      Profile
		labels Labels
		want   []string // the lines after the self-paid line
	}{
		{"58 zh", tenderedReceipt(20000), Paper58, nil, []string{"实收                    ￥200.00", "找零                     ￥43.20"}},
		{"80 zh", tenderedReceipt(20000), Paper80, nil, []string{
			"实收" + strings.Repeat(" ", 48-4-8) + "￥200.00", "找零" + strings.Repeat(" ", 48-4-7) + "￥43.20"}},
		// ￥ and each Chinese character take two columns.
		{"58 en", tenderedReceipt(15680), Paper58, en, []string{"Tendered" + strings.Repeat(" ", 32-8-8) + "￥156.80", "Change" + strings.Repeat(" ", 32-6-6) + "￥0.00"}},
		{"not tendered", tenderedReceipt(0), Paper58, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Receipt(tc.r, tc.p, tc.labels)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Interpret(b, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Overflows) > 0 {
				t.Errorf("lines %v overflow the paper", doc.Overflows)
			}
			paid := tr(labelsOr(tc.labels), "receipt.self_paid")
			i := slices.IndexFunc(doc.Lines, func(l string) bool { return strings.HasPrefix(l, paid) })
			if i < 0 {
				t.Fatalf("no self-paid line in\n%s", doc.Text())
			}
			var got []string
			for _, l := range doc.Lines[i+1:] {
				if strings.HasPrefix(l, "---") || l == "" {
					break
				}
				got = append(got, l)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("after %q: %q, want %q", doc.Lines[i], got, tc.want)
			}
			for j, w := range doc.Widths {
				if w > tc.p.Columns {
					t.Errorf("line %d %q is %d columns wide", j, doc.Lines[j], w)
				}
			}
			if tc.r.Tendered == 0 {
				plain, _ := Receipt(fixtureReceipt(3), tc.p, tc.labels)
				if string(plain) != string(b) {
					t.Error("a receipt without tender changed")
				}
			}
		})
	}
}

// TestGoldenReceiptTendered pins the bytes and transcript of a cash sale
// with 实收/找零 on 58 mm paper.
func TestGoldenReceiptTendered(t *testing.T) {
	b, err := Receipt(tenderedReceipt(20000), Paper58, nil)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "receipt-58-tendered.bin", b)
	doc, err := Interpret(b, Paper58)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "receipt-58-tendered.txt", []byte(doc.Transcript()))
}
