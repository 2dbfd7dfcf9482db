package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/width"

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
		"#3 Unrecognised [unknown_scan] (13 characters)\n   text: 6937777001006\n   unrecognised code: ",
		"wrong EAN check digit",
		"#4 Refused [unknown_scan] unrecognised scan: it looks like GBK text, not a voucher or barcode (6 bytes)\n",
		"looks like GBK text",
		"   GBK: \"扶贫\"\n   0000  b7 f6 c6 b6 0d 0a\n",
		"#5 Product barcode EAN-8 (8 characters)\n",
		// Issue 10 defect 9: the unrecognised code is no success.
		"5 scans: 3 accepted, 1 unrecognised, 1 refused\n",
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
	for _, want := range []string{"(19200 8N1, terminator tab)", "#1 Product barcode EAN-13 (13 characters)\n   AIM: ]E0\n   text: 6937777001005\n", "1 scans: 1 accepted, 0 unrecognised, 0 refused"} {
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
	if code := exitOf(t, done); code != 0 || !strings.Contains(out.String(), "0 scans: 0 accepted, 0 unrecognised, 0 refused") {
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
		!strings.Contains(out.String(), "1 scans: 1 accepted, 0 unrecognised, 0 refused") {
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
		"AIM identifier ]E0; add aim=1",
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
	// The pty named twice, and once more through the link: listed once.
	if code := cmdPorts([]string{link, missing, s.TTY(), s.TTY(), link}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	got := out.String()
	if !strings.HasPrefix(got, "Port ") || !strings.Contains(got, "USB ID") || !strings.Contains(got, "USB port") {
		t.Errorf("no header:\n%s", got)
	}
	for _, want := range []string{link + "  ", "named by hand → " + s.TTY(), missing + "  ", "named by hand: does not exist", "serial://PATH?baud=9600&term=cr"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "named by hand"); n != 2 {
		t.Errorf("%d manual rows, want 2 (the link and the missing path):\n%s", n, got)
	}
	checkAligned(t, got)

	out.Reset()
	if code := cmdPorts([]string{"--json", link, s.TTY()}, &out, &errOut); code != 0 {
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
	// Issue 10 defect 10: the problem column in the operator's language,
	// never Go's "stat …: no such file or directory".
	t.Setenv("LANG", "zh_CN.UTF-8")
	out.Reset()
	if code := cmdPorts([]string{missing, "/etc/hostname"}, &out, &errOut); code != 0 ||
		!strings.Contains(out.String(), "手动指定: 不存在（路径不对，或设备未插上）") || !strings.Contains(out.String(), "不是字符设备") ||
		strings.Contains(out.String(), "no such file") {
		t.Errorf("exit %d:\n%s", code, out.String())
	}
}

// checkAligned checks that every cell of a table (cells two or more spaces
// apart) ends at the same display column as its header.
func checkAligned(t *testing.T, table string) {
	t.Helper()
	var header []int
	for _, line := range strings.Split(table, "\n") {
		if line == "" {
			break
		}
		// The first column is left-aligned, the rest right-aligned: check
		// where each cell after the first ends.
		row := line
		var ends []int
		col := 0
		for i, cell := range regexp.MustCompile(`\S+(?: \S+)*`).FindAllString(line, -1) {
			at := strings.Index(row, cell)
			col += displayWidth(row[:at]) + displayWidth(cell)
			row = row[at+len(cell):]
			if i > 0 {
				ends = append(ends, col)
			}
		}
		if header == nil {
			header = ends
			continue
		}
		if !reflect.DeepEqual(ends, header) {
			t.Errorf("row %q: cells end at columns %v, header's at %v\n%s", line, ends, header, table)
		}
	}
}

// displayWidth counts East Asian wide and fullwidth characters as two
// columns, as a terminal shows them.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// TestPortsChineseAligned is defect 9 of issue 9: the table lines up under
// Chinese headers, with by-id and by-path links and the USB socket shown.
func TestPortsChineseAligned(t *testing.T) {
	t.Setenv("LANG", "zh_CN.UTF-8")
	var out bytes.Buffer
	writePorts(&out, []scanner.PortInfo{
		{Path: "/dev/ttyUSB0", USB: true, VID: "1a86", PID: "7523", Product: "USB Serial", USBPort: "1.4",
			ByPath: []string{"/dev/serial/by-path/pci-0000:00:14.0-usb-0:1.4:1.0-port0"}},
		{Path: "/dev/ttyACM0", USB: true, VID: "0c2e", PID: "0b61", Product: "1900", SerialNumber: "18012B1234", USBPort: "3",
			ByID: []string{"/dev/serial/by-id/usb-Honeywell-if00"}, ByPath: []string{"/dev/serial/by-path/pci-0000:00:14.0-usb-0:3:1.0"}},
		{Path: "/tmp/scanner", Manual: true, Target: "/dev/pts/3"},
	})
	got := out.String()
	checkAligned(t, got)
	for _, want := range []string{"端口", "USB 接口", "  1.4  ", "\n固定路径（by-id 跟随设备，by-path 跟随 USB 接口）：\n  /dev/ttyUSB0 → /dev/serial/by-path/pci-0000:00:14.0-usb-0:1.4:1.0-port0\n" +
		"  /dev/ttyACM0 → /dev/serial/by-id/usb-Honeywell-if00\n  /dev/ttyACM0 → /dev/serial/by-path/pci-0000:00:14.0-usb-0:3:1.0\n", "手动指定 → /dev/pts/3\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// TestScanTestChinese is issue 10 defects 9 and 10 under LANG=zh_CN: the
// summary counts unrecognised scans apart from recognised ones, the AIM and
// STX/ETX hints are in Chinese, and a bad setting flag is a usage error
// naming the flag with the help line.
func TestScanTestChinese(t *testing.T) {
	s, out, errOut, done := startScanTest(t, scanner.TermCR, "--count", "4", "--timeout", "20s")
	t.Setenv("LANG", "zh_CN.UTF-8") // startScanTest waits for the English "Connected"
	s.Scan("6937777001005")
	s.Scan("]E096385074")
	s.Scan("12345")
	s.WriteRaw([]byte("\x0296385074\r"))
	exitOf(t, done)
	got := out.String()
	for _, want := range []string{
		"以 AIM 标识 ]E0 开头，请在该扫码枪的地址中加 aim=1",
		"无法识别的条码：5 位数字",
		"含 STX/ETX 包装字节 0x02",
		"共 4 次扫码：1 次成功，2 次无法识别，1 次拒收",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s%s", want, got, errOut.String())
		}
	}
	for _, tc := range []struct{ flag, value, want string }{
		{"term", "foo", "--term：参数 term=“foo” 无效"},
		{"baud", "0", "--baud：参数 baud=“0” 无效"},
		{"port", "serial://dev/x", "--port：扫码枪地址“serial://dev/x”无效"},
	} {
		args := []string{"--port", "/tmp/nowhere", "--" + tc.flag, tc.value}
		var o, e bytes.Buffer
		if code := cmdScanTest(args, &o, &e); code != 2 || !strings.Contains(e.String(), tc.want) || !strings.Contains(e.String(), "运行 posctl scan-test --help") {
			t.Errorf("%v: exit %d:\n%s", args, code, e.String())
		}
	}
}
