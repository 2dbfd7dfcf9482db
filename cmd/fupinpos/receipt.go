package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"fupinpos/assets"
	"fupinpos/device/escpos"
	"fupinpos/device/printer"
	"fupinpos/pos"
	"fupinpos/pos/report"
)

// printTimeout bounds one print job, status queries included.
const printTimeout = 30 * time.Second

// receiptPrinter sends receipts to a printer URI through device/printer
// (tcp://host:9100?paper=80, serial:///dev/ttyS0?baud=9600, file:///dev/usb/lp0),
// with the receipt language's labels. A URI device/printer refuses leaves
// it in bad_config: every job fails with EPRINTEROFFLINE until the
// technician saves a good one. The demo build adds a directory "printer"
// (file:///dir: each job's bytes and PNG written there).
type receiptPrinter struct {
	mu      sync.Mutex       // one job at a time
	dev     *printer.Printer // nil without a usable printer URI
	sink    func(b []byte, name string) error
	info    string // what the test page says the printer is
	profile escpos.Profile
	labels  escpos.Labels
	err     error // why the URI could not be used
	n       int
	silent  bool

	stateMu sync.Mutex // apart from mu, so the status bar never waits for a job
	state   string
}

// openSink, set by the demo build, opens a demo-only printer URI (a
// directory of receipt images); ok false leaves uri to device/printer.
var openSink func(uri string) (sink func(b []byte, name string) error, p escpos.Profile, ok bool, err error)

// newReceiptPrinter returns the printer of uri ("" = none configured)
// printing receipts in receiptLang (zh_Hans when empty). It never fails:
// Err says why uri could not be used.
func newReceiptPrinter(uri, receiptLang string) *receiptPrinter {
	p := &receiptPrinter{}
	p.configure(uri, receiptLang)
	return p
}

// configure points the printer at uri with receiptLang's labels; the
// next job uses them. It returns why uri cannot be used, if it cannot.
func (p *receiptPrinter) configure(uri, receiptLang string) error {
	var (
		dev   *printer.Printer
		sink  func([]byte, string) error
		prof  = escpos.Paper80
		state = "unknown"
		err   error
		ok    bool
	)
	switch {
	case uri == "":
		state = "offline"
	case openSink != nil:
		var sp escpos.Profile
		if sink, sp, ok, err = openSink(uri); ok || err != nil {
			prof = sp
			break
		}
		fallthrough
	default:
		if dev, err = printer.Open(uri); err == nil {
			prof = dev.Profile()
		}
	}
	if err != nil {
		state, dev, sink = "bad_config", nil, nil
	}
	p.mu.Lock()
	p.dev, p.sink, p.profile, p.err, p.info = dev, sink, prof, err, uri
	p.labels = labelsFor(receiptLang)
	p.mu.Unlock()
	p.setState(state)
	return err
}

// labelsFor returns the receipt labels of lang: Chinese unless "en".
func labelsFor(lang string) escpos.Labels {
	return assets.For(firstOf(lang, "zh_Hans"))
}

// Err says why the configured printer URI cannot be used (nil when it can).
func (p *receiptPrinter) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// layout returns the printer's profile and labels.
func (p *receiptPrinter) layout() (escpos.Profile, escpos.Labels) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.profile, p.labels
}

// PrintReceipt lays out and sends one receipt.
func (p *receiptPrinter) PrintReceipt(r *pos.Receipt) error {
	prof, l := p.layout()
	b, err := escpos.Receipt(r, prof, l)
	if err != nil {
		return err
	}
	return p.send(b, "receipt-"+r.Number)
}

// State is the printer's last known state for the status bar: ok,
// paper_near_end, paper_out, cover_open, offline, unknown or bad_config.
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

// send delivers bytes to the printer.
func (p *receiptPrinter) send(b []byte, name string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if p.silent {
		return nil
	}
	switch {
	case p.err != nil:
		return pos.WrapError(pos.EPRINTEROFFLINE, p.err, "the printer setting is wrong (technician screen, printer tab)")
	case p.sink != nil:
		if err := p.sink(b, fmt.Sprintf("%03d-%s", p.n, name)); err != nil {
			p.setState("offline")
			return err
		}
		p.setState("ok")
		return nil
	case p.dev == nil:
		p.setState("offline")
		return pos.Errorf(pos.EPRINTEROFFLINE, "no receipt printer configured (technician screen, printer tab)")
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
	prof, l := p.layout()
	b, err := escpos.Receipt(r, prof, l)
	if err != nil {
		return nil, err
	}
	return render(b, prof)
}

// PrintZReport prints the day's closing report.
func (p *receiptPrinter) PrintZReport(d *report.Day) error {
	prof, l := p.layout()
	b, err := escpos.ZReport(d, prof, l)
	if err != nil {
		return err
	}
	return p.send(b, "z-"+d.Day)
}

// TestPrint prints the technicians' test page and returns its preview.
func (p *receiptPrinter) TestPrint() ([]byte, error) {
	prof, l := p.layout()
	p.mu.Lock()
	info := p.info
	p.mu.Unlock()
	b, err := escpos.TestPage(prof, info, l)
	if err != nil {
		return nil, err
	}
	if err := p.send(b, "test"); err != nil {
		return nil, err
	}
	return render(b, prof)
}

// quiet makes the printer lay out receipts but not send them (the smoke
// run's 1,000 bulk sales would otherwise write 1,000 images).
func (p *receiptPrinter) quiet(on bool) { p.mu.Lock(); p.silent = on; p.mu.Unlock() }
