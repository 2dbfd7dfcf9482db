package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"fupinpos/device/escpos"
	"fupinpos/device/sim"
)

const printerUsage = `usage: devsim printer [--listen HOST:PORT | --pty LINK] [--paper 58|80|80-180] [--out DIR]
                      [--status ok|near-end|paper-out|cover-open|offline|error]
                      [--paper-out-after N] [--no-answer] [--never-prints] [--model-id N]
                      [--slow DURATION] [--drop-after BYTES]
                      [--addr-file FILE]

A receipt printer on TCP (default 127.0.0.1:9100) or on a pty behind LINK.
Every receipt (split at each cut) is written to DIR as receipt-NNNN.png and
receipt-NNNN.txt. The first line printed is the printer URI to configure.
`

// cmdPrinter runs the printer simulator until SIGINT or SIGTERM.
func cmdPrinter(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("devsim printer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, printerUsage); fs.PrintDefaults() }
	listen := fs.String("listen", "127.0.0.1:9100", "serve TCP on `HOST:PORT` (port 0: any free port)")
	ptyLink := fs.String("pty", "", "serve a serial printer on a pty behind the symlink `LINK` instead of TCP")
	paper := fs.String("paper", "80", "paper width: 58, 80 or 80-180")
	out := fs.String("out", "receipts", "`DIR` for each receipt's PNG and text file")
	status := fs.String("status", "ok", "status answered to DLE EOT: ok, near-end, paper-out, cover-open, offline, error")
	paperOutAfter := fs.Int("paper-out-after", 0, "run out of paper after `N` printed lines (0: never)")
	noAnswer := fs.Bool("no-answer", false, "never answer DLE EOT (nor GS I): a printer without status")
	neverPrints := fs.Bool("never-prints", false, "accept the connection or line but never take a byte")
	modelID := fs.Int("model-id", 0, "answer GS I 1 with `N` (0: the default id, -1: no answer)")
	slow := fs.Duration("slow", 0, "wait this long before each read and each status answer")
	dropAfter := fs.Int("drop-after", 0, "cut the connection after `BYTES` of a job (0: never)")
	addrFile := fs.String("addr-file", "", "also write the address served (HOST:PORT or the link) to `FILE`, for scripts")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || *paperOutAfter < 0 || *dropAfter < 0 || *slow < 0 || *modelID < -1 || *modelID > 255 {
		fmt.Fprintf(stderr, "devsim printer: bad arguments\n%s", printerUsage)
		return 2
	}
	prof, err := escpos.ProfileByName(*paper)
	if err != nil {
		fmt.Fprintf(stderr, "devsim printer: %v\n", err)
		return 2
	}
	st, err := simStatus(*status)
	if err != nil {
		fmt.Fprintf(stderr, "devsim printer: %v\n", err)
		return 2
	}
	cfg := sim.PrinterConfig{
		Profile: prof, OutDir: *out, Status: st, Log: stdout, ModelID: *modelID,
		Faults: sim.PrinterFaults{PaperOutAfter: *paperOutAfter, NoAnswer: *noAnswer, NeverPrints: *neverPrints, Slow: *slow, DropAfter: *dropAfter},
	}
	var s *sim.PrinterSim
	if *ptyLink != "" {
		s, err = sim.NewPrinterPTY(*ptyLink, cfg)
	} else {
		s, err = sim.NewPrinterTCP(*listen, cfg)
	}
	if err != nil {
		fmt.Fprintf(stderr, "devsim printer: %v\n", err)
		return 1
	}
	defer s.Close()
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(s.Addr()+"\n"), 0o644); err != nil {
			fmt.Fprintf(stderr, "devsim printer: %v\n", err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "printer: %s\n", s.URI())
	fmt.Fprintf(stdout, "serving: %s (%s paper, %d dots, %d columns); receipts in %s\n", s.Addr(), prof.Name, prof.Dots, prof.Columns, *out)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	<-ctx.Done()
	fmt.Fprintf(stdout, "printer: stopped after %d receipts\n", len(s.Jobs()))
	return 0
}

// simStatus reads the --status flag.
func simStatus(s string) (sim.PrinterStatus, error) {
	switch s {
	case "ok", "online":
		return sim.PrinterStatus{}, nil
	case "near-end":
		return sim.PrinterStatus{PaperNearEnd: true}, nil
	case "paper-out":
		return sim.PrinterStatus{PaperOut: true}, nil
	case "cover-open":
		return sim.PrinterStatus{CoverOpen: true}, nil
	case "offline":
		return sim.PrinterStatus{Offline: true}, nil
	case "error":
		return sim.PrinterStatus{Error: true}, nil
	}
	return sim.PrinterStatus{}, fmt.Errorf("--status %q: want ok, near-end, paper-out, cover-open, offline or error", s)
}
