package bolt

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// Schema versions of the terminal database. Every release opens the files
// of every earlier release (testdata holds one made by each) and upgrades
// them on Open, in one transaction; a file of a later release is refused
// without a write.
//
//	1  v0.9.0: the ledger head inside the ledger bucket (key 0xFF…FF), bodies as JSON
//	2  the head in meta "ledger_head", bodies DEFLATE-compressed, the day index
//	   (bucket days), the verified checkpoint (meta "verified")
//	3  no change of layout: a return may name a sale of another terminal of
//	   the store (sale_terminal), which schema 2 programs would take for a
//	   sale of their own (wrong receipt on a reprint, wrong unit filter)
const schemaVersion = 3

// Error codes of Open.
const (
	// ESchemaNewer refuses a database written by a later release: this
	// program does not know its layout and would damage it (downgrade).
	ESchemaNewer = "schema_newer"
	// ESchemaUpgrade says an earlier release's database could not be
	// upgraded; nothing in it was changed.
	ESchemaUpgrade = "schema_upgrade_failed"
)

// legacyHeadKey is where schema 1 kept the ledger head: in the ledger bucket.
var legacyHeadKey = u64(math.MaxUint64)

// schemaOf reads the stored schema version; 0 for a new, empty file.
func schemaOf(tx *bolt.Tx) (uint32, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0, nil
	}
	v := meta.Get(keySchema)
	switch {
	case v == nil && meta.Get(keyTerminalKey) == nil:
		return 0, nil
	case len(v) != 4:
		return 0, pos.Errorf(ESchemaUpgrade, "database schema version is unreadable (%d bytes)", len(v))
	}
	return binary.BigEndian.Uint32(v), nil
}

// checkSchema refuses, before any write, a file of a later release.
func checkSchema(b *bolt.DB, path string) (uint32, error) {
	var ver uint32
	err := b.View(func(tx *bolt.Tx) (err error) {
		ver, err = schemaOf(tx)
		return err
	})
	if err != nil {
		return 0, err
	}
	if ver > schemaVersion {
		return ver, pos.Errorf(ESchemaNewer, "database %s has schema %d, written by a later release; this program (%s) knows schema %d and will not open it: install the release that wrote it or a later one (nothing was changed)",
			path, ver, pos.BuildVersion(), schemaVersion).With("path", path).With("schema", strconv.Itoa(int(ver)))
	}
	return ver, nil
}

// migration upgrades a database from schema from to from+1 inside the
// upgrade's transaction.
type migration struct {
	from uint32
	run  func(tx *bolt.Tx, p *progress) error
}

var migrations = []migration{{1, migrate1to2}, {2, migrate2to3}}

// migrate2to3 changes nothing stored: the version alone keeps schema 2
// programs from reading returns of other terminals' sales.
func migrate2to3(*bolt.Tx, *progress) error { return nil }

// upgrade brings a database of schema ver up to schemaVersion in tx (the
// caller's single transaction: all steps or none).
func upgrade(tx *bolt.Tx, ver uint32, p *progress) error {
	for _, m := range migrations {
		if m.from < ver {
			continue
		}
		if m.from != ver {
			return pos.Errorf(ESchemaUpgrade, "no upgrade from schema %d", ver)
		}
		if err := m.run(tx, p); err != nil {
			return err
		}
		ver++
	}
	if ver != schemaVersion {
		return pos.Errorf(ESchemaUpgrade, "no upgrade from schema %d to %d", ver, schemaVersion)
	}
	return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint32(nil, schemaVersion))
}

// migrate1to2 moves the ledger head to meta and builds the day index from
// every record's time. Records stay as stored (JSON bodies read as before);
// new records are written compressed.
func migrate1to2(tx *bolt.Tx, p *progress) error {
	ledger := tx.Bucket(bucketLedger)
	head := ledger.Get(legacyHeadKey)
	h := parseLedgerHead(head)
	if head != nil && len(head) != 56 {
		return pos.Errorf(ESchemaUpgrade, "the ledger head is damaged (%d bytes); nothing was changed", len(head))
	}
	p.start("ledger", h.Seq)
	var n uint64
	c := ledger.Cursor()
	for k, v := c.First(); k != nil && len(k) == 8 && !isHead(k); k, v = c.Next() {
		_, e, err := ledgerValue(v)
		if err != nil {
			return pos.WrapError(ESchemaUpgrade, err, "ledger record %d is damaged; nothing was changed (check it with the previous release's posctl ledger verify)", getU64(k)).
				With("seq", strconv.FormatUint(getU64(k), 10))
		}
		t, err := recordTime(e.Body)
		if err != nil {
			return pos.WrapError(ESchemaUpgrade, err, "ledger record %d is damaged; nothing was changed (check it with the previous release's posctl ledger verify)", getU64(k)).
				With("seq", strconv.FormatUint(getU64(k), 10))
		}
		if err := indexDay(tx, pos.DayOf(t), getU64(k)); err != nil {
			return err
		}
		n++
		p.step(n)
	}
	if n != h.Seq {
		return pos.Errorf(ESchemaUpgrade, "the ledger head says %d records, found %d; nothing was changed (check it with the previous release's posctl ledger verify)", h.Seq, n)
	}
	if head != nil {
		if err := ledger.Delete(legacyHeadKey); err != nil {
			return err
		}
		if err := tx.Bucket(bucketMeta).Put(keyLedgerHead, h.bytes()); err != nil {
			return err
		}
	}
	p.done()
	return nil
}

// progress reports a long upgrade to w, at most every 10 %.
type progress struct {
	w          io.Writer
	what       string
	total, pct uint64
	began      time.Time
}

// progressMin is the size from which an upgrade reports its progress.
var progressMin uint64 = 20_000

func (p *progress) start(what string, total uint64) {
	p.what, p.total, p.pct, p.began = what, total, 0, time.Now()
	if p.on() {
		fmt.Fprintf(p.w, "fupinpos: upgrading the terminal database to schema %d: indexing %d %s records…\n", schemaVersion, total, what)
	}
}

func (p *progress) on() bool { return p != nil && p.w != nil && p.total >= progressMin }

func (p *progress) step(n uint64) {
	if !p.on() {
		return
	}
	if pct := n * 100 / p.total; pct >= p.pct+10 {
		p.pct = pct - pct%10
		fmt.Fprintf(p.w, "fupinpos: upgrade %d%% (%d/%d)\n", p.pct, n, p.total)
	}
}

func (p *progress) done() {
	if p.on() {
		fmt.Fprintf(p.w, "fupinpos: upgrade of %d records done in %s\n", p.total, time.Since(p.began).Round(time.Millisecond))
	}
}

// progressTo is where Open reports an upgrade: opts.Progress, else stderr.
func progressTo(opts *Options) io.Writer {
	if opts.Progress != nil {
		return opts.Progress
	}
	return os.Stderr
}

// Schema returns the schema version of the open database (always the
// program's: Open upgrades earlier ones) and the version the file had
// when it was opened.
func (db *DB) Schema() (now, opened uint32) { return schemaVersion, db.openedSchema }
