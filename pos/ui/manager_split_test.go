package ui_test

import (
	"strings"
	"testing"

	"fupinpos/pos"
)

// TestManagerCertifiedSplit: the manager screen shows the day's certified
// goods against the non-certified ones (a product outside the voucher
// scope sold beside a certified one), and the goods by origin
// kind above the counties, the figures being the report's.
func TestManagerCertifiedSplit(t *testing.T) {
	f, m, _ := managerDay(t, 1)
	cat, err := f.store.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	bag := -1
	for i, p := range cat.Products {
		if !p.Eligible {
			bag = i
		}
	}
	if bag < 0 {
		t.Fatal("no product outside the voucher scope in the fixture catalogue")
	}
	f.sess.Scan(f.ean(0))
	f.sess.Scan(f.ean(bag))
	if _, err := f.sess.Complete(); err != nil {
		t.Fatal(err)
	}
	m.Load()
	f.win.SetContent(m.Content())
	d := m.Day()
	pear, bagPrice := cat.Products[0].Price, cat.Products[bag].Price
	if d.Certified != 2*pear || d.NonCertified != bagPrice || d.Certified+d.NonCertified != d.Total {
		t.Fatalf("day: certified %s non-certified %s total %s", d.Certified, d.NonCertified, d.Total)
	}
	line := "认定产品 " + d.Certified.String() + " · 非认定（自费）" + d.NonCertified.String()
	if !strings.Contains(texts(f.win), line) {
		t.Errorf("screen lacks %q:\n%s", line, texts(f.win))
	}
	selectTab(t, f.win, "按产地县")
	if txt := texts(f.win); !strings.Contains(txt, "贫困县\n") || !strings.Contains(txt, "非扶贫产品\n"+bagPrice.String()) {
		t.Errorf("origin tab:\n%s", txt)
	}
	if d.ByOrigin[0].Key != string(pos.OriginPovertyCounty) || d.ByOrigin[0].Amount != 2*pear {
		t.Errorf("origins %+v", d.ByOrigin)
	}
}
