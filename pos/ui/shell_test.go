package ui_test

import (
	"image/color"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"fupinpos/device/scanner"
	"fupinpos/pos"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/uitest"
)

// shellDesk is a Shell on a test window with a clock the test moves.
type shellDesk struct {
	t     *testing.T
	shell *ui.Shell
	store *uitest.Store
	win   fyne.Window
	now   time.Time
}

func newShellDesk(t *testing.T) *shellDesk {
	t.Helper()
	a := newApp(t)
	st, _ := uitest.New(t)
	d := &shellDesk{t: t, store: st, now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	d.win = a.NewWindow("shell")
	d.win.Resize(fyne.NewSize(1024, 768))
	t.Cleanup(d.win.Close)
	tr := ui.NewTr("zh_Hans")
	d.shell = &ui.Shell{Tr: tr, Store: st, Printer: &uitest.Printer{}, Win: d.win,
		Title: tr.T("ui.app.title"), Now: func() time.Time { return d.now }}
	d.shell.Router().AfterFunc = func(time.Duration, func()) {}
	d.shell.ShowLogin()
	return d
}

// typeAt types text on the window's canvas, gap apart, then Enter.
func (d *shellDesk) typeAt(text string, gap time.Duration) {
	cv := d.win.Canvas()
	cv.Unfocus()
	for _, r := range text {
		d.now = d.now.Add(gap)
		cv.OnTypedRune()(r)
	}
	d.now = d.now.Add(gap)
	cv.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// texts lists the texts of the labels and canvas texts on the window.
func (d *shellDesk) texts() map[string]bool {
	out := map[string]bool{}
	for _, l := range all[*widget.Label](d.win.Content()) {
		out[l.Text] = true
	}
	for _, c := range all[*canvas.Text](d.win.Content()) {
		out[c.Text] = true
	}
	return out
}

// TestShellSetWedge: a new wedge setting changes how the router tells a
// scan from typing at once, without a new Shell or router.
func TestShellSetWedge(t *testing.T) {
	d := newShellDesk(t)
	var scans []string
	d.shell.RouteScans(func(s string) { scans = append(scans, s) })
	// 60 ms a key: too slow for the default 35 ms median gap.
	const slow = 60 * time.Millisecond
	for _, step := range []struct {
		name  string
		set   *scanner.WedgeConfig
		text  string
		gap   time.Duration
		scans []string
	}{
		{"defaults: a prefixed code at 60 ms is typing", nil, "]Q1600123", slow, nil},
		{"defaults: 2 ms a key is a scan", nil, "600123", 2 * time.Millisecond, []string{"600123"}},
		{"prefix set: the prefix settles 60 ms as a scan", &scanner.WedgeConfig{Prefix: "]Q1"}, "]Q1600124", slow, []string{"600124"}},
		{"gap 1 ms: 2 ms a key is typing now", &scanner.WedgeConfig{Gap: time.Millisecond}, "600125", 2 * time.Millisecond, nil},
		{"back to the defaults", &scanner.WedgeConfig{}, "600126", 2 * time.Millisecond, []string{"600126"}},
	} {
		if step.set != nil {
			d.shell.SetWedge(*step.set)
			if got := d.shell.Router().Wedge().Config(); got.String() != step.set.String() {
				t.Fatalf("%s: router config %+v, want %+v", step.name, got, *step.set)
			}
		}
		scans = nil
		d.typeAt(step.text, step.gap)
		if len(scans) != len(step.scans) || (len(scans) > 0 && scans[0] != step.scans[0]) {
			t.Errorf("%s: scans %q, want %q", step.name, scans, step.scans)
		}
		d.now = d.now.Add(time.Second)
	}
}

// TestShellSetLanguage: the language applies at once to the screen shown,
// the login or the logged-in cashier's (whose open basket is kept), and to
// the window title.
func TestShellSetLanguage(t *testing.T) {
	d := newShellDesk(t)
	en := ui.NewTr("en")
	if !d.texts()["选择姓名或输入工号，再输入密码"] {
		t.Fatalf("login not in Chinese: %v", d.texts())
	}
	d.shell.SetLanguage(en)
	if l := d.shell.Login(); l == nil {
		t.Fatal("login not shown after the language change")
	}
	if got := d.texts(); !got["Pick your name or type your number, then your PIN"] || !got[en.T("ui.app.title")] || got["选择姓名或输入工号，再输入密码"] {
		t.Errorf("login after SetLanguage(en): %v", got)
	}
	if d.shell.Title != en.T("ui.app.title") || d.win.Title() != en.T("ui.app.title") {
		t.Errorf("title %q, window %q", d.shell.Title, d.win.Title())
	}

	l := d.shell.Login()
	l.Select(uitest.CashierID)
	l.PIN.SetText(uitest.CashierPIN)
	l.Submit()
	c := d.shell.Cashier()
	if c == nil {
		t.Fatalf("cashier not shown: %q", l.Message.Text)
	}
	cat, _ := d.store.Catalogue()
	c.Session().Add(&cat.Products[0], 2)
	zh := ui.NewTr("zh_Hans")
	d.shell.SetLanguage(zh)
	c2 := d.shell.Cashier()
	if c2 == nil || c2 == c {
		t.Fatalf("cashier screen not rebuilt: %p %p", c, c2)
	}
	if lines := c2.Session().Lines(); len(lines) != 1 || lines[0].Qty != 2 {
		t.Errorf("basket after the language change: %+v", lines)
	}
	if got := d.texts(); !got[zh.T("ui.cashier.basket")] || got[en.T("ui.cashier.basket")] || d.win.Title() != zh.T("ui.app.title") {
		t.Errorf("cashier after SetLanguage(zh): title %q, texts %v", d.win.Title(), got)
	}
}

// A frame the serial scanner's framer refused (a partial scan, bytes
// dropped at open) is shown with its reason, never dropped silently: at
// login it says "please log in first", on the cashier screen the banner is
// red with the reason.
func TestShellScanRefused(t *testing.T) {
	d := newShellDesk(t)
	refused := pos.Errorf(pos.EPARTIALSCAN, "scanner: incomplete scan")
	d.shell.ScanRefused(refused)
	l := d.shell.Login()
	if l.Message.Text != "请先登录" {
		t.Errorf("login message %q, want 请先登录", l.Message.Text)
	}
	l.Select(uitest.CashierID)
	l.PIN.SetText(uitest.CashierPIN)
	l.Submit()
	c := d.shell.Cashier()
	if c == nil {
		t.Fatalf("cashier not shown: %q", l.Message.Text)
	}
	d.shell.ScanRefused(refused)
	want := ui.NewTr("zh_Hans").Err(refused)
	if c.Banner.Color() != color.Color(ui.ColorRefused) || c.Banner.Reason() != want {
		t.Errorf("banner %v %q, want red with %q", c.Banner.Color(), c.Banner.Reason(), want)
	}
}

// TestLoginUserListTakesKeys: with the user list focused (a tap on it, or
// Esc on its open list), the keyboard still logs in — digits spell a 工号
// and pick that user, and once one is picked the PIN typed and Enter reach
// the PIN, never lost on the list.
func TestLoginUserListTakesKeys(t *testing.T) {
	for _, tc := range []struct {
		name   string
		picked string // selected before the keys
		keys   string // typed on the focused list, then Enter, then the PIN
		pin    string
		want   string // message when not logged in
	}{
		{"工号 then PIN", "", uitest.CashierID, uitest.CashierPIN, ""},
		{"user picked, PIN typed on the list", uitest.CashierID, "", uitest.CashierPIN, ""},
		{"no such 工号", "", "9876", "", "请先选择姓名（或输入工号后按回车）"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newShellDesk(t)
			l := d.shell.Login()
			if tc.picked != "" {
				l.Select(tc.picked)
			}
			cv := d.win.Canvas()
			cv.Focus(l.User)
			for _, r := range tc.keys {
				cv.Focused().TypedRune(r)
			}
			if tc.keys != "" {
				cv.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			}
			for _, r := range tc.pin {
				cv.Focused().TypedRune(r)
			}
			if tc.pin != "" {
				cv.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			}
			if tc.want != "" {
				if d.shell.Cashier() != nil || l.Message.Text != tc.want {
					t.Fatalf("cashier %v, message %q; want the login with %q", d.shell.Cashier() != nil, l.Message.Text, tc.want)
				}
				return
			}
			if d.shell.Cashier() == nil {
				t.Fatalf("not logged in: message %q, PIN %q, focused %T", l.Message.Text, l.PIN.Text, cv.Focused())
			}
		})
	}
}

// TestLoginIDThenPIN: at a fresh login screen (the PIN field focused, no
// user picked) a 工号 and Enter pick that user; the PIN and Enter log in.
// Digits that are nobody's 工号 ask for a user and are not a PIN attempt.
func TestLoginIDThenPIN(t *testing.T) {
	d := newShellDesk(t)
	l := d.shell.Login()
	typeIn := func(text string) {
		l.PIN.SetText(text)
		l.Submit()
	}
	typeIn("9876")
	if l.User.SelectedIndex() >= 0 || l.Message.Text != "请先选择姓名（或输入工号后按回车）" || l.PIN.Text != "" {
		t.Fatalf("9876: selected %d, message %q, PIN %q", l.User.SelectedIndex(), l.Message.Text, l.PIN.Text)
	}
	typeIn(uitest.CashierID)
	if l.User.SelectedIndex() < 0 || l.Message.Text != "" || l.PIN.Text != "" || d.shell.Cashier() != nil {
		t.Fatalf("工号: selected %d, message %q, PIN %q", l.User.SelectedIndex(), l.Message.Text, l.PIN.Text)
	}
	typeIn(uitest.CashierPIN)
	if c := d.shell.Cashier(); c == nil || c.Status.User() == "" {
		t.Fatalf("not logged in: %q", l.Message.Text)
	}
}

// TestLockThenOtherUser: after a cashier locks the screen, the next person
// types their own 工号, Enter, PIN, Enter — nothing is taken as a PIN try
// of the cashier who locked (no user is picked for them).
func TestLockThenOtherUser(t *testing.T) {
	d := newShellDesk(t)
	l := d.shell.Login()
	l.Select(uitest.CashierID)
	l.PIN.SetText(uitest.CashierPIN)
	l.Submit()
	d.shell.ShowLogin() // F4
	l = d.shell.Login()
	for _, text := range []string{uitest.ManagerID, uitest.ManagerPIN} {
		l.PIN.SetText(text)
		l.Submit()
	}
	c := d.shell.Cashier()
	if c == nil || !strings.Contains(c.Status.User(), "李强") {
		t.Fatalf("after the lock the manager is not logged in: %q", l.Message.Text)
	}
}

// TestLoginTypedUnfocused: with nothing focused (a tap beside the fields)
// a 工号 and a PIN typed at a person's pace still log in.
func TestLoginTypedUnfocused(t *testing.T) {
	d := newShellDesk(t)
	d.typeAt(uitest.CashierID, 150*time.Millisecond)
	d.now = d.now.Add(time.Second)
	d.typeAt(uitest.CashierPIN, 150*time.Millisecond)
	if d.shell.Cashier() == nil {
		t.Fatalf("not logged in: %q", d.shell.Login().Message.Text)
	}
}

// TestLoginSlowScanUnfocused: a voucher code from a slow scanner, with a
// user picked and nothing focused, says 请先登录 and is no PIN try.
func TestLoginSlowScanUnfocused(t *testing.T) {
	d := newShellDesk(t)
	l := d.shell.Login()
	l.Select(uitest.CashierID)
	code := strings.Repeat("9901", 20)
	for i := 0; i < pos.MaxPINFailures+1; i++ {
		d.now = d.now.Add(time.Second)
		d.typeAt(code, 150*time.Millisecond)
	}
	if l.Message.Text != "请先登录" {
		t.Errorf("message %q, want 请先登录", l.Message.Text)
	}
	l.PIN.SetText(uitest.CashierPIN)
	l.Submit()
	if d.shell.Cashier() == nil {
		t.Fatalf("the cashier cannot log in after the scans: %q", l.Message.Text)
	}
}
