package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fupinpos/device/scanner"
	"fupinpos/device/sim"
)

// scanTestBuffer is a bytes.Buffer the command and the test share.
type scanTestBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *scanTestBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *scanTestBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.b.String() }

// startScanTest runs scan-test against a new simulated scanner and waits
// until it is connected.
func startScanTest(t *testing.T, term scanner.Terminator, args ...string) (*sim.ScannerSim, *scanTestBuffer, *scanTestBuffer, chan int) {
	t.Helper()
	t.Setenv("LANG", "en_US.UTF-8")
	link := filepath.Join(t.TempDir(), "scanner")
	s, err := sim.NewScannerSim(link, 115200, term)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var out, errOut scanTestBuffer
	done := make(chan int, 1)
	go func() { done <- cmdScanTest(append([]string{"--port", link}, args...), &out, &errOut) }()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "Connected to "+link); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("scan-test never connected:\n%s%s", out.String(), errOut.String())
		}
	}
	return s, &out, &errOut, done
}

func exitOf(t *testing.T, done chan int) int {
	t.Helper()
	select {
	case code := <-done:
		return code
	case <-time.After(20 * time.Second):
		t.Fatal("scan-test did not end")
	}
	return -1
}

func TestScanTest(t *testing.T) {
	s, out, errOut, done := startScanTest(t, scanner.TermCRLF, "--baud", "115200", "--term", "crlf", "--count", "5", "--timeout", "30s", "--idle", "500ms")
	voucher := "9901" + strings.Repeat("2718281828", 26) + "459045"
	s.Scan(voucher)
	s.Scan("6937777001005")
	s.Scan("6937777001006")
	s.WriteRaw([]byte{0xb7, 0xf6, 0xc6, 0xb6, '\r', '\n'})
	s.Scan("96385074")
	if code := exitOf(t, done); code != 1 {
		t.Errorf("exit %d with a refused scan, want 1\n%s", code, errOut.String())
	}
	got := out.String()
	for _, want := range []string{
		"Opening " + s.Path() + " (115200 8N1, terminator crlf)",
		"#1 Voucher (270 characters)\n   text: " + voucher + "\n   0000  39 39 30 31 32 37 31 38 32 38 31 38 32 38 32 37\n",
		"   0100  31 38 32 38 31 38 32 38 34 35 39 30 34 35 0d 0a\n",
		"#2 Product barcode EAN-13 (13 characters)\n   text: 6937777001005\n   0000  36 39 33 37 37 37 37 30 30 31 30 30 35 0d 0a\n",
		"#3 Unrecognised [unknown_scan] (13 characters)\n   text: 6937777001006\n   unknown_scan: ",
		"wrong EAN check digit",
		"#4 Refused [unknown_scan] Unrecognised barcode (6 bytes)\n",
		"looks like GBK text",
		"   GBK: \"扶贫\"\n   0000  b7 f6 c6 b6 0d 0a\n",
		"#5 Product barcode EAN-8 (8 characters)\n",
		"5 scans: 4 accepted, 1 refused\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

func TestScanTestURIAndOverride(t *testing.T) {
	t.Setenv("LANG", "en_US.UTF-8")
	link := filepath.Join(t.TempDir(), "scanner")
	s, err := sim.NewScannerSim(link, 0, scanner.TermTAB)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The URI says cr; the flag overrides it with tab. AIM identifiers on.
	var out, errOut scanTestBuffer
	done := make(chan int, 1)
	go func() {
		done <- cmdScanTest([]string{"--port", "serial://" + link + "?baud=19200&term=cr", "--term", "tab", "--aim", "1", "--count", "1"}, &out, &errOut)
	}()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "Connected"); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never connected:\n%s%s", out.String(), errOut.String())
		}
	}
	s.Scan("]E06937777001005")
	if code := exitOf(t, done); code != 0 {
		t.Errorf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"(19200 8N1, terminator tab)", "#1 Product barcode EAN-13 (13 characters)\n   AIM: ]E0\n   text: 6937777001005\n", "1 scans: 1 accepted, 0 refused"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestScanTestTimeout(t *testing.T) {
	_, out, errOut, done := startScanTest(t, scanner.TermCR, "--count", "1", "--timeout", "300ms")
	if code := exitOf(t, done); code != 1 || !strings.Contains(errOut.String(), "Time is up (300ms): 0 of 1 scans read") {
		t.Errorf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	// Without --count, running out of time is the normal end.
	_, out, _, done = startScanTest(t, scanner.TermCR, "--timeout", "200ms")
	if code := exitOf(t, done); code != 0 || !strings.Contains(out.String(), "0 scans: 0 accepted, 0 refused") {
		t.Errorf("exit %d\n%s", code, out.String())
	}
}

// TestScanTestMissingPort is defect 7 of issue 9: a port that cannot be
// opened is exit 1 at once, with the reason, not "0 scans" and exit 0.
func TestScanTestMissingPort(t *testing.T) {
	for _, lang := range []string{"en_US.UTF-8", "zh_CN.UTF-8"} {
		t.Setenv("LANG", lang)
		missing := filepath.Join(t.TempDir(), "nonexistent")
		var out, errOut bytes.Buffer
		start := time.Now()
		code := cmdScanTest([]string{"--port", missing, "--timeout", "2s"}, &out, &errOut)
		want := map[string]string{"en_US.UTF-8": "Cannot open " + missing + ": scan test stopped", "zh_CN.UTF-8": "无法打开 " + missing + "，扫码测试结束"}[lang]
		if code != 1 || !strings.Contains(errOut.String(), want) || !strings.Contains(errOut.String(), "[scanner_gone]") ||
			!strings.Contains(errOut.String(), "no such file or directory") {
			t.Errorf("%s: exit %d\n%s%s", lang, code, out.String(), errOut.String())
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: took %v: a missing port need not wait for --timeout", lang, d)
		}
	}
}

// TestScanTestWirelessPause: a scanner that stops 120 ms inside a code is
// one good scan with the default settings (term=cr frames it).
func TestScanTestWirelessPause(t *testing.T) {
	s, out, errOut, done := startScanTest(t, scanner.TermCR, "--count", "1", "--timeout", "20s")
	s.SetPause(120 * time.Millisecond)
	s.Scan("6937777001005")
	if code := exitOf(t, done); code != 0 || !strings.Contains(out.String(), "#1 Product barcode EAN-13 (13 characters)\n   text: 6937777001005\n") ||
		!strings.Contains(out.String(), "1 scans: 1 accepted, 0 refused") {
		t.Errorf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
}

// TestScanTestHints is defect 9 of issue 9: STX/ETX-wrapped codes are read
// (not "wrong baud rate"), and an AIM-prefixed code read with aim=0 is told
// to set aim=1.
func TestScanTestHints(t *testing.T) {
	s, out, errOut, done := startScanTest(t, scanner.TermCR, "--count", "3", "--timeout", "20s")
	s.WriteRaw([]byte("\x026937777001005\x03\r"))
	s.Scan("]E096385074")
	s.WriteRaw([]byte("\x0296385074\r"))
	if code := exitOf(t, done); code != 1 {
		t.Errorf("exit %d, want 1 (one refused)", code)
	}
	got := out.String()
	for _, want := range []string{
		"#1 Product barcode EAN-13 (13 characters)\n   text: 6937777001005\n   0000  02 36",
		"#2 Unrecognised [unknown_scan] (11 characters)\n   text: ]E096385074\n",
		"AIM identifier ]E0: set aim=1",
		"#3 Refused [unknown_scan]",
		"STX/ETX framing",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s%s", want, got, errOut.String())
		}
	}
	if strings.Contains(got, "baud rate") {
		t.Errorf("STX/ETX blamed on the baud rate:\n%s", got)
	}
}

// TestScanTestStaleInput: bytes that waited in the port before scan-test
// opened it are dropped, and it says so (a scan is never lost silently).
func TestScanTestStaleInput(t *testing.T) {
	t.Setenv("LANG", "en_US.UTF-8")
	link := filepath.Join(t.TempDir(), "scanner")
	s, err := sim.NewScannerSim(link, 0, scanner.TermCR)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Scan("96385074")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if n, _ := s.Pending(); n == 9 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the stale scan never reached the pty")
		}
	}
	var out, errOut bytes.Buffer
	if code := cmdScanTest([]string{"--port", link, "--timeout", "300ms"}, &out, &errOut); code != 0 {
		t.Errorf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	want := "9 bytes that waited in the scanner port before it was opened were dropped (scans made before the app started): scan again [partial_scan]\n   0000  39 36 33 38 35 30 37 34 0d\n"
	if !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, out.String())
	}
}

