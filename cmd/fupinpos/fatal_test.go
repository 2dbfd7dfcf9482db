package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"fupinpos/assets"
	"fupinpos/pos"
)

// TestFailedHook: failed hands the hook (the Windows message box) the
// messages of the chosen language and the lines it wrote, without the
// "fupinpos: " prefix.
func TestFailedHook(t *testing.T) {
	t.Setenv("LANG", "zh_CN.UTF-8")
	old := fatalHook
	defer func() { fatalHook = old }()
	busy := pos.Errorf(pos.EBUSY, "x.db is locked by another process")
	for _, tc := range []struct {
		err      error
		flagLang string
		lang     string
		lines    []string
	}{
		{busy, "", "zh_Hans", []string{"终端程序正在使用数据库", busy.Error()}},
		{busy, "en", "en", []string{"The terminal app is using the database", busy.Error()}},
		{errors.New("no terminal database: give --db FILE"), "", "zh_Hans", []string{"no terminal database: give --db FILE"}},
	} {
		var lang string
		var lines []string
		fatalHook = func(m *assets.Messages, l []string) { lang, lines = m.Lang, l }
		var b bytes.Buffer
		failed(&b, tc.err, tc.flagLang)
		if lang != tc.lang || len(lines) != len(tc.lines) {
			t.Errorf("%v (lang %q): hook got %s %q, want %s and %d lines", tc.err, tc.flagLang, lang, lines, tc.lang, len(tc.lines))
			continue
		}
		var want strings.Builder
		for i, l := range lines {
			if !strings.HasPrefix(l, tc.lines[i]) {
				t.Errorf("%v: hook line %d %q, want it to start with %q", tc.err, i, l, tc.lines[i])
			}
			want.WriteString("fupinpos: " + l + "\n")
		}
		if b.String() != want.String() {
			t.Errorf("%v: wrote %q, want the hook's lines %q", tc.err, b.String(), want.String())
		}
	}
}
