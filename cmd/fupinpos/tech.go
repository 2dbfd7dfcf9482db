package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"fupinpos/device/scanner"
	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/ui"
	"fupinpos/pos/voucher"
	"fupinpos/sync/client"
)

// tech is the technician screen's back end over the real terminal.
type tech struct{ t *terminal }

var _ ui.Tech = tech{}

// Config is the saved configuration with the printer and the serial
// scanner in use in their fields: a device given on the command line
// (--printer, --scanner) shows on the technician screen, and saving the
// screen (which 注册终端 does first) keeps it rather than clearing it.
func (x tech) Config() (*pos.TerminalConfig, error) {
	c, err := x.t.db.Config()
	if err != nil {
		return nil, err
	}
	c.Printer = x.t.printer.URI()
	x.t.mu.Lock()
	c.Scanner = x.t.scannerURI
	x.t.mu.Unlock()
	return c, nil
}

// SetConfig saves c (the store audits it) and puts the printer, the
// receipt language and the wedge setting to use at once.
func (x tech) SetConfig(c *pos.TerminalConfig, actor string) error {
	if err := x.t.db.SetConfig(*c, actor); err != nil {
		return err
	}
	x.t.applyConfig(c)
	return nil
}

// Ports lists the serial ports, the simulator's link among them in demos.
func (x tech) Ports() ([]scanner.PortInfo, error) {
	return scanner.Ports(x.t.ports...)
}

// TestPrint prints the test page on a printer opened for uri alone (the
// technician's field, saved or not), in receiptLang.
func (x tech) TestPrint(uri, receiptLang string) ([]byte, error) {
	p := &receiptPrinter{noProbe: true} // the test page probes afresh
	p.configure(uri, receiptLang)
	if err := p.Err(); err != nil {
		return nil, err
	}
	return p.TestPrint()
}

// DeviceStates says how the devices and saved settings stand. A printer
// found not to answer status queries is "no_status": it prints, but
// nothing tells when it runs out of paper.
func (x tech) DeviceStates() []ui.DeviceState {
	states := x.t.states()
	for i := range states {
		if states[i].Field == ui.FieldPrinter && states[i].Err == nil && x.t.printer.NoStatus() {
			states[i].State = "no_status"
		}
	}
	return states
}

// Enroll registers this terminal with the server, once the technician has
// confirmed the root key fingerprint, and starts syncing.
func (x tech) Enroll(ctx context.Context, server, code string, confirm func(string) bool) error {
	cfg, err := x.t.db.Config()
	if err != nil {
		cfg = &pos.TerminalConfig{}
	}
	if _, err := client.Enroll(ctx, x.t.db, server, code, *cfg, confirm, client.Options{Transport: x.t.transport}); err != nil {
		return err
	}
	if x.t.syncClient() == nil {
		x.t.startPump()
	}
	return nil
}

// SyncNow uploads the queue and downloads changes, reporting the queue as
// it drains.
func (x tech) SyncNow(ctx context.Context, progress func(done, total int)) error {
	c := x.t.syncClient()
	if c == nil {
		return pos.Errorf(pos.ENOTPROVISIONED, "no central server configured: enroll first")
	}
	q, _ := x.t.db.Queue()
	total := q.Count
	progress(0, total)
	done := make(chan error, 1)
	go func() { done <- c.Sync(ctx) }()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			q, _ := x.t.db.Queue()
			progress(total-q.Count, total)
			return err
		case <-tick.C:
			q, _ := x.t.db.Queue()
			progress(total-q.Count, total)
		}
	}
}

// VerifyLedger walks the whole chain of records and audit events (the
// technician asks for the full walk, signatures on all cores).
func (x tech) VerifyLedger(ctx context.Context, progress func(done, total int)) (ui.LedgerSummary, error) {
	lc, err := x.t.db.Verify(bolt.VerifyOptions{Full: true, Progress: func(done, total uint64) { progress(int(done), int(total)) }})
	if err != nil {
		return ui.LedgerSummary{}, err
	}
	return ui.LedgerSummary{Records: lc.Records, AuditEvents: lc.AuditEvents, Head: lc.Head.String()[:16]}, nil
}

// Diagnostics are the facts a technician reads out on the phone, keyed for
// the screen to name them in its language.
func (x tech) Diagnostics() []ui.Diag {
	cfg, _ := x.t.db.Config()
	if cfg == nil {
		cfg = &pos.TerminalConfig{}
	}
	size, _ := x.t.db.Size()
	q, _ := x.t.db.Queue()
	cs, _ := x.t.db.ClockState()
	st := x.t.status()
	d := []ui.Diag{
		{Key: "app", Value: version()},
		{Key: "go", Value: runtime.Version()},
		{Key: "fyne", Value: "v2.7.1"},
		{Key: "terminal", Value: cfg.Store + "/" + cfg.Terminal},
		{Key: "database", Value: fmt.Sprintf("%s (%d kB)", x.t.db.Path(), size/1024)},
		{Key: "queue", Value: fmt.Sprintf("%d (%s)", q.Count, q.Amount)},
		{Key: "last_sync", Value: fmtTime(cs.LastSync)},
		{Key: "clock_floor", Value: fmtTime(cs.Floor)},
		{Key: "server", Value: cfg.Server},
		{Key: "root_key", Value: rootFingerprint(x.t)},
		{Key: "scanner", Value: cfg.Scanner, State: st.Scanner},
		{Key: "printer", Value: cfg.Printer, State: st.Printer},
		{Key: "memory", Value: fmt.Sprintf("%d MB", rssKB()/1024)},
	}
	if c := x.t.syncClient(); c != nil {
		s := c.State()
		d = append(d, ui.Diag{Key: "clock_offset", Value: s.Skew.Round(time.Second).String()})
		if s.LastErr != nil {
			d = append(d, ui.Diag{Key: "last_sync_error", Err: s.LastErr})
		}
	}
	return d
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(pos.CST).Format(time.DateTime)
}

// rootFingerprint is the deployment root key's fingerprint, for the
// technician to compare with the deployment sheet.
func rootFingerprint(t *terminal) string {
	root, err := t.db.RootKey()
	if err != nil {
		return "-"
	}
	return voucher.Fingerprint(root)
}
