package scanner_test

import (
	"bytes"
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fupinpos/device/scanner"
	"fupinpos/device/sim"
	"fupinpos/pos"
)

// wait bounds every wait for an event; it only turns a hang into a failure
// and is never a timing assertion.
const wait = 10 * time.Second

// rig is a simulated scanner on a pty and a Reader on its symlink, through
// the real go.bug.st/serial.
type rig struct {
	t      *testing.T
	sim    *sim.ScannerSim
	reader *scanner.Reader
	events chan scanner.Event
	done   chan error
}

// newRig starts a simulator paced at baud and a reader with the same
// terminator; cfg sets the rest of the framing.
func newRig(t *testing.T, baud int, cfg scanner.Config) *rig {
	t.Helper()
	if cfg.Idle == 0 && cfg.Terminator != scanner.TermNone {
		// Generous: on a loaded test machine the simulator's writer may
		// stall between paced bytes, which on a real line would be a
		// pause. The idle rule itself is tested with a fake clock.
		cfg.Idle = 500 * time.Millisecond
	}
	link := filepath.Join(t.TempDir(), "scanner")
	s, err := sim.NewScannerSim(link, baud, cfg.Terminator)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r := startReader(t, scanner.SerialConfig{Path: link, Baud: max(baud, 9600), Framing: cfg})
	r.sim = s
	r.next(scanner.EventConnected)
	return r
}

func startReader(t *testing.T, cfg scanner.SerialConfig) *rig {
	t.Helper()
	reader, err := scanner.NewReader(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, reader: reader, events: make(chan scanner.Event, 64), done: make(chan error, 1)}
	go func() { r.done <- reader.Run(context.Background(), r.events) }()
	t.Cleanup(func() { reader.Close() })
	return r
}

// next returns the next event, which must be of kind k.
func (r *rig) next(k scanner.EventKind) scanner.Event {
	r.t.Helper()
	select {
	case ev := <-r.events:
		if ev.Kind != k {
			r.t.Fatalf("event %v (%v %v), want %v", ev.Kind, ev.Frame, ev.Err, k)
		}
		return ev
	case <-time.After(wait):
		r.t.Fatalf("no %v event within %v", k, wait)
	}
	return scanner.Event{}
}

// frames returns the next n scan frames.
func (r *rig) frames(n int) []scanner.Frame {
	r.t.Helper()
	var out []scanner.Frame
	for range n {
		out = append(out, r.next(scanner.EventScan).Frame)
	}
	return out
}

func (r *rig) write(b []byte) {
	r.t.Helper()
	if err := r.sim.WriteRaw(b); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) scan(text string) {
	r.t.Helper()
	if err := r.sim.Scan(text); err != nil {
		r.t.Fatal(err)
	}
}

// expect checks one frame's text, raw bytes and error code.
func expect(t *testing.T, f scanner.Frame, text string, raw []byte, code string) {
	t.Helper()
	if f.Text != text || !bytes.Equal(f.Raw, raw) || pos.ErrorCode(f.Err) != code {
		t.Errorf("frame text %.40q raw % x code %q (%v)\nwant text %.40q raw % x code %q",
			f.Text, f.Raw, pos.ErrorCode(f.Err), f.Err, text, raw, code)
	}
}

func TestPtyEveryByte(t *testing.T) {
	for _, term := range []scanner.Terminator{scanner.TermCR, scanner.TermCRLF, scanner.TermLF, scanner.TermTAB, scanner.TermNone} {
		t.Run(term.String(), func(t *testing.T) {
			r := newRig(t, 0, scanner.Config{Terminator: term})
			var sent []byte
			for c := 0; c < 256; c++ {
				if !bytes.ContainsRune(term.Bytes(), rune(c)) {
					sent = append(sent, byte(c))
				}
			}
			if term != scanner.TermNone {
				// A frame cannot start with a line ending: it would be
				// the tail of the previous one. Start with 0x00 (the
				// order is ascending anyway) and keep every byte.
				if sent[0] != 0 {
					t.Fatalf("first byte %x", sent[0])
				}
			}
			r.write(append(append([]byte(nil), sent...), term.Bytes()...))
			f := r.frames(1)[0]
			expect(t, f, "", append(sent, term.Bytes()...), pos.EUNKNOWNSCAN)
		})
	}
}

