//go:build !windows

package sim

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"fupinpos/device/scanner"
)

// openSlave opens the simulator's path as a plain file, without
// go.bug.st/serial, so the test sees the raw mode the simulator set.
func openSlave(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readN(t *testing.T, f *os.File, n int) []byte {
	t.Helper()
	got := make([]byte, n)
	f.SetReadDeadline(time.Now().Add(10 * time.Second)) // a hang guard, not a timing check
	if _, err := io.ReadFull(f, got); err != nil {
		t.Fatalf("read %d bytes: %v (got % x)", n, err, got)
	}
	return got
}

func TestScannerSimRawBytes(t *testing.T) {
	link := filepath.Join(t.TempDir(), "scanner")
	s, err := NewScannerSim(link, 0, scanner.TermCRLF)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if target, _ := os.Readlink(link); target != s.TTY() || s.Path() != link {
		t.Fatalf("link %s -> %s, tty %s", link, target, s.TTY())
	}
	f := openSlave(t, link)
	// Every byte value, then a scan: the line discipline must change
	// nothing (no CR→LF, no echo, no ^C, ^S, ^V or EOF handling).
	var all []byte
	for c := 0; c < 256; c++ {
		all = append(all, byte(c))
	}
	if err := s.WriteRaw(all); err != nil {
		t.Fatal(err)
	}
	if got := readN(t, f, 256); !bytes.Equal(got, all) {
		t.Fatalf("bytes changed on the way:\n% x", got)
	}
	if err := s.Scan("扶贫"); err != nil {
		t.Fatal(err)
	}
	if got, want := readN(t, f, len("扶贫\r\n")), []byte("扶贫\r\n"); !bytes.Equal(got, want) {
		t.Fatalf("scan arrived as % x, want % x", got, want)
	}
}

func TestScannerSimPaced(t *testing.T) {
	link := filepath.Join(t.TempDir(), "scanner")
	s, err := NewScannerSim(link, 9600, scanner.TermCR)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Baud() != 9600 || s.Terminator() != scanner.TermCR || s.ByteTime() != 1041666*time.Nanosecond {
		t.Fatalf("baud %d term %v byte time %v", s.Baud(), s.Terminator(), s.ByteTime())
	}
	f := openSlave(t, link)
	if err := s.Scan("96385074"); err != nil {
		t.Fatal(err)
	}
	if got := readN(t, f, 9); string(got) != "96385074\r" {
		t.Fatalf("got %q", got)
	}
}

func TestScannerSimUnplugReplug(t *testing.T) {
	link := filepath.Join(t.TempDir(), "scanner")
	s, err := NewScannerSim(link, 0, scanner.TermLF)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	first := s.TTY()
	f := openSlave(t, link)
	if err := s.Unplug(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(link); !os.IsNotExist(err) {
		t.Fatalf("link after unplug: %v", err)
	}
	if s.TTY() != "" {
		t.Fatalf("tty %q while unplugged", s.TTY())
	}
	if err := s.Scan("x"); !errors.Is(err, ErrScannerUnplugged) {
		t.Fatalf("scan while unplugged: %v", err)
	}
	if _, err := s.Pending(); !errors.Is(err, ErrScannerUnplugged) {
		t.Fatalf("pending while unplugged: %v", err)
	}
	// The reader's side of an unplugged pty fails, as a pulled USB device does.
	buf := make([]byte, 8)
	f.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := f.Read(buf); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read from an unplugged pty: %d, %v", n, err)
	}
	if err := s.Unplug(); err != nil {
		t.Fatalf("second unplug: %v", err)
	}
	if err := s.Replug(); err != nil {
		t.Fatal(err)
	}
	if target, _ := os.Readlink(link); target != s.TTY() || s.TTY() == "" {
		t.Fatalf("after replug %s -> %s, tty %s (was %s)", link, target, s.TTY(), first)
	}
	g := openSlave(t, link)
	if err := s.Scan("AB"); err != nil {
		t.Fatal(err)
	}
	if got := readN(t, g, 3); string(got) != "AB\n" {
		t.Fatalf("after replug got %q", got)
	}
	if n, err := s.Pending(); err != nil || n != 0 {
		t.Fatalf("pending %d, %v after reading everything", n, err)
	}
}

func TestScannerSimRefuses(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "file")
	os.WriteFile(plain, []byte("keep"), 0o600)
	if _, err := NewScannerSim(plain, 0, scanner.TermCR); err == nil {
		t.Error("replaced a regular file")
	}
	if b, _ := os.ReadFile(plain); string(b) != "keep" {
		t.Error("regular file changed")
	}
	if _, err := NewScannerSim(filepath.Join(dir, "s"), -1, scanner.TermCR); err == nil {
		t.Error("negative baud accepted")
	}
	if _, err := NewScannerSim(filepath.Join(dir, "s"), 0, scanner.Terminator(9)); err == nil {
		t.Error("bad terminator accepted")
	}
	// An old symlink (a simulator that crashed) is replaced.
	stale := filepath.Join(dir, "stale")
	os.Symlink("/dev/pts/does-not-exist", stale)
	s, err := NewScannerSim(stale, 0, scanner.TermCR)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

func TestScannerSimPause(t *testing.T) {
	link := filepath.Join(t.TempDir(), "scanner")
	s, err := NewScannerSim(link, 0, scanner.TermCR)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f := openSlave(t, link)
	for _, how := range []string{"SetPause", "ScanPaused"} {
		start := time.Now()
		switch how {
		case "SetPause":
			s.SetPause(120 * time.Millisecond)
			err = s.Scan("12345678")
			s.SetPause(0)
		default:
			err = s.ScanPaused("12345678", 120*time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := readN(t, f, 4); string(got) != "1234" {
			t.Fatalf("%s: first half %q", how, got)
		}
		if got := readN(t, f, 5); string(got) != "5678\r" {
			t.Fatalf("%s: second half %q", how, got)
		}
		if d := time.Since(start); d < 120*time.Millisecond {
			t.Errorf("%s: the scan took %v, want the 120 ms pause inside it", how, d)
		}
	}
	// Without a pause the same scan is immediate.
	start := time.Now()
	if err := s.Scan("12345678"); err != nil {
		t.Fatal(err)
	}
	readN(t, f, 9)
	if d := time.Since(start); d >= 120*time.Millisecond {
		t.Errorf("unpaused scan took %v", d)
	}
}
