// Package boltstore adapts the terminal database (pos/bolt) to the
// screens' ui.Store. The app and the screens' tests use this one adapter,
// so the tests exercise the rules the counter runs: re-pricing from the
// catalogue inside the sale's transaction, void on the same CST day only,
// voids as records of their own.
package boltstore

import (
	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/ui"
)

// Store is a ui.Store over an open *bolt.DB. Wake, when set, is called
// after each committed sale or void (the app wakes its sync pump).
type Store struct {
	*bolt.DB
	Wake func()
}

var _ ui.Store = (*Store)(nil)

// The manager screen reads the day it shows through the database's day
// index when its Store has one (ui's dayIndex): *bolt.DB's Days and
// DayRecords, promoted.
var _ interface {
	Days() ([]string, error)
	DayRecords(day string, fn func(r, sale *pos.Record) error) error
} = (*Store)(nil)

// New returns the ui.Store over db.
func New(db *bolt.DB, wake func()) *Store { return &Store{DB: db, Wake: wake} }

// Request maps what the cashier asks to commit to a storage request: SKUs
// and quantities only (the catalogue prices the lines again), and a
// hand-typed code as EntryManual with its approving manager, and the cash
// tendered as it is (bolt checks it against the self-paid part).
func Request(sale ui.Sale) bolt.SaleRequest {
	req := bolt.SaleRequest{Cashier: sale.Cashier, Codes: sale.Codes, Method: sale.Method, Mode: pos.EntryScan, Tendered: sale.Tendered}
	for _, l := range sale.Lines {
		req.Items = append(req.Items, bolt.Item{SKU: l.SKU, Qty: l.Qty})
	}
	if sale.Manual {
		req.Mode, req.Manager = pos.EntryManual, sale.Manager
	}
	return req
}

// Commit records the sale: the catalogue prices the lines again inside the
// transaction, so the screen's basket cannot set a price. It returns the
// record's sequence number and its receipt.
func (s *Store) Commit(sale ui.Sale) (uint64, *pos.Receipt, error) {
	r, err := s.Redeem(Request(sale))
	if err != nil {
		return 0, nil, err
	}
	s.woke()
	rc, err := s.Receipt(r.Record.Seq, false, sale.Cashier)
	return r.Record.Seq, rc, err
}

// Void cancels sale seq with a manager's PIN and returns the void slip.
func (s *Store) Void(seq uint64, managerID, managerPIN, reason string) (*pos.Receipt, error) {
	v, err := s.DB.Void(seq, managerID, managerPIN, reason)
	if err != nil {
		return nil, err
	}
	s.woke()
	return s.Receipt(v.Record.Seq, false, managerID)
}

// Records calls fn with every ledger record, in sequence order.
func (s *Store) Records(fn func(*pos.Record) error) error {
	return s.DB.Records(0, func(sale *bolt.Sale) error { return fn(sale.Record) })
}

// ReturnSale returns the sale of this terminal with receipt number no and
// the returns this ledger holds against it, to take goods of it back. A
// number of another terminal is pos.EOtherTerminal (only the central
// server holds that sale: ui.Manager.LookupSale), a voided sale
// pos.ECONFLICT, an unknown number pos.ENOTFOUND.
func (s *Store) ReturnSale(no string) (*pos.SaleReturns, error) {
	cfg, err := s.Config()
	if err != nil {
		return nil, err
	}
	terminal, seq, err := pos.ParseReceipt(no)
	if err != nil {
		return nil, err
	}
	if terminal != "" && terminal != cfg.Terminal {
		return nil, pos.Errorf(pos.EOtherTerminal, "sale %s was made at terminal %s: only the central server holds it", no, terminal).
			With("terminal", terminal).With("receipt", no)
	}
	sr, err := s.SaleReturns(seq)
	if err == nil && terminal != "" && sr.Sale.Receipt != no {
		err = pos.Errorf(pos.ENOTFOUND, "no receipt %q on this terminal", no).With("receipt", no).Say("no_receipt")
	}
	return sr, err
}

func (s *Store) woke() {
	if s.Wake != nil {
		s.Wake()
	}
}
