package main

import (
	"encoding/json"
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
