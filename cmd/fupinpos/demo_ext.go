//go:build demo

package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"fupinpos/device/escpos"
	"fupinpos/device/scanner"
	"fupinpos/device/sim"
	"fupinpos/pos"
	"fupinpos/pos/ui"
)

// The demo build: the pty scanner simulator, demo voucher codes, a network
// that can be unplugged, a folder of receipt images as a printer, the demo
// panel, the scripted session and the smoke run. None of it is in the
// product binary (built without -tags demo).
//
//	fupinpos --db FILE --sim-scanner --codes codes.csv --demo
//	                        demo: pty scanner simulator and a panel that scans demo vouchers
//	fupinpos ... --script DIR   scripted demo session with screenshots in DIR (under Xvfb)
//	fupinpos ... --smoke DIR    the smoke run: one scanned sale, 1,000 more, timings

// demoOptions are the demo build's flags.
type demoOptions struct {
	codes      string
	simScanner bool
	panel      bool
	script     string
	smoke      string
}

// dir is the folder of demo output: the script's or the smoke run's.
func (o demoOptions) dir() string { return firstOf(o.script, o.smoke) }

// demoState is the demo's side of the running terminal.
type demoState struct {
	sim   *sim.ScannerSim
	codes *codeBook
	net   *netSwitch
}

// demoBuild is true in the demo build.
const demoBuild = true

// demo is the running demo.
var demo = &demoState{}

func init() {
	ext = extension{flags: demoFlags, open: demoOpen, run: demoRun}
	openSink = directorySink
}

func demoFlags(fs *flag.FlagSet, o *options) {
	do := &demoOptions{}
	o.demo = do
	fs.BoolVar(&do.panel, "demo", false, "show the demo panel that scans demo vouchers and products")
	fs.StringVar(&do.codes, "codes", "", "demo voucher codes (`codes.csv` from voucherd issue) for the panel, script and smoke run")
	fs.BoolVar(&do.simScanner, "sim-scanner", false, "read scans from a pty scanner simulator (demo) instead of the configured scanner")
	fs.StringVar(&do.script, "script", "", "run the scripted demo session and write screenshots to this folder")
	fs.StringVar(&do.smoke, "smoke", "", "smoke run: write timings, screenshots and receipts to this folder, then exit")
}

func demoOptionsOf(o options) demoOptions {
	if do, ok := o.demo.(*demoOptions); ok {
		return *do
	}
	return demoOptions{}
}

// demoOpen sets up the simulated scanner (saved as the terminal's scanner,
// so the technician screen shows what is read), the codes, the network
// switch and the output folder; its receipts folder is the printer when
// none is configured.
func demoOpen(t *terminal, o options, cfg *pos.TerminalConfig) (string, error) {
	do := demoOptionsOf(o)
	t.dir = do.dir()
	demo.net = &netSwitch{base: http.DefaultTransport}
	t.transport = demo.net
	var err error
	if do.codes != "" {
		if demo.codes, err = readCodeBook(do.codes); err != nil {
			return "", err
		}
	}
	def := ""
	if t.dir != "" {
		if err := os.MkdirAll(filepath.Join(t.dir, "receipts"), 0o755); err != nil {
			return "", err
		}
		def = "file://" + filepath.Join(t.dir, "receipts") + "?paper=80"
	}
	if do.simScanner {
		link := filepath.Join(firstOf(t.dir, os.TempDir()), "scanner")
		os.Remove(link)
		if demo.sim, err = sim.NewScannerSim(link, 115200, scanner.TermCR); err != nil {
			return "", err
		}
		closers = append(closers, func() { demo.sim.Close() })
		t.ports = append(t.ports, demo.sim.Path())
		suri := "serial://" + link + "?baud=115200&term=cr"
		if cfg.Scanner != suri {
			cfg.Scanner = suri
			if err := t.db.SetConfig(*cfg, "demo"); err != nil {
				return "", err
			}
		}
	}
	return def, nil
}

// demoRun starts the smoke run, the scripted session or the demo panel.
func demoRun(ctx context.Context, o options, start time.Time, d *terminal, shell *ui.Shell, a fyne.App, w fyne.Window) {
	do := demoOptionsOf(o)
	switch {
	case do.smoke != "":
		go func() {
			if err := smoke(ctx, do.smoke, start, d, shell, a); err != nil {
				log.Printf("smoke: FAIL: %v", err)
				d.failed = true
			}
			fyne.Do(a.Quit)
		}()
	case do.script != "":
		go func() {
			if err := script(ctx, do.script, d, shell); err != nil {
				log.Printf("demo script: FAIL: %v", err)
				d.failed = true
			}
			fyne.Do(a.Quit)
		}()
	case do.panel:
		d.panel(a, shell.Tr)
		log.Printf("demo: users cashier %s/%s, manager %s/%s, technician %s/%s; receipts in %s",
			demoCashier, demoCashierPIN, demoManager, demoManagerPIN, demoTechnician, demoTechnicianPIN, filepath.Join(d.dir, "receipts"))
	}
}

// scan sends text through the simulated scanner, as a customer's QR code
// under the real scanner would.
func (s *demoState) scan(text string) error {
	if s.sim == nil {
		return pos.Errorf(pos.ESCANNERGONE, "no simulated scanner (a real one is configured)")
	}
	return s.sim.Scan(text)
}

// directorySink is the demo's printer for file:///dir naming a directory
// (one that exists, or a path outside /dev without an extension): each
// job's bytes and the PNG the printer would have printed are written there.
func directorySink(uri string) (func([]byte, string) error, escpos.Profile, bool, error) {
	dir, ok := directoryURI(uri)
	if !ok {
		return nil, escpos.Profile{}, false, nil
	}
	u, _ := url.Parse(uri)
	p, err := escpos.ProfileByName(firstOf(u.Query().Get("paper"), "80"))
	if err != nil {
		return nil, p, true, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, p, true, fmt.Errorf("receipt directory: %w", err)
	}
	return func(b []byte, name string) error {
		base := filepath.Join(dir, name)
		if err := os.WriteFile(base+".bin", b, 0o644); err != nil {
			return err
		}
		png, err := render(b, p)
		if err != nil {
			return err
		}
		return os.WriteFile(base+".png", png, 0o644)
	}, p, true, nil
}

// directoryURI reports whether uri is file:// naming a directory: one that
// exists, or a path outside /dev without an extension.
func directoryURI(uri string) (string, bool) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" || u.Path == "" {
		return "", false
	}
	if fi, err := os.Stat(u.Path); err == nil {
		return u.Path, fi.IsDir()
	}
	if strings.HasPrefix(u.Path, "/dev/") || filepath.Ext(u.Path) != "" {
		return "", false
	}
	return u.Path, true
}
