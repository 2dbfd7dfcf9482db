package boltstore_test

import (
	"testing"

	"fupinpos/pos"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/boltstore"
	"fupinpos/pos/ui/uitest"
)

// TestReturnSale: a receipt number of this terminal finds its sale with
// the returns the ledger holds; one of another terminal is left to the
// central server, naming it; an unknown one is not found; a void slip is
// not a sale, and a voided sale has nothing to take back.
func TestReturnSale(t *testing.T) {
	demo, _ := uitest.New(t)
	s := boltstore.New(demo.DB, nil)
	cat, _ := s.Catalogue()
	sell := func() uint64 {
		t.Helper()
		seq, _, err := s.Commit(ui.Sale{Cashier: uitest.CashierID, Lines: []pos.Line{{SKU: cat.Products[0].SKU, Qty: 1}}, Method: pos.PayCash})
		if err != nil {
			t.Fatal(err)
		}
		return seq
	}
	voided := sell()
	if _, err := s.Void(voided, uitest.ManagerID, uitest.ManagerPIN, "错单"); err != nil {
		t.Fatal(err)
	}
	kept := sell()
	for _, c := range []struct {
		no, code string
		seq      uint64
	}{
		{"T01-000003", "", kept},
		{"3", "", kept},
		{"T02-000001", pos.EOtherTerminal, 0},
		{"T01-000099", pos.ENOTFOUND, 0},
		{"T01-000002", pos.EINVALID, 0},
		{"T01-000001", pos.ECONFLICT, 0},
	} {
		sr, err := s.ReturnSale(c.no)
		if pos.ErrorCode(err) != c.code && !(c.code == "" && err == nil) {
			t.Errorf("%s: %v, want %q", c.no, err, c.code)
		}
		if c.code == "" && (sr == nil || sr.Sale.Seq != c.seq || sr.Sale.Kind != pos.KindSale || len(sr.Returns) != 0) {
			t.Errorf("%s: %+v", c.no, sr)
		}
		if c.code == pos.EOtherTerminal && (pos.ErrorParams(err)["terminal"] != "T02" || pos.ErrorParams(err)["receipt"] != c.no) {
			t.Errorf("%s: params %v", c.no, pos.ErrorParams(err))
		}
	}
}
