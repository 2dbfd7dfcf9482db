package bolt

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// PlainLedgerValue returns stored ledger value v with its body as plain
// JSON (a form the reader also takes), so a test can edit the JSON.
func PlainLedgerValue(v []byte) []byte {
	_, e, err := ledgerValue(v)
	if err != nil {
		panic(err)
	}
	return append(append([]byte(nil), v[:8+32+64]...), e.Body...)
}

// SetProgressMin changes the size from which an upgrade reports progress
// and returns the function that restores it.
func SetProgressMin(n uint64) func() {
	old := progressMin
	progressMin = n
	return func() { progressMin = old }
}

// BulkSales appends the records rec(0) … rec(n-1) to the ledger by the
// write path of Redeem (appendLedger: numbered, chained, signed,
// compressed, the day index and the head; and the vouchers' marks),
// perTx records to a transaction. Benchmarks build big ledgers with it.
func (db *DB) BulkSales(n, perTx int, rec func(i int) *pos.Record) error {
	for i := 0; i < n; {
		err := db.update("bulk sales", func(tx *bolt.Tx) error {
			k, err := loadKeys(tx)
			if err != nil {
				return err
			}
			for j := 0; j < perTx && i+j < n; j++ {
				r := rec(i + j)
				if _, err := appendLedger(tx, r, faceOf(r), k.priv); err != nil {
					return err
				}
				for _, v := range r.Vouchers {
					pv := &pos.Voucher{Holder: v.Holder, Campaign: v.Campaign, Serial: v.ID.Serial()}
					if err := putMark(tx, pv, mark{seq: r.Seq, time: r.Time, face: v.Face}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		i += perTx
	}
	return nil
}

// BulkSalesV1 appends records to the schema-1 (v0.9.0) database file at
// path exactly as v0.9.0's appendLedger wrote them: value = running total
// ‖ hash ‖ signature ‖ JSON body, the head in the ledger bucket under
// 0xFF…FF, fill percent 0.95, no day index; and the marks. It reproduces
// the old layout for the upgrade benchmark (see BenchmarkUpgrade100k).
func BulkSalesV1(path string, n, perTx int, rec func(i int) *pos.Record) error {
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		return err
	}
	defer b.Close()
	for i := 0; i < n; i += perTx {
		err := b.Update(func(tx *bolt.Tx) error {
			if v, _ := schemaOf(tx); v != 1 {
				return fmt.Errorf("%s has schema %d, not 1", path, v)
			}
			k, err := loadKeys(tx)
			if err != nil {
				return err
			}
			lb := tx.Bucket(bucketLedger)
			for j := 0; j < perTx && i+j < n; j++ {
				r := rec(i + j)
				h := parseLedgerHead(lb.Get(legacyHeadKey))
				r.Seq, r.Prev = h.Seq+1, h.Hash
				r.Receipt = pos.ReceiptNumber(r.Terminal, r.Seq)
				e, err := pos.Seal(r, k.priv)
				if err != nil {
					return err
				}
				nh := ledgerHead{Seq: r.Seq, Hash: e.Hash, Cum: h.Cum + faceOf(r), Time: r.Time}
				lb.FillPercent = 0.95
				v := binary.BigEndian.AppendUint64(nil, uint64(nh.Cum))
				if err := lb.Put(u64(r.Seq), append(v, marshalEntry(e)...)); err != nil {
					return err
				}
				if err := lb.Put(legacyHeadKey, nh.bytes()); err != nil {
					return err
				}
				for _, v := range r.Vouchers {
					pv := &pos.Voucher{Holder: v.Holder, Campaign: v.Campaign, Serial: v.ID.Serial()}
					if err := putMark(tx, pv, mark{seq: r.Seq, time: r.Time, face: v.Face}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// RecordTime is recordTime, for its test.
var RecordTime = recordTime
