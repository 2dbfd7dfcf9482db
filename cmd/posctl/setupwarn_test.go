package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fupinpos/device/escpos"
	"fupinpos/pos/postest"
	"fupinpos/pos/voucher"
)

// TestSetupWarnsUnprintableNames: provision --store-name and user add
// --name accept a name with characters outside the printer's font (exit
// 0, saved) and warn on stderr naming them; a plain name gives no warning,
// and the other user subcommands still run.
func TestSetupWarnsUnprintableNames(t *testing.T) {
	withGlyphFonts(t, "../../device/escpos/testdata/glyphs-test.hex") // has 𠮷
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

// withGlyphFonts makes paths the fonts consulted for characters the
// printer lacks, for the test.
func withGlyphFonts(t *testing.T, paths ...string) {
	saved := escpos.GlyphFonts
	escpos.GlyphFonts = paths
	t.Cleanup(func() { escpos.GlyphFonts = saved })
}

// TestSetupWarningSaysWhatPrints is issue 10 defect 4: the warning says
// what this machine's fonts make of a character the printer lacks — an
// image when a font here has it, □ (naming the font package to install)
// when none does — in Chinese.
func TestSetupWarningSaysWhatPrints(t *testing.T) {
	t.Setenv("LANG", "zh_CN.UTF-8")
	tests := []struct {
		name      string
		fonts     []string
		want, not []string
	}{
		{"font has it", []string{"../../device/escpos/testdata/glyphs-test.hex"},
			[]string{"U+20BB7", "以图片打印"}, []string{"□；", "fonts-hanazono"}},
		{"no font has it", nil,
			[]string{"U+20BB7", "本机也没有含该字的字体，小票上将打印为□", "sudo apt install fonts-hanazono"}, []string{"以图片打印"}},
	}
	for _, tc := range tests {
		withGlyphFonts(t, tc.fonts...)
		var b strings.Builder
		warnUnprintable(&b, "--store-name", "𠮷祥百货")
		for _, w := range tc.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: warning lacks %q:\n%s", tc.name, w, b.String())
			}
		}
		for _, w := range tc.not {
			if strings.Contains(b.String(), w) {
				t.Errorf("%s: warning has %q:\n%s", tc.name, w, b.String())
			}
		}
	}
}
