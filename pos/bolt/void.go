package bolt

import (
	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// Void cancels sale seq with a new ledger record; the sale itself is never
// edited. It needs a manager's PIN and a reason, works only on a sale of
// the same CST day that is not voided yet, and releases the sale's vouchers
// here (marks removed, the members' totals reduced) so the customer can use
// them again. The void reaches the server through the outbox like a sale.
func (db *DB) Void(seq uint64, manager, pin, reason string) (*Sale, error) {
	if reason == "" {
		return nil, pos.Errorf(pos.EINVALID, "a void needs a reason").Say("void_reason")
	}
	if _, err := db.Authorize(manager, pin, pos.RoleManager); err != nil {
		return nil, err
	}
	var out *Sale
	err := db.update("record void", func(tx *bolt.Tx) error {
		if err := pendingReturnGuard(tx); err != nil {
			return err
		}
		st, err := db.state(tx)
		if err != nil {
			return err
		}
		if err := pos.CheckClock(st.now, st.cfg, st.clock); err != nil {
			return err
		}
		s, err := readSale(tx, seq)
		if err != nil {
			return err
		}
		r := s.Record
		if r.Kind != pos.KindSale {
			return pos.Errorf(pos.EINVALID, "record %s is not a sale", r.Receipt).Say("not_a_sale", "receipt", r.Receipt)
		}
		if v := tx.Bucket(bucketVoids).Get(u64(seq)); v != nil {
			return pos.Errorf(pos.ECONFLICT, "sale %s is already voided by %s", r.Receipt, pos.ReceiptNumber(r.Terminal, getU64(v))).
				Say("sale_voided", "receipt", r.Receipt, "void", pos.ReceiptNumber(r.Terminal, getU64(v)))
		}
		if rb := tx.Bucket(bucketReturns); rb != nil && rb.Get(u64(seq)) != nil {
			return pos.Errorf(pos.ECONFLICT, "sale %s has goods returned; take back the rest with a return instead", r.Receipt).
				Say("void_returned", "receipt", r.Receipt)
		}
		if pos.DayOf(r.Time) != pos.DayOf(st.now) {
			return pos.Errorf(pos.EFORBIDDEN, "sale %s is from %s; only today's sales can be voided", r.Receipt, pos.DayOf(r.Time)).
				Say("void_not_today", "receipt", r.Receipt, "day", pos.DayOf(r.Time))
		}
		void := &pos.Record{
			Kind: pos.KindVoid, Time: st.now, Store: st.cfg.Store, Terminal: st.cfg.Terminal,
			Cashier: manager, Manager: manager, Reason: reason, Voids: seq,
			Total: r.Total, Eligible: r.Eligible, Vouchers: r.Vouchers, VoucherAmount: r.VoucherAmount,
			Forfeited: r.Forfeited, SelfPaid: r.SelfPaid, Method: r.Method,
		}
		e, err := appendLedger(tx, void, 0, st.keys.priv)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketVoids).Put(u64(seq), u64(void.Seq)); err != nil {
			return err
		}
		for _, v := range r.Vouchers {
			if err := deleteMark(tx, v); err != nil {
				return err
			}
		}
		if err := db.audit(tx, manager, pos.AuditVoid, map[string]string{"receipt": r.Receipt, "void": void.Receipt, "reason": reason}); err != nil {
			return err
		}
		out = &Sale{Record: void, Hash: e.Hash}
		return nil
	})
	return out, err
}

// Voided returns the seq of the void that cancelled sale seq, or 0.
func (db *DB) Voided(seq uint64) (uint64, error) {
	var v uint64
	err := db.view("read voids", func(tx *bolt.Tx) error {
		v = getU64(tx.Bucket(bucketVoids).Get(u64(seq)))
		return nil
	})
	return v, err
}
