// Command fupinpos is the counter terminal app: the Fyne screens of pos/ui
// wired to the terminal store, the serial scanner and the receipt printer.
// It is the only importer of fyne.io/fyne/v2/app.
//
//	fupinpos --db FILE            the counter app on a provisioned or enrolled terminal
//
// The app always starts: a saved device setting it cannot use shows on
// the status bar as "设置有误" and on the technician screen with the
// reason. The screen language is the saved one (technician screen) unless
// --lang is given.
//
// The demo build (go build -tags demo, make demo / make smoke) adds the
// pty scanner simulator, the demo panel (--demo), the scripted session
// (--script DIR) and the smoke run (--smoke DIR); cmd/fupinpos/demo.sh
// sets up the whole loop: voucherd on loopback, demo vouchers, the printer
// simulator, enrollment, users.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"fupinpos/assets"
	"fupinpos/device/scanner"
	"fupinpos/pos"
	"fupinpos/pos/ui"
)

// AppID is the Fyne application id (preferences and storage live under it).
const AppID = "cn.fupinpos.counter"

type options struct {
	db         string
	lang       string
	font       string
	fullscreen bool
	size       string
	scanner    string
	printer    string
	idle       time.Duration
	version    bool // --version: print the release and exit
	demo       any  // the demo build's options
}

// extension is what the demo build (-tags demo, demo_ext.go) adds to the
// product; the product build leaves it empty, so none of the demo code,
// device/sim or the pty library is linked into it.
type extension struct {
	// flags registers the demo flags.
	flags func(fs *flag.FlagSet, o *options)
	// open sets up the simulated devices before the terminal opens its
	// own, and returns the printer URI to use when none is configured.
	open func(t *terminal, o options, cfg *pos.TerminalConfig) (defaultPrinter string, err error)
	// run starts the chosen demo mode once the window exists.
	run func(ctx context.Context, o options, start time.Time, t *terminal, shell *ui.Shell, a fyne.App, w fyne.Window)
}

var ext extension

func main() {
	start := processStart()
	o, err := parseFlags(flag.NewFlagSet("fupinpos", flag.ContinueOnError), os.Args[1:], os.Stdout)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return
	case err != nil:
		m := assets.For(os.Getenv("LANG"))
		fmt.Fprintf(os.Stderr, "fupinpos: %v\n%s\n", err, m.Tv("cli.help_hint", "cmd", "fupinpos"))
		os.Exit(2)
	}
	if o.version {
		fmt.Println("fupinpos", pos.BuildVersion())
		return
	}
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	if err := run(o, start); err != nil {
		os.Exit(failed(os.Stderr, err, o.lang))
	}
}

// failed says on w why the app could not run and returns the exit status
// (1). The app starts whatever device setting is saved; the one start-up
// failure is a database it cannot open, above all one another process
// holds (pos.EBUSY: a second fupinpos, or posctl): that is said in the
// language of --lang, else of LANG, with the error code, since the
// database's saved language cannot be read.
// fatalHook, when set, also shows the start-up failure to the person at
// the screen: the Windows build (fatal_windows.go) shows a message box,
// since a GUI program's standard error only reaches its log file. It gets
// the messages of the chosen language and what failed wrote, line by
// line without the "fupinpos: " prefix.
var fatalHook func(m *assets.Messages, lines []string)

func failed(w io.Writer, err error, flagLang string) int {
	m := assets.For(firstOf(flagLang, os.Getenv("LANG")))
	var lines []string
	if pos.ErrorCode(err) == pos.EBUSY {
		lines = append(lines, fmt.Sprintf("%s [%s]", m.Error(err), pos.EBUSY))
	}
	lines = append(lines, err.Error())
	for _, l := range lines {
		fmt.Fprintf(w, "fupinpos: %s\n", l)
	}
	if fatalHook != nil {
		fatalHook(m, lines)
	}
	return 1
}

