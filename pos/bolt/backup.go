package bolt

import (
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"fupinpos/pos"
)

// ERestored refuses a sale or void on a database restored from a backup
// until a sync has shown that the server holds no record of this terminal
// that the backup lacks: selling on could otherwise reuse a receipt number
// (seq) the server already has, and the server refuses such a fork.
const ERestored = "restored_not_synced"

// keyRestored in meta marks a database copied by Backup: the time of the
// copy. Its presence blocks sales until ConfirmRestored.
var keyRestored = []byte("restored")

// Backup writes a consistent copy of the open database to out, in one read
// transaction while sales go on (the app can call it at any time), and
// marks the copy as restored: a terminal started on it must sync before it
// sells. out is replaced atomically; it holds the terminal's private key,
// so it is written 0600 and must be kept like the database itself.
func (db *DB) Backup(out string) (int64, error) {
	return writeBackup(db.bolt, out)
}

// BackupFile copies the terminal database at path to out like Backup:
// while the terminal app runs (its control socket answers) it asks the
// app for a copy (Snapshot); otherwise it opens the file read-only, and
// fails with pos.EBUSY when another process holds it for timeout.
func BackupFile(path, out string, timeout time.Duration) (int64, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return 0, pos.WrapError(pos.ENOTFOUND, err, "no terminal database %s", path).Say("no_db_file", "path", path)
	}
	if err := checkExisting(path); err != nil {
		return 0, err
	}
	if _, err := os.Stat(ControlPath(path)); err == nil {
		if n, err := backupFromApp(path, out); err == nil {
			return n, nil
		}
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: timeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return 0, pos.WrapError(pos.EBUSY, err, "%s is locked by another process that does not answer on %s (the terminal app? close it first)", path, ControlPath(path)).With("path", path)
	}
	if err != nil {
		return 0, openError(path, err)
	}
	defer b.Close()
	return writeBackup(b, out)
}

// backupFromApp is BackupFile through the process that holds path.
func backupFromApp(path, out string) (int64, error) {
	part := out + ".part"
	defer os.Remove(part)
	n, err := Snapshot(path, part)
	if err != nil {
		return n, err
	}
	if err := MarkRestored(part); err != nil {
		return n, err
	}
	if err := os.Rename(part, out); err != nil {
		return n, pos.WrapError(pos.ESTORAGE, err, "rename %s", part)
	}
	return n, nil
}

func writeBackup(b *bolt.DB, out string) (int64, error) {
	part := out + ".part"
	defer os.Remove(part)
	f, err := os.OpenFile(part, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, pos.WrapError(pos.ESTORAGE, err, "create %s", part)
	}
	var n int64
	err = b.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketMeta) == nil || tx.Bucket(bucketLedger) == nil {
			return pos.Errorf(pos.EINVALID, "not a terminal database")
		}
		var err error
		n, err = tx.WriteTo(f)
		return err
	})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, storageError(err, "write backup "+out)
	}
	if err := MarkRestored(part); err != nil {
		return n, err
	}
	if err := os.Rename(part, out); err != nil {
		return n, pos.WrapError(pos.ESTORAGE, err, "rename %s", part)
	}
	return n, nil
}

// MarkRestored marks the terminal database at path (not open elsewhere) as
// restored from a backup: until a sync confirms it (ConfirmRestored), it
// refuses sales and voids with ERestored. An audit event records the mark.
func MarkRestored(path string) error {
	db, err := Open(path, 0o600, &Options{Timeout: time.Second, Existing: true})
	if err != nil {
		return err
	}
	defer db.Close()
	return db.update("mark restored", func(tx *bolt.Tx) error {
		now := db.timestamp()
		if err := tx.Bucket(bucketMeta).Put(keyRestored, []byte(now.UTC().Format(time.RFC3339))); err != nil {
			return err
		}
		h := readLedgerHead(tx)
		return db.audit(tx, "backup", pos.AuditSync, map[string]string{"restored": "marked", "head": fmt.Sprint(h.Seq)})
	})
}

// Restored reports whether the database is a restored backup that no sync
// has confirmed yet.
func (db *DB) Restored() (bool, error) {
	var on bool
	err := db.view("read restored mark", func(tx *bolt.Tx) error {
		on = tx.Bucket(bucketMeta).Get(keyRestored) != nil
		return nil
	})
	return on, err
}

// restoredGuard refuses a new ledger record on an unconfirmed restored
// database. Every ledger write (sale, void) goes through appendLedger,
// which calls it first.
func restoredGuard(tx *bolt.Tx) error {
	if tx.Bucket(bucketMeta).Get(keyRestored) == nil {
		return nil
	}
	return pos.Errorf(ERestored, "this database was restored from a backup: sync with the central server before selling")
}

// ConfirmRestored compares the server's chain head for this terminal (its
// last seq and hash, after the outbox was uploaded) with the local ledger
// head. When they are the same record the backup is up to date: the mark
// is removed and selling resumes. When the server holds later records the
// backup lacks them: the mark stays, and the error says to add a terminal
// with a new name and enrol it with a new database file (a new terminal id
// numbers its receipts afresh), since selling on would reuse receipt
// numbers the server already has.
func (db *DB) ConfirmRestored(serverSeq uint64, serverHash pos.Hash, actor string) error {
	return db.update("confirm restored", func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta.Get(keyRestored) == nil {
			return nil
		}
		h := readLedgerHead(tx)
		switch {
		case serverSeq > h.Seq:
			return pos.Errorf(ERestored, "the server holds records up to %d of this terminal, the restored database only up to %d: "+
				"add a terminal with a new name on the server (voucherd terminal add) and enrol it with a new database file (posctl enroll --db NEW.db) instead of selling on this one", serverSeq, h.Seq).
				Say("server_ahead", "server", fmt.Sprint(serverSeq), "local", fmt.Sprint(h.Seq))
		case serverSeq < h.Seq:
			return pos.Errorf(ERestored, "the server holds records up to %d of this terminal, this database up to %d: upload first", serverSeq, h.Seq).
				With("server", fmt.Sprint(serverSeq)).With("local", fmt.Sprint(h.Seq))
		case serverHash != h.Hash:
			return pos.Errorf(ERestored, "record %d differs between the server and this restored database: "+
				"add a terminal with a new name on the server (voucherd terminal add) and enrol it with a new database file (posctl enroll --db NEW.db)", h.Seq).
				Say("record_differs", "server", fmt.Sprint(serverSeq), "local", fmt.Sprint(h.Seq))
		}
		if err := meta.Delete(keyRestored); err != nil {
			return err
		}
		return db.audit(tx, actor, pos.AuditSync, map[string]string{"restored": "confirmed", "head": fmt.Sprint(h.Seq)})
	})
}