func TestPtyChinese(t *testing.T) {
	r := newRig(t, 0, scanner.Config{})
	utf8Text := "扶贫产品 安徽金寨"
	gbk := []byte{0xb7, 0xf6, 0xc6, 0xb6, 0xb2, 0xfa, 0xc6, 0xb7} // 扶贫产品 in GBK
	r.write([]byte(utf8Text + "\r"))
	r.write(append(append([]byte(nil), gbk...), '\r'))
	fs := r.frames(2)
	expect(t, fs[0], "", []byte(utf8Text+"\r"), pos.EUNKNOWNSCAN)
	expect(t, fs[1], "", append(gbk, '\r'), pos.EUNKNOWNSCAN)
	if !strings.Contains(fs[0].Err.Error(), "UTF-8") || !strings.Contains(fs[1].Err.Error(), "GBK") {
		t.Errorf("hints: %v / %v", fs[0].Err, fs[1].Err)
	}
}

func TestPtyTerminators(t *testing.T) {
	for _, term := range []scanner.Terminator{scanner.TermCR, scanner.TermCRLF, scanner.TermLF, scanner.TermTAB, scanner.TermNone} {
		t.Run(term.String(), func(t *testing.T) {
			baud := 115200
			if term == scanner.TermNone {
				baud = 0 // one write per scan: only the pause between scans ends a frame
			}
			r := newRig(t, baud, scanner.Config{Terminator: term})
			codes := []string{"6937777001005", "96385074", "]Q1-not-stripped"}
			for _, c := range codes {
				r.scan(c)
			}
			for i, f := range r.frames(len(codes)) {
				expect(t, f, codes[i], append([]byte(codes[i]), term.Bytes()...), "")
			}
		})
	}
}

// voucherText is a 270-digit voucher-length scan.
var voucherText = "9901" + strings.Repeat("3141592653", 26) + "589793"

func TestPty9600OneByteAtATime(t *testing.T) {
	r := newRig(t, 9600, scanner.Config{})
	if bt := r.sim.ByteTime(); bt < time.Millisecond {
		t.Fatalf("byte time at 9600 baud %v", bt)
	}
	if len(voucherText) != 270 {
		t.Fatalf("voucher text is %d digits", len(voucherText))
	}
	r.scan("6937777001005")
	r.scan(voucherText)
	fs := r.frames(2)
	expect(t, fs[0], "6937777001005", []byte("6937777001005\r"), "")
	expect(t, fs[1], voucherText, []byte(voucherText+"\r"), "")
	if k := scanner.Classify(fs[1].Text); k != scanner.Voucher {
		t.Errorf("270 digits classified %v", k)
	}
	if k := scanner.Classify(fs[0].Text); k != scanner.EAN13 {
		t.Errorf("EAN-13 classified %v", k)
	}
}

func TestPtyTwoScansInOneWrite(t *testing.T) {
	r := newRig(t, 0, scanner.Config{Terminator: scanner.TermCRLF})
	r.write([]byte("6937777001005\r\n" + voucherText + "\r\n"))
	fs := r.frames(2)
	expect(t, fs[0], "6937777001005", []byte("6937777001005\r\n"), "")
	expect(t, fs[1], voucherText, []byte(voucherText+"\r\n"), "")
}

func TestPtyRefused(t *testing.T) {
	r := newRig(t, 0, scanner.Config{MaxLen: 300, AIMPrefix: true})
	long := strings.Repeat("9", 400)
	r.write([]byte(long + "\r"))
	r.write([]byte("\x1b[A\x07garbage\r"))
	r.write([]byte("]Q1" + voucherText + "\r"))
	r.write([]byte("12345")) // no terminator: partial once idle
	fs := r.frames(4)
	expect(t, fs[0], "", []byte(long[:301]), pos.ESCANTOOLONG)
	expect(t, fs[1], "", []byte("\x1b[A\x07garbage\r"), pos.EUNKNOWNSCAN)
	expect(t, fs[2], voucherText, []byte("]Q1"+voucherText+"\r"), "")
	if fs[2].AIM != "]Q1" {
		t.Errorf("AIM %q", fs[2].AIM)
	}
	expect(t, fs[3], "", []byte("12345"), pos.EPARTIALSCAN)
	// The reader goes on.
	r.scan("96385074")
	expect(t, r.frames(1)[0], "96385074", []byte("96385074\r"), "")
}

