package main

import (
	"io"
	"os"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
)

// cmdBackup copies the terminal database to a backup file in one read
// transaction. The copy is marked restored: a terminal started on it syncs
// with the server before it sells again. While the cashier app runs it
// holds the database's lock and the command fails with db_busy.
func cmdBackup(args []string, stdout io.Writer) error {
	fs := newFlags("backup", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE`")
	out := fs.String("out", "", "backup `FILE` to write (replaced atomically; keep it like the database: it holds the terminal's key)")
	if err := parse(fs, args, false); err != nil {
		return err
	}
	if err := require(fs, "db", "out"); err != nil {
		return err
	}
	n, err := bolt.BackupFile(*dbPath, *out, defaultLockWait)
	if err != nil {
		return err
	}
	say(stdout, "posctl.backup.done", "file", *out, "bytes", n)
	say(stdout, "posctl.backup.note")
	return nil
}

// cmdRestore puts a backup in place of the terminal database (the app
// stopped), keeping the replaced file next to it. The restored database
// refuses sales until a sync shows the server holds nothing newer of this
// terminal.
func cmdRestore(args []string, stdout io.Writer) error {
	fs := newFlags("restore", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE` to replace")
	from := fs.String("from", "", "backup `FILE` made by posctl backup or the app")
	if err := parse(fs, args, false); err != nil {
		return err
	}
	if err := require(fs, "db", "from"); err != nil {
		return err
	}
	if _, err := os.Stat(*dbPath); err == nil {
		// Refused only while the app runs (db_busy); a damaged or empty
		// file is what a restore replaces (it is kept beside).
		db, err := openDB(*dbPath, false)
		if pos.ErrorCode(err) == pos.EBUSY {
			return err
		}
		if err == nil {
			db.Close()
		}
	}
	tmp := *dbPath + ".restore"
	defer os.Remove(tmp)
	if err := copyFile(*from, tmp); err != nil {
		return err
	}
	if err := bolt.MarkRestored(tmp); err != nil {
		if pos.ErrorCode(err) == bolt.ENotDatabase { // of the copy: name the backup
			return pos.WrapError(bolt.ENotDatabase, err, "%s is not a terminal database", *from).With("path", *from)
		}
		return err
	}
	db, err := openDB(tmp, false)
	if err != nil {
		return err
	}
	cfg, err := db.Config()
	seq, _, _ := db.Head()
	db.Close()
	if err != nil {
		return pos.WrapError(pos.ENOTPROVISIONED, err, "%s is not a provisioned terminal database", *from).Say("backup", "path", *from)
	}
	kept := ""
	if _, err := os.Stat(*dbPath); err == nil {
		kept = *dbPath + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(*dbPath, kept); err != nil {
			return pos.WrapError(pos.ESTORAGE, err, "keep %s", *dbPath)
		}
	}
	if err := os.Rename(tmp, *dbPath); err != nil {
		return pos.WrapError(pos.ESTORAGE, err, "restore %s", *dbPath)
	}
	say(stdout, "posctl.restore.done", "terminal", cfg.Terminal, "store", cfg.Store, "seq", seq)
	if kept != "" {
		say(stdout, "posctl.restore.kept", "file", kept)
	}
	say(stdout, "posctl.restore.note")
	return nil
}

// copyFile copies src to dst (0600) and fsyncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return pos.WrapError(pos.ENOTFOUND, err, "open %s", src)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return pos.WrapError(pos.ESTORAGE, err, "create %s", dst)
	}
	defer out.Close()
	if _, err := io.Copy(out, in); err != nil {
		return pos.WrapError(pos.ESTORAGE, err, "copy %s", src)
	}
	if err := out.Sync(); err != nil {
		return pos.WrapError(pos.ESTORAGE, err, "sync %s", dst)
	}
	return out.Close()
}
