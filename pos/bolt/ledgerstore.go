package bolt

import (
	"bytes"
	"encoding/binary"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// headKey holds the ledger head inside the ledger bucket. It sorts after
// every seq, so it shares a page with the newest records and a redemption
// dirties one ledger page, not two.
var headKey = u64(math.MaxUint64)

// ledgerHead is the last ledger record: its seq and entry hash, the running
// voucher face total through it, and its time (a lower bound for the clock).
type ledgerHead struct {
	Seq  uint64
	Hash pos.Hash
	Cum  pos.Money
	Time time.Time
}

func readLedgerHead(tx *bolt.Tx) ledgerHead {
	var h ledgerHead
	b := tx.Bucket(bucketLedger).Get(headKey)
	if len(b) != 8+32+8+8 {
		return h
	}
	h.Seq = binary.BigEndian.Uint64(b)
	copy(h.Hash[:], b[8:40])
	h.Cum = pos.Money(binary.BigEndian.Uint64(b[40:]))
	h.Time = fromUnixNano(int64(binary.BigEndian.Uint64(b[48:])))
	return h
}

func (h ledgerHead) bytes() []byte {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 56), h.Seq)
	b = append(b, h.Hash[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(h.Cum))
	return binary.BigEndian.AppendUint64(b, uint64(unixNano(h.Time)))
}

// appendLedger numbers, signs and appends rec, whose vouchers carry face in
// value not yet acknowledged by the server (0 for a void). The record's
// entry and the new head are the only ledger writes; being past the ack
// watermark puts the record in the outbox in the same transaction.
func appendLedger(tx *bolt.Tx, rec *pos.Record, face pos.Money, key []byte) (pos.Entry, error) {
	if err := restoredGuard(tx); err != nil { // a restored copy sells only after a sync
		return pos.Entry{}, err
	}
	h := readLedgerHead(tx)
	rec.Seq, rec.Prev = h.Seq+1, h.Hash
	rec.Receipt = pos.ReceiptNumber(rec.Terminal, rec.Seq)
	e, err := pos.Seal(rec, key)
	if err != nil {
		return e, err
	}
	nh := ledgerHead{Seq: rec.Seq, Hash: e.Hash, Cum: h.Cum + face, Time: rec.Time}
	b := tx.Bucket(bucketLedger)
	b.FillPercent = 0.95 // appends only: pack pages full
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(e.Hash)+len(e.Sig)+len(e.Body)), uint64(nh.Cum))
	if err := b.Put(u64(rec.Seq), append(v, marshalEntry(e)...)); err != nil {
		return e, err
	}
	return e, b.Put(headKey, nh.bytes())
}

// ledgerValue splits a stored ledger value into the running face total and
// the entry.
func ledgerValue(v []byte) (pos.Money, pos.Entry, error) {
	if len(v) < 8 {
		return 0, pos.Entry{}, pos.Errorf(pos.ECONFLICT, "ledger value of %d bytes is truncated", len(v))
	}
	e, err := unmarshalEntry(v[8:])
	return pos.Money(binary.BigEndian.Uint64(v)), e, err
}

// cumAt is the running face total through record seq (0 for seq 0).
func cumAt(tx *bolt.Tx, seq uint64) pos.Money {
	if seq == 0 {
		return 0
	}
	v := tx.Bucket(bucketLedger).Get(u64(seq))
	if len(v) < 8 {
		return 0
	}
	return pos.Money(binary.BigEndian.Uint64(v))
}

// isHead reports whether k is the head key rather than a record's seq.
func isHead(k []byte) bool { return bytes.Equal(k, headKey) }

// faceOf is the voucher face total of a record: what it adds to the queue.
func faceOf(r *pos.Record) pos.Money {
	var f pos.Money
	if r.Kind == pos.KindSale {
		for _, v := range r.Vouchers {
			f += v.Face
		}
	}
	return f
}
