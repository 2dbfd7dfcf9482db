//go:build demo

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"fyne.io/fyne/v2"

	"fupinpos/pos"
	"fupinpos/pos/ui"
)

// SmokeResult is what --smoke measures, written to smoke.json.
type SmokeResult struct {
	LoginMS        int64    `json:"login_screen_ms"`           // process start → login screen shown (the cold start the cashier waits for)
	ColdStartMS    int64    `json:"cold_start_ms"`             // process start → logged in, cashier screen shown and painted
	Sales          int      `json:"sales"`                     // sales completed
	RSSReadyMB     int      `json:"rss_ready_mb"`              // resident memory with the cashier screen shown
	RSSAfterMB     int      `json:"rss_after_mb"`              // resident memory right after them
	RSSSteadyMB    int      `json:"rss_steady_mb"`             // and once Fyne's renderer cache has expired the old sales' widgets
	RSSTrimmedMB   int      `json:"rss_steady_malloc_trim_mb"` // and right after returnFreeMemory
	RSSReadyParts  RSSParts `json:"rss_ready_parts"`           // rss_ready_mb by who holds it
	RSSSteadyParts RSSParts `json:"rss_steady_parts"`          // rss_steady_malloc_trim_mb by who holds it
	SaleAvgMS      int64    `json:"sale_avg_ms"`               // scan → commit → UI refresh, per sale
	ScreenshotZh   string   `json:"screenshot"`                // the cashier screen after the scanned sale
	FirstReceipt   string   `json:"first_receipt"`             // its receipt image
	BannerHeading  string   `json:"banner_headline"`           // what the cashier read after the voucher scan

	// ScanToVerdict: last byte of a scan written to the pty scanner
	// simulator → the banner set with its verdict (Banner.OnShow, at the
	// end of the Cashier's refresh on the UI goroutine); products and vouchers.
	ScanToVerdict Figure `json:"scan_to_verdict"`
	// F12ToFirstByte, F12ToLastByte: Cashier.Complete called (as F12 does)
	// → the receipt's first byte / its cut at the TCP printer simulator.
	F12ToFirstByte Figure `json:"f12_to_receipt_first_byte"`
	F12ToLastByte  Figure `json:"f12_to_receipt_last_byte"`
	F12FirstJobMS  int64  `json:"f12_first_job_ms"` // the job that probes the printer, not in the figures
	// The long session (SMOKE_MINUTES): RSS each minute and at the end.
	SessionMinutes  int            `json:"session_minutes,omitempty"`
	SessionSales    int            `json:"session_sales,omitempty"`
	Session         []MinuteSample `json:"session,omitempty"`
	RSSSessionEndMB int            `json:"rss_session_end_mb,omitempty"`
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	end := time.Now().Add(timeout)
	for time.Now().Before(end) {
		if cond() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return cond()
}

// screenshot captures the X display (Fyne's Capture is blank under Xvfb).
func screenshot(path string) error {
	if os.Getenv("DISPLAY") == "" {
		return fmt.Errorf("no DISPLAY")
	}
	time.Sleep(300 * time.Millisecond) // let the frame reach the screen
	return exec.Command("import", "-window", "root", path).Run()
}

// login enters user id's screen on the UI goroutine and waits until it is painted.
func login(shell *ui.Shell, store ui.Store, id, pin string) error {
	u, err := store.Login(id, pin)
	if err != nil {
		return err
	}
	fyne.DoAndWait(func() { shell.Enter(u) })
	fyne.DoAndWait(func() {})
	return nil
}

func cashierOf(shell *ui.Shell) (*ui.Cashier, error) {
	var c *ui.Cashier
	if !waitFor(5*time.Second, func() bool { c = shell.Cashier(); return c != nil }) {
		return nil, fmt.Errorf("cashier screen not shown")
	}
	return c, nil
}

func smoke(ctx context.Context, dir string, start time.Time, d *terminal, shell *ui.Shell, a fyne.App) error {
	var res SmokeResult
	if demo.codes == nil || demo.sim == nil {
		return fmt.Errorf("the smoke run needs --codes and --sim-scanner")
	}
	if !waitFor(10*time.Second, func() bool { return shell.Login() != nil }) {
		return fmt.Errorf("login screen not shown")
	}
	fyne.DoAndWait(func() {}) // the window is up and has been laid out
	res.LoginMS = time.Since(start).Milliseconds()
	if err := login(shell, d.store, demoCashier, demoCashierPIN); err != nil {
		return err
	}
	res.ColdStartMS = time.Since(start).Milliseconds()
	debug.FreeOSMemory()
	res.RSSReadyMB = rssKB() / 1024
	res.RSSReadyParts = rssParts()
	if f, err := os.Create(filepath.Join(dir, "heap-ready.pprof")); err == nil {
		pprof.WriteHeapProfile(f) // for `go tool pprof -top bin/fupinpos smoke-out/heap-ready.pprof`
		f.Close()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	log.Printf("smoke: cashier screen ready %d ms after process start, RSS %d MB (Go heap in use %d MB, Go total %d MB)",
		res.ColdStartMS, res.RSSReadyMB, ms.HeapInuse>>20, ms.Sys>>20)
	c, err := cashierOf(shell)
	if err != nil {
		return err
	}
	sess := c.Session()
	if !waitFor(5*time.Second, func() bool { return d.status().Scanner == "ok" }) {
		return fmt.Errorf("scanner reader never connected to %s", demo.sim.Path())
	}
	cat, _ := d.store.Catalogue()
	if err := demo.scan(cat.Products[0].EAN); err != nil {
		return err
	}
	if !waitFor(5*time.Second, func() bool { return len(sess.Lines()) == 1 }) {
		return fmt.Errorf("product scanned through the pty never reached the basket")
	}
	if err := demo.scan(demo.codes.Next(pos.Yuan(30))); err != nil {
		return err
	}
	if !waitFor(5*time.Second, func() bool { return sess.Verdict().Kind == ui.VerdictOK }) {
		return fmt.Errorf("voucher scanned through the pty not accepted: %+v", sess.Verdict())
	}
	fyne.DoAndWait(func() { res.BannerHeading = c.Banner.Headline() })
	res.ScreenshotZh = filepath.Join(dir, "cashier.png")
	if err := screenshot(res.ScreenshotZh); err != nil {
		log.Printf("smoke: screenshot: %v", err)
		res.ScreenshotZh = ""
	}
	fyne.DoAndWait(c.Complete)
	if !waitFor(10*time.Second, func() bool { r, _ := sess.Last(); return r != nil }) {
		return fmt.Errorf("sale not completed: %+v", sess.Verdict())
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "receipts", "*receipt-*.png"))
	if !waitFor(5*time.Second, func() bool {
		matches, _ = filepath.Glob(filepath.Join(dir, "receipts", "*receipt-*.png"))
		return len(matches) > 0
	}) {
		return fmt.Errorf("no receipt reached the printer")
	}
	res.FirstReceipt = matches[0]
	if err := screenshot(filepath.Join(dir, "cashier-done.png")); err != nil {
		log.Printf("smoke: screenshot: %v", err)
	}

	var eligible []string
	for _, p := range cat.Products {
		if p.Eligible {
			eligible = append(eligible, p.EAN)
		}
	}
	if res.ScanToVerdict, err = scanToVerdict(c, eligible, 110); err != nil {
		return err
	}
	log.Printf("smoke: scan-to-verdict %+v", res.ScanToVerdict)
	const f12Sales = 50
	var warm time.Duration
	if res.F12ToFirstByte, res.F12ToLastByte, warm, err = f12ToReceipt(d, c, eligible, f12Sales); err != nil {
		return err
	}
	res.F12FirstJobMS = warm.Milliseconds()
	log.Printf("smoke: F12-to-receipt first byte %+v, last byte %+v (first job, probing the printer: %v)", res.F12ToFirstByte, res.F12ToLastByte, warm)
	d.printer.quiet(true)
	t0 := time.Now()
	const n = 1000 - 1 - f12Sales
	for i := 0; i < n; i++ {
		sess.Scan(eligible[i%len(eligible)])
		code := demo.codes.Next(pos.Yuan(10))
		if code == "" {
			return fmt.Errorf("bulk sale %d: no ¥10 code left in --codes", i)
		}
		if v := sess.Scan(code); v.Kind != ui.VerdictOK {
			return fmt.Errorf("bulk sale %d: voucher refused: %v", i, v.Err)
		}
		if _, err := sess.Complete(); err != nil {
			return fmt.Errorf("bulk sale %d: %v", i, err)
		}
	}
	fyne.DoAndWait(func() {})
	res.Sales = 1 + 1 + f12Sales + n
	res.SaleAvgMS = time.Since(t0).Milliseconds() / n
	debug.FreeOSMemory()
	res.RSSAfterMB = rssKB() / 1024
	if f, err := os.Create(filepath.Join(dir, "heap-after.pprof")); err == nil {
		pprof.WriteHeapProfile(f)
		f.Close()
	}
	runtime.ReadMemStats(&ms)
	log.Printf("smoke: after %d sales RSS %d MB (Go heap in use %d MB, Go total %d MB)", res.Sales, res.RSSAfterMB, ms.HeapInuse>>20, ms.Sys>>20)
	// A counter makes 1,000 sales in a day, not in seconds: measure again
	// once the renderers of widgets no longer shown have expired (Fyne keeps
	// them for FYNE_CACHE, one minute by default, and cleans at most every
	// 10 s, on a repaint; the status bar repaints every 2 s).
	if d, err := time.ParseDuration(os.Getenv("FYNE_CACHE")); err == nil && d <= 10*time.Second {
		time.Sleep(2*d + 12*time.Second)
		res.RSSSteadyMB = rssKB() / 1024 // as the app keeps it (returnFreeMemory once quiet)
		returnFreeMemory()
		res.RSSTrimmedMB = rssKB() / 1024
		res.RSSSteadyParts = rssParts()
		log.Printf("smoke: steady RSS %d MB, after malloc_trim %d MB (%+v)", res.RSSSteadyMB, res.RSSTrimmedMB, res.RSSSteadyParts)
		runtime.ReadMemStats(&ms)
		log.Printf("smoke: steady state RSS %d MB (Go heap in use %d MB)", res.RSSSteadyMB, ms.HeapInuse>>20)
	}
	save := func() error {
		b, _ := json.MarshalIndent(res, "", " ")
		return os.WriteFile(filepath.Join(dir, "smoke.json"), b, 0o644)
	}
	if err := save(); err != nil {
		return err
	}
	if m := smokeMinutes(); m > 0 {
		res.SessionMinutes = m
		d.printer.quiet(false)
		log.Printf("smoke: a %d-minute session at a human pace (SMOKE_MINUTES)", m)
		if err := longSession(d, c, shell.Win, eligible, m, &res, func() { save() }); err != nil {
			return err
		}
		if f, err := os.Create(filepath.Join(dir, "heap-session.pprof")); err == nil {
			pprof.WriteHeapProfile(f)
			f.Close()
		}
		log.Printf("smoke: session of %d minutes, %d sales, RSS at the end %d MB", m, res.SessionSales, res.RSSSessionEndMB)
		if err := save(); err != nil {
			return err
		}
	}
	fmt.Printf("SMOKE figures: scan_to_verdict p50=%.1fms p99=%.1fms n=%d; F12 to receipt first byte p50=%.1fms p99=%.1fms, last byte p50=%.1fms p99=%.1fms n=%d\n",
		res.ScanToVerdict.P50, res.ScanToVerdict.P99, res.ScanToVerdict.N, res.F12ToFirstByte.P50, res.F12ToFirstByte.P99,
		res.F12ToLastByte.P50, res.F12ToLastByte.P99, res.F12ToLastByte.N)
	fmt.Printf("SMOKE OK login_screen_ms=%d cold_start_ms=%d rss_ready_mb=%d rss_after_%d_sales_mb=%d rss_steady_mb=%d sale_avg_ms=%d\n",
		res.LoginMS, res.ColdStartMS, res.RSSReadyMB, res.Sales, res.RSSAfterMB, res.RSSSteadyMB, res.SaleAvgMS)
	fmt.Printf("SMOKE RSS parts (MB) ready %+v, steady %+v\n", res.RSSReadyParts, res.RSSSteadyParts)
	return nil
}
