package bolt

import (
	"crypto/ed25519"
	"encoding/json"
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
		for k, v := c.Seek(u64(from)); k != nil; k, v = c.Next() {
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
		seq, h = readHead(tx.Bucket(bucketMeta).Get(keyLedgerHead))
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
	e, err := unmarshalEntry(v)
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
// hash and signed by this terminal; the stored heads match the last
// entries; the outbox only names ledger records and the queue totals match
// it. The first problem is returned as ECONFLICT naming the entry.
func (db *DB) VerifyLedger() (LedgerCheck, error) {
	var lc LedgerCheck
	err := db.view("verify ledger", func(tx *bolt.Tx) error {
		k, err := loadKeys(tx)
		if err != nil {
			return err
		}
		meta := tx.Bucket(bucketMeta)
		n, last, err := verifyChain(tx.Bucket(bucketLedger), k.pub, "ledger", meta.Get(keyLedgerHead))
		if err != nil {
			return err
		}
		lc.Records, lc.Head = n, last
		if lc.AuditEvents, _, err = verifyChain(tx.Bucket(bucketAudit), k.pub, "audit log", meta.Get(keyAuditHead)); err != nil {
			return err
		}
		var q pos.QueueState
		ledger := tx.Bucket(bucketLedger)
		err = tx.Bucket(bucketOutbox).ForEach(func(key, v []byte) error {
			s := getU64(key)
			raw := ledger.Get(key)
			if raw == nil {
				return pos.Errorf(pos.ECONFLICT, "outbox names ledger record %d, which is missing", s).With("seq", strconv.FormatUint(s, 10))
			}
			sale, err := decodeSale(raw)
			if err != nil {
				return err
			}
			var face pos.Money
			if sale.Record.Kind == pos.KindSale {
				for _, v := range sale.Record.Vouchers {
					face += v.Face
				}
			}
			if pos.Money(getU64(v)) != face {
				return pos.Errorf(pos.ECONFLICT, "outbox amount of record %d does not match the record", s).With("seq", strconv.FormatUint(s, 10))
			}
			q.Count++
			q.Amount += face
			return nil
		})
		if err != nil {
			return err
		}
		if q != readQueue(tx) {
			return pos.Errorf(pos.ECONFLICT, "queue totals %+v do not match the outbox %+v", readQueue(tx), q)
		}
		lc.Pending = q.Count
		return nil
	})
	return lc, err
}

// verifyChain checks every entry of a log and that head names its last.
func verifyChain(b *bolt.Bucket, pub ed25519.PublicKey, name string, head []byte) (uint64, pos.Hash, error) {
	cv := pos.ChainVerifier{Public: pub}
	var n uint64
	err := b.ForEach(func(k, v []byte) error {
		e, err := unmarshalEntry(v)
		if err != nil {
			return pos.WrapError(pos.ECONFLICT, err, "%s entry %d", name, getU64(k)).With("seq", strconv.FormatUint(getU64(k), 10))
		}
		if err := cv.Check(e); err != nil {
			return pos.WrapError(pos.ECONFLICT, err, "%s", name).With("seq", pos.ErrorParams(err)["seq"])
		}
		var l pos.Link
		_ = json.Unmarshal(e.Body, &l)
		if l.Seq != getU64(k) {
			return pos.Errorf(pos.ECONFLICT, "%s entry stored at %d says it is %d", name, getU64(k), l.Seq).With("seq", strconv.FormatUint(getU64(k), 10))
		}
		n++
		return nil
	})
	if err != nil {
		return 0, pos.Hash{}, err
	}
	hs, hh := readHead(head)
	if hs != n || hh != cv.Prev {
		return 0, pos.Hash{}, pos.Errorf(pos.ECONFLICT, "%s head says %d entries, found %d (truncated or rewritten)", name, hs, n).
			With("seq", strconv.FormatUint(n, 10))
	}
	return n, cv.Prev, nil
}

// Receipt lays out the receipt of ledger record seq. A reprint is marked on
// the paper and written to the audit log with actor.
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
		rc.Reprint = reprint
		return nil
	})
	if err != nil || !reprint {
		return rc, err
	}
	return rc, db.Audit(actor, pos.AuditReprint, map[string]string{"receipt": rc.Number})
}
