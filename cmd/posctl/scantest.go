package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"fupinpos/device/scanner"
	"fupinpos/pos"
)

// scanTestKeys are the scanner URI settings scan-test takes as flags.
var scanTestKeys = []struct{ name, usage string }{
	{"baud", "baud rate (default 9600)"},
	{"data", "data bits: 5–8 (default 8)"},
	{"parity", "parity: none, odd, even, mark, space (default none)"},
	{"stop", "stop bits: 1, 1.5, 2 (default 1)"},
	{"term", "terminator the scanner sends: cr, crlf, lf, tab, none (default cr)"},
	{"aim", "1 when the scanner sends an AIM identifier such as ]Q1 before each code"},
	{"idle", "with term none: the pause that ends a scan, such as 80ms (default 50ms; not used with a terminator)"},
	{"max", "longest scan in bytes (default 1024)"},
	{"dedup", "drop a scanner's double read of one code within this time of the scan it repeats, such as 250ms (default), or off"},
}

// cmdScanTest reads a scanner as the app would and prints each framed scan:
// its classification, its text and its raw bytes in hex, or why it was
// refused. It exits 0 when --count scans were read (or, without --count,
// when --timeout ran out or Ctrl-C was pressed) and none was refused, 1
// otherwise (a port that cannot be opened at the start is 1 at once, with
// the reason; one that goes away later is waited for), 2 on a usage error.
//
//	posctl scan-test --port PATH|URI [--baud N] [--term cr|crlf|lf|tab|none] [--count N] [--timeout D] ...
func cmdScanTest(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("scan-test", stderr, "posctl scan-test --port PATH [--baud N] [--term cr|crlf|lf|tab|none] [--count N] [--timeout D]")
	port := fs.String("port", "", "scanner port `PATH` (/dev/ttyUSB0, a by-id link, a simulator's link) or a full serial:// URI")
	count := fs.Int("count", 0, "stop after this many scans (0: no limit)")
	timeout := fs.Duration("timeout", 0, "stop after this long (0: no limit; Ctrl-C stops too)")
	settings := map[string]*string{}
	for _, k := range scanTestKeys {
		settings[k.name] = fs.String(k.name, "", k.usage)
	}
	if err := parse(fs, args, false); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return usageExit(stderr, "scan-test", err)
	}
	if *port == "" || *count < 0 || *timeout < 0 {
		return usageExit(stderr, "scan-test", usagef("posctl.usage_err.scan_test"))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	cfg, err := scanTestConfig(*port, settings, set)
	var reader *scanner.Reader
	if err == nil {
		reader, err = scanner.NewReader(cfg)
	}
	if err != nil {
		// Name the flag whose value was refused; the rest came from --port.
		name := pos.ErrorParams(err)["name"]
		if !set[name] {
			name = "port"
		}
		return usageExit(stderr, "scan-test", badFlag(name, err))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	m := msgs()
	fmt.Fprintln(stdout, m.T("scan.test.opening", map[string]string{"port": cfg.Path, "line": cfg.Line(), "term": cfg.Framing.Terminator.String()}))
	events := make(chan scanner.Event)
	go reader.Run(ctx, events)
	defer reader.Close()

	// n scans: refused by the framing, unknown (framed, but neither a
	// voucher nor a barcode), the rest recognised.
	var n, refused, unknown int
	summary := func() {
		say(stdout, "scan.test.summary", "n", n, "ok", n-refused-unknown, "unknown", unknown, "refused", refused)
	}
	connected := false
	for *count == 0 || n < *count {
		var ev scanner.Event
		select {
		case ev = <-events:
		case <-ctx.Done():
			summary()
			if *count > 0 && errors.Is(ctx.Err(), context.DeadlineExceeded) {
				fmt.Fprintln(stderr, m.T("scan.test.timeout", map[string]string{"timeout": timeout.String(), "n": fmt.Sprint(n), "count": fmt.Sprint(*count)}))
				return 1
			}
			if refused > 0 || (*count > 0 && n < *count) || !connected {
				return 1
			}
			return 0
		}
		switch ev.Kind {
		case scanner.EventConnected:
			connected = true
			fmt.Fprintln(stdout, m.T("scan.test.connected", map[string]string{"port": ev.Path}))
		case scanner.EventError:
			if !connected {
				// Nothing to test: a wrong path, a scanner not plugged in,
				// no permission. The technician fixes it and runs again.
				fmt.Fprintf(stderr, "posctl scan-test: %s [%s]\n  %v\n", m.T("scan.test.no_port", map[string]string{"port": ev.Path}), pos.ErrorCode(ev.Err), ev.Err)
				return 1
			}
			fmt.Fprintf(stdout, "%s [%s]\n  %v\n", m.T("scan.test.open_failed", map[string]string{"port": ev.Path}), pos.ErrorCode(ev.Err), ev.Err)
		case scanner.EventDiscarded:
			fmt.Fprintf(stdout, "%s [%s]\n", m.T("scan.discarded."+ev.Reason, map[string]string{"n": discardedCount(ev)}), pos.ErrorCode(ev.Err))
			writeHex(stdout, ev.Raw)
		case scanner.EventDisconnected:
			fmt.Fprintf(stdout, "%s [%s]\n  %v\n", m.T("scan.test.disconnected", nil), pos.ErrorCode(ev.Err), ev.Err)
		case scanner.EventScan:
			n++
			if ev.Frame.Err != nil {
				refused++
			}
			if !writeScan(stdout, n, ev.Frame) && ev.Frame.Err == nil {
				unknown++
			}
		}
	}
	summary()
	if refused > 0 {
		return 1
	}
	return 0
}

// scanTestConfig builds the scanner settings from --port (a path or a
// serial:// URI) and the setting flags given, which override the URI's.
func scanTestConfig(port string, settings map[string]*string, set map[string]bool) (scanner.SerialConfig, error) {
	u := &url.URL{Scheme: "serial", Path: port}
	if strings.HasPrefix(port, "serial:") {
		var err error
		if u, err = url.Parse(port); err != nil {
			return scanner.SerialConfig{}, pos.WrapError(pos.EINVALID, err, "--port %q", port)
		}
	}
	q := u.Query()
	for _, k := range scanTestKeys {
		if set[k.name] {
			q.Set(k.name, *settings[k.name])
		}
	}
	u.RawQuery = q.Encode()
	return scanner.ParseURI(u.String())
}

// writeScan prints one frame for the technician: number, classification (or
// refusal with its code and reason), text, and every raw byte in hex. It
// reports whether the frame is a voucher or a barcode it knows.
func writeScan(w io.Writer, n int, f scanner.Frame) bool {
	m := msgs()
	if f.Err != nil {
		code := pos.ErrorCode(f.Err)
		fmt.Fprintf(w, "#%d %s [%s] %s %s\n", n, m.T("scan.test.refused", nil), code, m.Error(f.Err), tr("posctl.scan_test.bytes", "n", len(f.Raw)))
		fmt.Fprintf(w, "   %v\n", f.Err)
		if s, enc := decodeText(bytes.TrimRight(f.Raw, "\r\n\t")); s != "" {
			fmt.Fprintf(w, "   %s: %q\n", enc, s)
		}
	} else {
		kind, err := scanner.Check(f.Text)
		label := m.T(kind.Key(), nil)
		if err != nil {
			label += " [" + pos.ErrorCode(err) + "]"
		}
		fmt.Fprintf(w, "#%d %s %s\n", n, label, tr("posctl.scan_test.chars", "n", len(f.Text)))
		if f.AIM != "" {
			fmt.Fprintf(w, "   AIM: %s\n", f.AIM)
		}
		fmt.Fprintf(w, "   %s\n", tr("posctl.scan_test.text", "text", f.Text))
		if err != nil {
			fmt.Fprintf(w, "   %s\n", m.Error(err))
		}
		writeHex(w, f.Raw)
		return err == nil
	}
	writeHex(w, f.Raw)
	return false
}

// decodeText shows bytes that are not plain ASCII as the text they would
// be in UTF-8 or GBK, which tells a scanner in a Chinese text mode from a
// wrong baud rate.
func decodeText(b []byte) (string, string) {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	switch {
	case ascii:
		return "", ""
	case utf8.Valid(b):
		return string(b), "UTF-8"
	}
	s, err := simplifiedchinese.GBK.NewDecoder().Bytes(b)
	if err != nil || !utf8.Valid(s) || strings.ContainsRune(string(s), utf8.RuneError) {
		return "", ""
	}
	return string(s), "GBK"
}

// discardedCount returns how many bytes an EventDiscarded dropped: its
// error's "bytes" detail (Raw is capped), else len(Raw).
func discardedCount(ev scanner.Event) string {
	var pe *pos.Error
	if errors.As(ev.Err, &pe) && pe.Params["bytes"] != "" {
		return pe.Params["bytes"]
	}
	return fmt.Sprint(len(ev.Raw))
}

// writeHex prints b 16 bytes a line with offsets.
func writeHex(w io.Writer, b []byte) {
	for off := 0; off < len(b); off += 16 {
		fmt.Fprintf(w, "   %04x  % x\n", off, b[off:min(off+16, len(b))])
	}
}
