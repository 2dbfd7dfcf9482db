package boltstore_test

import (
	"slices"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/boltstore"
	"fupinpos/pos/ui/uitest"
)

// TestCommitMapsTheSale: the adapter passes SKUs and quantities (the
// catalogue sets the price), a hand-typed code as a manual entry with its
// manager, and wakes the sync pump once per committed sale or void.
func TestCommitMapsTheSale(t *testing.T) {
	demo, dep := uitest.New(t)
	woke := 0
	s := boltstore.New(demo.DB, func() { woke++ })
	cat, _ := s.Catalogue()
	p := cat.Products[0]
	tests := []struct {
		name    string
		sale    ui.Sale
		mode    pos.EntryMode
		manager string
	}{
		{"scan", ui.Sale{Cashier: uitest.CashierID, Lines: []pos.Line{{SKU: p.SKU, Qty: 2, Price: 1}},
			Codes: []string{dep.Issue(pos.Yuan(10), "m1")}, Method: pos.PayCash}, pos.EntryScan, ""},
		{"manual", ui.Sale{Cashier: uitest.CashierID, Lines: []pos.Line{{SKU: p.SKU, Qty: 1, Price: 99999}},
			Codes: []string{dep.Issue(pos.Yuan(10), "m2")}, Method: pos.PayWeChat, Manual: true, Manager: uitest.ManagerID}, pos.EntryManual, uitest.ManagerID},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seq, rc, err := s.Commit(tc.sale)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := s.Record(seq)
			if err != nil {
				t.Fatal(err)
			}
			r := rec.Record
			want := p.Price * pos.Money(tc.sale.Lines[0].Qty)
			if r.Mode != tc.mode || r.Manager != tc.manager || r.Total != want || r.Lines[0].Price != p.Price {
				t.Errorf("record mode %q manager %q total %s price %s; want %q %q %s %s", r.Mode, r.Manager, r.Total, r.Lines[0].Price,
					tc.mode, tc.manager, want, p.Price)
			}
			if rc.Number != r.Receipt || rc.Total != want || rc.Kind != pos.KindSale || rc.Reprint {
				t.Errorf("receipt %+v", rc)
			}
			if woke != i+1 {
				t.Errorf("woke %d times after %d sales", woke, i+1)
			}
		})
	}
	// A refused sale records nothing and wakes nobody.
	_, _, err := s.Commit(ui.Sale{Cashier: uitest.CashierID, Lines: []pos.Line{{SKU: "NO-SUCH", Qty: 1}}, Method: pos.PayCash})
	if err == nil || woke != 2 {
		t.Fatalf("unknown product: %v, woke %d", err, woke)
	}
	slip, err := s.Void(1, uitest.ManagerID, uitest.ManagerPIN, "顾客退货")
	if err != nil {
		t.Fatal(err)
	}
	if slip.Kind != pos.KindVoid || slip.Voids != "T01-000001" || slip.Total != 2*p.Price || woke != 3 {
		t.Errorf("void slip %+v, woke %d", slip, woke)
	}
	var seqs []uint64
	var kinds []pos.RecordKind
	if err := s.Records(func(r *pos.Record) error {
		seqs, kinds = append(seqs, r.Seq), append(kinds, r.Kind)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seqs, []uint64{1, 2, 3}) || !slices.Equal(kinds, []pos.RecordKind{pos.KindSale, pos.KindSale, pos.KindVoid}) {
		t.Fatalf("records %v %v", seqs, kinds)
	}
}

// TestVoidRules: the adapter keeps the store's rules — only a manager's
// PIN, only once, only on the sale's CST day.
func TestVoidRules(t *testing.T) {
	demo, dep := uitest.New(t)
	cat, _ := demo.Catalogue()
	for range 2 {
		if _, _, err := demo.Commit(ui.Sale{Cashier: uitest.CashierID, Lines: []pos.Line{{SKU: cat.Products[0].SKU, Qty: 1}},
			Codes: []string{dep.Issue(pos.Yuan(5), "m")}, Method: pos.PayCash}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name     string
		seq      uint64
		id, pin  string
		tomorrow bool
		want     string
	}{
		{"cashier", 1, uitest.CashierID, uitest.CashierPIN, false, pos.EFORBIDDEN},
		{"wrong PIN", 1, uitest.ManagerID, "1111", false, pos.EBADPIN},
		{"manager", 1, uitest.ManagerID, uitest.ManagerPIN, false, ""},
		{"again", 1, uitest.ManagerID, uitest.ManagerPIN, false, pos.ECONFLICT},
		{"the void itself", 3, uitest.ManagerID, uitest.ManagerPIN, false, pos.EINVALID},
		{"next day", 2, uitest.ManagerID, uitest.ManagerPIN, true, pos.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.tomorrow {
				demo.Now = func() time.Time { return uitest.DemoNow.Add(24 * time.Hour) }
				defer func() { demo.Now = func() time.Time { return uitest.DemoNow } }()
			}
			_, err := demo.Void(tc.seq, tc.id, tc.pin, "顾客退货")
			if got := pos.ErrorCode(err); got != tc.want {
				t.Fatalf("void: %v, want code %q", err, tc.want)
			}
		})
	}
}

// TestCommitTendered: the cash tendered reaches the record and the
// receipt with its change; too little cash is refused and records nothing.
func TestCommitTendered(t *testing.T) {
	demo, _ := uitest.New(t)
	s := boltstore.New(demo.DB, nil)
	cat, _ := s.Catalogue()
	p := cat.Products[0]
	sale := ui.Sale{Cashier: uitest.CashierID, Lines: []pos.Line{{SKU: p.SKU, Qty: 1}}, Method: pos.PayCash}
	if req := boltstore.Request(ui.Sale{Tendered: 12345}); req.Tendered != 12345 {
		t.Fatalf("request tendered %s", req.Tendered)
	}
	short := sale
	short.Tendered = p.Price - 1
	if _, _, err := s.Commit(short); pos.ErrorCode(err) != pos.EINVALID {
		t.Fatalf("short tender: %v", err)
	}
	paid := sale
	paid.Tendered = p.Price + 1230
	seq, rc, err := s.Commit(paid)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := s.Record(seq)
	if err != nil {
		t.Fatal(err)
	}
	if seq != 1 || rec.Record.Tendered != paid.Tendered || rec.Record.Change != 1230 {
		t.Errorf("record %d tendered %s change %s", seq, rec.Record.Tendered, rec.Record.Change)
	}
	if rc.Tendered != paid.Tendered || rc.Change != 1230 {
		t.Errorf("receipt tendered %s change %s", rc.Tendered, rc.Change)
	}
}
