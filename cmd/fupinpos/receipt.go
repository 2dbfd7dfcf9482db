package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync"
	"time"

	"fupinpos/assets"
	"fupinpos/device/escpos"
	"fupinpos/device/printer"
	"fupinpos/pos"
	"fupinpos/pos/bolt"
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
	uri     string // the URI in use, which the test page names
	profile escpos.Profile
	labels  escpos.Labels
	err     error // why the URI could not be used
	n       int
	silent  bool

	stateMu sync.Mutex // apart from mu, so the status bar never waits for a job
	state   string

	// printed is told of each receipt that reached the printer (the
	// terminal records it: the next copy is a reprint). nil: not recorded.
	printed func(r *pos.Receipt)
	// probed is closed when the start-up probe of the current device ended.
	probed chan struct{}
	// noProbe skips the start-up probe (the technician's one-off test
	// page probes by itself).
	noProbe bool
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

// recordPrintsIn makes every receipt that reaches the printer recorded in
// db (bolt.DB.MarkPrinted by the receipt's ledger seq), so that a copy is
// marked 重印 only when an earlier one printed, and the first copy that
// prints opens the cash drawer.
func (p *receiptPrinter) recordPrintsIn(db *bolt.DB) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.printed = func(r *pos.Receipt) {
		s, err := db.RecordByReceipt(r.Number)
		if err == nil {
			err = db.MarkPrinted(s.Record.Seq)
		}
		if err != nil {
			log.Printf("printer: receipt %s printed, but not recorded as printed: %v", r.Number, err)
		}
	}
}

// probeTimeout bounds the start-up probe.
const probeTimeout = 15 * time.Second

// probe asks dev once, in the background, how it stands (DLE EOT, GS I):
// a printer that never answers is remembered as "no status" (the
// technician screen says so) and its jobs go without status queries; a
// model id that names a profile replaces the default paper. The state is
// set from the answer unless a job or a new configuration came first.
func (p *receiptPrinter) probe(dev *printer.Printer, done chan struct{}) {
	defer close(done)
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	pr, err := dev.Probe(ctx)
	p.mu.Lock()
	current := p.dev == dev
	if current && err == nil && pr.ModelProfile {
		p.profile = dev.Profile()
	}
	p.mu.Unlock()
	if !current {
		return
	}
	switch {
	case err != nil:
		log.Printf("printer: %v", err)
		p.setState(stateOf(err, printer.Status{}))
	case !pr.Answers:
		log.Printf("printer %s does not answer status queries (DLE EOT): printing without them", dev.Config().Address)
		p.setState("unknown")
	default:
		p.setState(stateOf(nil, pr.Status))
	}
}

// NoStatus reports whether the printer was found not to answer status
// queries: jobs go without them, and its state is unknown.
func (p *receiptPrinter) NoStatus() bool {
	p.mu.Lock()
	dev := p.dev
	p.mu.Unlock()
	return dev != nil && dev.NoStatus()
}

// waitProbe waits for the start-up probe (tests).
func (p *receiptPrinter) waitProbe() {
	p.mu.Lock()
	ch := p.probed
	p.mu.Unlock()
	if ch != nil {
		<-ch
	}
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
	var done chan struct{}
	if dev != nil && !p.noProbe {
		done = make(chan struct{})
	}
	p.mu.Lock()
	p.dev, p.sink, p.profile, p.err, p.uri = dev, sink, prof, err, uri
	p.labels = labelsFor(receiptLang)
	p.probed = done
	p.mu.Unlock()
	p.setState(state)
	if done != nil {
		go p.probe(dev, done)
	}
	return err
}

// labelsFor returns the receipt labels of lang: Chinese unless "en".
func labelsFor(lang string) escpos.Labels {
	return assets.For(firstOf(lang, "zh_Hans"))
}

// URI is the printer URI in use ("" none), as configure was given it.
func (p *receiptPrinter) URI() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.uri
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
	if err := p.send(b, "receipt-"+r.Number); err != nil {
		return err
	}
	p.mu.Lock()
	printed, silent := p.printed, p.silent
	p.mu.Unlock()
	if printed != nil && !silent {
		printed(r)
	}
	return nil
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
	info := p.uri
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
