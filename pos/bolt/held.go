package bolt

import (
	"encoding/json"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// HoldSale parks a basket (挂单) durably: it survives a restart until
// TakeHeld. It returns h with its id (increasing, never reused) and the
// time it was parked. At most pos.MaxHeldSales baskets are kept (ECONFLICT
// beyond); an empty basket is EINVALID. Nothing is redeemed: the codes are
// checked again when the sale is completed.
func (db *DB) HoldSale(h pos.HeldSale) (pos.HeldSale, error) {
	if len(h.Lines) == 0 && len(h.Codes) == 0 {
		return pos.HeldSale{}, pos.Errorf(pos.EINVALID, "an empty basket cannot be held").Say("hold_empty")
	}
	err := db.update("hold sale", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketHeld)
		n := 0
		c := b.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			n++
		}
		if n >= pos.MaxHeldSales {
			return pos.Errorf(pos.ECONFLICT, "%d baskets are held already", n).Say("hold_full", "max", strconv.Itoa(pos.MaxHeldSales))
		}
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		h.ID, h.Time = id, db.timestamp().In(pos.CST)
		v, err := json.Marshal(&h)
		if err != nil {
			return pos.WrapError(pos.EINTERNAL, err, "encode held sale")
		}
		if err := b.Put(u64(id), v); err != nil {
			return err
		}
		return db.audit(tx, h.Cashier, pos.AuditHold, heldDetail(&h))
	})
	if err != nil {
		return pos.HeldSale{}, err
	}
	return h, nil
}

// HeldSales lists the parked baskets, oldest first.
func (db *DB) HeldSales() ([]pos.HeldSale, error) {
	var out []pos.HeldSale
	err := db.view("read held sales", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketHeld).ForEach(func(k, v []byte) error {
			h, err := decodeHeld(k, v)
			if err != nil {
				return err
			}
			out = append(out, *h)
			return nil
		})
	})
	return out, err
}

// TakeHeld removes parked basket id and returns it (取单); ENOTFOUND when
// there is none (already taken).
func (db *DB) TakeHeld(id uint64) (*pos.HeldSale, error) {
	var h *pos.HeldSale
	err := db.update("take held sale", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketHeld)
		v := b.Get(u64(id))
		if v == nil {
			return pos.Errorf(pos.ENOTFOUND, "no held sale %d", id).Say("no_held", "id", strconv.FormatUint(id, 10))
		}
		var err error
		if h, err = decodeHeld(u64(id), v); err != nil {
			return err
		}
		if err := b.Delete(u64(id)); err != nil {
			return err
		}
		return db.audit(tx, h.Cashier, pos.AuditTakeHeld, heldDetail(h))
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

func decodeHeld(k, v []byte) (*pos.HeldSale, error) {
	var h pos.HeldSale
	if err := json.Unmarshal(v, &h); err != nil {
		return nil, pos.WrapError(pos.EINTERNAL, err, "decode held sale %d", getU64(k))
	}
	h.Time = h.Time.In(pos.CST)
	return &h, nil
}

// heldDetail is the audit detail of a held basket: its id and size, not
// its voucher codes.
func heldDetail(h *pos.HeldSale) map[string]string {
	return map[string]string{
		"id":    strconv.FormatUint(h.ID, 10),
		"lines": strconv.Itoa(len(h.Lines)),
		"codes": strconv.Itoa(len(h.Codes)),
	}
}

// Unlock clears userID's PIN lockout and failure count once managerID has
// approved it with a PIN (the rules of Authorize: a manager, not locked or
// disabled, every attempt audited). The unlock is audited with the manager
// as actor.
func (db *DB) Unlock(userID, managerID, managerPIN string) error {
	if _, err := db.Authorize(managerID, managerPIN, pos.RoleManager); err != nil {
		return err
	}
	return db.update("unlock user", func(tx *bolt.Tx) error {
		su, err := readStored(tx, userID)
		if err != nil {
			return err
		}
		detail := map[string]string{"user": userID, "failures": strconv.Itoa(su.Failures)}
		if !su.LockedUntil.IsZero() {
			detail["locked_until"] = su.LockedUntil.In(pos.CST).Format("15:04:05")
		}
		su.Failures, su.LockedUntil = 0, time.Time{}
		if err := putUser(tx, su); err != nil {
			return err
		}
		return db.audit(tx, managerID, pos.AuditUnlock, detail)
	})
}
