package bolt

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// The process that holds a terminal database (the cashier app) keeps the
// file locked, so no other process can open it, even to read. It answers
// on a control socket beside the file instead: asked for a snapshot, it
// streams a consistent copy of the database from one read transaction
// while sales go on. posctl backs up and reads through it while the app
// runs. The socket is 0600: the copy holds the terminal's private key.

// ControlPath is the control socket of the database at path.
func ControlPath(path string) string { return path + ".ctl" }

// controlSnapshot is the one request; the answer is "OK size\n" and the
// file, or "ERR message\n".
const controlSnapshot = "snapshot"

// ServeControl answers snapshot requests on ControlPath until ctx ends. A
// socket left by a process that died is replaced (the database lock says
// no live process owns it).
func (db *DB) ServeControl(ctx context.Context) error {
	path := ControlPath(db.path)
	if c, err := net.DialTimeout("unix", path, 200*time.Millisecond); err == nil {
		c.Close()
		return pos.Errorf(pos.EBUSY, "another process answers on %s", path)
	}
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return pos.WrapError(pos.ESTORAGE, err, "listen on %s", path)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return pos.WrapError(pos.ESTORAGE, err, "chmod %s", path)
	}
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	defer os.Remove(path)
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return pos.WrapError(pos.ESTORAGE, err, "accept on %s", path)
		}
		go db.answer(c)
	}
}

func (db *DB) answer(c net.Conn) {
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(io.LimitReader(c, 64)).ReadString('\n')
	if err != nil {
		return
	}
	c.SetReadDeadline(time.Time{})
	if strings.TrimSpace(line) != controlSnapshot {
		fmt.Fprintf(c, "ERR unknown request\n")
		return
	}
	err = db.bolt.View(func(tx *bolt.Tx) error {
		if _, err := fmt.Fprintf(c, "OK %d\n", tx.Size()); err != nil {
			return err
		}
		_, err := tx.WriteTo(c)
		return err
	})
	if err != nil {
		fmt.Fprintf(c, "ERR %v\n", err) // seen only if the header was not sent
	}
}

// Snapshot asks the process holding the database at path for a copy and
// writes it to out (0600, fsynced, replaced atomically). It fails with
// pos.EBUSY when no process answers (an app without the control socket,
// or one that hung).
func Snapshot(path, out string) (int64, error) {
	ctl := ControlPath(path)
	c, err := net.DialTimeout("unix", ctl, 2*time.Second)
	if err != nil {
		return 0, pos.WrapError(pos.EBUSY, err, "%s is locked by another process that does not answer on %s (the terminal app? close it first)", path, ctl).With("path", path)
	}
	defer c.Close()
	if _, err := io.WriteString(c, controlSnapshot+"\n"); err != nil {
		return 0, pos.WrapError(pos.EBUSY, err, "ask %s for a copy", ctl)
	}
	r := bufio.NewReader(c)
	head, err := r.ReadString('\n')
	if err != nil {
		return 0, pos.WrapError(pos.EBUSY, err, "ask %s for a copy", ctl)
	}
	var size int64
	if _, err := fmt.Sscanf(head, "OK %d\n", &size); err != nil {
		return 0, pos.Errorf(pos.ESTORAGE, "the terminal app could not copy %s: %s", path, strings.TrimSpace(strings.TrimPrefix(head, "ERR ")))
	}
	part := out + ".part"
	defer os.Remove(part)
	f, err := os.OpenFile(part, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, pos.WrapError(pos.ESTORAGE, err, "create %s", part)
	}
	n, err := io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, pos.WrapError(pos.ESTORAGE, err, "write %s", part)
	}
	if n != size { // the app stopped mid-copy
		return n, pos.Errorf(pos.ESTORAGE, "the copy of %s from the terminal app is incomplete (%d of %d bytes)", path, n, size)
	}
	if err := os.Rename(part, out); err != nil {
		return n, pos.WrapError(pos.ESTORAGE, err, "rename %s", part)
	}
	return n, nil
}
