package main

import (
	"bufio"
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"fupinpos/device/scanner"
	"fupinpos/device/sim"
)

const scannerHelp = `Each line of the input is one scan, sent at the baud rate with the
terminator after it. Blank lines are skipped. Lines starting with "!" are
commands:
  !unplug        close the pty and remove the link (the reader sees an unplug)
  !replug        plug back in: a new pty behind the same link
  !sleep D       pause for a duration such as 500ms
  !hex HEX       send raw bytes, no terminator (e.g. !hex 39 39 0d)
  !pause D TEXT  scan TEXT, stopping for D halfway through it, as a
                 Bluetooth or 2.4 GHz scanner does (e.g. !pause 120ms 96385074)
  !!TEXT         scan the text "!TEXT"
When the input ends, the scanner stays plugged in until interrupted, unless
--exit is given.
`

// cmdScanner serves a simulated serial scanner at --link and sends each
// input line as a scan until the input ends (then, without --exit, until
// ctx ends). It prints the path it serves first, then one line per action.
func cmdScanner(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("devsim scanner", flag.ContinueOnError)
	fs.SetOutput(stderr)
	link := fs.String("link", "", "symlink `PATH` to serve the scanner at (required; e.g. /tmp/scanner)")
	baud := fs.Int("baud", 9600, "pace bytes at this baud rate, 10 bits a byte (0: full speed)")
	termName := fs.String("term", "cr", "terminator after each scan: cr, crlf, lf, tab or none")
	file := fs.String("file", "", "read scans from `FILE` instead of stdin")
	delay := fs.Duration("delay", 0, "pause before each scan")
	prefix := fs.String("prefix", "", "text sent before each scan, e.g. an AIM identifier ]Q1")
	exit := fs.Bool("exit", false, "exit when the input ends instead of staying plugged in")
	pause := fs.Duration("pause", 0, "stop for this long halfway through every scan, as wireless scanners do (e.g. 120ms)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: devsim scanner --link PATH [flags]\n\n")
		fs.PrintDefaults()
		fmt.Fprint(stderr, "\n"+scannerHelp)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	term, err := scanner.ParseTerminator(*termName)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "devsim scanner: %v\n", err)
		return 2
	case *link == "":
		fmt.Fprintln(stderr, "devsim scanner: --link is required")
		return 2
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "devsim scanner: unexpected argument %q\n", fs.Arg(0))
		return 2
	case *baud < 0:
		fmt.Fprintf(stderr, "devsim scanner: --baud %d: must not be negative\n", *baud)
		return 2
	case *pause < 0:
		fmt.Fprintf(stderr, "devsim scanner: --pause %v: must not be negative\n", *pause)
		return 2
	}
	in := stdin
	if *file != "" {
		f, err := os.Open(*file)
		if err != nil {
			fmt.Fprintf(stderr, "devsim scanner: %v\n", err)
			return 1
		}
		defer f.Close()
		in = f
	}
	s, err := sim.NewScannerSim(*link, *baud, term)
	if err != nil {
		fmt.Fprintf(stderr, "devsim scanner: %v\n", err)
		return 1
	}
	defer s.Close()
	s.SetPause(*pause)
	fmt.Fprintf(stdout, "scanner: %s -> %s (%s, term %s)\n", s.Path(), s.TTY(), baudText(*baud), term)
	fmt.Fprintf(stdout, "uri: serial://%s?baud=%d&term=%s\n", s.Path(), max(*baud, scanner.DefaultBaud), term)

	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		readErr <- sc.Err()
	}()
	a := scanAction{s: s, out: stdout, prefix: *prefix, delay: *delay}
	failed := false
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintln(stdout, "scanner: stopped")
			return 0
		case err := <-readErr:
			if err != nil {
				fmt.Fprintf(stderr, "devsim scanner: reading input: %v\n", err)
				return 1
			}
			if *exit {
				if failed {
					return 1
				}
				return 0
			}
			fmt.Fprintln(stdout, "scanner: input ended; still plugged in (Ctrl-C to stop)")
			<-ctx.Done()
			fmt.Fprintln(stdout, "scanner: stopped")
			return 0
		case line := <-lines:
			// A bad line is reported and skipped: the simulator stays up
			// for the lines after it, and --exit then exits with 1.
			if err := a.do(ctx, strings.TrimRight(line, "\r")); err != nil {
				fmt.Fprintf(stderr, "devsim scanner: %v\n", err)
				failed = true
			}
		}
	}
}

func baudText(b int) string {
	if b == 0 {
		return "full speed"
	}
	return fmt.Sprintf("%d baud", b)
}

// scanAction carries out input lines on a simulated scanner.
type scanAction struct {
	s      *sim.ScannerSim
	out    io.Writer
	prefix string
	delay  time.Duration
}

// do carries out one input line: a scan or a "!" command.
func (a scanAction) do(ctx context.Context, line string) error {
	if line == "" {
		return nil
	}
	if !strings.HasPrefix(line, "!") || strings.HasPrefix(line, "!!") {
		text := strings.TrimPrefix(line, "!")
		if !sleepCtx(ctx, a.delay) {
			return nil
		}
		if err := a.s.Scan(a.prefix + text); err != nil {
			return err
		}
		fmt.Fprintf(a.out, "sent: %s\n", text)
		return nil
	}
	cmd, arg, _ := strings.Cut(line[1:], " ")
	switch cmd {
	case "unplug":
		if err := a.s.Unplug(); err != nil {
			return err
		}
		fmt.Fprintf(a.out, "unplugged: %s\n", a.s.Path())
	case "replug":
		if err := a.s.Replug(); err != nil {
			return err
		}
		fmt.Fprintf(a.out, "plugged: %s -> %s\n", a.s.Path(), a.s.TTY())
	case "sleep":
		d, err := time.ParseDuration(strings.TrimSpace(arg))
		if err != nil || d < 0 {
			return fmt.Errorf("!sleep %q: want a duration such as 500ms", arg)
		}
		sleepCtx(ctx, d)
	case "hex":
		b, err := hex.DecodeString(strings.Join(strings.Fields(arg), ""))
		if err != nil {
			return fmt.Errorf("!hex %q: %w", arg, err)
		}
		if err := a.s.WriteRaw(b); err != nil {
			return err
		}
		fmt.Fprintf(a.out, "sent bytes: % x\n", b)
	case "pause":
		ds, text, _ := strings.Cut(strings.TrimSpace(arg), " ")
		d, err := time.ParseDuration(ds)
		if err != nil || d < 0 || text == "" {
			return fmt.Errorf("!pause %q: want a duration and a code, such as !pause 120ms 96385074", arg)
		}
		if !sleepCtx(ctx, a.delay) {
			return nil
		}
		if err := a.s.ScanPaused(a.prefix+text, d); err != nil {
			return err
		}
		fmt.Fprintf(a.out, "sent: %s (paused %v inside)\n", text, d)
	default:
		return fmt.Errorf("unknown command %q (want !unplug, !replug, !sleep D, !hex HEX, !pause D TEXT or !!TEXT)", line)
	}
	return nil
}

// sleepCtx waits d or until ctx ends, and reports whether the wait ran out.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
