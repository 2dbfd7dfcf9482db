package uitest

import (
	"fupinpos/pos"
	"fupinpos/pos/ui"
)

// Faulty is the demo Store with failures injected: an operation whose On
// function is set calls it instead of the store (return pos.Errorf(
// pos.ESTORAGE, ...) from OnCommit for a disk that refuses the sale); the
// others reach the real store.
type Faulty struct {
	*Store
	OnCommit   func(ui.Sale) (uint64, *pos.Receipt, error)
	OnVoid     func(seq uint64, managerID, managerPIN, reason string) (*pos.Receipt, error)
	OnHoldSale func(pos.HeldSale) (pos.HeldSale, error)
	OnTakeHeld func(id uint64) (*pos.HeldSale, error)
}

var _ ui.Store = (*Faulty)(nil)

// Commit calls OnCommit when set, else the store.
func (f *Faulty) Commit(s ui.Sale) (uint64, *pos.Receipt, error) {
	if f.OnCommit != nil {
		return f.OnCommit(s)
	}
	return f.Store.Commit(s)
}

// Void calls OnVoid when set, else the store.
func (f *Faulty) Void(seq uint64, managerID, managerPIN, reason string) (*pos.Receipt, error) {
	if f.OnVoid != nil {
		return f.OnVoid(seq, managerID, managerPIN, reason)
	}
	return f.Store.Void(seq, managerID, managerPIN, reason)
}

// HoldSale calls OnHoldSale when set, else the store.
func (f *Faulty) HoldSale(h pos.HeldSale) (pos.HeldSale, error) {
	if f.OnHoldSale != nil {
		return f.OnHoldSale(h)
	}
	return f.Store.HoldSale(h)
}

// TakeHeld calls OnTakeHeld when set, else the store.
func (f *Faulty) TakeHeld(id uint64) (*pos.HeldSale, error) {
	if f.OnTakeHeld != nil {
		return f.OnTakeHeld(id)
	}
	return f.Store.TakeHeld(id)
}
