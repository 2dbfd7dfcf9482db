package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/postest"
)

// TestBackupRestore: backup says db_busy while the app holds the file;
// with it closed, backup and restore work, and the restored terminal
// refuses to sell until a sync (restored_not_synced).
func TestBackupRestore(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "YX-CUILAN-250:1", "--method", "cash", dep.Code(t, "m1", pos.Yuan(100)))
	out := filepath.Join(t.TempDir(), "backup.db")

	app, err := bolt.Open(db, 0o600, nil) // the cashier app
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut := posctl(t, "backup", "--db", db, "--out", out)
	if code != 1 || !strings.Contains(errOut, "["+pos.EBUSY+"]") {
		t.Fatalf("backup while the app runs: exit %d %s", code, errOut)
	}
	if code, _, errOut := posctl(t, "restore", "--db", db, "--from", out); code != 1 || !strings.Contains(errOut, "["+pos.EBUSY+"]") {
		t.Fatalf("restore while the app runs: exit %d %s", code, errOut)
	}
	app.Close()

	if o := mustPosctl(t, "backup", "--db", db, "--out", out); !strings.Contains(o, "bytes") {
		t.Errorf("backup: %s", o)
	}
	mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "YX-CUILAN-250:1", "--method", "cash", dep.Code(t, "m2", pos.Yuan(100)))

	if code, _, _ := posctl(t, "restore", "--db", db, "--from", filepath.Join(t.TempDir(), "none.db")); code != 1 {
		t.Errorf("restore from a missing file: exit %d", code)
	}
	o := mustPosctl(t, "restore", "--db", db, "--from", out)
	if !strings.Contains(o, "terminal T01") || !strings.Contains(o, "record 1") || !strings.Contains(o, "kept as") {
		t.Errorf("restore: %s", o)
	}
	kept := strings.TrimSpace(strings.SplitN(strings.SplitN(o, "kept as ", 2)[1], "\n", 2)[0])
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("replaced database not kept: %v", err)
	}
	code, _, errOut = posctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "YX-CUILAN-250:1", "--method", "cash", dep.Code(t, "m3", pos.Yuan(100)))
	if code != 1 || !strings.Contains(errOut, "["+bolt.ERestored+"]") {
		t.Fatalf("sale on the restored terminal: exit %d %s", code, errOut)
	}
}

// TestReadsWhileAppRuns: while the app holds the database and answers on
// its control socket, backup and the read commands work from a copy it
// hands over (and say so); commands that write still say the database is
// busy.
func TestReadsWhileAppRuns(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "YX-CUILAN-250:1", "--method", "cash", dep.Code(t, "m1", pos.Yuan(100)))

	app, err := bolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go app.ServeControl(ctx)
	for i := 0; i < 200; i++ {
		if _, err := os.Stat(bolt.ControlPath(db)); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}

	out := filepath.Join(t.TempDir(), "backup.db")
	if o := mustPosctl(t, "backup", "--db", db, "--out", out); !strings.Contains(o, "bytes") {
		t.Errorf("backup while the app runs: %s", o)
	}
	code, o, errOut := posctl(t, "ledger", "list", "--db", db, "--json")
	if code != 0 || strings.Count(o, `"receipt"`) != 1 || !strings.Contains(errOut, "copy of the database") {
		t.Errorf("ledger list while the app runs: exit %d\n%s%s", code, o, errOut)
	}
	var st struct {
		Outbox int `json:"outbox"`
	}
	code, o, _ = posctl(t, "status", "--db", db, "--json")
	if code != 0 || json.Unmarshal([]byte(o), &st) != nil || st.Outbox != 1 {
		t.Errorf("status while the app runs: exit %d %s", code, o)
	}
	if o := mustPosctl(t, "report", "day", "--db", db, "--json"); !strings.Contains(o, `"sales": 1`) && !strings.Contains(o, `"sales":1`) {
		t.Errorf("report while the app runs: %s", o)
	}
	code, _, errOut = posctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "YX-CUILAN-250:1", "--method", "cash", dep.Code(t, "m2", pos.Yuan(100)))
	if code != 1 || !strings.Contains(errOut, "["+pos.EBUSY+"]") {
		t.Errorf("a sale while the app runs: exit %d %s", code, errOut)
	}
	if matches, _ := filepath.Glob(filepath.Join(os.TempDir(), "posctl-snapshot-*")); len(matches) != 0 {
		t.Errorf("snapshot copies left behind: %v", matches)
	}
}