// parseFlags reads the command line into options.
func parseFlags(fs *flag.FlagSet, args []string, help io.Writer) (options, error) {
	var o options
	m := assets.For(os.Getenv("LANG"))
	m.Flags(fs, help, "fupinpos "+m.T("flag.options", nil))
	fs.StringVar(&o.db, "db", "", "terminal database `FILE` (made by posctl provision or posctl enroll; default $FUPINPOS_DB, else the installed /var/lib/fupinpos/terminal.db)")
	fs.StringVar(&o.lang, "lang", "", "screen language, zh_Hans or en (default: the saved setting, else zh_Hans)")
	fs.StringVar(&o.font, "font", "", "single-face CJK .ttf `FILE` (default: fupinpos-gb2312.ttf beside the program, made by make font, else the system's Droid Sans Fallback)")
	fs.BoolVar(&o.fullscreen, "fullscreen", false, "kiosk mode: full screen (also the technician's kiosk setting)")
	fs.StringVar(&o.size, "size", "1024x768", "window size when not full screen (never larger than the screen)")
	fs.StringVar(&o.scanner, "scanner", "", "scanner URI, e.g. serial:///dev/ttyUSB0?baud=9600&term=cr (default: the saved setting)")
	fs.StringVar(&o.printer, "printer", "", "printer URI, e.g. tcp://127.0.0.1:9100?paper=80 (default: the saved setting)")
	fs.BoolVar(&o.version, "version", false, "print the release and exit")
	fs.DurationVar(&o.idle, "idle-lock", 5*time.Minute, "lock the screen after this long without activity (0 = never)")
	if ext.flags != nil {
		ext.flags(fs, &o)
	}
	return o, m.Parse(fs, args)
}

// screenLang is the language the screens start in: --lang when given, else
// the saved one, else Chinese.
func screenLang(flagLang string, cfg *pos.TerminalConfig) string {
	if flagLang != "" {
		return flagLang
	}
	if cfg != nil && (cfg.Lang == "zh_Hans" || cfg.Lang == "en") {
		return cfg.Lang
	}
	return "zh_Hans"
}

// windowSize reads --size ("1024x768"); a bad value gives 1024×768.
func windowSize(s string) fyne.Size {
	var wd, ht float32 = 1024, 768
	if _, err := fmt.Sscanf(strings.Replace(s, "x", " ", 1), "%f %f", &wd, &ht); err != nil || wd < 1 || ht < 1 {
		wd, ht = 1024, 768
	}
	return fyne.NewSize(wd, ht)
}

// SubsetFont is the GB2312 subset of the CJK font that make font writes
// beside the app's binary: a quarter of the full face's size and about
// 30 MB less memory. Characters it lacks are drawn from the system's full
// face (Fyne falls back per character).
const SubsetFont = "fupinpos-gb2312.ttf"

// fontPath is the font to load: --font when given, else SubsetFont in
// dir (the program's folder) when it is there, else the full face.
func fontPath(flagFont, dir string) string {
	if flagFont != "" {
		return flagFont
	}
	if dir != "" {
		p := filepath.Join(dir, SubsetFont)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ui.DefaultFontPath
}

// programDir is the folder of the running binary ("" if unknown).
func programDir() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if p, err := filepath.EvalSymlinks(exe); err == nil {
		exe = p
	}
	return filepath.Dir(exe)
}

// trimQuiet is how long the counter is left alone (no key, tap or scan)
// before the app gives the memory it has freed back to the system, and
// then how often while it stays quiet (Fyne frees the widgets of screens
// no longer shown a minute after).
const trimQuiet = 10 * time.Second

// returnFreeMemory gives the system the Go heap's and the C heap's free
// pages: a busy spell leaves both holding memory nothing uses (the steady
// resident size after 1,000 sales falls from 173–176 MB to 166 MB, make
// smoke).
func returnFreeMemory() {
	debug.FreeOSMemory()
	trimCHeap()
}

