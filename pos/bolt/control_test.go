package bolt_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
)

// serveControl starts the control socket of f's database (as the app does)
// and waits until it answers.
func serveControl(t *testing.T, f *fixture) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.ServeControl(ctx) }()
	for i := 0; ; i++ {
		if c, err := net.Dial("unix", bolt.ControlPath(f.path)); err == nil {
			c.Close()
			break
		}
		if i == 200 {
			t.Fatal("control socket never answered")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("ServeControl: %v", err)
		}
	}
}

// TestBackupThroughApp: while the app holds the database, a file backup
// asks it for a copy over the control socket: the copy has every record
// made so far, is marked restored (the original is not), and sales go on.
func TestBackupThroughApp(t *testing.T) {
	f := newFixture(t, nil)
	defer f.Close()
	f.MustRedeem(t, sale(pos.PayCash, []string{f.dep.Code(t, "m1", pos.Yuan(100))}, item("YX-CUILAN-250", 1)))
	stop := serveControl(t, f)
	if fi, err := os.Stat(bolt.ControlPath(f.path)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("control socket: %v %v, want mode 0600", fi, err)
	}
	if err := f.ServeControl(context.Background()); pos.ErrorCode(err) != pos.EBUSY {
		t.Errorf("a second control server: %v, want %s", err, pos.EBUSY)
	}
	out := filepath.Join(t.TempDir(), "backup.db")
	n, err := bolt.BackupFile(f.path, out, 50*time.Millisecond)
	if err != nil || n == 0 {
		t.Fatalf("backup through the app: %d %v", n, err)
	}
	f.MustRedeem(t, sale(pos.PayCash, []string{f.dep.Code(t, "m2", pos.Yuan(100))}, item("YX-CUILAN-250", 1)))
	if on, _ := f.Restored(); on {
		t.Error("the live database was marked restored")
	}
	r, err := bolt.Open(out, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if seq, _, _ := r.Head(); seq != 1 {
		t.Errorf("backup head %d, want 1", seq)
	}
	if on, _ := r.Restored(); !on {
		t.Error("backup not marked restored")
	}
	r.Close()
	stop()
	if _, err := os.Stat(bolt.ControlPath(f.path)); !os.IsNotExist(err) {
		t.Errorf("control socket left behind: %v", err)
	}
	_, err = bolt.BackupFile(f.path, out, 50*time.Millisecond)
	wantCode(t, err, pos.EBUSY)
}

// TestControlStaleSocket: a socket file left by an app that died is
// replaced by the next app.
func TestControlStaleSocket(t *testing.T) {
	f := newFixture(t, nil)
	defer f.Close()
	if err := os.WriteFile(bolt.ControlPath(f.path), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	stop := serveControl(t, f)
	defer stop()
	f.MustRedeem(t, sale(pos.PayCash, []string{f.dep.Code(t, "m1", pos.Yuan(100))}, item("YX-CUILAN-250", 1)))
	snap := filepath.Join(t.TempDir(), "snap.db")
	n, err := bolt.Snapshot(f.path, snap)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(snap); err != nil || fi.Size() != n {
		t.Fatalf("snapshot file %v %v, want %d bytes", fi, err, n)
	}
	r, err := bolt.Open(snap, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	want, wantHash, _ := f.Head()
	if seq, h, _ := r.Head(); seq != want || h != wantHash {
		t.Errorf("snapshot head %d %x, want %d %x", seq, h, want, wantHash)
	}
	if on, _ := r.Restored(); on {
		t.Error("a snapshot for reading is marked restored")
	}
}

// TestSnapshotIncomplete: a copy cut short (the app killed mid-stream) is
// an error, and no file is left at out.
func TestSnapshotIncomplete(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "terminal.db")
	ln, err := net.Listen("unix", bolt.ControlPath(path))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		buf := make([]byte, 16)
		c.Read(buf)
		fmt.Fprintf(c, "OK 65536\n")
		c.Write(make([]byte, 4096))
		c.Close()
	}()
	out := filepath.Join(dir, "snap.db")
	_, err = bolt.Snapshot(path, out)
	wantCode(t, err, pos.ESTORAGE)
	if _, serr := os.Stat(out); !os.IsNotExist(serr) {
		t.Errorf("a cut copy was kept: %v", serr)
	}
}
