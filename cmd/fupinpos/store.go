package main

import (
	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/ui"
)

// boltStore adapts the terminal database to the screens' ui.Store. After
// each committed sale or void it wakes the sync pump.
type boltStore struct {
	*bolt.DB
	wake func()
}

var _ ui.Store = (*boltStore)(nil)

// Commit records the sale: the catalogue prices the lines again inside the
// transaction, so the screen's basket cannot set a price.
func (s *boltStore) Commit(sale ui.Sale) (uint64, *pos.Receipt, error) {
	req := bolt.SaleRequest{Cashier: sale.Cashier, Codes: sale.Codes, Method: sale.Method, Mode: pos.EntryScan}
	for _, l := range sale.Lines {
		req.Items = append(req.Items, bolt.Item{SKU: l.SKU, Qty: l.Qty})
	}
	if sale.Manual {
		req.Mode, req.Manager = pos.EntryManual, sale.Manager
	}
	r, err := s.Redeem(req)
	if err != nil {
		return 0, nil, err
	}
	s.woke()
	rc, err := s.Receipt(r.Record.Seq, false, sale.Cashier)
	return r.Record.Seq, rc, err
}

// Void cancels sale seq with a manager's PIN and returns the void slip.
func (s *boltStore) Void(seq uint64, managerID, managerPIN, reason string) (*pos.Receipt, error) {
	v, err := s.DB.Void(seq, managerID, managerPIN, reason)
	if err != nil {
		return nil, err
	}
	s.woke()
	return s.Receipt(v.Record.Seq, false, managerID)
}

// Records calls fn with every ledger record.
func (s *boltStore) Records(fn func(*pos.Record) error) error {
	return s.DB.Records(0, func(sale *bolt.Sale) error { return fn(sale.Record) })
}

func (s *boltStore) woke() {
	if s.wake != nil {
		s.wake()
	}
}