func TestPtyStaleInputDropped(t *testing.T) {
	link := filepath.Join(t.TempDir(), "scanner")
	s, err := sim.NewScannerSim(link, 0, scanner.TermCR)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Scan("STALE-SCAN"); err != nil {
		t.Fatal(err)
	}
	waitPending(t, s, func(n int) bool { return n == len("STALE-SCAN\r") })
	r := startReader(t, scanner.SerialConfig{Path: link})
	r.sim = s
	r.next(scanner.EventConnected)
	// Dropped, but never silently: the event says why and holds the bytes.
	ev := r.next(scanner.EventDiscarded)
	if ev.Reason != scanner.DiscardStale || string(ev.Raw) != "STALE-SCAN\r" || pos.ErrorCode(ev.Err) != pos.EPARTIALSCAN ||
		!strings.Contains(ev.Err.Error(), "11 bytes") {
		t.Errorf("discarded event: reason %q raw %q err %v", ev.Reason, ev.Raw, ev.Err)
	}
	r.scan("FRESH")
	expect(t, r.frames(1)[0], "FRESH", []byte("FRESH\r"), "")
}

func waitPending(t *testing.T, s *sim.ScannerSim, ok func(int) bool) {
	t.Helper()
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if n, err := s.Pending(); err == nil && ok(n) {
			return
		}
	}
	t.Fatal("pty never reached the expected pending byte count")
}

func TestPtyUnplugReplug(t *testing.T) {
	r := newRig(t, 115200, scanner.Config{})
	path := r.sim.Path()
	first := r.sim.TTY()
	r.scan("6937777001005")
	expect(t, r.frames(1)[0], "6937777001005", []byte("6937777001005\r"), "")

	// Unplug mid-scan: the half-sent code is reported partial, then the
	// disconnection.
	// A pty moves a write to the reading side asynchronously but as a
	// whole: once the complete code of a write is framed, the half code
	// after it has arrived too, and when nothing is pending the reader
	// holds it.
	// (7 bytes: one chunk of the 115200-baud pacing.)
	r.write([]byte("OK\r9638"))
	expect(t, r.frames(1)[0], "OK", []byte("OK\r"), "")
	waitPending(t, r.sim, func(n int) bool { return n == 0 })
	if err := r.sim.Unplug(); err != nil {
		t.Fatal(err)
	}
	var sawPartial, sawGone bool
	for !sawGone {
		select {
		case ev := <-r.events:
			switch ev.Kind {
			case scanner.EventScan:
				expect(t, ev.Frame, "", []byte("9638"), pos.EPARTIALSCAN)
				sawPartial = true
			case scanner.EventDisconnected:
				if pos.ErrorCode(ev.Err) != pos.ESCANNERGONE || ev.Path != path {
					t.Fatalf("disconnected: %v on %s", ev.Err, ev.Path)
				}
				sawGone = true
			default:
				t.Fatalf("event %v before disconnection", ev.Kind)
			}
		case <-time.After(wait):
			t.Fatal("no disconnection after unplug")
		}
	}
	if !sawPartial {
		t.Error("the half-sent code was not reported partial")
	}
	// While unplugged the reader retries; the failure is reported once.
	ev := r.next(scanner.EventError)
	if pos.ErrorCode(ev.Err) != pos.ESCANNERGONE {
		t.Errorf("open error %v", ev.Err)
	}
	time.Sleep(3 * scanner.MinBackoff)
	if err := r.sim.Replug(); err != nil {
		t.Fatal(err)
	}
	r.next(scanner.EventConnected)
	if r.sim.Path() != path || r.sim.TTY() == "" {
		t.Fatalf("path %s tty %s after replug (was %s)", r.sim.Path(), r.sim.TTY(), first)
	}
	r.scan("96385074") // the same code again: a new connection forgets the last scan
	r.scan("6937777001005")
	fs := r.frames(2)
	expect(t, fs[0], "96385074", []byte("96385074\r"), "")
	expect(t, fs[1], "6937777001005", []byte("6937777001005\r"), "")
}

func TestReaderPluggedInLater(t *testing.T) {
	link := filepath.Join(t.TempDir(), "scanner")
	r := startReader(t, scanner.SerialConfig{Path: link})
	if ev := r.next(scanner.EventError); pos.ErrorCode(ev.Err) != pos.ESCANNERGONE {
		t.Fatalf("open of a missing port: %v", ev.Err)
	}
	s, err := sim.NewScannerSim(link, 0, scanner.TermCR)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r.sim = s
	r.next(scanner.EventConnected)
	r.scan("96385074")
	expect(t, r.frames(1)[0], "96385074", []byte("96385074\r"), "")
}

