// Command fupinpos is the counter terminal app: the Fyne screens of pos/ui
// wired to the terminal store, the serial scanner and the receipt printer.
// It is the only importer of fyne.io/fyne/v2/app.
//
//	fupinpos --db FILE                         the counter app on a provisioned or enrolled terminal
//	fupinpos --db FILE --sim-scanner --codes codes.csv --demo
//	                                           demo: pty scanner simulator and a panel that scans demo vouchers
//	fupinpos ... --script DIR                  scripted demo session with screenshots in DIR (under Xvfb)
//	fupinpos ... --smoke DIR                   the make-test smoke run: one scanned sale, 1,000 more, timings
//
// make demo (cmd/fupinpos/demo.sh) sets up the whole loop: voucherd on
// loopback, demo vouchers, the printer simulator, enrollment, users.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"fupinpos/device/scanner"
	"fupinpos/pos"
	"fupinpos/pos/ui"
)

// AppID is the Fyne application id (preferences and storage live under it).
const AppID = "cn.fupinpos.counter"

type options struct {
	db         string
	codes      string
	simScanner bool
	demo       bool
	script     string
	smoke      string
	lang       string
	font       string
	fullscreen bool
	size       string
	scanner    string
	printer    string
	idle       time.Duration
}

func main() {
	start := processStart()
	var o options
	flag.StringVar(&o.db, "db", "", "terminal database `FILE` (made by posctl provision or posctl enroll)")
	flag.BoolVar(&o.demo, "demo", false, "show the demo panel that scans demo vouchers and products")
	flag.StringVar(&o.codes, "codes", "", "demo voucher codes (`codes.csv` from voucherd issue) for the panel, script and smoke run")
	flag.BoolVar(&o.simScanner, "sim-scanner", false, "read scans from a pty scanner simulator (demo) instead of the configured scanner")
	flag.StringVar(&o.script, "script", "", "run the scripted demo session and write screenshots to this folder")
	flag.StringVar(&o.smoke, "smoke", "", "smoke run: write timings, screenshots and receipts to this folder, then exit")
	flag.StringVar(&o.lang, "lang", "zh_Hans", "language: zh_Hans or en")
	flag.StringVar(&o.font, "font", ui.DefaultFontPath, "single-face CJK .ttf font")
	flag.BoolVar(&o.fullscreen, "fullscreen", false, "kiosk mode: full screen (also the technician's kiosk setting)")
	flag.StringVar(&o.size, "size", "1024x768", "window size when not full screen")
	flag.StringVar(&o.scanner, "scanner", "", "scanner URI, e.g. serial:///dev/ttyUSB0?baud=9600&term=cr")
	flag.StringVar(&o.printer, "printer", "", "printer URI (default: the terminal configuration), e.g. tcp://127.0.0.1:9100?paper=80 or file:///tmp/receipts")
	flag.DurationVar(&o.idle, "idle-lock", 5*time.Minute, "lock the screen after this long without activity (0 = never)")
	flag.Parse()
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	if err := run(o, start); err != nil {
		log.Printf("fupinpos: %v", err)
		os.Exit(1)
	}
}

func run(o options, start time.Time) error {
	th, err := ui.LoadTheme(o.font)
	if err != nil {
		return err
	}
	tr, err := ui.SetLanguage(o.lang)
	if err != nil {
		return err
	}
	d, err := openTerminal(o)
	if err != nil {
		return err
	}
	defer d.Close()

	a := app.NewWithID(AppID)
	a.Settings().SetTheme(th)
	w := a.NewWindow(tr.T("ui.app.title"))
	var wd, ht float32 = 1024, 768
	fmt.Sscanf(strings.Replace(o.size, "x", " ", 1), "%f %f", &wd, &ht)
	w.Resize(fyne.NewSize(wd, ht))
	if cfg, err := d.db.Config(); err == nil && cfg.Kiosk {
		o.fullscreen = true // the technician's setting; --fullscreen also forces it
	}
	w.SetFullScreen(o.fullscreen)
	w.SetMaster()

	shell := &ui.Shell{Tr: tr, Store: d.store, Printer: d.printer, Win: w, Title: tr.T("ui.app.title"), IdleLock: o.idle}
	shell.Manager = func(u *pos.User, logout func()) fyne.CanvasObject {
		m := ui.NewManager(tr, d.store, d.printer, w, u, logout)
		m.SelectDay(pos.DayOf(time.Now()))
		return m.Content()
	}
	shell.Technician = func(u *pos.User, logout func()) fyne.CanvasObject {
		return ui.NewTechnician(tr, tech{d}, d.printer, w, u, shell, logout).Content()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if d.reader != nil {
		go feedScans(ctx, d.reader, shell, d)
	}
	go func() {
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				shell.SetStatus(d.status())
				shell.CheckIdle(now)
			}
		}
	}()
	shell.SetStatus(d.status())
	switch {
	case o.smoke != "":
		go func() {
			if err := smoke(ctx, o.smoke, start, d, shell, a); err != nil {
				log.Printf("smoke: FAIL: %v", err)
				d.failed = true
			}
			fyne.Do(a.Quit)
		}()
	case o.script != "":
		go func() {
			if err := script(ctx, o.script, d, shell); err != nil {
				log.Printf("demo script: FAIL: %v", err)
				d.failed = true
			}
			fyne.Do(a.Quit)
		}()
	case o.demo:
		d.panel(a, tr)
		log.Printf("demo: users cashier %s/%s, manager %s/%s, technician %s/%s; receipts in %s",
			demoCashier, demoCashierPIN, demoManager, demoManagerPIN, demoTechnician, demoTechnicianPIN, filepath.Join(d.dir, "receipts"))
	}
	shell.ShowLogin()
	w.ShowAndRun()
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
			switch e.Kind {
			case scanner.EventScan:
				if e.Frame.Err == nil {
					shell.Scan(e.Frame.Text)
				}
			case scanner.EventConnected:
				d.setScanner("ok")
			case scanner.EventDisconnected:
				d.setScanner("disconnected")
			}
			shell.SetStatus(d.status())
		}
	}
}

// dir is the folder of demo output: the script's or the smoke run's.
func (o options) dir() string { return firstOf(o.script, o.smoke) }
