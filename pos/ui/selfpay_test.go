package ui_test

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos"
)

// visibleLabels returns the text of every visible label on the window.
func visibleLabels(w fyne.Window) []string {
	var out []string
	for _, l := range all[*widget.Label](w.Content()) {
		if l.Visible() {
			out = append(out, l.Text)
		}
	}
	return out
}

// TestBasketShowsSelfPayOnly: a line no voucher may pay says "仅自费" and
// why under its name — a product outside the voucher scope at once, a
// designated-point product of another unit once the sale's vouchers are all
// of other units — and the others say nothing.
func TestBasketShowsSelfPayOnly(t *testing.T) {
	f := newCashier(t, "zh_Hans")
	cat, _ := f.store.Catalogue()
	bag := cat.BySKU("BAG-ECO")
	if bag == nil || bag.Eligible {
		t.Fatal("the demo catalogue has no ineligible bag")
	}
	point := &pos.Product{SKU: "DP-TEA", Name: "定点帮扶茶", Unit: "盒", Price: 3000, County: "舒城县", Eligible: true,
		Origin: pos.OriginDesignated, Units: []uint32{1006}}
	f.sess.Scan(f.ean(0))
	f.sess.Add(bag, 1)
	f.sess.Add(point, 1)
	f.screen.Refresh()
	notes := func() []string {
		var n []string
		for _, s := range visibleLabels(f.win) {
			if strings.HasPrefix(s, "仅自费") {
				n = append(n, s)
			}
		}
		return n
	}
	if got := notes(); !slices.Equal(got, []string{"仅自费：非扶贫产品，不可用券"}) {
		t.Errorf("before vouchers: %q", got)
	}
	if v := f.sess.Scan(f.dep.Issue(pos.Yuan(20), "member-sp")); v.Code != "" {
		t.Fatalf("voucher refused: %+v", v)
	}
	f.screen.Refresh()
	if got := notes(); !slices.Equal(got, []string{"仅自费：非扶贫产品，不可用券", "仅自费：定点扶贫点产品，限其定点单位的券"}) {
		t.Errorf("with a voucher of another unit: %q", got)
	}
}