func TestReaderStopsCleanly(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, how := range []string{"close", "cancel", "close while unplugged"} {
		link := filepath.Join(t.TempDir(), "scanner")
		s, err := sim.NewScannerSim(link, 0, scanner.TermCR)
		if err != nil {
			t.Fatal(err)
		}
		reader, err := scanner.NewReader(scanner.SerialConfig{Path: link})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		events := make(chan scanner.Event) // unbuffered and, after Connected, never read
		done := make(chan error, 1)
		go func() { done <- reader.Run(ctx, events) }()
		if ev := <-events; ev.Kind != scanner.EventConnected {
			t.Fatalf("%s: first event %v", how, ev.Kind)
		}
		s.Scan("96385074") // the reader blocks sending it: a stop must still get through
		switch how {
		case "close":
			reader.Close()
		case "cancel":
			cancel()
		case "close while unplugged":
			s.Unplug()
			reader.Close()
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%s: Run returned %v", how, err)
			}
		case <-time.After(wait):
			t.Fatalf("%s: Run did not return", how)
		}
		reader.Close() // a second Close is harmless
		if err := reader.Run(context.Background(), events); pos.ErrorCode(err) != pos.EINVALID {
			t.Errorf("%s: second Run: %v", how, err)
		}
		cancel()
		s.Close()
	}
	for deadline := time.Now().Add(wait); runtime.NumGoroutine() > before; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
	}
}

// TestPtyPauseInsideScan is defect 3 of issue 9: a wireless scanner that
// stops 120 ms inside one code gives one scan when a terminator frames it,
// and, with term=none, one scan when the port's idle setting is longer
// than the pause (two with the 50 ms default, which is why it is a
// per-port setting).
func TestPtyPauseInsideScan(t *testing.T) {
	const code = "6937777001005"
	tests := []struct {
		name string
		term scanner.Terminator
		uri  string // the query of the reader's URI
		want []string
	}{
		{"cr", scanner.TermCR, "term=cr", []string{code}},
		{"crlf", scanner.TermCRLF, "term=crlf", []string{code}},
		{"cr with a short idle set", scanner.TermCR, "term=cr&idle=20ms", []string{code}},
		{"none idle=200ms", scanner.TermNone, "term=none&idle=200ms", []string{code}},
		{"none default idle", scanner.TermNone, "term=none", []string{code[:6], code[6:]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			link := filepath.Join(t.TempDir(), "scanner")
			s, err := sim.NewScannerSim(link, 9600, tt.term)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			cfg, err := scanner.ParseURI("serial://" + link + "?" + tt.uri)
			if err != nil {
				t.Fatal(err)
			}
			r := startReader(t, cfg)
			r.sim = s
			r.next(scanner.EventConnected)
			s.SetPause(120 * time.Millisecond)
			r.scan(code)
			s.SetPause(0)
			time.Sleep(250 * time.Millisecond) // longer than any idle here
			r.scan("96385074")                 // a sentinel: everything before it has been framed
			var got []string
			for {
				f := r.next(scanner.EventScan).Frame
				if f.Err != nil {
					t.Fatalf("refused %q: %v (got %q so far)", f.Raw, f.Err, got)
				}
				if f.Text == "96385074" {
					break
				}
				got = append(got, f.Text)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("scans %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPtySameProductRepeated is issue 10 defect 1 on a real pty with the
// default framing: five scans of one product 0.4 s apart (a cashier scanning
// five identical boxes) are five scans, not one; a double read 20 ms after a
// scan is still one.
func TestPtySameProductRepeated(t *testing.T) {
	r := newRig(t, 0, scanner.Config{Terminator: scanner.TermCR})
	r.write([]byte("6937777001036\r"))
	time.Sleep(20 * time.Millisecond)
	r.write([]byte("6937777001036\r"))
	for range 4 {
		time.Sleep(400 * time.Millisecond)
		r.write([]byte("6937777001036\r"))
	}
	r.write([]byte("END\r"))
	var got []string
	for {
		f := r.next(scanner.EventScan).Frame
		if f.Text == "END" {
			break
		}
		got = append(got, f.Text)
	}
	if len(got) != 5 {
		t.Fatalf("got %d scans %q, want 5", len(got), got)
	}
}
