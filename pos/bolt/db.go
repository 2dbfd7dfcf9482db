package bolt

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"fupinpos/pos"
)

var (
	bucketMeta      = []byte("meta")
	bucketConfig    = []byte("config")
	bucketTrust     = []byte("trust")
	bucketCatalogue = []byte("catalogue")
	bucketStatus    = []byte("status")
	bucketHolders   = []byte("holders")
	bucketRedeemed  = []byte("redeemed")
	bucketVoids     = []byte("voids")
	bucketLedger    = []byte("ledger")
	bucketAcks      = []byte("acks")
	bucketIncidents = []byte("incidents")
	bucketAudit     = []byte("audit")
	bucketUsers     = []byte("users")
	bucketHeld      = []byte("held")
	bucketDays      = []byte("days")

	allBuckets = [][]byte{bucketMeta, bucketConfig, bucketTrust, bucketCatalogue, bucketStatus,
		bucketHolders, bucketRedeemed, bucketVoids, bucketLedger, bucketAcks, bucketAudit, bucketUsers, bucketIncidents, bucketHeld, bucketDays}

	keySchema       = []byte("schema")
	keyTerminalKey  = []byte("terminal_key")
	keyRootKey      = []byte("root_key")
	keyClock        = []byte("clock")
	keyAcked        = []byte("acked")
	keySyncCursor   = []byte("sync_cursor")
	keyTrustSeq     = []byte("trust_seq")
	keyCatalogueVer = []byte("catalogue")
	keyAuditHead    = []byte("audit_head")
	keyConfig       = []byte("terminal")
)

// Options are the settings of Open. A nil *Options means the defaults.
type Options struct {
	// Now is the terminal's clock; tests set a fake one. Default time.Now.
	Now func() time.Time
	// Timeout is how long Open waits for another process to release the
	// file lock; zero waits forever. When it runs out Open fails with
	// pos.EBUSY: bbolt holds an exclusive lock on the file while it is open
	// (the terminal app keeps it open all day).
	Timeout time.Duration
	// Progress receives the progress of a long upgrade of an earlier
	// release's database (see schemaVersion); nil means os.Stderr.
	Progress io.Writer
	// Existing opens only a file that is already a terminal database, for
	// the commands that do not set one up. A missing file is
	// pos.ENOTPROVISIONED naming it; an empty file, a folder or a file
	// that is not a terminal database is ENotDatabase — and none of them
	// is written to (bbolt makes an empty file a new database).
	Existing bool
}

// ENotDatabase is Open's code for a file that is not a terminal database
// or is damaged beyond reading (both of bbolt's meta pages bad); nothing
// was written to it.
const ENotDatabase = "not_a_database"

// notDatabase is the ENotDatabase error for path.
func notDatabase(path string, cause error, why string) error {
	return pos.WrapError(ENotDatabase, cause, "%s is not a terminal database (%s); nothing was written", path, why).With("path", path)
}

// openError is the error of bbolt failing to open path (other than its
// lock timeout): ENotDatabase for a file bbolt cannot read as a database,
// else ESTORAGE naming the file.
func openError(path string, err error) error {
	if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrVersionMismatch) || errors.Is(err, bolterrors.ErrChecksum) {
		return notDatabase(path, err, "not a bbolt file, or damaged")
	}
	return pos.WrapError(pos.ESTORAGE, err, "open %s", path).Say("open", "path", path)
}

// checkExisting refuses, before bbolt touches it, a path that is not an
// existing, non-empty file (Options.Existing).
func checkExisting(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return pos.WrapError(pos.ENOTPROVISIONED, err, "no terminal database at %s (run posctl provision or posctl enroll)", path).Say("no_file", "path", path)
	case err != nil:
		return pos.WrapError(pos.ESTORAGE, err, "open %s", path).Say("open", "path", path)
	case fi.IsDir():
		return notDatabase(path, nil, "a folder")
	case fi.Size() == 0:
		return notDatabase(path, nil, "an empty file")
	}
	return nil
}

// DB is an open terminal database. Its methods are safe for concurrent use;
// bbolt serialises writers, so two redemptions never interleave.
type DB struct {
	bolt   *bolt.DB
	path   string
	now    func() time.Time
	online atomic.Bool

	// Decoded documents, reused while the stored bytes are unchanged.
	cfg   atomic.Pointer[cached[pos.TerminalConfig]]
	trust atomic.Pointer[cached[pos.TrustList]]
	cat   atomic.Pointer[cached[pos.Catalogue]]
	keys  atomic.Pointer[keys]

	vmu      sync.Mutex
	verified map[string]verifiedCode

	openedSchema uint32
}

// keys are the terminal's key pair and the root key; fixed once provisioned.
type keys struct {
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
	root ed25519.PublicKey
}

