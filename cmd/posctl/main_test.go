package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/pos/report"
	"fupinpos/pos/voucher"
)

// posctl runs the command in-process and returns its exit status and output.
func posctl(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// mustPosctl runs a command that must succeed.
func mustPosctl(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := posctl(t, args...)
	if code != 0 {
		t.Fatalf("posctl %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// terminal provisions a terminal database from a deployment's files, as a
// technician does, and returns its path.
func terminal(t *testing.T, dep *postest.Deployment) string {
	t.Setenv("LANG", "en_US.UTF-8")
	dir := t.TempDir()
	bundle := filepath.Join(dir, "bundle.json")
	root := filepath.Join(dir, "root.pub")
	os.WriteFile(bundle, dep.Bundle(t), 0o600)
	os.WriteFile(root, voucher.MarshalPublicKey(dep.RootPublic()), 0o600)
	db := filepath.Join(dir, "terminal.db")
	out := mustPosctl(t, "provision", "--db", db, "--trust", bundle, "--root-key", root, "--store", "HF-001",
		"--store-name", "合肥百货大楼", "--terminal", "T01", "--scope", "34")
	if !strings.Contains(out, voucher.Fingerprint(dep.RootPublic())) {
		t.Fatalf("provision does not show the root fingerprint:\n%s", out)
	}
	mustPosctl(t, "user", "add", "--db", db, "--id", "1001", "--name", "王芳", "--role", "cashier", "--pin", "2468")
	mustPosctl(t, "user", "add", "--db", db, "--id", "9001", "--name", "李经理", "--role", "manager", "--pin", "8642")
	return db
}

func TestWalkThrough(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	c1 := dep.Code(t, "m1", pos.Yuan(100))
	c2 := dep.Code(t, "m1", pos.Yuan(100))

	// check: exit 0 and a stable JSON object.
	code, out, _ := posctl(t, "check", "--db", db, "--json", c1)
	var vd Verdict
	if err := json.Unmarshal([]byte(out), &vd); err != nil || code != 0 || !vd.OK || vd.Code != "" || vd.Voucher.Value != 10000 || vd.Voucher.UnitName == "" {
		t.Fatalf("check: exit %d %+v %v\n%s", code, vd, err, out)
	}
	// A forged code: exit 1 with the reason.
	forged := []byte(c1)
	forged[200] = '0' + (forged[200]-'0'+1)%10
	code, out, _ = posctl(t, "check", "--db", db, "--json", string(forged))
	json.Unmarshal([]byte(out), &vd)
	if code != 1 || vd.OK || (vd.Code != pos.EBADSIGNATURE && vd.Code != pos.EMALFORMED) {
		t.Fatalf("forged: exit %d %+v", code, vd)
	}
	// Usage errors: exit 2.
	for _, args := range [][]string{{"check", "--db", db}, {"redeem", "--db", db}, {"frobnicate"}, {"check", "--bogus"}, {"ledger"}} {
		if code, _, _ := posctl(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}

	// Two vouchers in one sale, remainder by WeChat.
	out = mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:2", "--item", "YX-CUILAN-250:1",
		"--method", "wechat", "--json", c1, c2)
	var sr SaleResult
	if err := json.Unmarshal([]byte(out), &sr); err != nil {
		t.Fatal(err)
	}
	if sr.Receipt != "T01-000001" || sr.Total != 20780 || sr.VoucherAmount != 20000 || sr.SelfPaid != 780 || sr.Method != pos.PayWeChat || len(sr.Vouchers) != 2 {
		t.Fatalf("sale %+v", sr)
	}
	// Again: refused, exit 1, reason printed.
	code, _, errOut := posctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:1", "--method", "cash", c1)
	if code != 1 || !strings.Contains(errOut, "["+pos.EALREADYREDEEMED+"]") || !strings.Contains(errOut, "T01-000001") {
		t.Fatalf("again: exit %d %s", code, errOut)
	}
	// Over the cap (¥200 already used by m1).
	code, _, errOut = posctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "YX-CUILAN-250:2", "--method", "cash", dep.Code(t, "m1", pos.Yuan(150)))
	if code != 1 || !strings.Contains(errOut, "["+pos.ECAPEXCEEDED+"]") {
		t.Fatalf("cap: exit %d %s", code, errOut)
	}
	// Excess forfeited, nothing to pay.
	out = mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "TH-HONEY-500:1", "--json", dep.Code(t, "m2", pos.Yuan(100)))
	json.Unmarshal([]byte(out), &sr)
	if sr.Forfeited != 3200 || sr.SelfPaid != 0 || sr.Method != pos.PayNone {
		t.Fatalf("forfeit sale %+v", sr)
	}
	// Void the first sale: its vouchers come back.
	code, _, errOut = posctl(t, "ledger", "void", "--db", db, "--receipt", "T01-000001", "--manager", "1001", "--pin", "2468", "--reason", "退货")
	if code != 1 || !strings.Contains(errOut, pos.EFORBIDDEN) {
		t.Fatalf("void by a cashier: exit %d %s", code, errOut)
	}
	mustPosctl(t, "ledger", "void", "--db", db, "--receipt", "T01-000001", "--manager", "9001", "--pin", "8642", "--reason", "退货")
	mustPosctl(t, "check", "--db", db, c1)

	out = mustPosctl(t, "ledger", "verify", "--db", db, "--json")
	var lr LedgerResult
	json.Unmarshal([]byte(out), &lr)
	if !lr.OK || lr.Check.Records != 3 || lr.Check.Pending != 3 {
		t.Fatalf("ledger %+v", lr)
	}

	out = mustPosctl(t, "report", "day", "--db", db, "--json")
	var d report.Day
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.Sales != 2 || d.Voids != 1 || d.Total != 6800 || d.VoucherAmount != 6800 || d.Forfeited != 3200 || d.SelfPaid != 0 || d.Vouchers != 1 {
		t.Fatalf("day %+v", d)
	}
	out = mustPosctl(t, "report", "day", "--db", db, "--csv")
	if !strings.Contains(out, "太湖县") {
		t.Fatalf("csv lacks the county:\n%s", out)
	}
	out = mustPosctl(t, "report", "day", "--db", db)
	if !strings.Contains(out, "Daily report") && !strings.Contains(out, "report") {
		t.Logf("text report:\n%s", out)
	}
}

func TestTrustInstall(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	dir := t.TempDir()
	same := filepath.Join(dir, "same.json")
	os.WriteFile(same, dep.Bundle(t), 0o600)
	code, _, errOut := posctl(t, "trust", "install", "--db", db, "--bundle", same)
	if code != 1 || !strings.Contains(errOut, "["+pos.ETRUSTSTALE+"]") {
		t.Fatalf("same bundle: exit %d %s", code, errOut)
	}
	dep.Trust.Seq = 2
	newer := filepath.Join(dir, "newer.json")
	os.WriteFile(newer, dep.Bundle(t), 0o600)
	if out := mustPosctl(t, "trust", "install", "--db", db, "--bundle", newer); !strings.Contains(out, "trust list 2 installed") {
		t.Fatalf("newer: %s", out)
	}
	out := mustPosctl(t, "status", "--db", db, "--json")
	if !strings.Contains(out, `"trust_seq": 2`) {
		t.Fatalf("status: %s", out)
	}
}
