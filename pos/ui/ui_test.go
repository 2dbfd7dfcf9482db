package ui_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fupinpos/device/scanner"
	"fupinpos/pos"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/uitest"
)

func TestMain(m *testing.M) {
	os.Setenv("LANG", "zh_CN.UTF-8")
	os.Exit(m.Run())
}

// newApp starts a headless test app with the app theme applied and Fyne's
// files kept in temp dirs.
func newApp(t *testing.T) fyne.App {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	a := test.NewTempApp(t)
	th, err := ui.LoadTheme("")
	if err != nil {
		t.Fatal(err)
	}
	a.Settings().SetTheme(th)
	return a
}

type fixture struct {
	store   *uitest.Store
	dep     *uitest.Deployment
	printer *uitest.Printer
	sess    *ui.Session
	screen  *ui.Cashier
	win     fyne.Window
}

func newCashier(t *testing.T, lang string) *fixture {
	t.Helper()
	a := newApp(t)
	store, dep := uitest.New(t)
	f := &fixture{store: store, dep: dep, printer: &uitest.Printer{}}
	u, err := store.Login(uitest.CashierID, uitest.CashierPIN)
	if err != nil {
		t.Fatal(err)
	}
	f.win = a.NewWindow("test")
	f.sess = ui.NewSession(store, f.printer, u)
	f.screen = ui.NewCashier(ui.NewTr(lang), f.sess, store, f.win)
	f.win.SetContent(f.screen.Content())
	f.win.Resize(fyne.NewSize(1024, 768))
	t.Cleanup(f.win.Close)
	return f
}

func (f *fixture) ean(i int) string {
	cat, _ := f.store.Catalogue()
	return cat.Products[i].EAN
}

// withCheckDigit completes a 12-digit EAN-13 body.
func withCheckDigit(body string) string {
	sum := 0
	for i, c := range body {
		d := int(c - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return body + strconv.Itoa((10-sum%10)%10)
}

func TestSaleReachesPrinter(t *testing.T) {
	f := newCashier(t, "zh_Hans")
	if v := f.sess.Scan(f.ean(0)); v.Kind != ui.VerdictProduct {
		t.Fatalf("product scan: %+v", v)
	}
	f.sess.Scan(f.ean(1))
	code := f.dep.Issue(pos.Yuan(50), "member-1")
	v := f.sess.Scan(code)
	if v.Kind != ui.VerdictOK {
		t.Fatalf("voucher scan: %+v", v)
	}
	if got := f.screen.Banner.Headline(); !strings.Contains(got, "券有效") || !strings.Contains(got, "￥50.00") {
		t.Errorf("banner = %q", got)
	}
	st, err := f.sess.Settlement()
	if err != nil {
		t.Fatal(err)
	}
	if st.VoucherAmount != pos.Yuan(50) || st.SelfPaid != st.Total-pos.Yuan(50) {
		t.Errorf("settlement %+v", st)
	}
	rc, err := f.sess.Complete()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.printer.Printed) != 1 || f.printer.Printed[0].Number != rc.Number {
		t.Fatalf("printed %v", f.printer.Printed)
	}
	if len(f.sess.Lines()) != 0 || len(f.sess.Vouchers()) != 0 {
		t.Error("basket not emptied after the sale")
	}
}

func TestRefusalsShowTheirReason(t *testing.T) {
	f := newCashier(t, "zh_Hans")
	used := f.dep.Issue(pos.Yuan(30), "member-2")
	f.sess.Scan(f.ean(0))
	f.sess.Scan(used)
	if _, err := f.sess.Complete(); err != nil {
		t.Fatal(err)
	}
	f.sess.Scan(f.ean(0))
	for _, tc := range []struct {
		name, scan, code, words string
	}{
		{"forged", f.dep.Forge(pos.Yuan(100)), pos.EBADSIGNATURE, "伪造"},
		{"used twice", used, pos.EALREADYREDEEMED, "在本机使用"},
		{"unknown barcode", "12345", pos.EUNKNOWNSCAN, "无法识别"},
		{"product not catalogued", withCheckDigit("690000000001"), pos.EUNKNOWNPRODUCT, "目录"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := f.sess.Scan(tc.scan)
			if v.Kind != ui.VerdictRefused || v.Code != tc.code {
				t.Fatalf("verdict %+v, want refused %s", v, tc.code)
			}
			if !strings.Contains(f.screen.Banner.Headline(), "拒") {
				t.Errorf("headline %q", f.screen.Banner.Headline())
			}
			if r := f.screen.Banner.Reason(); !strings.Contains(r, tc.words) {
				t.Errorf("reason %q lacks %q", r, tc.words)
			}
		})
	}
}

