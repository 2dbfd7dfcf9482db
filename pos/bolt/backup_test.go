package bolt_test

import (
	"path/filepath"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
)

// TestBackupHotCopyIsRestored: a backup taken while the database is open
// holds the sales up to then, is marked restored, refuses sales and voids
// until ConfirmRestored sees the server's head equal to its own, and the
// original goes on selling meanwhile.
func TestBackupHotCopyIsRestored(t *testing.T) {
	f := newFixture(t, nil)
	s1 := f.MustRedeem(t, sale(pos.PayCash, []string{f.dep.Code(t, "m1", pos.Yuan(100))}, item("YX-CUILAN-250", 1)))
	out := filepath.Join(t.TempDir(), "backup.db")
	n, err := f.Backup(out)
	if err != nil || n == 0 {
		t.Fatalf("backup: %d bytes, %v", n, err)
	}
	f.MustRedeem(t, sale(pos.PayCash, []string{f.dep.Code(t, "m2", pos.Yuan(100))}, item("YX-CUILAN-250", 1)))
	if on, _ := f.Restored(); on {
		t.Fatal("the original database is marked restored")
	}

	c := &clock{t: t0.Add(time.Minute)}
	r, err := bolt.Open(out, 0o600, &bolt.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.SetOnline(true)
	if on, err := r.Restored(); !on || err != nil {
		t.Fatalf("backup not marked restored: %v %v", on, err)
	}
	seq, hash, _ := r.Head()
	if seq != 1 || hash != s1.Hash {
		t.Fatalf("backup head %d %s, want 1 %s", seq, hash, s1.Hash)
	}
	code := f.dep.Code(t, "m3", pos.Yuan(100))
	_, err = r.Redeem(sale(pos.PayCash, []string{code}, item("YX-CUILAN-250", 1)))
	if pos.ErrorCode(err) != bolt.ERestored {
		t.Fatalf("sale on an unconfirmed restored database: %v; want %s (pos/bolt appendLedger must call restoredGuard)", err, bolt.ERestored)
	}
	_, err = r.Void(1, manager, managerPIN, "顾客退货")
	wantCode(t, err, bolt.ERestored)

	for _, tc := range []struct {
		name string
		seq  uint64
		hash pos.Hash
	}{
		{"server ahead", 2, pos.Hash{1}},
		{"server behind", 0, pos.Hash{}},
		{"same seq, other record", 1, pos.Hash{2}},
	} {
		wantCode(t, r.ConfirmRestored(tc.seq, tc.hash, "sync"), bolt.ERestored)
		if on, _ := r.Restored(); !on {
			t.Fatalf("%s: the mark was lifted", tc.name)
		}
	}
	if err := r.ConfirmRestored(1, s1.Hash, "sync"); err != nil {
		t.Fatal(err)
	}
	if on, _ := r.Restored(); on {
		t.Fatal("mark still set after a matching head")
	}
	s, err := r.Redeem(sale(pos.PayCash, []string{code}, item("YX-CUILAN-250", 1)))
	if err != nil || s.Record.Seq != 2 {
		t.Fatalf("sale after confirmation: %v %v", s, err)
	}
}

// TestBackupFileBusy: while the database is open by a process that does
// not answer on the control socket, a file backup says the file is busy;
// closed, it copies it.
func TestBackupFileBusy(t *testing.T) {
	f := newFixture(t, nil)
	f.MustRedeem(t, sale(pos.PayCash, []string{f.dep.Code(t, "m1", pos.Yuan(100))}, item("YX-CUILAN-250", 1)))
	out := filepath.Join(t.TempDir(), "backup.db")
	_, err := bolt.BackupFile(f.path, out, 100*time.Millisecond)
	wantCode(t, err, pos.EBUSY)
	f.Close()
	if _, err := bolt.BackupFile(f.path, out, 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	r, err := bolt.Open(out, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if seq, _, _ := r.Head(); seq != 1 {
		t.Errorf("backup head %d, want 1", seq)
	}
	if on, _ := r.Restored(); !on {
		t.Error("file backup not marked restored")
	}
	_, err = bolt.BackupFile(filepath.Join(t.TempDir(), "none.db"), out, 0)
	wantCode(t, err, pos.ENOTFOUND)
}