func TestScanTestUsage(t *testing.T) {
	for _, args := range [][]string{
		{}, {"--count", "1"}, {"--port", "/dev/ttyUSB0", "--baud", "fast"}, {"--port", "/dev/ttyUSB0", "--term", "etx"},
		{"--port", "/dev/ttyUSB0", "--count", "-1"}, {"--port", "tcp://x:9100"}, {"--port", "/dev/ttyUSB0", "extra"},
		{"--port", "/dev/ttyUSB0", "--bogus"},
	} {
		var out, errOut bytes.Buffer
		if code := cmdScanTest(args, &out, &errOut); code != 2 {
			t.Errorf("scan-test %q: exit %d, want 2\n%s", args, code, errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := cmdScanTest([]string{"--help"}, &out, &errOut); code != 0 || !strings.Contains(errOut.String(), "-term") {
		t.Errorf("--help: exit %d\n%s", code, errOut.String())
	}
}

func TestPortsCommand(t *testing.T) {
	t.Setenv("LANG", "en_US.UTF-8")
	link := filepath.Join(t.TempDir(), "scanner")
	s, err := sim.NewScannerSim(link, 0, scanner.TermCR)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	missing := filepath.Join(t.TempDir(), "gone")
	var out, errOut bytes.Buffer
	if code := cmdPorts([]string{link, missing}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	got := out.String()
	if !strings.HasPrefix(got, "Port ") || !strings.Contains(got, "USB ID") {
		t.Errorf("no header:\n%s", got)
	}
	for _, want := range []string{link + "  ", "named by hand → " + s.TTY(), missing + "  ", "named by hand: stat " + missing, "serial://PATH?baud=9600&term=cr"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	// Columns line up: the link's row has its Device column where the header has it.
	lines := strings.Split(got, "\n")
	col := strings.Index(lines[0], "Device")
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, link+" ") && strings.Index(l, "named by hand") != col {
			t.Errorf("misaligned row %q (Device at %d)", l, col)
		}
	}

	out.Reset()
	if code := cmdPorts([]string{"--json", link}, &out, &errOut); code != 0 {
		t.Fatalf("--json: exit %d: %s", code, errOut.String())
	}
	var ports []scanner.PortInfo
	if err := json.Unmarshal(out.Bytes(), &ports); err != nil || len(ports) == 0 {
		t.Fatalf("--json: %v\n%s", err, out.String())
	}
	if last := ports[len(ports)-1]; last.Path != link || last.Target != s.TTY() || !last.Manual || last.Err != "" {
		t.Errorf("--json last port %+v", last)
	}
	if code := cmdPorts([]string{"--bogus"}, &out, &errOut); code != 2 {
		t.Errorf("bad flag: exit %d", code)
	}
}

func TestPortsChineseAligned(t *testing.T) {
	t.Setenv("LANG", "zh_CN.UTF-8")
	var out bytes.Buffer
	writePorts(&out, []scanner.PortInfo{{Path: "/dev/ttyUSB0", USB: true, VID: "0c2e", PID: "0b61", Product: "1900", ByID: []string{"/dev/serial/by-id/usb-Honeywell-if00"}}})
	lines := strings.Split(out.String(), "\n")
	if cellWidth(lines[0][:strings.Index(lines[0], "USB ID")]) != strings.Index(lines[1], "0c2e:0b61") {
		t.Errorf("Chinese header misaligned:\n%s", out.String())
	}
}
