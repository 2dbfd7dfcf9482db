package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fupinpos/pos/postest"
	"fupinpos/pos/voucher"
)

// TestSetupWarnsUnprintableNames: provision --store-name and user add
// --name accept a name with characters outside the printer's font (exit
// 0, saved) and warn on stderr naming them; a plain name gives no warning,
// and the other user subcommands still run.
func TestSetupWarnsUnprintableNames(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	t.Setenv("LANG", "en_US.UTF-8")
	dir := t.TempDir()
	bundle, root := filepath.Join(dir, "bundle.json"), filepath.Join(dir, "root.pub")
	os.WriteFile(bundle, dep.Bundle(t), 0o600)
	os.WriteFile(root, voucher.MarshalPublicKey(dep.RootPublic()), 0o600)
	db := filepath.Join(dir, "terminal.db")
	code, out, errOut := posctl(t, "provision", "--db", db, "--trust", bundle, "--root-key", root, "--store", "HF-001",
		"--store-name", "𠮷野家扶贫店", "--terminal", "T01")
	if code != 0 || !strings.Contains(out, "provisioned HF-001") {
		t.Fatalf("provision: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"--store-name", "U+20BB7", "image"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("provision warning %q lacks %q", errOut, want)
		}
	}
	if strings.Contains(errOut, "--counter") {
		t.Errorf("warning about the default counter name: %q", errOut)
	}
	for _, tc := range []struct {
		id, name string
		warn     []string
	}{
		{"1001", "王㐀", []string{"--name", "U+3400"}},
		{"1002", "王芳", nil},
	} {
		code, out, errOut := posctl(t, "user", "add", "--db", db, "--id", tc.id, "--name", tc.name, "--pin", "2468")
		if code != 0 || !strings.Contains(out, "added") {
			t.Fatalf("user add %s: exit %d\n%s%s", tc.name, code, out, errOut)
		}
		if len(tc.warn) == 0 && errOut != "" {
			t.Errorf("user add %s: unexpected stderr %q", tc.name, errOut)
		}
		for _, want := range tc.warn {
			if !strings.Contains(errOut, want) {
				t.Errorf("user add %s: warning %q lacks %q", tc.name, errOut, want)
			}
		}
	}
	out = mustPosctl(t, "user", "list", "--db", db)
	if !strings.Contains(out, "王㐀") || !strings.Contains(out, "王芳") {
		t.Errorf("user list:\n%s", out)
	}
	if code, _, errOut := posctl(t, "user", "bogus"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("user bogus: exit %d %q", code, errOut)
	}
	t.Setenv("LANG", "zh_CN.UTF-8")
	if _, _, errOut := posctl(t, "user", "add", "--db", db, "--id", "1003", "--name", "𠮷", "--pin", "2468"); !strings.Contains(errOut, "警告") {
		t.Errorf("Chinese warning: %q", errOut)
	}
}
