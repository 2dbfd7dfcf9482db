package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/pos/report"
)

// TestLastReleaseDatabase: posctl opens the database file v0.9.0 made
// (pos/bolt/testdata), upgrading it; then status, the day report, the
// day's list and ledger verify agree with what v0.9.0 reported.
func TestLastReleaseDatabase(t *testing.T) {
	t.Setenv("LANG", "en_US.UTF-8")
	raw, err := os.ReadFile("../../pos/bolt/testdata/schema1-v0.9.0.db")
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "terminal.db")
	os.WriteFile(db, raw, 0o600)

	var st struct {
		Outbox int            `json:"outbox"`
		Amount pos.Money      `json:"outbox_amount"`
		Schema uint32         `json:"schema"`
		Queue  pos.QueueState `json:"queue"`
		Head   pos.Hash       `json:"head"`
	}
	out := mustPosctl(t, "status", "--db", db, "--json")
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	if st.Outbox != 6 || st.Amount != 35000 || st.Queue.Count != 6 || st.Schema != 3 ||
		st.Head.String() != "afd4d91a88a0e9eb7f3623042048785671343c43e38e6b0c12db251076001ef0" {
		t.Fatalf("status after upgrade: %+v", st)
	}
	// A shell with no JSON tool reads the outbox from its own line.
	if m := regexp.MustCompile(`(?m)^  "outbox": (\d+),$`).FindStringSubmatch(out); m == nil || m[1] != "6" {
		t.Fatalf("no `  \"outbox\": 6,` line in\n%s", out)
	}

	var d report.Day
	if err := json.Unmarshal([]byte(mustPosctl(t, "report", "day", "--db", db, "--date", "2026-12-01", "--json")), &d); err != nil {
		t.Fatal(err)
	}
	if d.Sales != 5 || d.Voids != 1 || d.Total != 33420 || d.VoucherAmount != 22640 || d.Forfeited != 7360 || d.SelfPaid != 10780 {
		t.Fatalf("day report after upgrade: %+v", d)
	}
	var list []ListedRecord
	if err := json.Unmarshal([]byte(mustPosctl(t, "ledger", "list", "--db", db, "--date", "2026-12-01", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 6 || list[3].Kind != "void" || list[3].Voids != "T01-000003" {
		t.Fatalf("list of the day: %+v", list)
	}
	if out := mustPosctl(t, "ledger", "list", "--db", db, "--date", "2026-12-02", "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("a day without records lists %s", out)
	}
}

// TestLedgerVerifyFromCheckpoint: the first verify walks everything and
// leaves a checkpoint; the next checks only what came after it; --full
// walks everything again.
func TestLedgerVerifyFromCheckpoint(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	verify := func(args ...string) LedgerResult {
		t.Helper()
		var res LedgerResult
		if err := json.Unmarshal([]byte(mustPosctl(t, append([]string{"ledger", "verify", "--db", db, "--json"}, args...)...)), &res); err != nil {
			t.Fatal(err)
		}
		if !res.OK || res.Check == nil {
			t.Fatalf("verify %v: %+v", args, res)
		}
		return res
	}
	redeem := func(member string) {
		mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:1", "--method", "cash", dep.Code(t, member, pos.Yuan(50)))
	}
	redeem("m1")
	redeem("m2")
	first := verify()
	if c := first.Check; !c.Full || c.Records != 2 || c.Checked != c.Records+c.AuditEvents {
		t.Fatalf("first verify: %+v", c)
	}
	redeem("m3")
	next := verify()
	if c := next.Check; c.Full || c.From != 3 || c.Records != 3 || c.Checked != 1+c.AuditEvents-first.Check.AuditEvents {
		t.Fatalf("verify after one more sale: %+v (first %+v)", c, first.Check)
	}
	if c := verify("--full").Check; !c.Full || c.From != 1 || c.Checked != c.Records+c.AuditEvents {
		t.Fatalf("verify --full: %+v", c)
	}
	out := mustPosctl(t, "ledger", "verify", "--db", db)
	if !strings.Contains(out, "0 entries checked since the last verified checkpoint") {
		t.Fatalf("verify text: %s", out)
	}
}

// TestLedgerVerifyFullFindsTampering changes a stored sale behind the
// program's back, before the checkpoint a verify left: ledger verify
// --full finds it (exit 1, the record named); the default walk starts
// after the checkpoint, as documented.
func TestLedgerVerifyFullFindsTampering(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	for _, m := range []string{"m1", "m2", "m3"} {
		mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "YX-CUILAN-250:1", "--method", "cash", dep.Code(t, m, pos.Yuan(50)))
	}
	mustPosctl(t, "ledger", "verify", "--db", db)
	raw, err := bbolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = raw.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("ledger"))
		k := []byte{0, 0, 0, 0, 0, 0, 0, 2}
		v := bytes.Clone(b.Get(k))
		v[len(v)-20] ^= 0x10 // a byte of the stored body
		return b.Put(k, v)
	})
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := posctl(t, "ledger", "verify", "--db", db, "--json", "--full")
	var lr LedgerResult
	json.Unmarshal([]byte(out), &lr)
	if code != 1 || lr.OK || lr.Seq != "2" || lr.Code != pos.ECONFLICT {
		t.Fatalf("exit %d %+v", code, lr)
	}
}
