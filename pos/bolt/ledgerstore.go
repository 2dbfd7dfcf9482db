package bolt

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"io"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// keyLedgerHead holds the ledger head in meta. Outside the ledger bucket,
// the ledger's keys are only ascending seqs, so appends fill its pages
// (schema 1 kept the head in the ledger bucket under 0xFF…FF, where every
// page split left about two ~1 KB records per 4 KiB page).
var keyLedgerHead = []byte("ledger_head")

// ledgerHead is the last ledger record: its seq and entry hash, the running
// voucher face total through it, and its time (a lower bound for the clock).
type ledgerHead struct {
	Seq  uint64
	Hash pos.Hash
	Cum  pos.Money
	Time time.Time
}

func readLedgerHead(tx *bolt.Tx) ledgerHead {
	return parseLedgerHead(tx.Bucket(bucketMeta).Get(keyLedgerHead))
}

func parseLedgerHead(b []byte) ledgerHead {
	var h ledgerHead
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
// entry, the new head and the day index are the only ledger writes; being
// past the ack watermark puts the record in the outbox in the same
// transaction.
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
	b.FillPercent = 1 // appends only: pack pages full
	if err := b.Put(u64(rec.Seq), encodeLedgerValue(nh.Cum, e)); err != nil {
		return e, err
	}
	if err := indexDay(tx, pos.DayOf(rec.Time), rec.Seq); err != nil {
		return e, err
	}
	return e, tx.Bucket(bucketMeta).Put(keyLedgerHead, nh.bytes())
}

// A stored ledger value is cum ‖ hash ‖ signature ‖ stored body. The
// stored body is the signed JSON as it is (it starts with '{'; every
// schema-1 record) or bodyDeflate followed by the JSON compressed with
// DEFLATE and the preset dictionary ledgerDict. Verifiers hash and check
// the signature of the inflated JSON, which is byte for byte what was signed.
const bodyDeflate = 0x01

// ledgerDict primes DEFLATE with what every record says: the JSON keys in
// pos.Record's order and common values. It is part of the stored format of
// bodyDeflate: never change it (a new dictionary needs a new marker byte).
const ledgerDict = `{"seq":1,"prev":"0000000000000000000000000000000000000000000000000000000000000000","kind":"void","time":"2020-08-20T14:30:00.000000000+08:00","store":"","terminal":"","receipt":"-000001","cashier":"","mode":"manual","voids":1,"manager":"","reason":"","tendered":0,"change":0}` +
	`{"seq":2,"kind":"sale","time":"2020-08-20T06:30:00.000000000Z","mode":"scan","lines":[{"sku":"","name":"","unit":"","county":"县","price":100,"qty":1,"eligible":true},{"sku":"","name":"","unit":"袋","county":"","price":1000,"qty":2,"eligible":false}],` +
	`"total":10000,"eligible":10000,"vouchers":[{"id":8675833937921,"campaign":2020,"key":"","holder":"","unit":1001,"face":10000,"applied":10000,"forfeited":0,"code":"990100"}],"voucher_amount":10000,"forfeited":0,"self_paid":0,"method":"cash"}` +
	`"method":"wechat"}"method":"alipay"}"method":"card"}`

var (
	deflaters = sync.Pool{New: func() any {
		w, _ := flate.NewWriterDict(io.Discard, flate.BestCompression, []byte(ledgerDict))
		return w
	}}
	inflaters = sync.Pool{New: func() any { return flate.NewReaderDict(bytes.NewReader(nil), []byte(ledgerDict)) }}
)

func encodeLedgerValue(cum pos.Money, e pos.Entry) []byte {
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 8+32+64+1+len(e.Body)), uint64(cum))
	v = append(v, e.Hash[:]...)
	v = append(v, e.Sig...)
	buf := bytes.NewBuffer(append(v, bodyDeflate))
	w := deflaters.Get().(*flate.Writer)
	defer deflaters.Put(w)
	w.Reset(buf)
	if _, err := w.Write(e.Body); err != nil || w.Close() != nil || buf.Len() >= len(v)+len(e.Body) {
		return append(v, e.Body...) // not smaller: keep the JSON as it is
	}
	return buf.Bytes()
}

// ledgerValue splits a stored ledger value into the running face total and
// the entry (with the body as signed, inflated when stored compressed).
func ledgerValue(v []byte) (pos.Money, pos.Entry, error) {
	if len(v) < 8 {
		return 0, pos.Entry{}, pos.Errorf(pos.ECONFLICT, "ledger value of %d bytes is truncated", len(v))
	}
	e, err := unmarshalEntry(v[8:])
	if err == nil && len(e.Body) > 0 && e.Body[0] == bodyDeflate {
		e.Body, err = inflate(e.Body[1:])
	}
	return pos.Money(binary.BigEndian.Uint64(v)), e, err
}

func inflate(z []byte) ([]byte, error) {
	r := inflaters.Get().(io.ReadCloser)
	defer inflaters.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(z), []byte(ledgerDict)); err != nil {
		return nil, err
	}
	out := bytes.NewBuffer(make([]byte, 0, 3*len(z)))
	if _, err := io.Copy(out, io.LimitReader(r, 1<<20)); err != nil {
		return nil, pos.WrapError(pos.ECONFLICT, err, "ledger body does not inflate")
	}
	return out.Bytes(), nil
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

// isHead reports whether k is not a record's seq: the schema-1 head key,
// which the upgrade removes. Kept so a loop over the ledger stops at it.
func isHead(k []byte) bool { return len(k) != 8 || bytes.Equal(k, legacyHeadKey) }

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
