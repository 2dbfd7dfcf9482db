//go:build demo

package main

import (
	"context"
	"fmt"
	"image/png"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"

	"fupinpos/pos"
	"fupinpos/pos/ui"
)

// The demo users, created by the demo setup (cmd/fupinpos/demo.sh).
const (
	demoCashier, demoCashierPIN       = "1001", "1234"
	demoManager, demoManagerPIN       = "2001", "2468"
	demoTechnician, demoTechnicianPIN = "3001", "1357"
)

// script is the demo's scripted session (run without a display, under
// Xvfb): a valid voucher, a forged one, a voucher used twice, an offline
// sale synced later, then the manager and technician screens. Each step
// leaves a screenshot in dir; receipts land in dir/receipts.
func script(ctx context.Context, dir string, d *terminal, shell *ui.Shell) error {
	shot := func(name string) {
		p := filepath.Join(dir, name+".png")
		if err := screenshot(p); err != nil {
			log.Printf("demo: screenshot %s: %v", name, err)
			return
		}
		fmt.Println("demo: screenshot", p)
	}
	settle := func() { fyne.DoAndWait(func() {}); time.Sleep(150 * time.Millisecond) }
	// The first shot waits for the window to reach the screen: taken at
	// once, it was the X server's black root.
	settle()
	for i := 0; i < 40 && !painted(); i++ {
		time.Sleep(250 * time.Millisecond)
	}
	shot("00-login")
	if demo.codes == nil {
		return fmt.Errorf("the scripted session needs --codes (voucherd issue --out codes.csv)")
	}
	if err := login(shell, d.store, demoCashier, demoCashierPIN); err != nil {
		return err
	}
	c, err := cashierOf(shell)
	if err != nil {
		return err
	}
	sess := c.Session()
	waitFor(5*time.Second, func() bool { return d.status().Scanner == "ok" })
	cat, err := d.store.Catalogue()
	if err != nil {
		return err
	}
	scan := func(text string, until func() bool) error {
		if err := demo.scan(text); err != nil {
			return err
		}
		if !waitFor(5*time.Second, until) {
			return fmt.Errorf("scan %.20s… had no effect", text)
		}
		settle()
		return nil
	}
	lines := func(n int) func() bool { return func() bool { return len(sess.Lines()) == n } }
	verdict := func(k ui.VerdictKind) func() bool { return func() bool { return sess.Verdict().Kind == k } }
	complete := func() error {
		_, before := sess.Last()
		fyne.DoAndWait(c.Complete)
		if !waitFor(10*time.Second, func() bool { _, s := sess.Last(); return s != before }) {
			return fmt.Errorf("sale not completed: %v", sess.Verdict().Err)
		}
		settle()
		return nil
	}

	// 1. A valid voucher pays part of a basket.
	valid := demo.codes.Next(pos.Yuan(100))
	if err := scan(cat.Products[0].EAN, lines(1)); err != nil {
		return err
	}
	if err := scan(cat.Products[1].EAN, lines(2)); err != nil {
		return err
	}
	if err := scan(valid, verdict(ui.VerdictOK)); err != nil {
		return err
	}
	shot("01-valid-voucher")
	if err := complete(); err != nil {
		return err
	}
	shot("02-sale-complete")

	// 2. A forged voucher is refused with its reason.
	if err := scan(cat.Products[2].EAN, lines(1)); err != nil {
		return err
	}
	if err := scan(demo.codes.Forge(), verdict(ui.VerdictRefused)); err != nil {
		return err
	}
	shot("03-forged-voucher")

	// 3. The voucher of sale 1 scanned again.
	fyne.DoAndWait(func() { sess.Cancel() })
	if err := scan(cat.Products[3].EAN, lines(1)); err != nil {
		return err
	}
	if err := scan(valid, func() bool { return sess.Verdict().Code == pos.EALREADYREDEEMED }); err != nil {
		return err
	}
	shot("04-used-twice")
	fyne.DoAndWait(func() { sess.Cancel() })

	// 4. Offline: the network is unplugged (the sync client's transport is
	// switched off); the sale is recorded and waits in the queue, then
	// syncs when the network is back.
	demo.net.down.Store(true)
	if c := d.syncClient(); c != nil {
		c.Sync(ctx)
	}
	shell.SetStatus(d.status())
	if err := scan(cat.Products[4].EAN, lines(1)); err != nil {
		return err
	}
	if err := scan(demo.codes.Next(pos.Yuan(50)), verdict(ui.VerdictOK)); err != nil {
		return err
	}
	if err := complete(); err != nil {
		return err
	}
	shell.SetStatus(d.status())
	settle()
	shot("05-offline-sale")
	demo.net.down.Store(false)
	if c := d.syncClient(); c != nil {
		if err := c.Sync(ctx); err != nil {
			return fmt.Errorf("sync after the network came back: %w", err)
		}
	}
	if q, _ := d.db.Queue(); d.syncClient() != nil && q.Count != 0 {
		return fmt.Errorf("%d sales still waiting after the sync", q.Count)
	}
	shell.SetStatus(d.status())
	settle()
	shot("06-back-online")

	// 5. Manager and technician screens.
	if err := login(shell, d.store, demoManager, demoManagerPIN); err != nil {
		return err
	}
	settle()
	shot("07-manager")
	if err := login(shell, d.store, demoTechnician, demoTechnicianPIN); err != nil {
		return err
	}
	settle()
	shot("08-technician")
	fmt.Println("demo: receipts in", filepath.Join(dir, "receipts"))
	return nil
}

// painted reports whether the screen shows more than one colour (the app's
// window is up), from a screenshot to a temporary file.
func painted() bool {
	f, err := os.CreateTemp("", "fupinpos-paint-*.png")
	if err != nil {
		return true
	}
	path := f.Name()
	f.Close()
	defer os.Remove(path)
	if exec.Command("import", "-window", "root", path).Run() != nil {
		return true // no way to tell: do not wait
	}
	r, err := os.Open(path)
	if err != nil {
		return true
	}
	defer r.Close()
	img, err := png.Decode(r)
	if err != nil {
		return true
	}
	b := img.Bounds()
	first := img.At(b.Min.X, b.Min.Y)
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			if img.At(x, y) != first {
				return true
			}
		}
	}
	return false
}
