package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/ui"
)

// TestMain runs the app's main when the test binary is started as the app
// by TestDatabaseBusyExits (FUPINPOS_TEST_MAIN=1), with a short wait for
// the database lock.
func TestMain(m *testing.M) {
	if os.Getenv("FUPINPOS_TEST_MAIN") == "1" {
		dbTimeout = 200 * time.Millisecond
		os.Args = append([]string{"fupinpos"}, strings.Fields(os.Getenv("FUPINPOS_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// holdDatabase opens a provisioned terminal database and keeps it open (as
// a running fupinpos or posctl would) until the test ends.
func holdDatabase(t *testing.T) string {
	t.Helper()
	path := savedTerminal(t, func(*pos.TerminalConfig) {})
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return path
}

// TestDatabaseBusyExits: a database another process holds is the one
// start-up failure: the app says so, translated, on stderr and exits 1.
func TestDatabaseBusyExits(t *testing.T) {
	path := holdDatabase(t)
	for _, tc := range []struct{ lang, args, want string }{
		{"zh_CN.UTF-8", "", "终端程序正在使用数据库"},
		{"en_US.UTF-8", "", "The terminal app is using the database"},
		{"zh_CN.UTF-8", "--lang en", "The terminal app is using the database"},
	} {
		t.Run(tc.lang+tc.args, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "FUPINPOS_TEST_MAIN=1", "LANG="+tc.lang,
				"FUPINPOS_TEST_ARGS=--db "+path+" "+tc.args, "DISPLAY=")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			start := time.Now()
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 {
				t.Fatalf("exit: %v, want status 1; stderr:\n%s", err, stderr.String())
			}
			out := stderr.String()
			if !strings.Contains(out, tc.want) || !strings.Contains(out, "["+pos.EBUSY+"]") {
				t.Errorf("stderr does not say %q [%s]:\n%s", tc.want, pos.EBUSY, out)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// TestFailedMessage: failed translates a busy database and passes other
// errors through; the status is 1 either way.
func TestFailedMessage(t *testing.T) {
	t.Setenv("LANG", "zh_CN.UTF-8")
	busy := pos.Errorf(pos.EBUSY, "x.db is locked by another process")
	for _, tc := range []struct {
		err       error
		flagLang  string
		want, not string
	}{
		{busy, "", "fupinpos: 终端程序正在使用数据库", "The terminal"},
		{busy, "en", "fupinpos: The terminal app is using the database", "终端"},
		{errors.New("no terminal database: give --db FILE"), "", "fupinpos: no terminal database", "终端程序"},
	} {
		var b bytes.Buffer
		if code := failed(&b, tc.err, tc.flagLang); code != 1 {
			t.Errorf("%v: status %d", tc.err, code)
		}
		if !strings.Contains(b.String(), tc.want) || strings.Contains(b.String(), tc.not) {
			t.Errorf("%v (lang %q): %q, want %q and not %q", tc.err, tc.flagLang, b.String(), tc.want, tc.not)
		}
	}
}

// TestFontPath: --font wins; else the subset beside the program (make
// font); else the full face.
func TestFontPath(t *testing.T) {
	with, without := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(with, SubsetFont), []byte("ttf"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(without, SubsetFont), 0o700) // not a file
	for _, tc := range []struct{ flag, dir, want string }{
		{"/x/my.ttf", with, "/x/my.ttf"},
		{"", with, filepath.Join(with, SubsetFont)},
		{"", without, ui.DefaultFontPath},
		{"", "", ui.DefaultFontPath},
	} {
		if got := fontPath(tc.flag, tc.dir); got != tc.want {
			t.Errorf("fontPath(%q, %q) = %q, want %q", tc.flag, tc.dir, got, tc.want)
		}
	}
}
