package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"fupinpos/assets"
	"fupinpos/device/escpos"
	"fupinpos/device/printer"
)

// cmdPrintTest is "posctl print-test --printer URI [--status-only] [--png FILE]":
// a technician's check of a printer named by its URI. It prints the
// profile and the printer's status (DLE EOT), then a test page (profile,
// Chinese sample, column rulers, QR code), and can save what the page
// looks like. Exit status: 0 printed, 1 the printer failed (the error code
// says why: paper_out, cover_open, printer_offline), 2 usage.
func cmdPrintTest(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("print-test", stderr, "posctl print-test --printer URI [--status-only] [--png FILE]")
	uri := fs.String("printer", "", "printer `URI`: tcp://HOST:9100?paper=80, serial:///dev/ttyS0?baud=9600&paper=58, file:///dev/usb/lp0")
	statusOnly := fs.Bool("status-only", false, "ask the status, print nothing")
	pngOut := fs.String("png", "", "also write the test page as the printer would print it to `FILE`")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	if err := parse(fs, args, false); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return usageExit(stderr, "print-test", err)
	}
	if *uri == "" {
		return usageExit(stderr, "print-test", usagef("posctl.usage_err.required", "flag", "printer"))
	}
	p, err := printer.Open(*uri)
	if err != nil {
		return usageExit(stderr, "print-test", badFlag("printer", err))
	}
	defer p.Close()
	m := msgs()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	cfg := p.Config()
	// Probe: DLE EOT and GS I 1. A printer that never answers is not
	// offline: it prints without status queries, and says so here.
	pr, err := p.Probe(ctx)
	say(stdout, "posctl.print_test.printer", "scheme", cfg.Scheme, "address", cfg.Address)
	sayProfile(stdout, p.Profile())
	if err != nil {
		say(stdout, "posctl.print_test.status", "state", stateLabel(m, string(printer.StateOffline)), "detail", printer.StateOffline)
		fmt.Fprintf(stderr, "posctl print-test: %s (%v)\n", m.Error(err), err)
		return 1
	}
	if pr.ModelID >= 0 {
		key := "posctl.print_test.model"
		if pr.ModelProfile {
			key = "posctl.print_test.model_profile"
		}
		say(stdout, key, "id", fmt.Sprintf("0x%02X", pr.ModelID))
	}
	if p.Guessed() {
		say(stdout, "posctl.print_test.safe_profile", "columns", escpos.SafeProfile.Columns)
	}
	st := pr.Status
	switch {
	case p.NoStatus():
		say(stdout, "posctl.print_test.no_status", "timeout", cfg.Timeout)
	default:
		say(stdout, "posctl.print_test.status", "state", stateLabel(m, string(st.State())), "detail", st)
	}
	if *statusOnly {
		if err := st.Err(); err != nil {
			fmt.Fprintf(stderr, "posctl print-test: %s\n", m.Error(err))
			return 1
		}
		return 0
	}
	page, err := p.TestPage(ctx, m)
	if *pngOut != "" && page != nil {
		if werr := writePagePNG(page, p.Profile(), *pngOut); werr != nil {
			fmt.Fprintf(stderr, "posctl print-test: %v\n", werr)
			return 1
		}
		say(stdout, "posctl.print_test.preview", "file", *pngOut)
	}
	if err != nil {
		fmt.Fprintf(stderr, "posctl print-test: %s (%v)\n", m.Error(err), err)
		return 1
	}
	last := p.LastStatus()
	say(stdout, "posctl.print_test.printed", "bytes", len(page), "state", stateLabel(m, string(last.State())), "detail", last)
	return 0
}

// sayProfile prints the layout profile in words (escpos.ProfileLine).
func sayProfile(w io.Writer, prof escpos.Profile) {
	say(w, "posctl.print_test.profile", "profile", escpos.ProfileLine(prof, msgs()))
}

// writePagePNG renders ESC/POS bytes with the interpreter and saves the PNG.
func writePagePNG(b []byte, prof escpos.Profile, path string) error {
	doc, err := escpos.Interpret(b, prof)
	if err != nil {
		return fmt.Errorf("render test page: %w", err)
	}
	png, err := doc.PNG()
	if err != nil {
		return fmt.Errorf("render test page: %w", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return fmt.Errorf("write preview: %w", err)
	}
	return nil
}

// stateLabel names a printer state (printer.State) in the words of the
// status bar: "online" is ui.status.dev.ok.
func stateLabel(m *assets.Messages, state string) string {
	if state == string(printer.StateOnline) {
		state = "ok"
	}
	if m.Has("ui.status.dev." + state) {
		return m.T("ui.status.dev."+state, nil)
	}
	return state
}
