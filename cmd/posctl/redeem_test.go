package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
)

// TestRedeemNeedsCode: redeem without a voucher code — omitted, or empty
// as an unset shell variable gives it — is a usage error (exit 2) and
// records nothing; a sale with no voucher is said on purpose with
// --self-paid, which takes no code.
func TestRedeemNeedsCode(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	t.Setenv("LANG", "zh_CN.UTF-8")
	base := []string{"redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:1", "--method", "cash"}
	code := dep.Code(t, "m1", pos.Yuan(50))
	for _, tc := range []struct {
		name    string
		args    []string
		exit    int
		records int // in the ledger afterwards
		stderr  string
	}{
		{"omitted", nil, 2, 0, "缺少券码 CODE"},
		{"empty", []string{""}, 2, 0, "券码 CODE 为空"},
		{"blank beside a code", []string{code, " "}, 2, 0, "券码 CODE 为空"},
		{"self-paid with a code", []string{"--self-paid", code}, 2, 0, "--self-paid 表示不用券的销售"},
		{"self-paid", []string{"--self-paid"}, 0, 1, ""},
		{"with a code", []string{code}, 0, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exit, out, errOut := posctl(t, append(append([]string{}, base...), tc.args...)...)
			if exit != tc.exit || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("exit %d (want %d)\n%s%s\nwant stderr with %q", exit, tc.exit, out, errOut, tc.stderr)
			}
			var recs []json.RawMessage
			if err := json.Unmarshal([]byte(mustPosctl(t, "ledger", "list", "--db", db, "--json")), &recs); err != nil || len(recs) != tc.records {
				t.Errorf("%d records in the ledger (%v), want %d", len(recs), err, tc.records)
			}
		})
	}
}

// TestJSONIdsAndTimes: redeem --json names its vouchers as ledger list
// --json and codes.csv do (2020-00000001, not the packed number) and
// writes its time as ledger list does (RFC 3339 in CST); check --json
// and status --json write times the same way.
func TestJSONIdsAndTimes(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	code := dep.Code(t, "m1", pos.Yuan(50))
	var sale struct {
		Time     string `json:"time"`
		Vouchers []struct {
			ID json.RawMessage `json:"id"`
		} `json:"vouchers"`
	}
	if err := json.Unmarshal([]byte(mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:1", "--method", "cash", "--json", code)), &sale); err != nil {
		t.Fatal(err)
	}
	var listed []ListedRecord
	if err := json.Unmarshal([]byte(mustPosctl(t, "ledger", "list", "--db", db, "--json")), &listed); err != nil || len(listed) != 1 {
		t.Fatalf("ledger list: %+v %v", listed, err)
	}
	if len(sale.Vouchers) != 1 || string(sale.Vouchers[0].ID) != `"`+listed[0].Vouchers[0]+`"` || !rfc3339CST.MatchString(listed[0].Vouchers[0]+"|"+sale.Time) ||
		sale.Time != listed[0].Time {
		t.Errorf("redeem --json: id %s time %q; ledger list: id %q time %q", sale.Vouchers[0].ID, sale.Time, listed[0].Vouchers[0], listed[0].Time)
	}
	var check struct {
		Voucher struct {
			NotBefore string `json:"not_before"`
			NotAfter  string `json:"not_after"`
		} `json:"voucher"`
	}
	json.Unmarshal([]byte(mustPosctl(t, "check", "--db", db, "--json", dep.Code(t, "m2", pos.Yuan(50)))), &check)
	var status struct {
		Expires string `json:"trust_expires"`
		Clock   struct {
			Floor string `json:"floor"`
		} `json:"clock"`
	}
	json.Unmarshal([]byte(mustPosctl(t, "status", "--db", db, "--json")), &status)
	for name, s := range map[string]string{"check not_before": check.Voucher.NotBefore, "check not_after": check.Voucher.NotAfter,
		"status trust_expires": status.Expires, "status clock.floor": status.Clock.Floor} {
		if !rfc3339CST.MatchString("2020-00000001|" + s) {
			t.Errorf("%s = %q, want RFC 3339 in CST", name, s)
		}
	}
}

// rfc3339CST matches "voucher id|time" as the --json answers write them.
var rfc3339CST = regexp.MustCompile(`^\d{4}-\d{8}\|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$`)
