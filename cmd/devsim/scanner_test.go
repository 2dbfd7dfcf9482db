package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fupinpos/device/scanner"
	"fupinpos/pos"
)

const wait = 10 * time.Second

// syncBuffer is a bytes.Buffer safe for the command and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.b.String() }

// waitFor polls cond until it holds or wait runs out.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(wait); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func nextEvent(t *testing.T, ev <-chan scanner.Event, k scanner.EventKind) scanner.Event {
	t.Helper()
	for {
		select {
		case e := <-ev:
			if e.Kind == scanner.EventError && k != scanner.EventError {
				continue // the link is away between !unplug and !replug
			}
			if e.Kind != k {
				t.Fatalf("event %v (%v %v), want %v", e.Kind, e.Frame, e.Err, k)
			}
			return e
		case <-time.After(wait):
			t.Fatalf("no %v event", k)
		}
	}
}

func TestDevsimScanner(t *testing.T) {
	for _, term := range []string{"cr", "crlf", "lf", "tab", "none"} {
		t.Run(term, func(t *testing.T) {
			link := filepath.Join(t.TempDir(), "scanner")
			baud, uriBaud := "115200", "115200"
			if term == "none" {
				baud, uriBaud = "0", "9600" // one write per scan: only the pause between scans ends a frame
			}
			inR, inW := io.Pipe()
			var out, errOut syncBuffer
			done := make(chan int, 1)
			go func() {
				done <- run([]string{"scanner", "--link", link, "--baud", baud, "--term", term, "--exit"}, inR, &out, &errOut)
			}()
			waitFor(t, "the served path", func() bool { return strings.Contains(out.String(), "scanner: "+link+" -> /dev/pts/") })

			idle := "&idle=500ms" // generous: a loaded machine may stall the simulator between paced bytes
			if term == "none" {
				idle = ""
			}
			cfg, err := scanner.ParseURI("serial://" + link + "?baud=115200&term=" + term + idle)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "uri: serial://"+link+"?baud="+uriBaud+"&term="+term+"\n") {
				t.Errorf("no scanner URI printed:\n%s", out.String())
			}
			r, err := scanner.NewReader(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ev := make(chan scanner.Event, 16)
			go r.Run(context.Background(), ev)
			defer r.Close()
			nextEvent(t, ev, scanner.EventConnected)

			io.WriteString(inW, "6937777001005\n\n!!bang\n!hex 39 36 33 38\n!sleep 200ms\n!unplug\n")
			for _, want := range []string{"6937777001005", "!bang"} {
				if f := nextEvent(t, ev, scanner.EventScan).Frame; f.Text != want || f.Err != nil {
					t.Fatalf("scan %q %v, want %q", f.Text, f.Err, want)
				}
			}
			f := nextEvent(t, ev, scanner.EventScan).Frame // the raw bytes, no terminator
			if want := map[bool]string{true: "9638", false: ""}[term == "none"]; f.Text != want || string(f.Raw) != "9638" {
				t.Fatalf("raw bytes gave %q %q %v", f.Text, f.Raw, f.Err)
			}
			if term != "none" && pos.ErrorCode(f.Err) != pos.EPARTIALSCAN {
				t.Fatalf("raw bytes without terminator: %v", f.Err)
			}
			nextEvent(t, ev, scanner.EventDisconnected)
			if _, err := os.Lstat(link); !os.IsNotExist(err) {
				t.Fatalf("link still there after !unplug: %v", err)
			}
			io.WriteString(inW, "!replug\n")
			nextEvent(t, ev, scanner.EventConnected)
			io.WriteString(inW, "96385074\n!bogus\n")
			if f := nextEvent(t, ev, scanner.EventScan).Frame; f.Text != "96385074" {
				t.Fatalf("scan after replug: %q %v", f.Text, f.Err)
			}
			inW.Close()
			select {
			case code := <-done:
				if code != 1 || !strings.Contains(errOut.String(), `unknown command "!bogus"`) {
					t.Errorf("exit %d after a bad command, stderr:\n%s", code, errOut.String())
				}
			case <-time.After(wait):
				t.Fatal("devsim scanner --exit did not exit at the end of its input")
			}
			if _, err := os.Lstat(link); !os.IsNotExist(err) {
				t.Errorf("link left behind: %v", err)
			}
			for _, want := range []string{"sent: 6937777001005\n", "sent: !bang\n", "sent bytes: 39 36 33 38\n", "unplugged: " + link, "plugged: " + link + " -> /dev/pts/"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}

func TestDevsimScannerFileAndStop(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "scans.txt")
	os.WriteFile(file, []byte("96385074\r\n"), 0o600)
	link := filepath.Join(dir, "scanner")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- cmdScanner(ctx, []string{"--link", link, "--baud", "0", "--file", file}, strings.NewReader(""), &out, &errOut)
	}()
	waitFor(t, "the end of the file", func() bool { return strings.Contains(out.String(), "input ended") })
	if !strings.Contains(out.String(), "sent: 96385074\n") || !strings.Contains(out.String(), "(full speed, term cr)") {
		t.Errorf("output:\n%s", out.String())
	}
	if _, err := os.Lstat(link); err != nil {
		t.Fatalf("without --exit the scanner stays plugged in: %v", err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d: %s", code, errOut.String())
		}
	case <-time.After(wait):
		t.Fatal("did not stop")
	}
}

func TestDevsimUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{nil, 2, "devsim scanner --link"},
		{[]string{"--help"}, 0, "devsim printer"},
		{[]string{"toaster"}, 2, `unknown device "toaster"`},
		{[]string{"scanner"}, 2, "--link is required"},
		{[]string{"scanner", "--link", "/tmp/x", "--term", "etx"}, 2, "terminator"},
		{[]string{"scanner", "--link", "/tmp/x", "--baud", "-1"}, 2, "negative"},
		{[]string{"scanner", "--link", "/tmp/x", "extra"}, 2, "unexpected argument"},
		{[]string{"scanner", "--help"}, 0, "!pause D TEXT"},
		{[]string{"scanner", "--link", "/tmp/x", "--pause", "-1s"}, 2, "--pause -1s: must not be negative"},
		{[]string{"scanner", "--link", "/tmp/x", "--file", "/nonexistent/scans"}, 1, "no such file"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := run(tt.args, strings.NewReader(""), &out, &errOut)
		if code != tt.code || !strings.Contains(out.String()+errOut.String(), tt.msg) {
			t.Errorf("devsim %v: exit %d, output:\n%s%s\nwant exit %d and %q", tt.args, code, out.String(), errOut.String(), tt.code, tt.msg)
		}
	}
}

// TestDevsimScannerPause: the simulator stops 120 ms inside a scan (the
// !pause command, and --pause for every scan), as a wireless scanner does,
// and the reader, with its default framing, still reads one scan each time.
func TestDevsimScannerPause(t *testing.T) {
	link := filepath.Join(t.TempDir(), "scanner")
	inR, inW := io.Pipe()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"scanner", "--link", link, "--baud", "9600", "--pause", "120ms", "--exit"}, inR, &out, &errOut)
	}()
	waitFor(t, "the served path", func() bool { return strings.Contains(out.String(), "scanner: "+link+" -> /dev/pts/") })
	cfg, err := scanner.ParseURI("serial://" + link + "?baud=9600&term=cr")
	if err != nil {
		t.Fatal(err)
	}
	r, err := scanner.NewReader(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ev := make(chan scanner.Event, 16)
	go r.Run(context.Background(), ev)
	defer r.Close()
	nextEvent(t, ev, scanner.EventConnected)
	start := time.Now()
	io.WriteString(inW, "6937777001005\n!pause 150ms 96385074\n!pause x\n")
	for _, want := range []string{"6937777001005", "96385074"} {
		if f := nextEvent(t, ev, scanner.EventScan).Frame; f.Text != want || f.Err != nil {
			t.Fatalf("scan %q %q %v, want %q in one frame", f.Text, f.Raw, f.Err, want)
		}
	}
	if d := time.Since(start); d < 270*time.Millisecond {
		t.Errorf("two scans with 120 ms and 150 ms pauses took %v", d)
	}
	inW.Close()
	select {
	case code := <-done:
		if code != 1 || !strings.Contains(errOut.String(), `!pause "x": want a duration and a code`) {
			t.Errorf("exit %d, stderr:\n%s", code, errOut.String())
		}
	case <-time.After(wait):
		t.Fatal("did not exit")
	}
	if !strings.Contains(out.String(), "sent: 96385074 (paused 150ms inside)\n") {
		t.Errorf("output:\n%s", out.String())
	}
}
