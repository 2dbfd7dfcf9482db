package bolt

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"runtime"
	"strconv"
	"sync"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// LedgerCheck is what a verification found intact.
type LedgerCheck struct {
	Records     uint64   `json:"records"`      // ledger records, all of them intact as far as checked
	AuditEvents uint64   `json:"audit_events"` // audit events
	Head        pos.Hash `json:"head"`
	Pending     int      `json:"pending"`
	// Full is true when every entry was checked from the first; otherwise
	// the walk began after the last verified checkpoint, From is its
	// first ledger seq and Checked the entries (ledger and audit) checked.
	Full    bool   `json:"full"`
	From    uint64 `json:"from"`
	Checked uint64 `json:"checked"`
}

// VerifyOptions are the settings of Verify.
type VerifyOptions struct {
	// Full walks both logs from their first entry. Otherwise the walk
	// starts after the last verified checkpoint (see Verify).
	Full bool
	// Workers verify signatures in parallel; 0 means every CPU.
	Workers int
	// Progress, when set, is called now and then with entries checked
	// and entries to check.
	Progress func(done, total uint64)
}

// VerifyLedger walks the ledger and the audit log from their first entry;
// it is Verify with Full set.
func (db *DB) VerifyLedger() (LedgerCheck, error) { return db.Verify(VerifyOptions{Full: true}) }

// Verify checks the ledger and the audit log: every entry in sequence,
// linked to the one before, hashing to its stored hash and signed by this
// terminal; the stored heads name the last entries (so a truncated log is
// found); the running voucher totals that the queue is counted from match
// the records. The first problem is returned as ECONFLICT with the entry's
// seq.
//
// After a clean walk the database keeps a checkpoint: the verified heads
// of both logs (seq, hash, running total), signed with the terminal key
// (meta "verified"). Unless opts.Full, the next Verify checks that
// checkpoint (its signature, and that the entries it names still carry
// its hashes) and walks only the entries after it: its cost is what was
// added since. A full walk re-checks everything, signatures on all CPUs.
func (db *DB) Verify(opts VerifyOptions) (LedgerCheck, error) {
	var lc LedgerCheck
	var cp checkpoint
	err := db.view("verify ledger", func(tx *bolt.Tx) error {
		k, err := loadKeys(tx)
		if err != nil {
			return err
		}
		start := checkpoint{}
		if !opts.Full {
			if c, ok := readCheckpoint(tx, k.pub); ok {
				start = c
			}
		}
		lc.Full, lc.From = start.Ledger.Seq == 0 && start.Audit.Seq == 0, start.Ledger.Seq+1
		h := readLedgerHead(tx)
		audit := tx.Bucket(bucketAudit)
		as, ah := readHead(tx.Bucket(bucketMeta).Get(keyAuditHead))
		total := h.Seq - min(h.Seq, start.Ledger.Seq) + as - min(as, start.Audit.Seq)
		w := &walker{pub: k.pub, workers: opts.Workers, progress: opts.Progress, total: total}
		end, err := w.walk(tx.Bucket(bucketLedger), "ledger", start.Ledger, true)
		if err != nil {
			return err
		}
		if h.Seq != end.Seq || h.Hash != end.Hash || h.Cum != end.Cum {
			return pos.Errorf(pos.ECONFLICT, "ledger head says %d records, found %d (truncated or rewritten)", h.Seq, end.Seq).
				With("seq", strconv.FormatUint(end.Seq, 10))
		}
		aend, err := w.walk(audit, "audit log", start.Audit, false)
		if err != nil {
			return err
		}
		if as != aend.Seq || ah != aend.Hash {
			return pos.Errorf(pos.ECONFLICT, "audit log head says %d entries, found %d (truncated or rewritten)", as, aend.Seq).
				With("seq", strconv.FormatUint(aend.Seq, 10))
		}
		lc.Records, lc.AuditEvents, lc.Head, lc.Checked = end.Seq, aend.Seq, end.Hash, w.done
		lc.Pending = queueState(tx).Count
		cp = checkpoint{Ledger: end, Audit: aend}
		if old, ok := readCheckpoint(tx, k.pub); ok && old.Ledger.Seq >= end.Seq && old.Audit.Seq >= aend.Seq {
			cp = checkpoint{} // nothing new to record
		}
		return nil
	})
	if err != nil || (cp.Ledger.Seq == 0 && cp.Audit.Seq == 0) {
		return lc, err
	}
	return lc, db.update("record verified checkpoint", func(tx *bolt.Tx) error {
		k, err := loadKeys(tx)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyVerified, cp.sign(k.priv))
	})
}