func TestReprintNeedsManagerPIN(t *testing.T) {
	f := newCashier(t, "zh_Hans")
	f.sess.Scan(f.ean(0))
	if _, err := f.sess.Complete(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, id, pin, code string
	}{
		{"cashier", uitest.CashierID, uitest.CashierPIN, pos.EFORBIDDEN},
		{"wrong PIN", uitest.ManagerID, "0000", pos.EBADPIN},
		{"manager", uitest.ManagerID, uitest.ManagerPIN, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc, err := f.sess.Reprint(tc.id, tc.pin)
			if pos.ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
				t.Fatalf("err %v, want %q", err, tc.code)
			}
			if err == nil && !rc.Reprint {
				t.Error("reprint not marked")
			}
		})
	}
}

func TestKeyboardWedgeScan(t *testing.T) {
	f := newCashier(t, "zh_Hans")
	clk := newClock()
	r := ui.NewKeyRouter(f.win, scanner.WedgeConfig{}, clk.now)
	r.AfterFunc = func(time.Duration, func()) {}
	r.Install()
	r.SetTarget(f.screen.Target())
	for _, ch := range f.ean(0) {
		clk.add(2 * time.Millisecond)
		f.win.Canvas().(interface{ OnTypedRune() func(rune) }).OnTypedRune()(ch)
	}
	clk.add(2 * time.Millisecond)
	f.win.Canvas().(interface{ OnTypedKey() func(*fyne.KeyEvent) }).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if n := len(f.sess.Lines()); n != 1 {
		t.Fatalf("basket has %d lines after a wedge scan", n)
	}
}

func TestLanguageSwitch(t *testing.T) {
	for _, tc := range []struct{ lang, idle string }{{"zh_Hans", "请扫描"}, {"en", "Ready to scan"}} {
		f := newCashier(t, tc.lang)
		if got := f.screen.Banner.Headline(); got != tc.idle {
			t.Errorf("%s: idle banner %q, want %q", tc.lang, got, tc.idle)
		}
	}
}

func TestLoginByPIN(t *testing.T) {
	a := newApp(t)
	store, _ := uitest.New(t)
	w := a.NewWindow("login")
	defer w.Close()
	l := ui.NewLogin(ui.NewTr("zh_Hans"), store, "扶贫专区")
	w.SetContent(l.Content())
	var got *pos.User
	l.OnLogin = func(u *pos.User) { got = u }
	l.Select(uitest.ManagerID)
	test.Type(l.PIN, "9999")
	l.Submit()
	if got != nil || l.Message.Text == "" {
		t.Fatalf("wrong PIN accepted (user %v, message %q)", got, l.Message.Text)
	}
	test.Type(l.PIN, uitest.ManagerPIN)
	l.Submit()
	if got == nil || got.Role != pos.RoleManager {
		t.Fatalf("login failed: %q", l.Message.Text)
	}
}

func TestCashierMarkup(t *testing.T) {
	f := newCashier(t, "zh_Hans")
	test.AssertRendersToMarkup(t, "cashier_idle.xml", f.win.Canvas())
	f.sess.Scan(f.ean(0))
	f.sess.Scan(f.dep.Forge(pos.Yuan(100)))
	test.AssertRendersToMarkup(t, "cashier_refused.xml", f.win.Canvas())
}
