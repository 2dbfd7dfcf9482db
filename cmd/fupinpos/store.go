package main

import (
	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/boltstore"
)

// boltStore is the terminal database as the screens' ui.Store: the adapter
// is boltstore.Store (shared with the screens' tests); wake is called after
// each committed sale or void to wake the sync pump.
type boltStore struct {
	*bolt.DB
	wake func()
}

var _ ui.Store = (*boltStore)(nil)

func (s *boltStore) adapter() *boltstore.Store { return boltstore.New(s.DB, s.wake) }

// Commit records the sale through boltstore.Store.Commit.
func (s *boltStore) Commit(sale ui.Sale) (uint64, *pos.Receipt, error) {
	return s.adapter().Commit(sale)
}

// Void cancels sale seq through boltstore.Store.Void.
func (s *boltStore) Void(seq uint64, managerID, managerPIN, reason string) (*pos.Receipt, error) {
	return s.adapter().Void(seq, managerID, managerPIN, reason)
}

// Records calls fn with every ledger record.
func (s *boltStore) Records(fn func(*pos.Record) error) error {
	return s.adapter().Records(fn)
}