// keyVerified holds the last verified checkpoint in meta.
var keyVerified = []byte("verified")

// point is a position in a log: the last entry's seq and hash, and (in
// the ledger) the running voucher total through it.
type point struct {
	Seq  uint64
	Hash pos.Hash
	Cum  pos.Money
}

// checkpoint is where the last clean verification ended in both logs.
type checkpoint struct{ Ledger, Audit point }

const checkpointDomain = "fupinpos verified checkpoint v1\x00"

func (c checkpoint) body() []byte {
	b := append([]byte(nil), checkpointDomain...)
	for _, p := range []point{c.Ledger, c.Audit} {
		b = binary.BigEndian.AppendUint64(b, p.Seq)
		b = append(b, p.Hash[:]...)
		b = binary.BigEndian.AppendUint64(b, uint64(p.Cum))
	}
	return b
}

func (c checkpoint) sign(priv ed25519.PrivateKey) []byte {
	b := c.body()
	h := sha256.Sum256(b)
	return append(b[len(checkpointDomain):], ed25519.Sign(priv, h[:])...)
}

// readCheckpoint returns the stored checkpoint when its signature verifies
// and the entries it names still carry its hashes and total.
func readCheckpoint(tx *bolt.Tx, pub ed25519.PublicKey) (checkpoint, bool) {
	var c checkpoint
	v := tx.Bucket(bucketMeta).Get(keyVerified)
	const n = 2 * (8 + 32 + 8)
	if len(v) != n+ed25519.SignatureSize {
		return c, false
	}
	for i, p := range []*point{&c.Ledger, &c.Audit} {
		b := v[i*48:]
		p.Seq = binary.BigEndian.Uint64(b)
		copy(p.Hash[:], b[8:40])
		p.Cum = pos.Money(binary.BigEndian.Uint64(b[40:]))
	}
	h := sha256.Sum256(c.body())
	if !ed25519.Verify(pub, h[:], v[n:]) {
		return c, false
	}
	if c.Ledger.Seq > 0 {
		lv := tx.Bucket(bucketLedger).Get(u64(c.Ledger.Seq))
		if len(lv) < 40 || !bytes.Equal(lv[8:40], c.Ledger.Hash[:]) || pos.Money(binary.BigEndian.Uint64(lv)) != c.Ledger.Cum {
			return c, false
		}
	}
	if c.Audit.Seq > 0 {
		av := tx.Bucket(bucketAudit).Get(u64(c.Audit.Seq))
		if len(av) < 32 || !bytes.Equal(av[:32], c.Audit.Hash[:]) {
			return c, false
		}
	}
	return c, true
}

// walker checks log entries in batches: the independent work of each entry
// (inflate, decode, hash, signature) on all workers, then the links and
// totals in order, so the first bad entry is the one reported.
type walker struct {
	pub         ed25519.PublicKey
	workers     int
	progress    func(done, total uint64)
	done, total uint64
}

// checked is one entry after the parallel step.
type checked struct {
	key     uint64
	stored  pos.Money
	entry   pos.Entry
	err     error // value damaged
	link    pos.Link
	linkErr error
	hashOK  bool
	sigOK   bool
	recSeq  uint64
	recErr  error
	face    pos.Money
}

