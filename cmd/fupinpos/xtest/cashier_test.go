//go:build realx

package xtest

import (
	"image"
	"image/color"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Colours of the verdict banner (pos/ui/theme.go); the test does not
// import pos/ui, which would pull Fyne into a test that only drives X.
var (
	bannerOK      = color.NRGBA{R: 0x1b, G: 0x7f, B: 0x3a, A: 0xff}
	bannerRefused = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	bannerIdle    = color.NRGBA{R: 0x45, G: 0x5a, B: 0x64, A: 0xff}
	bannerWarn    = color.NRGBA{R: 0xe6, G: 0x8a, B: 0x00, A: 0xff}
)

// Demo catalogue barcodes (assets/demo/catalogue.json).
const (
	eanPear   = "6937777001005" // 砀山酥梨 ￥39.90
	eanCuilan = "6937777001029" // 岳西翠兰 ￥128.00
	eanHuang  = "6937777001036" // 霍山黄芽 ￥88.00
)

// screen is where things are on the screen of one size, found from
// screenshots of the real app.
type screen struct {
	w, h        int
	userSelect  image.Point // the login screen's user list
	firstUser   image.Point // its first entry (the cashier, added first)
	wechat      image.Point // the WeChat payment button
	banner      image.Rectangle
	dialogProbe image.Point // a point of the banner a dialog's shadow covers
}

var screens = map[string]screen{
	"1024x768": {w: 1024, h: 768, userSelect: image.Pt(512, 236), firstUser: image.Pt(400, 278),
		wechat: image.Pt(705, 536), banner: image.Rect(20, 10, 1000, 100), dialogProbe: image.Pt(60, 30)},
	"800x600": {w: 800, h: 600, userSelect: image.Pt(392, 150), firstUser: image.Pt(300, 192),
		wechat: image.Pt(490, 368), banner: image.Rect(20, 8, 780, 70), dialogProbe: image.Pt(40, 20)},
}

// login logs the cashier in the way a cashier does: pick the name, type
// the PIN, Enter.
func (r *rig) login(sc screen, pin string) {
	r.t.Helper()
	r.click(sc.userSelect.X, sc.userSelect.Y)
	r.click(sc.firstUser.X, sc.firstUser.Y)
	r.mustXdo("type", "--delay", "150", pin)
	r.key("Return")
}

// bannerIs fails unless most of the banner is c.
func (r *rig) bannerIs(img image.Image, sc screen, c color.NRGBA, what string) {
	r.t.Helper()
	if s := share(img, sc.banner, c); s < 0.5 {
		r.t.Errorf("%s: banner is %v only over %.0f%% (screenshot %d in %s)", what, c, s*100, r.shots, r.dir)
	}
}

// dialogOpen reports whether a dialog's shadow darkens the banner.
func dialogOpen(img image.Image, sc screen) bool {
	return !near(img.At(sc.dialogProbe.X, sc.dialogProbe.Y), bannerIdle, 12) &&
		!near(img.At(sc.dialogProbe.X, sc.dialogProbe.Y), bannerOK, 12) &&
		!near(img.At(sc.dialogProbe.X, sc.dialogProbe.Y), bannerWarn, 12) &&
		!near(img.At(sc.dialogProbe.X, sc.dialogProbe.Y), bannerRefused, 12)
}

// TestCashierAtTheKeyboard is the cashier's morning: wedge scans, a tap on
// a payment method, a code typed by hand that needs the manager, and keys
// pressed while a dialog is open, cash with change. The ledger must hold
// exactly the three sales completed, each as it happened.
func TestCashierAtTheKeyboard(t *testing.T) {
	sc := screens["1024x768"]
	r := newRig(t, sc.w, sc.h)
	r.start()
	r.login(sc, cashierPIN)

	// A wedge scanner types a product and a ¥100 voucher at 3 ms a key.
	r.wedge(eanCuilan)
	r.wedge(r.codes["M-100A"])
	r.bannerIs(r.shot("voucher-scanned"), sc, bannerOK, "voucher scanned at wedge speed")

	// The cashier taps WeChat, then scans another product and completes
	// with F12: the tap must not take the keyboard away.
	r.click(sc.wechat.X, sc.wechat.Y)
	r.wedge(eanPear)
	r.key("F12")
	r.bannerIs(r.shot("sale-done"), sc, bannerOK, "sale completed after a tap on WeChat")
	r.key("Return") // acknowledge the message

	// A code typed slowly by a person is manual entry: a dialog asks for
	// the manager; the sale is recorded as manual with the manager.
	r.wedge(eanHuang)
	r.typeSlowly(r.codes["M-100B"])
	img := r.shot("typed-by-hand")
	if !dialogOpen(img, sc) {
		t.Fatalf("a code typed by hand opened no dialog (screenshot in %s)", r.dir)
	}
	r.typeText(managerID)
	r.key("Tab")
	r.typeText(managerPIN)
	r.key("Return")
	img = r.shotUntil("manual-accepted", func(img image.Image) bool { return !dialogOpen(img, sc) })
	if dialogOpen(img, sc) {
		t.Fatalf("the manager's PIN did not close the manual-entry dialog (screenshot in %s)", r.dir)
	}
	// ¥100 on ¥88 forfeits ¥12: amber before F12, one confirmation.
	r.bannerIs(img, sc, bannerWarn, "forfeit warning")
	r.key("F12")
	if !dialogOpen(r.shot("forfeit-confirm"), sc) {
		t.Fatalf("F12 on a forfeiting sale asked nothing (screenshot in %s)", r.dir)
	}
	r.key("Return")
	r.bannerIs(r.shot("manual-sale-done"), sc, bannerOK, "manual sale completed")
	r.key("Return")

	// Cash for the self-paid part: F12 asks what the customer handed over
	// (实收), typed on the keyboard; the change is given from it only.
	r.wedge(eanCuilan)
	r.wedge(r.codes["M-100D"])
	r.key("F12")
	if !dialogOpen(r.shot("tender-asked"), sc) {
		t.Fatalf("F12 on a cash sale asked for no cash (screenshot in %s)", r.dir)
	}
	r.typeText("50")
	r.key("Return")
	r.bannerIs(r.shot("tender-done"), sc, bannerOK, "cash sale completed")
	r.key("Return")

	// Keys behind a dialog: with "clear this sale?" open, F12 must not
	// complete the sale behind it, and a second Esc closes the dialog
	// instead of stacking another.
	r.wedge(eanPear)
	r.wedge(r.codes["M-050A"])
	r.key("Escape")
	if !dialogOpen(r.shot("cancel-asked"), sc) {
		t.Fatalf("Esc with a basket asked nothing (screenshot in %s)", r.dir)
	}
	r.key("F12")
	// A voucher scanned with the dialog open does nothing, and says so.
	r.wedge(r.codes["M-050B"])
	if !dialogOpen(r.shot("scan-under-dialog"), sc) {
		t.Fatalf("a scan's Enter confirmed the dialog (screenshot in %s)", r.dir)
	}
	r.key("Escape")
	img = r.shot("after-second-esc")
	if dialogOpen(img, sc) {
		t.Errorf("a second Esc left a dialog open (stacked dialogs?) (screenshot in %s)", r.dir)
	}
	r.bannerIs(img, sc, bannerRefused, "scan under the dialog told")
	r.key("Escape") // acknowledges that message
	r.key("Escape")
	r.key("Return") // yes, clear it
	r.bannerIs(r.shot("cleared"), sc, bannerIdle, "sale cleared")

	recs := r.ledger()
	var sales []record
	for _, x := range recs {
		if x.Kind == "sale" {
			sales = append(sales, x)
		}
		for _, v := range x.Vouchers {
			if v == r.ids["M-050A"] || v == r.ids["M-050B"] {
				t.Errorf("the voucher of the cleared sale was recorded in %s (F12 acted behind the dialog)", x.Receipt)
			}
		}
	}
	if len(sales) != 3 {
		t.Fatalf("ledger holds %d sales, want 3: %+v", len(sales), recs)
	}
	want := []record{
		{Mode: "scan", Method: "wechat", Vouchers: []string{r.ids["M-100A"]}, Total: 12800 + 3990, VoucherAmount: 10000, SelfPaid: 6790},
		{Mode: "manual", Manager: managerID, Vouchers: []string{r.ids["M-100B"]}, Total: 8800, VoucherAmount: 8800, Forfeited: 1200},
		{Mode: "scan", Method: "cash", Vouchers: []string{r.ids["M-100D"]}, Total: 12800, VoucherAmount: 10000, SelfPaid: 2800, Tendered: 5000, Change: 2200},
	}
	for i, w := range want {
		g := sales[i]
		if g.Mode != w.Mode || g.Manager != w.Manager || strings.Join(g.Vouchers, ",") != strings.Join(w.Vouchers, ",") ||
			g.Total != w.Total || g.VoucherAmount != w.VoucherAmount || g.SelfPaid != w.SelfPaid || g.Forfeited != w.Forfeited ||
			(w.Method != "" && g.Method != w.Method) || g.Cashier != cashierID || g.Tendered != w.Tendered || g.Change != w.Change {
			t.Errorf("sale %d = %+v\nwant %+v", i+1, g, w)
		}
	}
	// Each sale reached the printer: its receipt number is in what the
	// printer simulator read back from the ESC/POS bytes.
	printed := r.printed()
	for _, s := range sales {
		if !strings.Contains(printed, s.Receipt) {
			t.Errorf("receipt %s never reached the printer; printed:\n%s", s.Receipt, printed)
		}
	}
}

// TestSmallScreen runs the app on an 800×600 screen: the window is not
// larger than the screen, the status bar is on it, a sale made with keys
// alone completes, and so do the tap-then-scan, dialog-then-F12 and
// typed-by-hand cases of the cashier's morning.
func TestSmallScreen(t *testing.T) {
	sc := screens["800x600"]
	r := newRig(t, sc.w, sc.h)
	r.start()
	out, err := r.xdo("search", "--onlyvisible", "--name", "扶贫专区收银", "getwindowgeometry", "--shell")
	if err != nil {
		t.Fatal(err)
	}
	geo := map[string]int{}
	for _, l := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			geo[k], _ = strconv.Atoi(v)
		}
	}
	if geo["WIDTH"] > sc.w || geo["HEIGHT"] > sc.h || geo["WIDTH"] == 0 {
		t.Errorf("window is %dx%d on an %dx%d screen", geo["WIDTH"], geo["HEIGHT"], sc.w, sc.h)
	}
	r.login(sc, cashierPIN)
	r.wedge(eanHuang)
	r.wedge(r.codes["M-100C"])
	img := r.shot("scanned")
	r.bannerIs(img, sc, bannerWarn, "forfeit warning at 800x600")
	// The status bar's offline dot is on the screen, bottom left.
	if s := share(img, image.Rect(0, sc.h-40, 40, sc.h), bannerWarn); s == 0 {
		t.Errorf("no status bar at the bottom of the 800x600 screen (screenshot in %s)", r.dir)
	}
	r.key("F12")
	r.key("Return")
	r.bannerIs(r.shot("done"), sc, bannerOK, "sale completed at 800x600")
	r.key("Return")

	// A scanner that sends no Enter: the scan is refused with the reason
	// once its keys are forgotten (3 s), not dropped unseen.
	r.mustXdo("type", "--delay", "3", eanHuang)
	time.Sleep(3500 * time.Millisecond)
	r.bannerIs(r.shot("no-enter"), sc, bannerRefused, "scan without Enter told")

	// A tap on WeChat, a scan (ended by a linefeed, as a scanner set to an
	// LF suffix types it), a dialog with F12 pressed behind it, then F12
	// for real.
	r.wedge(eanCuilan)
	r.wedge(r.codes["M-100D"])
	r.click(sc.wechat.X, sc.wechat.Y)
	r.mustXdo("type", "--delay", "3", eanPear+"\n")
	r.key("Escape")
	if !dialogOpen(r.shot("cancel-asked"), sc) {
		t.Fatalf("Esc with a basket asked nothing at 800x600 (screenshot in %s)", r.dir)
	}
	r.key("F12")
	r.key("Escape")
	if dialogOpen(r.shot("dialog-closed"), sc) {
		t.Fatalf("Esc left a dialog open at 800x600 (screenshot in %s)", r.dir)
	}
	r.key("F12")
	r.bannerIs(r.shot("wechat-done"), sc, bannerOK, "WeChat sale completed at 800x600")
	r.key("Return")

	// A code typed by hand needs the manager; the cash part asks 实收
	// (Enter with nothing typed = exact).
	r.wedge(eanHuang)
	r.typeSlowly(r.codes["M-050B"])
	if !dialogOpen(r.shot("typed-by-hand"), sc) {
		t.Fatalf("a code typed by hand opened no dialog at 800x600 (screenshot in %s)", r.dir)
	}
	r.typeText(managerID)
	r.key("Tab")
	r.typeText(managerPIN)
	r.key("Return")
	if dialogOpen(r.shotUntil("manual-accepted", func(img image.Image) bool { return !dialogOpen(img, sc) }), sc) {
		t.Fatalf("the manager's PIN did not close the manual-entry dialog at 800x600 (screenshot in %s)", r.dir)
	}
	r.key("F12")
	if !dialogOpen(r.shot("tender"), sc) {
		t.Fatalf("a cash sale asked for no cash at 800x600 (screenshot in %s)", r.dir)
	}
	r.key("Return")
	r.bannerIs(r.shot("manual-done"), sc, bannerOK, "manual sale completed at 800x600")

	recs := r.ledger()
	want := []record{
		{Kind: "sale", Mode: "scan", Total: 8800, VoucherAmount: 8800, Forfeited: 1200},
		{Kind: "sale", Mode: "scan", Method: "wechat", Total: 12800 + 3990, VoucherAmount: 10000, SelfPaid: 6790},
		{Kind: "sale", Mode: "manual", Manager: managerID, Method: "cash", Total: 8800, VoucherAmount: 5000, SelfPaid: 3800, Tendered: 3800},
	}
	if len(recs) != len(want) {
		t.Fatalf("ledger holds %d records, want %d: %+v", len(recs), len(want), recs)
	}
	for i, w := range want {
		g := recs[i]
		if g.Kind != w.Kind || g.Mode != w.Mode || g.Manager != w.Manager || g.Total != w.Total || g.VoucherAmount != w.VoucherAmount ||
			g.SelfPaid != w.SelfPaid || g.Forfeited != w.Forfeited || g.Tendered != w.Tendered || (w.Method != "" && g.Method != w.Method) {
			t.Errorf("record %d = %+v\nwant %+v", i+1, g, w)
		}
	}
}
