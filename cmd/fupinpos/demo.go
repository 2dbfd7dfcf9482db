package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fupinpos/device/scanner"
	"fupinpos/device/sim"
	"fupinpos/pos"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/uitest"
)

// demo is the demo deployment inside the app: the in-memory store with the
// demo campaign, catalogue and users, a scanner simulator on a pty read by
// the real serial reader, and a printer that writes receipt images.
type demo struct {
	dir     string
	store   *uitest.Store
	dep     *uitest.Deployment
	printer *receiptPrinter
	sim     *sim.ScannerSim
	reader  *scanner.Reader
	failed  bool

	mu      sync.Mutex
	scanner string
	used    string // a voucher already redeemed, for the "used twice" scan
}

func newDemo(o options) (*demo, error) {
	dir := o.smoke
	if dir == "" {
		dir = o.script
	}
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "fupinpos-demo-"); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "receipts"), 0o755); err != nil {
		return nil, err
	}
	store, dep, err := uitest.NewDemo()
	if err != nil {
		return nil, err
	}
	d := &demo{dir: dir, store: store, dep: dep, scanner: "unknown"}
	puri := o.printer
	if puri == "" {
		puri = "file://" + filepath.Join(dir, "receipts") + "?paper=80"
	}
	if d.printer, err = newReceiptPrinter(puri); err != nil {
		return nil, err
	}
	suri := o.scanner
	if suri == "" {
		link := filepath.Join(dir, "scanner")
		os.Remove(link)
		if d.sim, err = sim.NewScannerSim(link, 115200, scanner.TermCR); err != nil {
			return nil, err
		}
		suri = "serial://" + link + "?baud=115200"
	}
	sc, err := scanner.ParseURI(suri)
	if err != nil {
		return nil, err
	}
	if d.reader, err = scanner.NewReader(sc); err != nil {
		return nil, err
	}
	cfg, _ := store.Config()
	cfg.Printer, cfg.Scanner = puri, suri
	if err := store.SetConfig(cfg, "demo"); err != nil {
		return nil, err
	}
	return d, nil
}

// Close stops the simulator and the reader.
func (d *demo) Close() {
	if d.reader != nil {
		d.reader.Close()
	}
	if d.sim != nil {
		d.sim.Close()
	}
}

func (d *demo) setScanner(s string) { d.mu.Lock(); d.scanner = s; d.mu.Unlock() }

func (d *demo) status() ui.Status {
	d.mu.Lock()
	defer d.mu.Unlock()
	pending := 0
	d.store.Records(func(*pos.Record) error { pending++; return nil })
	return ui.Status{Online: d.store.Online, Pending: pending, CacheAge: 10 * time.Minute, Printer: d.printer.State(), Scanner: d.scanner}
}

// scan sends text through the simulated scanner, as a customer's QR code
// under the real scanner would.
func (d *demo) scan(text string) error {
	if d.sim == nil {
		return fmt.Errorf("no simulated scanner (a real one is configured)")
	}
	return d.sim.Scan(text)
}

func (d *demo) techDeps() ui.Devices { return d.printer }

func (d *demo) tech() ui.Tech { return &demoTech{d} }

// demoTech is the technician back end of the demo: configuration in the
// in-memory store, real port enumeration, and sync stubs that say so.
type demoTech struct{ d *demo }

func (t *demoTech) Config() (*pos.TerminalConfig, error) { return t.d.store.Config() }
func (t *demoTech) SetConfig(c *pos.TerminalConfig, actor string) error {
	return t.d.store.SetConfig(c, actor)
}
func (t *demoTech) Ports() ([]scanner.PortInfo, error) {
	ps, err := scanner.Ports()
	if t.d.sim != nil {
		ps = append(ps, scanner.PortInfo{Path: t.d.sim.Path(), Product: "demo scanner (pty)"})
	}
	return ps, err
}
func (t *demoTech) Enroll(ctx context.Context, server, code string) error {
	if _, err := url.Parse(server); err != nil {
		return err
	}
	return pos.Errorf(pos.ENOTPROVISIONED, "enrollment needs sync/client (not wired in this build)")
}
func (t *demoTech) SyncNow(ctx context.Context, progress func(int, int)) error {
	n := 0
	t.d.store.Records(func(*pos.Record) error { n++; return nil })
	for i := 0; i <= n; i++ {
		progress(i, n)
		time.Sleep(2 * time.Millisecond)
	}
	return nil
}
func (t *demoTech) VerifyLedger(ctx context.Context, progress func(int, int)) (string, error) {
	n := 0
	t.d.store.Records(func(*pos.Record) error { n++; progress(n, n); return nil })
	return fmt.Sprintf("%d records (in-memory demo ledger)", n), nil
}
func (t *demoTech) Diagnostics() []ui.Diag {
	cfg, _ := t.d.store.Config()
	st := t.d.status()
	return []ui.Diag{
		{Name: "fupinpos", Value: version()},
		{Name: "Go", Value: runtime.Version()},
		{Name: "Fyne", Value: "v2.7.1"},
		{Name: "terminal", Value: cfg.Store + "/" + cfg.Terminal},
		{Name: "database", Value: "in-memory (demo)"},
		{Name: "queue", Value: fmt.Sprint(st.Pending)},
		{Name: "clock offset", Value: "0s"},
		{Name: "scanner", Value: cfg.Scanner + " · " + st.Scanner},
		{Name: "printer", Value: cfg.Printer + " · " + st.Printer},
		{Name: "memory", Value: fmt.Sprintf("%d MB RSS", rssKB()/1024)},
	}
}

// panel opens the demo panel: buttons that "scan" demo vouchers and products
// through the simulated scanner.
func (d *demo) panel(a fyne.App, tr ui.Tr) {
	w := a.NewWindow(tr.T("ui.demo.title"))
	cat, _ := d.store.Catalogue()
	box := container.NewVBox(widget.NewLabel(tr.T("ui.demo.hint")))
	btn := func(label string, code func() string) {
		box.Add(widget.NewButton(label, func() {
			c := code()
			go d.scan(c)
		}))
	}
	for _, v := range []pos.Money{pos.Yuan(50), pos.Yuan(100), pos.Yuan(300)} {
		v := v
		btn(tr.T("ui.demo.valid", "value", v.String()), func() string {
			c := d.dep.Issue(v, fmt.Sprintf("member-%d", time.Now().UnixNano()))
			d.mu.Lock()
			d.used = c
			d.mu.Unlock()
			return c
		})
	}
	btn(tr.T("ui.demo.forged"), func() string { return d.dep.Forge(pos.Yuan(300)) })
	btn(tr.T("ui.demo.again"), func() string { d.mu.Lock(); defer d.mu.Unlock(); return d.used })
	btn(tr.T("ui.demo.garbage"), func() string { return "HELLO-123" })
	for i := 0; i < len(cat.Products) && i < 6; i++ {
		p := cat.Products[i]
		btn(tr.T("ui.demo.product", "name", tr.ProductName(&p)), func() string { return p.EAN })
	}
	w.SetContent(container.NewVScroll(box))
	w.Resize(fyne.NewSize(360, 640))
	w.Show()
	os.WriteFile(filepath.Join(d.dir, "README.txt"), []byte(strings.Join([]string{
		"fupinpos demo", "receipts: " + filepath.Join(d.dir, "receipts"),
		"users: cashier 1001/1234, manager 2001/2468, technician 3001/1357", ""}, "\n")), 0o644)
}