func run(o options, start time.Time) error {
	font := fontPath(o.font, programDir())
	th, err := ui.LoadTheme(font)
	if err != nil && o.font == "" && font != ui.DefaultFontPath {
		log.Printf("font: %v (using %s)", err, ui.DefaultFontPath)
		font = ui.DefaultFontPath
		th, err = ui.LoadTheme(font)
	}
	log.Printf("font: %s", font)
	if err != nil {
		return err
	}
	d, err := openTerminal(o)
	if err != nil {
		return err
	}
	defer d.Close()
	cfg, _ := d.db.Config()
	tr, err := ui.SetLanguage(screenLang(o.lang, cfg))
	if err != nil {
		return err
	}

	a := app.NewWithID(AppID)
	a.Settings().SetTheme(th)
	w := a.NewWindow(tr.T("ui.app.title"))
	want := windowSize(o.size)
	w.Resize(want)
	if cfg != nil && cfg.Kiosk {
		o.fullscreen = true // the technician's setting; --fullscreen also forces it
	}
	w.SetFullScreen(o.fullscreen)
	w.SetMaster()
	// Fyne never clamps a window to the screen: once the driver runs, read
	// the monitor and shrink the window, or go full screen on a small one.
	a.Lifecycle().SetOnStarted(func() { fitWindow(w, want, o.fullscreen) })

	// The saved wedge setting (the defaults when it is bad: the status
	// bar and the technician screen say so, see terminal.open).
	shell := &ui.Shell{Tr: tr, Store: d.store, Printer: d.printer, Win: w, Title: tr.T("ui.app.title"), IdleLock: o.idle, StatusNow: d.status}
	shell.SetWedge(d.wedge)
	// A wedge setting the technician saves applies at once.
	d.mu.Lock()
	d.onWedge = func(c scanner.WedgeConfig) { fyne.Do(func() { shell.SetWedge(c) }) }
	d.mu.Unlock()
	shell.Manager = func(u *pos.User, logout func()) ui.Screen {
		m := ui.NewManager(shell.Tr, d.store, d.printer, w, u, logout)
		// Reconciliation and the store's alerts ask the server: through the
		// sync client when the terminal has one (else the screen says no
		// server is configured).
		if c := d.syncClient(); c != nil {
			m.Reconcile = func(day string) (*pos.Reconciliation, error) {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				return c.Reconcile(ctx, day)
			}
			m.StoreAlerts = func(day string) ([]pos.Alert, error) {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				return c.Alerts(ctx, day)
			}
			// A return is online only: the server agrees before the
			// terminal records it (sync/client.ReturnSale).
			m.Return = func(sale string, items []pos.ReturnItem, id, pin, reason string) (uint64, error) {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				seq, _, err := c.ReturnSale(ctx, d.db, sale, items, id, pin, reason)
				return seq, err
			}
			// Goods of any terminal of the store come back here: the
			// server holds the sale and its returns.
			m.LookupSale = func(no string) (*pos.SaleReturns, error) {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				return c.LookupSale(ctx, no)
			}
		}
		m.SelectDay(pos.DayOf(time.Now()))
		return m
	}
	shell.Technician = func(u *pos.User, logout func()) ui.Screen {
		t := ui.NewTechnician(shell.Tr, tech{d}, d.printer, w, u, shell, logout)
		// A new screen language applies at once: the screens are built
		// again in it, starting with this one.
		t.OnLanguage = func(code string) {
			tr, err := ui.SetLanguage(code)
			if err != nil {
				log.Printf("language %s: %v", code, err)
				return
			}
			shell.SetLanguage(tr)
		}
		return t
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d.feed = func(r *scanner.Reader) func() {
		fctx, stop := context.WithCancel(ctx)
		go feedScans(fctx, r, shell, d)
		return stop
	}
	d.startScanner()
	ctlDone := make(chan struct{})
	go func() {
		defer close(ctlDone)
		// posctl backs up and reads through the app while it holds the file.
		if err := d.db.ServeControl(ctx); err != nil {
			log.Printf("control socket: %v (posctl cannot back up or read while the app runs)", err)
		}
	}()
	quitOnSignal(ctx, a)
	go func() {
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		var trimmed time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				shell.SetStatus(d.status())
				shell.CheckIdle(now)
				if now.Sub(shell.LastActivity()) >= trimQuiet && now.Sub(trimmed) >= trimQuiet {
					returnFreeMemory()
					trimmed = now
				}
			}
		}
	}()
	shell.SetStatus(d.status())
	if ext.run != nil {
		ext.run(ctx, o, start, d, shell, a, w)
	}
	shell.ShowLogin()
	w.ShowAndRun()
	// The control socket goes with the app: stop it before the database
	// closes (a stale socket would only be replaced at the next start).
	cancel()
	select {
	case <-ctlDone:
	case <-time.After(2 * time.Second):
	}
	if d.failed {
		return fmt.Errorf("run failed")
	}
	return nil
}

// feedScans passes the serial scanner's scans to the shell and its state to
// the status bar.
func feedScans(ctx context.Context, r *scanner.Reader, shell *ui.Shell, d *terminal) {
	ev := make(chan scanner.Event, 16)
	go r.Run(ctx, ev)
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-ev:
			if ctx.Err() != nil {
				return // a replaced reader's last events
			}
			switch e.Kind {
			case scanner.EventScan:
				if e.Frame.Err == nil {
					shell.Scan(e.Frame.Text)
				} else {
					shell.ScanRefused(e.Frame.Err)
				}
			case scanner.EventDiscarded:
				shell.ScanRefused(e.Err)
			case scanner.EventConnected:
				d.setScanner("ok")
			case scanner.EventDisconnected:
				d.setScanner("disconnected")
			}
			shell.SetStatus(d.status())
		}
	}
}
