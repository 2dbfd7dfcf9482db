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
	ColdStartMS   int64  `json:"cold_start_ms"`   // process start → cashier screen shown and painted
	Sales         int    `json:"sales"`           // sales completed
	RSSReadyMB    int    `json:"rss_ready_mb"`    // resident memory with the cashier screen shown
	RSSAfterMB    int    `json:"rss_after_mb"`    // resident memory right after them
	RSSSteadyMB   int    `json:"rss_steady_mb"`   // and once Fyne's renderer cache has expired the old sales' widgets
	SaleAvgMS     int64  `json:"sale_avg_ms"`     // scan → commit → UI refresh, per sale
	ScreenshotZh  string `json:"screenshot"`      // the cashier screen after the scanned sale
	FirstReceipt  string `json:"first_receipt"`   // its receipt image
	BannerHeading string `json:"banner_headline"` // what the cashier read after the voucher scan
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
	if err := login(shell, d.store, demoCashier, demoCashierPIN); err != nil {
		return err
	}
	res.ColdStartMS = time.Since(start).Milliseconds()
	debug.FreeOSMemory()
	res.RSSReadyMB = rssKB() / 1024
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
	d.printer.quiet(true)
	t0 := time.Now()
	const n = 1000
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
	res.Sales = n + 1
	res.SaleAvgMS = time.Since(t0).Milliseconds() / n
	debug.FreeOSMemory()
	res.RSSAfterMB = rssKB() / 1024
	if f, err := os.Create(filepath.Join(dir, "heap-after.pprof")); err == nil {
		pprof.WriteHeapProfile(f)
		f.Close()
	}
	runtime.ReadMemStats(&ms)
	log.Printf("smoke: after %d sales RSS %d MB (Go heap in use %d MB, Go total %d MB)", n+1, res.RSSAfterMB, ms.HeapInuse>>20, ms.Sys>>20)
	// A counter makes 1,000 sales in a day, not in seconds: measure again
	// once the renderers of widgets no longer shown have expired (Fyne keeps
	// them for FYNE_CACHE, one minute by default, and cleans at most every
	// 10 s, on a repaint; the status bar repaints every 2 s).
	if d, err := time.ParseDuration(os.Getenv("FYNE_CACHE")); err == nil && d <= 10*time.Second {
		time.Sleep(2*d + 12*time.Second)
		debug.FreeOSMemory()
		res.RSSSteadyMB = rssKB() / 1024
		runtime.ReadMemStats(&ms)
		log.Printf("smoke: steady state RSS %d MB (Go heap in use %d MB)", res.RSSSteadyMB, ms.HeapInuse>>20)
	}
	b, _ := json.MarshalIndent(res, "", " ")
	if err := os.WriteFile(filepath.Join(dir, "smoke.json"), b, 0o644); err != nil {
		return err
	}
	fmt.Printf("SMOKE OK cold_start_ms=%d rss_ready_mb=%d rss_after_%d_sales_mb=%d rss_steady_mb=%d sale_avg_ms=%d\n",
		res.ColdStartMS, res.RSSReadyMB, res.Sales, res.RSSAfterMB, res.RSSSteadyMB, res.SaleAvgMS)
	return nil
}