type cached[T any] struct {
	raw []byte
	val *T
}

// Open opens or creates the terminal database at path. A new file is empty
// and unprovisioned: only Provision, users and Audit work on it until then.
func Open(path string, mode os.FileMode, opts *Options) (*DB, error) {
	if opts == nil {
		opts = &Options{}
	}
	if opts.Existing {
		if err := checkExisting(path); err != nil {
			return nil, err
		}
	}
	b, err := bolt.Open(path, mode, &bolt.Options{Timeout: opts.Timeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, pos.WrapError(pos.EBUSY, err, "%s is locked by another process (the terminal app?)", path).With("path", path)
	}
	if err != nil {
		return nil, openError(path, err)
	}
	ver, err := checkSchema(b, path)
	if err == nil && ver == 0 && opts.Existing {
		err = notDatabase(path, nil, "a bbolt file of another program")
	}
	if err != nil {
		b.Close()
		return nil, err
	}
	db := &DB{bolt: b, path: path, now: opts.Now, verified: map[string]verifiedCode{}, openedSchema: ver}
	if db.now == nil {
		db.now = time.Now
	}
	if ver == schemaVersion && db.hasBuckets() {
		return db, nil // up to date: Open writes nothing
	}
	err = db.update("initialise database", func(tx *bolt.Tx) error {
		if ver == 0 { // a new file
			for _, name := range allBuckets {
				if _, err := tx.CreateBucketIfNotExists(name); err != nil {
					return err
				}
			}
			_, priv, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				return pos.WrapError(pos.EINTERNAL, err, "make terminal key")
			}
			if err := tx.Bucket(bucketMeta).Put(keyTerminalKey, priv); err != nil {
				return err
			}
			return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint32(nil, schemaVersion))
		}
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if ver == schemaVersion {
			return nil
		}
		return upgrade(tx, ver, &progress{w: progressTo(opts)})
	})
	if err != nil {
		b.Close()
		return nil, err
	}
	return db, nil
}

// hasBuckets reports whether every bucket of the layout exists.
func (db *DB) hasBuckets() bool {
	ok := true
	db.bolt.View(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			ok = ok && tx.Bucket(name) != nil
		}
		return nil
	})
	return ok
}

// Close releases the file. Every committed record is already on disk.
func (db *DB) Close() error {
	if err := db.bolt.Close(); err != nil {
		return pos.WrapError(pos.ESTORAGE, err, "close %s", db.path)
	}
	return nil
}

// Path returns the file the database lives in.
func (db *DB) Path() string { return db.path }

// Size returns the size of the database file in bytes, for diagnostics.
func (db *DB) Size() (int64, error) {
	fi, err := os.Stat(db.path)
	if err != nil {
		return 0, pos.WrapError(pos.ESTORAGE, err, "stat %s", db.path)
	}
	return fi.Size(), nil
}

// update runs fn in one read-write transaction. Errors that are not already
// a *pos.Error come from bbolt or the disk and become pos.ESTORAGE: the
// transaction was rolled back and nothing of it was recorded.
func (db *DB) update(what string, fn func(tx *bolt.Tx) error) error {
	return storageError(db.bolt.Update(fn), what)
}

// view runs fn in one read-only transaction.
func (db *DB) view(what string, fn func(tx *bolt.Tx) error) error {
	return storageError(db.bolt.View(fn), what)
}

func storageError(err error, what string) error {
	if err == nil {
		return nil
	}
	var pe *pos.Error
	if errors.As(err, &pe) {
		return err
	}
	return pos.WrapError(pos.ESTORAGE, err, "%s", what)
}

// timestamp returns the clock's current time without its monotonic reading.
func (db *DB) timestamp() time.Time { return db.now().Round(0) }

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func getU64(b []byte) uint64 {
	if len(b) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func putI64(b *bolt.Bucket, key []byte, v int64) error {
	return b.Put(key, binary.BigEndian.AppendUint64(nil, uint64(v)))
}

func getI64(b *bolt.Bucket, key []byte) int64 { return int64(getU64(b.Get(key))) }

// unixNano encodes t, with 0 for the zero time.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).In(pos.CST)
}

// decodeCached returns the decoded form of raw, decoding only when raw
// differs from what was decoded last time. The result is shared: read only.
func decodeCached[T any](p *atomic.Pointer[cached[T]], raw []byte, decode func([]byte) (*T, error)) (*T, error) {
	if c := p.Load(); c != nil && bytes.Equal(c.raw, raw) {
		return c.val, nil
	}
	v, err := decode(raw)
	if err != nil {
		return nil, err
	}
	p.Store(&cached[T]{raw: bytes.Clone(raw), val: v})
	return v, nil
}
