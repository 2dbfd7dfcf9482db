package bolt

import (
	"crypto/ed25519"
	"strconv"
	"strings"

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
	i := strings.LastIndexByte(no, '-')
	seq, err := strconv.ParseUint(no[i+1:], 10, 64)
	if err != nil || seq == 0 {
		return nil, pos.Errorf(pos.ENOTFOUND, "no receipt %q", no).With("receipt", no)
	}
	s, err := db.Record(seq)
	if err != nil {
		return nil, err
	}
	if s.Record.Receipt != no && i >= 0 {
		return nil, pos.Errorf(pos.ENOTFOUND, "no receipt %q on this terminal", no).With("receipt", no)
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
		return nil, pos.Errorf(pos.ENOTFOUND, "no ledger record %d", seq).With("receipt", strconv.FormatUint(seq, 10))
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

// LedgerCheck is what VerifyLedger found intact.
type LedgerCheck struct {
	Records     uint64   `json:"records"`
	AuditEvents uint64   `json:"audit_events"`
	Head        pos.Hash `json:"head"`
	Pending     int      `json:"pending"`
}

// VerifyLedger walks the ledger and the audit log from their first entry:
// every entry in sequence, linked to the one before, hashing to its stored
// hash and signed by this terminal; the stored heads name the last entries
// (so a truncated log is found); the running voucher totals that the queue
// is counted from match the records. The first problem is returned as
// ECONFLICT with the entry's seq.
func (db *DB) VerifyLedger() (LedgerCheck, error) {
	var lc LedgerCheck
	err := db.view("verify ledger", func(tx *bolt.Tx) error {
		k, err := loadKeys(tx)
		if err != nil {
			return err
		}
		cv := pos.ChainVerifier{Public: k.pub}
		var cum pos.Money
		c := tx.Bucket(bucketLedger).Cursor()
		for key, v := c.First(); key != nil && !isHead(key); key, v = c.Next() {
			seq := strconv.FormatUint(getU64(key), 10)
			stored, e, err := ledgerValue(v)
			if err != nil {
				return pos.WrapError(pos.ECONFLICT, err, "ledger entry %s", seq).With("seq", seq)
			}
			if err := cv.Check(e); err != nil {
				return pos.WrapError(pos.ECONFLICT, err, "ledger").With("seq", pos.ErrorParams(err)["seq"])
			}
			r, err := pos.DecodeRecord(e)
			if err != nil || r.Seq != getU64(key) {
				return pos.Errorf(pos.ECONFLICT, "ledger entry stored at %s is not record %s", seq, seq).With("seq", seq)
			}
			cum += faceOf(r)
			if stored != cum {
				return pos.Errorf(pos.ECONFLICT, "ledger entry %s: running voucher total %d, records add up to %d", seq, stored, cum).With("seq", seq)
			}
			lc.Records++
		}
		h := readLedgerHead(tx)
		if h.Seq != lc.Records || h.Hash != cv.Prev || h.Cum != cum {
			return pos.Errorf(pos.ECONFLICT, "ledger head says %d records, found %d (truncated or rewritten)", h.Seq, lc.Records).
				With("seq", strconv.FormatUint(lc.Records, 10))
		}
		lc.Head = cv.Prev
		if lc.AuditEvents, err = verifyAudit(tx, k.pub); err != nil {
			return err
		}
		lc.Pending = queueState(tx).Count
		return nil
	})
	return lc, err
}

// verifyAudit checks every audit event and that the head names the last.
func verifyAudit(tx *bolt.Tx, pub ed25519.PublicKey) (uint64, error) {
	cv := pos.ChainVerifier{Public: pub}
	var n uint64
	err := tx.Bucket(bucketAudit).ForEach(func(k, v []byte) error {
		seq := strconv.FormatUint(getU64(k), 10)
		e, err := unmarshalEntry(v)
		if err != nil {
			return pos.WrapError(pos.ECONFLICT, err, "audit log entry %s", seq).With("seq", seq)
		}
		if err := cv.Check(e); err != nil {
			return pos.WrapError(pos.ECONFLICT, err, "audit log").With("seq", pos.ErrorParams(err)["seq"])
		}
		n++
		return nil
	})
	if err != nil {
		return 0, err
	}
	if hs, hh := readHead(tx.Bucket(bucketMeta).Get(keyAuditHead)); hs != n || hh != cv.Prev {
		return 0, pos.Errorf(pos.ECONFLICT, "audit log head says %d entries, found %d (truncated or rewritten)", hs, n).
			With("seq", strconv.FormatUint(n, 10))
	}
	return n, nil
}
