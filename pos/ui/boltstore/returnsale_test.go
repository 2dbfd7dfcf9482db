package boltstore_test

import (
	"testing"

	"fupinpos/pos"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/boltstore"
	"fupinpos/pos/ui/uitest"
)

// TestReturnSale: a receipt number of this terminal finds its sale; one of
// another terminal is refused naming it; an unknown one is not found; a
// void slip is not a sale.
func TestReturnSale(t *testing.T) {
	demo, _ := uitest.New(t)
	s := boltstore.New(demo.DB, nil)
	cat, _ := s.Catalogue()
	seq, _, err := s.Commit(ui.Sale{Cashier: uitest.CashierID, Lines: []pos.Line{{SKU: cat.Products[0].SKU, Qty: 1}}, Method: pos.PayCash})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Void(seq, uitest.ManagerID, uitest.ManagerPIN, "错单"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ no, code string }{
		{"T01-000001", ""},
		{"T02-000001", pos.EReturnElsewhere},
		{"T01-000099", pos.ENOTFOUND},
		{"T01-000002", pos.EINVALID},
	} {
		r, err := s.ReturnSale(c.no)
		if pos.ErrorCode(err) != c.code && !(c.code == "" && err == nil) {
			t.Errorf("%s: %v, want %q", c.no, err, c.code)
		}
		if c.code == "" && (r == nil || r.Seq != seq || r.Kind != pos.KindSale) {
			t.Errorf("%s: %+v", c.no, r)
		}
		if c.code == pos.EReturnElsewhere && pos.ErrorParams(err)["terminal"] != "T02" {
			t.Errorf("%s: params %v", c.no, pos.ErrorParams(err))
		}
	}
}
