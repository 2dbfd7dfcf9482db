package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/pos/voucher"
)

// TestDeviceFlagsRefused is issue 10 defect 3: a --printer or --scanner
// URI the device packages refuse is a usage error (exit 2) before anything
// is recorded: redeem records no sale (the voucher stays unspent),
// provision saves no configuration.
func TestDeviceFlagsRefused(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	code := dep.Code(t, "m1", pos.Yuan(100))
	for _, args := range [][]string{
		{"redeem", "--db", db, "--cashier", "1001", "--item", "TH-HONEY-500:1", "--printer", "usb://foo", code},
		{"redeem", "--db", db, "--cashier", "1001", "--item", "TH-HONEY-500:1", "--printer", "tcp://h?paper=76", code},
		{"receipt", "--db", db, "--no", "1", "--printer", "usb://foo"},
	} {
		rc, out, errOut := posctl(t, args...)
		if rc != 2 || !strings.Contains(errOut, "--printer") || !strings.Contains(errOut, "--help") {
			t.Errorf("%s: exit %d, want 2:\n%s%s", strings.Join(args, " "), rc, out, errOut)
		}
	}
	if out := mustPosctl(t, "status", "--db", db); !strings.Contains(out, "ledger 0 records") {
		t.Errorf("a sale was recorded:\n%s", out)
	}
	mustPosctl(t, "check", "--db", db, code)

	dir := t.TempDir()
	bundle := filepath.Join(dir, "bundle.json")
	root := filepath.Join(dir, "root.pub")
	os.WriteFile(bundle, dep.Bundle(t), 0o600)
	os.WriteFile(root, voucher.MarshalPublicKey(dep.RootPublic()), 0o600)
	for _, tc := range []struct{ flag, uri string }{
		{"printer", "usb://foo"},
		{"scanner", "serial://dev/ttyUSB0?foo=1"},
		{"scanner", "serial:///dev/ttyUSB0?foo=1"},
	} {
		t2 := filepath.Join(dir, tc.flag+".db")
		rc, out, errOut := posctl(t, "provision", "--db", t2, "--trust", bundle, "--root-key", root, "--store", "HF-001",
			"--terminal", "T02", "--"+tc.flag, tc.uri)
		if rc != 2 || !strings.Contains(errOut, "--"+tc.flag) {
			t.Errorf("provision --%s %s: exit %d, want 2:\n%s%s", tc.flag, tc.uri, rc, out, errOut)
		}
		if _, err := os.Stat(t2); err == nil {
			t.Errorf("provision --%s %s created the database", tc.flag, tc.uri)
		}
	}
}
