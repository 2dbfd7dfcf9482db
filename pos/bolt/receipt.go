package bolt

import (
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// bucketPrinted records, by ledger seq, that a paper copy of the receipt
// reached the printer: the number of copies (8 bytes) and the time of the
// first (8 bytes, Unix nanoseconds). It is created with the first copy.
var bucketPrinted = []byte("printed")

// Receipt lays out the receipt of ledger record seq. A reprint (reprint
// true) is marked 重印 on the paper only when an earlier copy reached the
// printer (MarkPrinted); the first copy that prints is never marked, so it
// also opens the cash drawer of a cash sale. The request is written to the
// audit log with actor either way ("first_copy": "1" when not marked).
func (db *DB) Receipt(seq uint64, reprint bool, actor string) (*pos.Receipt, error) {
	var rc *pos.Receipt
	err := db.view("read receipt", func(tx *bolt.Tx) error {
		s, err := readSale(tx, seq)
		if err != nil {
			return err
		}
		cfg, err := db.loadConfig(tx)
		if err != nil {
			return err
		}
		tl, err := db.loadTrust(tx)
		if err != nil {
			return err
		}
		name := ""
		if u, err := readUser(tx, s.Record.Cashier); err == nil {
			name = u.Name
		}
		voided := ""
		if s.Record.Kind == pos.KindVoid {
			voided = pos.ReceiptNumber(s.Record.Terminal, s.Record.Voids)
		}
		rc = pos.NewReceipt(s.Record, s.Hash, cfg, tl, name, voided)
		if v := getU64(tx.Bucket(bucketVoids).Get(u64(seq))); v != 0 && s.Record.Kind == pos.KindSale {
			rc.VoidedBy = pos.ReceiptNumber(s.Record.Terminal, v)
		}
		rc.Reprint = reprint && copiesPrinted(tx, seq) > 0
		return nil
	})
	if err != nil || !reprint {
		return rc, err
	}
	detail := map[string]string{"receipt": rc.Number}
	if !rc.Reprint {
		detail["first_copy"] = "1"
	}
	return rc, db.Audit(actor, pos.AuditReprint, detail)
}

// MarkPrinted records that a paper copy of record seq's receipt reached
// the printer (the job succeeded). Call it after each successful print;
// the next copy is then a reprint.
func (db *DB) MarkPrinted(seq uint64) error {
	now := db.timestamp()
	return db.update("record printed receipt", func(tx *bolt.Tx) error {
		if _, err := readSale(tx, seq); err != nil {
			return err
		}
		b, err := tx.CreateBucketIfNotExists(bucketPrinted)
		if err != nil {
			return err
		}
		n, first := uint64(0), uint64(now.UnixNano())
		if v := b.Get(u64(seq)); len(v) == 16 {
			n, first = binary.BigEndian.Uint64(v[:8]), binary.BigEndian.Uint64(v[8:])
		}
		return b.Put(u64(seq), binary.BigEndian.AppendUint64(u64(n+1), first))
	})
}

// Printed returns how many paper copies of record seq's receipt reached
// the printer, and when the first did (zero when none).
func (db *DB) Printed(seq uint64) (int, time.Time, error) {
	var n int
	var first time.Time
	err := db.view("read printed receipts", func(tx *bolt.Tx) error {
		n = copiesPrinted(tx, seq)
		if b := tx.Bucket(bucketPrinted); b != nil && n > 0 {
			first = time.Unix(0, int64(binary.BigEndian.Uint64(b.Get(u64(seq))[8:]))).In(pos.CST)
		}
		return nil
	})
	return n, first, err
}

func copiesPrinted(tx *bolt.Tx, seq uint64) int {
	b := tx.Bucket(bucketPrinted)
	if b == nil {
		return 0
	}
	v := b.Get(u64(seq))
	if len(v) != 16 {
		return 0
	}
	return int(binary.BigEndian.Uint64(v[:8]))
}
