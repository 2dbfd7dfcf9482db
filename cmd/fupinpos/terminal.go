package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"sync"
	"time"

	"fupinpos/device/scanner"
	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/boltstore"
	"fupinpos/sync/client"
)

// terminal is the counter terminal as the app runs it: the database, the
// sync pump, the printer and the scanner. A saved setting that cannot be
// used (a printer URI of an unknown scheme, a scanner URI with a typo, a
// bad wedge setting, language or server) never stops the app: the device
// is marked bad_config on the status bar and the technician screen says
// which setting is wrong and why.
type terminal struct {
	dir     string // receipts, screenshots and logs of demo and smoke runs (demo build)
	db      *bolt.DB
	store   *boltstore.Store
	printer *receiptPrinter
	reader  *scanner.Reader
	failed  bool
	// transport carries the sync client's requests (the demo build
	// replaces it with one whose network can be unplugged); nil: the sync
	// client's own (system roots, or the pinned CA of ServerCA).
	transport http.RoundTripper
	// ports are serial ports listed besides the system's (the demo's
	// simulated scanner).
	ports []string
	// wedge is the keyboard-wedge setting (defaults when the saved one is bad).
	wedge scanner.WedgeConfig
	// onWedge puts a newly saved wedge setting to use in the window's key
	// router (set by run; nil in tests).
	onWedge func(scanner.WedgeConfig)

	// feed starts reading a scanner (set by run; nil in tests).
	feed func(r *scanner.Reader) (stop func())

	mu         sync.Mutex
	client     *client.Client
	scanner    string
	scannerURI string // the URI the reader was opened for
	stopFeed   func()
	scannerErr error // the saved scanner URI could not be used
	wedgeErr   error // the saved wedge setting could not be used
	serverErr  error // the sync client could not be set up
	langErr    error // the saved language is not one the app speaks
	stop       context.CancelFunc
	pumpCtx    context.Context
}

// dbTimeout is how long openTerminal waits for a database file that
// another process holds before it gives up with pos.EBUSY.
var dbTimeout = 5 * time.Second

