package bolt_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
)

// TestOpenExisting: with Options.Existing, Open refuses a path that is
// not already a terminal database — missing (not_provisioned, named), a
// folder, an empty file, garbage, another program's bbolt file
// (not_a_database) — and leaves it exactly as it was: a missing file is
// not created, an empty one stays empty. Without Existing a damaged file
// is not_a_database too, never a "write failed".
func TestOpenExisting(t *testing.T) {
	dir := t.TempDir()
	foreign := filepath.Join(dir, "foreign.db")
	fb, err := bbolt.Open(foreign, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	fb.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket([]byte("other")); return err })
	fb.Close()
	terminal := filepath.Join(dir, "terminal.db")
	db, err := bolt.Open(terminal, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, tc := range []struct {
		name     string
		make     func(path string)
		existing bool
		code     string
	}{
		{"missing", func(string) {}, true, pos.ENOTPROVISIONED},
		{"folder", func(p string) { os.Mkdir(p, 0o700) }, true, bolt.ENotDatabase},
		{"empty", func(p string) { os.WriteFile(p, nil, 0o600) }, true, bolt.ENotDatabase},
		{"text", func(p string) { os.WriteFile(p, []byte("x\n"), 0o600) }, true, bolt.ENotDatabase},
		{"zeros", func(p string) { os.WriteFile(p, make([]byte, 32768), 0o600) }, true, bolt.ENotDatabase},
		{"text, not existing", func(p string) { os.WriteFile(p, []byte("x\n"), 0o600) }, false, bolt.ENotDatabase},
		{"another program's bbolt file", func(p string) { os.Rename(copyFile(t, foreign), p) }, true, bolt.ENotDatabase},
		{"a terminal database", func(p string) { os.Rename(copyFile(t, terminal), p) }, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.db")
			tc.make(path)
			before, _ := os.ReadFile(path)
			_, statErr := os.Stat(path)
			db, err := bolt.Open(path, 0o600, &bolt.Options{Existing: tc.existing})
			if err == nil {
				db.Close()
			}
			if pos.ErrorCode(err) != tc.code {
				t.Fatalf("Open: %v (code %q), want code %q", err, pos.ErrorCode(err), tc.code)
			}
			if tc.code == "" {
				return
			}
			if got := pos.ErrorParams(err)["path"]; got != path {
				t.Errorf("the error names %q, want %q", got, path)
			}
			after, _ := os.ReadFile(path)
			if _, err := os.Stat(path); (err == nil) != (statErr == nil) || !bytes.Equal(before, after) {
				t.Errorf("the file changed: %d bytes before, %d after (existed %v, exists %v)", len(before), len(after), statErr == nil, err == nil)
			}
		})
	}
}
