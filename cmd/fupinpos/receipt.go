package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fupinpos/device/escpos"
	"fupinpos/device/printer"
	"fupinpos/pos"
	"fupinpos/pos/report"
)

// layoutReceipt turns a receipt into ESC/POS bytes for profile p with the
// shared layout of device/escpos (labels in Chinese).
func layoutReceipt(r *pos.Receipt, p escpos.Profile) ([]byte, error) {
	return escpos.Receipt(r, p, nil)
}

// printTimeout bounds one print job, status queries included.
const printTimeout = 30 * time.Second

// receiptPrinter sends receipts to a printer URI through device/printer
// (tcp://host:9100?paper=80, serial:///dev/ttyS0?baud=9600, file:///dev/usb/lp0),
// or, for the demo, to a directory (file:///dir: each job's bytes and PNG
// written there).
type receiptPrinter struct {
	mu      sync.Mutex       // one job at a time
	dev     *printer.Printer // nil in directory mode
	dir     string
	profile escpos.Profile
	n       int
	silent  bool

	stateMu sync.Mutex // apart from mu, so the status bar never waits for a job
	state   string
}

func newReceiptPrinter(uri string) (*receiptPrinter, error) {
	if dir, ok := directoryURI(uri); ok {
		u, _ := url.Parse(uri)
		paper := u.Query().Get("paper")
		if paper == "" {
			paper = "80"
		}
		p, err := escpos.ProfileByName(paper)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("receipt directory: %w", err)
		}
		return &receiptPrinter{dir: dir, profile: p, state: "unknown"}, nil
	}
	dev, err := printer.Open(uri)
	if err != nil {
		return nil, err
	}
	return &receiptPrinter{dev: dev, profile: dev.Profile(), state: "unknown"}, nil
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

// PrintReceipt lays out and sends one receipt.
func (p *receiptPrinter) PrintReceipt(r *pos.Receipt) error {
	b, err := layoutReceipt(r, p.profile)
	if err != nil {
		return err
	}
	return p.send(b, "receipt-"+r.Number)
}

// State is the printer's last known state for the status bar: ok,
// paper_near_end, paper_out, cover_open, offline or unknown.
func (p *receiptPrinter) State() string {
	p.stateMu.Lock()
	defer p.stateMu.Unlock()
	return p.state
}

func (p *receiptPrinter) setState(s string) {
	p.stateMu.Lock()
	p.state = s
	p.stateMu.Unlock()
}

// send delivers bytes to the printer; in directory mode it writes them and
// the PNG the printer would have printed.
func (p *receiptPrinter) send(b []byte, name string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if p.silent {
		return nil
	}
	if p.dev == nil && p.dir == "" {
		p.setState("offline")
		return pos.Errorf(pos.EPRINTEROFFLINE, "no receipt printer configured (technician screen, printer tab)")
	}
	if p.dev == nil {
		base := filepath.Join(p.dir, fmt.Sprintf("%03d-%s", p.n, name))
		if err := os.WriteFile(base+".bin", b, 0o644); err != nil {
			return err
		}
		png, err := render(b, p.profile)
		if err != nil {
			return err
		}
		p.setState("ok")
		return os.WriteFile(base+".png", png, 0o644)
	}
	ctx, cancel := context.WithTimeout(context.Background(), printTimeout)
	defer cancel()
	err := p.dev.Print(ctx, b)
	p.setState(stateOf(err, p.dev.LastStatus()))
	return err
}

// stateOf names the printer's state after a job.
func stateOf(err error, st printer.Status) string {
	var pe *pos.Error
	if errors.As(err, &pe) {
		switch pe.Code {
		case pos.EPAPEROUT, pos.ECOVEROPEN:
			return pe.Code
		}
		return "offline"
	}
	if err != nil {
		return "offline"
	}
	switch st.State() {
	case printer.StatePaperNearEnd:
		return string(printer.StatePaperNearEnd)
	}
	return "ok"
}

func render(b []byte, prof escpos.Profile) ([]byte, error) {
	doc, err := escpos.Interpret(b, prof)
	if err != nil {
		return nil, err
	}
	return doc.PNG()
}

// PreviewReceipt renders the bytes the printer would get for r.
func (p *receiptPrinter) PreviewReceipt(r *pos.Receipt) ([]byte, error) {
	b, err := layoutReceipt(r, p.profile)
	if err != nil {
		return nil, err
	}
	return render(b, p.profile)
}

// PrintZReport prints the day's closing report.
func (p *receiptPrinter) PrintZReport(d *report.Day) error {
	b, err := escpos.ZReport(d, p.profile, nil)
	if err != nil {
		return err
	}
	return p.send(b, "z-"+d.Day)
}

// TestPrint prints the technicians' test page and returns its preview.
func (p *receiptPrinter) TestPrint() ([]byte, error) {
	info := "file://" + p.dir
	if p.dev != nil {
		info = p.dev.Config().URI
	}
	b, err := escpos.TestPage(p.profile, info, nil)
	if err != nil {
		return nil, err
	}
	if err := p.send(b, "test"); err != nil {
		return nil, err
	}
	return render(b, p.profile)
}

// quiet makes the printer lay out receipts but not send them (the smoke
// run's 1,000 bulk sales would otherwise write 1,000 images).
func (p *receiptPrinter) quiet(on bool) { p.mu.Lock(); p.silent = on; p.mu.Unlock() }
