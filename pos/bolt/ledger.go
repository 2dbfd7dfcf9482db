package bolt

import (
	"strconv"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// Record returns ledger record seq, or ENOTFOUND.
func (db *DB) Record(seq uint64) (*Sale, error) {
	var s *Sale
	err := db.view("read ledger", func(tx *bolt.Tx) (err error) {
		s, err = readSale(tx, seq)
		return err
	})
	return s, err
}

// RecordByReceipt returns the record with receipt number no (as printed,
// e.g. T01-000042), or ENOTFOUND.
func (db *DB) RecordByReceipt(no string) (*Sale, error) {
	terminal, seq, err := pos.ParseReceipt(no)
	if err != nil {
		return nil, err
	}
	s, err := db.Record(seq)
	if err != nil {
		return nil, err
	}
	if terminal != "" && s.Record.Receipt != no {
		return nil, pos.Errorf(pos.ENOTFOUND, "no receipt %q on this terminal", no).With("receipt", no).Say("no_receipt")
	}
	return s, nil
}

// Records calls fn with every ledger record from seq from on, in order,
// until fn returns an error, which Records returns.
func (db *DB) Records(from uint64, fn func(*Sale) error) error {
	return db.view("read ledger", func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketLedger).Cursor()
		for k, v := c.Seek(u64(from)); k != nil && !isHead(k); k, v = c.Next() {
			s, err := decodeSale(v)
			if err != nil {
				return err
			}
			if err := fn(s); err != nil {
				return err
			}
		}
		return nil
	})
}

// Head returns the last ledger seq and the hash of its entry.
func (db *DB) Head() (uint64, pos.Hash, error) {
	var seq uint64
	var h pos.Hash
	err := db.view("read ledger head", func(tx *bolt.Tx) error {
		lh := readLedgerHead(tx)
		seq, h = lh.Seq, lh.Hash
		return nil
	})
	return seq, h, err
}

func readSale(tx *bolt.Tx, seq uint64) (*Sale, error) {
	v := tx.Bucket(bucketLedger).Get(u64(seq))
	if v == nil {
		return nil, pos.Errorf(pos.ENOTFOUND, "no ledger record %d", seq).With("receipt", strconv.FormatUint(seq, 10)).Say("no_record")
	}
	return decodeSale(v)
}

func decodeSale(v []byte) (*Sale, error) {
	_, e, err := ledgerValue(v)
	if err != nil {
		return nil, err
	}
	r, err := pos.DecodeRecord(e)
	if err != nil {
		return nil, err
	}
	r.Time = r.Time.In(pos.CST)
	return &Sale{Record: r, Hash: e.Hash}, nil
}
