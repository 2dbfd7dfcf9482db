package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"fupinpos/device/escpos"
	"fupinpos/device/scanner"
	"fupinpos/device/sim"
	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/ui"
	"fupinpos/sync/client"
)

// terminal is the counter terminal as the app runs it: the database, the
// sync pump, the printer, the scanner (a real port, or the pty simulator
// in demos) and, in demos, the voucher codes to "scan".
type terminal struct {
	dir     string // receipts, screenshots and logs of demo and smoke runs
	db      *bolt.DB
	store   *boltStore
	net     *netSwitch
	printer *receiptPrinter
	sim     *sim.ScannerSim
	reader  *scanner.Reader
	codes   *codeBook
	failed  bool

	mu      sync.Mutex
	client  *client.Client
	scanner string
	stop    context.CancelFunc
	pumpCtx context.Context
}

// openTerminal opens the database named by --db and the devices of its
// configuration (or of the flags, which win).
func openTerminal(o options) (*terminal, error) {
	if o.db == "" {
		return nil, fmt.Errorf("no terminal database: give --db FILE (made by posctl provision or posctl enroll), or run make demo")
	}
	if _, err := os.Stat(o.db); err != nil {
		return nil, fmt.Errorf("terminal database %s: %w", o.db, err)
	}
	db, err := bolt.Open(o.db, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, err
	}
	t := &terminal{dir: o.dir(), db: db, scanner: "unknown", net: &netSwitch{base: http.DefaultTransport}}
	t.store = &boltStore{DB: db, wake: t.wake}
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
		return err
	}
	if t.dir != "" {
		if err := os.MkdirAll(filepath.Join(t.dir, "receipts"), 0o755); err != nil {
			return err
		}
	}
	puri := firstOf(o.printer, cfg.Printer)
	if puri == "" && t.dir != "" {
		puri = "file://" + filepath.Join(t.dir, "receipts") + "?paper=80"
	}
	// Without a printer the counter still sells: each print fails with
	// EPRINTEROFFLINE and the receipt can be reprinted once one is set up.
	t.printer = &receiptPrinter{profile: escpos.Paper80, state: "offline"}
	if puri != "" {
		if t.printer, err = newReceiptPrinter(puri); err != nil {
			return err
		}
	}
	suri := firstOf(o.scanner, cfg.Scanner)
	if o.simScanner {
		link := filepath.Join(firstOf(t.dir, os.TempDir()), "scanner")
		os.Remove(link)
		if t.sim, err = sim.NewScannerSim(link, 115200, scanner.TermCR); err != nil {
			return err
		}
		suri = "serial://" + link + "?baud=115200&term=cr"
		if cfg.Scanner != suri { // so the technician screen shows what is read
			cfg.Scanner = suri
			if err := t.db.SetConfig(*cfg, "demo"); err != nil {
				return err
			}
		}
	}
	if suri != "" {
		sc, err := scanner.ParseURI(suri)
		if err != nil {
			return err
		}
		if t.reader, err = scanner.NewReader(sc); err != nil {
			return err
		}
	}
	if o.codes != "" {
		if t.codes, err = readCodeBook(o.codes); err != nil {
			return err
		}
	}
	if cfg.Server != "" {
		t.startPump()
	}
	return nil
}

// startPump starts syncing with the configured server in the background.
func (t *terminal) startPump() {
	c, err := client.New(t.db, client.Options{Transport: t.net, Interval: 15 * time.Second, Timeout: 10 * time.Second,
		Logger: log.New(os.Stderr, "", log.Ltime)})
	if err != nil {
		log.Printf("sync: %v", err)
		return
	}
	t.mu.Lock()
	t.client = c
	t.mu.Unlock()
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

// Close stops the pump, the reader and the simulator and closes the database.
func (t *terminal) Close() {
	t.stop()
	if t.reader != nil {
		t.reader.Close()
	}
	if t.sim != nil {
		t.sim.Close()
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
	t.mu.Unlock()
	return st
}

// scan sends text through the simulated scanner, as a customer's QR code
// under the real scanner would.
func (t *terminal) scan(text string) error {
	if t.sim == nil {
		return pos.Errorf(pos.ESCANNERGONE, "no simulated scanner (a real one is configured)")
	}
	return t.sim.Scan(text)
}
