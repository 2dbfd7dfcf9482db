package bolt

import (
	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// enqueue puts ledger record seq, carrying face in voucher value, in the
// outbox and counts it in the queue.
func enqueue(tx *bolt.Tx, seq uint64, face pos.Money) error {
	if err := putI64(tx.Bucket(bucketOutbox), u64(seq), int64(face)); err != nil {
		return err
	}
	q := readQueue(tx)
	q.Count++
	q.Amount += face
	return writeQueue(tx, q)
}

// Pending returns up to max ledger entries that the server has not
// acknowledged, oldest first, exactly as they were signed.
func (db *DB) Pending(max int) ([]pos.Entry, error) {
	var out []pos.Entry
	err := db.view("read outbox", func(tx *bolt.Tx) error {
		ledger := tx.Bucket(bucketLedger)
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, _ := c.First(); k != nil && len(out) < max; k, _ = c.Next() {
			raw := ledger.Get(k)
			if raw == nil {
				return pos.Errorf(pos.ECONFLICT, "outbox names ledger record %d, which is missing", getU64(k))
			}
			e, err := unmarshalEntry(raw)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// Ack removes records the server has answered for (accepted, duplicate,
// conflict or rejected: each is then the server's business and visible in
// its reports) from the outbox. Unknown seqs are ignored, so a repeated
// answer is harmless.
func (db *DB) Ack(seqs []uint64) error {
	if len(seqs) == 0 {
		return nil
	}
	return db.update("acknowledge records", func(tx *bolt.Tx) error {
		ob := tx.Bucket(bucketOutbox)
		q := readQueue(tx)
		for _, s := range seqs {
			v := ob.Get(u64(s))
			if v == nil {
				continue
			}
			q.Count--
			q.Amount -= pos.Money(getU64(v))
			if err := ob.Delete(u64(s)); err != nil {
				return err
			}
		}
		return writeQueue(tx, q)
	})
}