const walkBatch = 1024

func (w *walker) walk(b *bolt.Bucket, name string, from point, ledger bool) (point, error) {
	workers := w.workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	at := from
	batch := make([]checked, 0, walkBatch)
	raw := make([][]byte, 0, walkBatch)
	c := b.Cursor()
	k, v := c.Seek(u64(from.Seq + 1))
	for {
		batch, raw = batch[:0], raw[:0]
		for ; k != nil && !isHead(k) && len(batch) < walkBatch; k, v = c.Next() {
			batch = append(batch, checked{key: getU64(k)})
			raw = append(raw, v)
		}
		if len(batch) == 0 {
			return at, nil
		}
		var wg sync.WaitGroup
		for g := range min(workers, len(batch)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := g; i < len(batch); i += workers {
					batch[i].check(raw[i], w.pub, ledger)
				}
			}()
		}
		wg.Wait()
		for i := range batch {
			if err := batch[i].follow(&at, name, ledger); err != nil {
				return at, err
			}
		}
		w.done += uint64(len(batch))
		if w.progress != nil {
			w.progress(w.done, w.total)
		}
	}
}

// check does the part of verifying entry v that needs no other entry.
func (x *checked) check(v []byte, pub ed25519.PublicKey, ledger bool) {
	if ledger {
		x.stored, x.entry, x.err = ledgerValue(v)
	} else {
		x.entry, x.err = unmarshalEntry(v)
	}
	if x.err != nil {
		return
	}
	e := x.entry
	if ledger {
		// Only what the chain and the running total need of pos.Record.
		var r struct {
			pos.Link
			Kind     pos.RecordKind `json:"kind"`
			Vouchers []struct {
				Face pos.Money `json:"face"`
			} `json:"vouchers"`
		}
		err := json.Unmarshal(e.Body, &r)
		x.linkErr, x.recErr = err, err
		if err == nil {
			x.link, x.recSeq = r.Link, r.Seq
			if r.Kind == pos.KindSale {
				for _, v := range r.Vouchers {
					x.face += v.Face
				}
			}
		}
	} else {
		x.linkErr = json.Unmarshal(e.Body, &x.link)
	}
	h := sha256.Sum256(e.Body)
	x.hashOK = h == e.Hash
	x.sigOK = x.hashOK && ed25519.Verify(pub, e.Hash[:], e.Sig)
}

// follow checks x against the entry before it (at) and advances at.
func (x *checked) follow(at *point, name string, ledger bool) error {
	next := at.Seq + 1
	bad := func(seq uint64, format string, args ...any) error {
		s := strconv.FormatUint(seq, 10)
		return pos.Errorf(pos.ECONFLICT, "%s entry %s: "+format, append([]any{name, s}, args...)...).With("seq", s)
	}
	switch {
	case x.err != nil:
		return pos.WrapError(pos.ECONFLICT, x.err, "%s entry %d", name, x.key).With("seq", strconv.FormatUint(x.key, 10))
	case x.linkErr != nil:
		return bad(next, "body is not JSON")
	case x.link.Seq != next:
		return bad(next, "found seq %d (gap or reorder)", x.link.Seq)
	case x.link.Prev != at.Hash:
		return bad(x.link.Seq, "previous hash does not link")
	case !x.hashOK:
		return bad(x.link.Seq, "content does not match its hash")
	case !x.sigOK:
		return bad(x.link.Seq, "signature does not verify")
	case ledger && (x.recErr != nil || x.recSeq != x.key):
		return bad(x.key, "stored at %d is not record %d", x.key, x.key)
	}
	at.Seq, at.Hash = x.link.Seq, x.entry.Hash
	if ledger {
		at.Cum += x.face
		if x.stored != at.Cum {
			return bad(x.key, "running voucher total %d, records add up to %d", x.stored, at.Cum)
		}
	}
	return nil
}