// openTerminal opens the database named by --db and the devices of its
// configuration (or of the flags, which win). It fails only when there is
// no usable database; a device setting that cannot be used is recorded on
// the terminal (see status and states) and the app starts without it.
func openTerminal(o options) (*terminal, error) {
	if o.db == "" {
		o.db = bolt.DefaultPath()
	}
	if o.db == "" {
		return nil, fmt.Errorf("no terminal database: give --db FILE (made by posctl provision or posctl enroll), or set FUPINPOS_DB")
	}
	if _, err := os.Stat(o.db); err != nil {
		return nil, fmt.Errorf("terminal database %s: %w", o.db, err)
	}
	db, err := bolt.Open(o.db, 0o600, &bolt.Options{Timeout: dbTimeout})
	if err != nil {
		return nil, err // pos.EBUSY when another process holds the file
	}
	t := &terminal{db: db, scanner: "unknown"}
	t.store = boltstore.New(db, t.wake)
	t.pumpCtx, t.stop = context.WithCancel(context.Background())
	if err := t.open(o); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

func (t *terminal) open(o options) error {
	cfg, err := t.db.Config()
	if err != nil {
		log.Printf("terminal configuration: %v", err)
		cfg = &pos.TerminalConfig{}
	}
	// The demo build's simulated devices, demo codes and output folder.
	defPrinter := ""
	if ext.open != nil {
		if defPrinter, err = ext.open(t, o, cfg); err != nil {
			return err
		}
	}
	// Without a printer the counter still sells: each print fails with
	// EPRINTEROFFLINE and the receipt can be reprinted once one is set up.
	t.printer = newReceiptPrinter(firstOf(o.printer, cfg.Printer, defPrinter), cfg.ReceiptLang)
	if err := t.printer.Err(); err != nil {
		log.Printf("printer: %v (the app starts without it; fix it on the technician screen)", err)
	}
	t.openScanner(firstOf(o.scanner, cfg.Scanner))
	t.wedge, t.wedgeErr = parseWedge(cfg.Wedge)
	if t.wedgeErr != nil {
		log.Printf("keyboard-wedge setting: %v (using the defaults)", t.wedgeErr)
	}
	if cfg.Lang != "" && cfg.Lang != "zh_Hans" && cfg.Lang != "en" {
		t.langErr = pos.Errorf(pos.EINVALID, "language %q: want zh_Hans or en", cfg.Lang)
	}
	if cfg.Server != "" {
		t.startPump()
	}
	return nil
}

// openScanner sets up the serial scanner reader for uri. Without one
// ("") the scanner is the keyboard wedge, which is what the status bar
// says from the start. A URI that does not parse leaves no reader and the
// scanner in bad_config.
func (t *terminal) openScanner(uri string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.scannerErr, t.scannerURI, t.scanner = nil, uri, "unknown"
	if uri == "" {
		t.scanner = "wedge"
		return
	}
	sc, err := scanner.ParseURI(uri)
	if err == nil {
		t.reader, err = scanner.NewReader(sc)
	}
	if err != nil {
		t.reader, t.scanner, t.scannerErr = nil, "bad_config", err
		log.Printf("scanner: %v (the app starts without it; fix it on the technician screen)", err)
	}
}

// parseWedge reads the keyboard-wedge setting; a bad one gives the
// defaults and the error.
func parseWedge(s string) (scanner.WedgeConfig, error) {
	w, err := scanner.ParseWedge(s)
	if err != nil {
		return scanner.WedgeConfig{}, err
	}
	return w, nil
}

// startPump starts syncing with the configured server in the background.
func (t *terminal) startPump() {
	c, err := client.New(t.db, client.Options{Transport: t.transport, Interval: 15 * time.Second, Timeout: 10 * time.Second,
		Logger: log.New(os.Stderr, "", log.Ltime)})
	t.mu.Lock()
	t.serverErr = err
	if err == nil {
		t.client = c
	}
	t.mu.Unlock()
	if err != nil {
		log.Printf("sync: %v", err)
		return
	}
	go c.Run(t.pumpCtx)
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// wake nudges the sync pump after a sale.
func (t *terminal) wake() {
	if c := t.syncClient(); c != nil {
		c.Wake()
	}
}

func (t *terminal) syncClient() *client.Client {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.client
}

// closers are closed with the terminal (the demo's simulators).
var closers []func()

// Close stops the pump, the reader and the simulators and closes the database.
func (t *terminal) Close() {
	t.stop()
	t.mu.Lock()
	r := t.reader
	t.mu.Unlock()
	if r != nil {
		r.Close()
	}
	for _, c := range closers {
		c()
	}
	t.db.Close()
}

func (t *terminal) setScanner(s string) { t.mu.Lock(); t.scanner = s; t.mu.Unlock() }

// status is what the status bar shows.
func (t *terminal) status() ui.Status {
	q, _ := t.db.Queue()
	cs, _ := t.db.ClockState()
	st := ui.Status{Online: t.db.Online(), Pending: q.Count, CacheAge: -1}
	if !cs.LastSync.IsZero() {
		st.CacheAge = time.Since(cs.LastSync)
	}
	st.Printer = t.printer.State()
	t.mu.Lock()
	st.Scanner = t.scanner
	if t.wedgeErr != nil && st.Scanner == "wedge" {
		// The keyboard wedge's saved setting cannot be used (the
		// defaults apply meanwhile).
		st.Scanner = "bad_config"
	}
	t.mu.Unlock()
	return st
}

// states says how each device and saved setting stands, for the
// technician screen.
func (t *terminal) states() []ui.DeviceState {
	st := t.status()
	t.mu.Lock()
	defer t.mu.Unlock()
	return []ui.DeviceState{
		{Field: ui.FieldPrinter, State: st.Printer, Err: t.printer.Err()},
		{Field: ui.FieldScanner, State: t.scanner, Err: t.scannerErr},
		{Field: ui.FieldWedge, State: stateOfErr(t.wedgeErr), Err: t.wedgeErr},
		{Field: ui.FieldServer, State: stateOfErr(t.serverErr), Err: t.serverErr},
		{Field: ui.FieldLang, State: stateOfErr(t.langErr), Err: t.langErr},
	}
}

func stateOfErr(err error) string {
	if err != nil {
		return "bad_config"
	}
	return "ok"
}

// startScanner starts feeding the reader's scans (if there is a reader
// and run has set feed).
func (t *terminal) startScanner() {
	t.mu.Lock()
	r, feed := t.reader, t.feed
	t.mu.Unlock()
	if r == nil || feed == nil {
		return
	}
	stop := feed(r)
	t.mu.Lock()
	t.stopFeed = stop
	t.mu.Unlock()
}

// reopenScanner replaces the serial scanner with the one of uri.
func (t *terminal) reopenScanner(uri string) {
	t.mu.Lock()
	old, stop := t.reader, t.stopFeed
	t.reader, t.stopFeed = nil, nil
	t.mu.Unlock()
	if stop != nil {
		stop()
	}
	if old != nil {
		old.Close()
	}
	t.openScanner(uri)
	t.startScanner()
}

// applyConfig puts a saved configuration to use at once: the printer (URI
// and receipt language), the serial scanner and the wedge setting (through
// onWedge, in the window's key router; the defaults when the saved one is
// bad). The screen language is applied by the technician screen's
// OnLanguage.
func (t *terminal) applyConfig(cfg *pos.TerminalConfig) {
	t.printer.configure(cfg.Printer, cfg.ReceiptLang)
	t.mu.Lock()
	changed := cfg.Scanner != t.scannerURI
	t.mu.Unlock()
	if changed {
		t.reopenScanner(cfg.Scanner)
	}
	w, err := parseWedge(cfg.Wedge)
	t.mu.Lock()
	t.wedge, t.wedgeErr = w, err
	if cfg.Lang == "" || cfg.Lang == "zh_Hans" || cfg.Lang == "en" {
		t.langErr = nil
	}
	apply := t.onWedge
	t.mu.Unlock()
	if err != nil {
		log.Printf("keyboard-wedge setting: %v (using the defaults)", err)
	}
	if apply != nil {
		apply(w)
	}
}
