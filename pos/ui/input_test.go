package ui_test

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/uitest"
)

// clock is a synthetic clock: the key router reads it, tests move it.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Date(2026, 11, 30, 9, 0, 0, 0, pos.CST)} }

// spyStore records what the screens ask of the store, and can make Login
// fail with a given error.
type spyStore struct {
	ui.Store
	mu       sync.Mutex
	sales    []ui.Sale
	unlocks  [][3]string
	logins   int
	loginErr error
	// hold, when set, keeps Commit from returning until it is closed (a
	// slow disk); Commit says on committing that it has begun.
	hold       chan struct{}
	committing chan struct{}
}

func (s *spyStore) Commit(sale ui.Sale) (uint64, *pos.Receipt, error) {
	s.mu.Lock()
	s.sales = append(s.sales, sale)
	hold, begun := s.hold, s.committing
	s.mu.Unlock()
	if hold != nil {
		begun <- struct{}{}
		<-hold
	}
	return s.Store.Commit(sale)
}

func (s *spyStore) Login(id, pin string) (*pos.User, error) {
	s.mu.Lock()
	s.logins++
	err := s.loginErr
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return s.Store.Login(id, pin)
}

func (s *spyStore) Unlock(userID, managerID, managerPIN string) error {
	s.mu.Lock()
	s.unlocks = append(s.unlocks, [3]string{userID, managerID, managerPIN})
	s.mu.Unlock()
	return s.Store.Unlock(userID, managerID, managerPIN)
}

func (s *spyStore) committed() []ui.Sale {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ui.Sale(nil), s.sales...)
}

// desk is a terminal window driven through the Shell, as the app runs it.
type desk struct {
	t     *testing.T
	store *spyStore
	dep   *uitest.Deployment
	shell *ui.Shell
	win   fyne.Window
	clk   *clock
	shown chan error // the outcome of each sale, once the screen shows it
}

func newDesk(t *testing.T, size fyne.Size) *desk {
	t.Helper()
	a := newApp(t)
	st, dep := uitest.New(t)
	d := &desk{t: t, store: &spyStore{Store: st}, dep: dep, clk: newClock(), shown: make(chan error, 16)}
	d.win = a.NewWindow("desk")
	d.win.Resize(size)
	t.Cleanup(d.win.Close)
	d.shell = &ui.Shell{Tr: ui.NewTr("zh_Hans"), Store: d.store, Printer: &uitest.Printer{}, Win: d.win,
		Title: "扶贫专区", IdleLock: 5 * time.Minute, Now: d.clk.now}
	d.shell.Router().AfterFunc = func(time.Duration, func()) {}
	d.shell.ShowLogin()
	return d
}

// login logs id in through the login screen.
func (d *desk) login(id, pin string) {
	d.t.Helper()
	l := d.shell.Login()
	if l == nil {
		d.t.Fatal("login screen not shown")
	}
	l.Select(id)
	l.PIN.SetText(pin)
	l.Submit()
	if d.shell.Login() != nil {
		d.t.Fatalf("login %s failed: %q", id, l.Message.Text)
	}
}

func (d *desk) cashier() *ui.Cashier {
	d.t.Helper()
	c := d.shell.Cashier()
	if c == nil {
		d.t.Fatal("cashier screen not shown")
	}
	if c.OnCommitted == nil {
		c.OnCommitted = func(_ *pos.Receipt, err error) { d.shown <- err }
	}
	return c
}

// waitShown waits until the screen shows the outcome of the next sale
// (d.cashier must have been called before the sale). Receiving it orders
// the test after the screen's updates: no data race on the banner.
func (d *desk) waitShown() error {
	d.t.Helper()
	select {
	case err := <-d.shown:
		return err
	case <-time.After(5 * time.Second):
		d.t.Fatal("no sale outcome shown")
		return nil
	}
}

// rune delivers r as Fyne's desktop driver does: the key's press (for a
// letter or digit), then the character; to the focused widget, else the
// canvas.
func (d *desk) rune(r rune) {
	if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		d.key(fyne.KeyName(strings.ToUpper(string(r))))
	}
	if f := d.win.Canvas().Focused(); f != nil {
		f.TypedRune(r)
		return
	}
	d.win.Canvas().(interface{ OnTypedRune() func(rune) }).OnTypedRune()(r)
}

// key delivers a key as Fyne does.
func (d *desk) key(k fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: k}
	if f := d.win.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	d.win.Canvas().(interface{ OnTypedKey() func(*fyne.KeyEvent) }).OnTypedKey()(ev)
}

// typeAt types text, gap apart, then Enter gap later.
func (d *desk) typeAt(text string, gap time.Duration) {
	for i, r := range text {
		if i > 0 {
			d.clk.add(gap)
		}
		d.rune(r)
	}
	d.clk.add(gap)
	d.key(fyne.KeyReturn)
}

// typeInto types text into the focused widget f, gap apart, then Enter.
func (d *desk) typeInto(f fyne.Focusable, text string, gap time.Duration) {
	for _, r := range text {
		d.clk.add(gap)
		f.TypedRune(r)
	}
	d.clk.add(gap)
	f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// scan is a wedge scanner: 2 ms a key.
func (d *desk) scan(text string) { d.typeAt(text, 2*time.Millisecond) }

func (d *desk) ean(i int) string {
	cat, _ := d.store.Catalogue()
	return cat.Products[i].EAN
}

// outcome waits for the outcome a screen reports on ch once it shows it
// (an OnDone or OnPrinted hook), and fails the test after 5 s.
func outcome(t *testing.T, ch chan error, what string) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: no outcome shown", what)
		return nil
	}
}

func (d *desk) sku(i int) string {
	cat, _ := d.store.Catalogue()
	return cat.Products[i].SKU
}

func (d *desk) overlays() int { return len(d.win.Canvas().Overlays().List()) }

// all returns the objects of type T inside o, renderers included.
func all[T any](o fyne.CanvasObject) []T {
	var out []T
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil {
			return
		}
		if v, ok := o.(T); ok {
			out = append(out, v)
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

// dialogEntries returns the entries of the top dialog.
func (d *desk) dialogEntries() []*ui.KeyEntry {
	top := d.win.Canvas().Overlays().Top()
	if top == nil {
		d.t.Fatal("no dialog open")
	}
	return all[*ui.KeyEntry](top)
}

func (d *desk) dialogTexts() string {
	top := d.win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var sb strings.Builder
	for _, b := range all[*widget.Button](top) {
		sb.WriteString("[" + b.Text + "]")
	}
	for _, l := range all[*widget.Label](top) {
		sb.WriteString(l.Text + "|")
	}
	return sb.String()
}

// enter presses Enter well after the last rune (a person confirming).
func (d *desk) enter() { d.clk.add(time.Second); d.key(fyne.KeyReturn) }

func (d *desk) waitSales(n int) []ui.Sale {
	d.t.Helper()
	for i := 0; i < 200; i++ {
		if s := d.store.committed(); len(s) >= n {
			time.Sleep(10 * time.Millisecond)
			return s
		}
		time.Sleep(10 * time.Millisecond)
	}
	d.t.Fatalf("want %d sales, have %d", n, len(d.store.committed()))
	return nil
}

// Defect 1: a code typed by hand (F8) is accepted only after a manager's
// id and PIN in the same dialog, and the sale is recorded as manual.
func TestManualEntryNeedsManager(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	d.scan(d.ean(0))
	code := d.dep.Issue(pos.Yuan(5), "member-m1")
	d.key(fyne.KeyF8)
	if !ui.ModalOpen(d.win) {
		t.Fatal("F8 opened no dialog")
	}
	es := d.dialogEntries()
	if len(es) != 3 {
		t.Fatalf("manual entry dialog has %d fields, want code, manager, PIN", len(es))
	}
	es[0].SetText(code)
	for _, tc := range []struct {
		name, id, pin string
	}{
		{"no manager", "", ""},
		{"cashier", uitest.CashierID, uitest.CashierPIN},
		{"wrong PIN", uitest.ManagerID, "0000"},
	} {
		es[1].SetText(tc.id)
		es[2].SetText(tc.pin)
		d.enter()
		if n := len(c.Session().Vouchers()); n != 0 {
			t.Fatalf("%s: code accepted (%d vouchers)", tc.name, n)
		}
		if !ui.ModalOpen(d.win) {
			t.Fatalf("%s: dialog closed", tc.name)
		}
	}
	es[1].SetText(uitest.ManagerID)
	es[2].SetText(uitest.ManagerPIN)
	d.enter()
	if ui.ModalOpen(d.win) {
		t.Fatalf("dialog still open after the manager's PIN: %s", d.dialogTexts())
	}
	if n := len(c.Session().Vouchers()); n != 1 {
		t.Fatalf("%d vouchers after manager approval, want 1", n)
	}
	d.key(fyne.KeyF12)
	d.enter() // the tender dialog: exact cash
	sales := d.waitSales(1)
	d.waitShown()
	if !sales[0].Manual || sales[0].Manager != uitest.ManagerID {
		t.Errorf("sale recorded Manual=%v Manager=%q, want manual by %s", sales[0].Manual, sales[0].Manager, uitest.ManagerID)
	}
}

// Defect 1: keyboard input too slow for a scanner opens manual entry with
// the code, never a scan; the same code at wedge speed is a scan.
func TestSlowTypingIsManualEntry(t *testing.T) {
	for _, tc := range []struct {
		name   string
		gap    time.Duration
		stray  bool
		dialog bool
	}{
		{"person at 120 ms", 120 * time.Millisecond, false, true},
		{"person at 250 ms", 250 * time.Millisecond, false, true},
		{"wedge at 2 ms", 2 * time.Millisecond, false, false},
		{"wedge at 15 ms", 15 * time.Millisecond, false, false},
		{"stray key then wedge", 2 * time.Millisecond, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDesk(t, fyne.NewSize(1024, 768))
			d.login(uitest.CashierID, uitest.CashierPIN)
			c := d.cashier()
			d.scan(d.ean(0))
			code := d.dep.Issue(pos.Yuan(5), "member-s")
			if tc.stray {
				d.clk.add(time.Second)
				d.rune('7')
				d.clk.add(400 * time.Millisecond)
			}
			d.clk.add(time.Second)
			d.typeAt(code, tc.gap)
			if got := ui.ModalOpen(d.win); got != tc.dialog {
				t.Fatalf("dialog open = %v, want %v (banner %q)", got, tc.dialog, c.Banner.Reason())
			}
			vs := len(c.Session().Vouchers())
			if tc.dialog {
				if vs != 0 {
					t.Fatal("typed code applied without a manager")
				}
				if es := d.dialogEntries(); es[0].Text != code {
					t.Errorf("manual entry prefilled with %.20q…, want the typed code", es[0].Text)
				}
			} else if vs != 1 {
				t.Fatalf("scan not applied: banner %q / %q", c.Banner.Headline(), c.Banner.Reason())
			}
		})
	}
}

// Defect 2: with a dialog open, no shortcut or scan acts on the screen
// below; Esc closes it, Enter confirms it; no two of the same dialog.
func TestKeysDoNotActBehindDialogs(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	d.scan(d.ean(0))
	d.key(fyne.KeyEscape)
	if d.overlays() != 1 {
		t.Fatalf("Esc opened %d overlays, want the cancel dialog", d.overlays())
	}
	if txt := d.dialogTexts(); !strings.Contains(txt, "[是]") || !strings.Contains(txt, "[否]") {
		t.Errorf("cancel dialog buttons %q, want 是/否", txt)
	}
	d.key(fyne.KeyF12)
	d.key(fyne.KeyF8)
	d.key(fyne.KeyF9)
	d.clk.add(time.Second)
	d.scan(d.ean(1)) // its Enter comes 2 ms after a rune: not a confirmation
	time.Sleep(50 * time.Millisecond)
	if n := len(d.store.committed()); n != 0 {
		t.Fatalf("F12 behind the dialog committed %d sales", n)
	}
	if n := len(c.Session().Lines()); n != 1 {
		t.Fatalf("scan behind the dialog changed the basket: %d lines", n)
	}
	if d.overlays() != 1 || !ui.ModalOpen(d.win) {
		t.Fatalf("%d overlays after keys behind the dialog, want 1", d.overlays())
	}
	if ui.Confirm(ui.NewTr("zh_Hans"), d.win, "cashier.cancel", "x", "y", nil) {
		t.Error("a second cancel dialog was shown")
	}
	d.clk.add(time.Second)
	d.key(fyne.KeyEscape)
	if ui.ModalOpen(d.win) {
		t.Fatal("Esc did not close the dialog")
	}
	if n := len(c.Session().Lines()); n != 1 {
		t.Fatal("Esc on the dialog cancelled the sale")
	}
	if h := c.Banner.Headline(); h != "扫码未处理" {
		t.Fatalf("banner %q after the scan behind the dialog, want 扫码未处理", h)
	}
	d.key(fyne.KeyEscape) // acknowledges the message
	d.key(fyne.KeyEscape)
	d.enter()
	if ui.ModalOpen(d.win) || len(c.Session().Lines()) != 0 {
		t.Fatalf("Enter did not confirm the cancel (open %v, lines %d)", ui.ModalOpen(d.win), len(c.Session().Lines()))
	}
}

// Defect 3: tapping a payment method does not take the keyboard: F12 and
// scans still reach the screen.
func TestPaymentTapKeepsKeyboard(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	d.scan(d.ean(0))
	var wechat *widget.Button
	for _, b := range all[*widget.Button](d.win.Content()) {
		if b.Text == "微信" || strings.Contains(b.Text, "微信") {
			wechat = b
		}
	}
	if wechat == nil {
		t.Fatal("no WeChat button")
	}
	test.Tap(wechat)
	if c.Session().Method() != pos.PayWeChat {
		t.Fatalf("method %s after tapping WeChat", c.Session().Method())
	}
	if f := d.win.Canvas().Focused(); f != nil {
		t.Fatalf("tap focused %T", f)
	}
	if n := len(all[*widget.RadioGroup](d.win.Content())); n != 0 {
		t.Errorf("cashier screen has %d radio groups", n)
	}
	d.clk.add(time.Second)
	d.scan(d.ean(1))
	if n := len(c.Session().Lines()); n != 2 {
		t.Fatalf("scan after the tap: %d lines", n)
	}
	d.key(fyne.KeyF12)
	d.waitShown()
	if s := d.store.committed(); len(s) != 1 || s[0].Method != pos.PayWeChat {
		t.Errorf("sales %+v, want one paid by WeChat", s)
	}
}

// Defect 5: every key resets the idle lock; the message of a completed
// sale is not hidden by it; an open basket is kept for its cashier.
func TestIdleLock(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	d.login(uitest.CashierID, uitest.CashierPIN)
	d.clk.add(4 * time.Minute)
	d.key(fyne.KeyF1)
	d.clk.add(2 * time.Minute)
	d.shell.CheckIdle(d.clk.now())
	if d.shell.Cashier() == nil {
		t.Fatal("locked 2 min after a key press")
	}
	c := d.cashier()
	d.scan(d.ean(0))
	d.key(fyne.KeyF12)
	d.enter() // the tender dialog: exact cash
	d.waitSales(1)
	d.waitShown()
	if !strings.Contains(c.Banner.Reason(), "请收取自付金额") {
		t.Fatalf("no self-paid message: %q", c.Banner.Reason())
	}
	d.clk.add(10 * time.Minute)
	d.shell.CheckIdle(d.clk.now())
	if d.shell.Cashier() == nil {
		t.Fatal("the lock hid the completed sale's message")
	}
	if !strings.Contains(c.Banner.Reason(), "请收取自付金额") {
		t.Fatalf("message gone before acknowledgement: %q", c.Banner.Reason())
	}
	d.enter()
	if c.AwaitingAck() {
		t.Fatal("Enter did not acknowledge")
	}
	d.clk.add(6 * time.Minute)
	d.shell.CheckIdle(d.clk.now())
	if d.shell.Login() == nil {
		t.Fatal("not locked 6 min after the acknowledgement")
	}

	// An open basket survives the lock for its cashier only.
	d.login(uitest.CashierID, uitest.CashierPIN)
	d.scan(d.ean(1))
	d.clk.add(6 * time.Minute)
	d.shell.CheckIdle(d.clk.now())
	if d.shell.Login() == nil {
		t.Fatal("not locked with a basket open")
	}
	d.login(uitest.ManagerID, uitest.ManagerPIN) // no manager screen: a cashier screen
	if n := len(d.cashier().Session().Lines()); n != 0 {
		t.Fatalf("another user got the kept basket (%d lines)", n)
	}
	d.cashier().Content()
	d.key(fyne.KeyF4)
	d.login(uitest.CashierID, uitest.CashierPIN)
	if n := len(d.cashier().Session().Lines()); n != 1 {
		t.Fatalf("cashier's basket not resumed: %d lines", n)
	}
}

// Defect 5: the manager and technician screens lock too.
func TestIdleLockOtherScreens(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	d.shell.Manager = func(u *pos.User, logout func()) ui.Screen {
		return &noticeScreen{Button: widget.NewButton("x", func() {})}
	}
	d.login(uitest.ManagerID, uitest.ManagerPIN)
	d.clk.add(4 * time.Minute)
	d.key(fyne.KeyF2)
	d.clk.add(4 * time.Minute)
	d.shell.CheckIdle(d.clk.now())
	if d.shell.Login() != nil {
		t.Fatal("locked 4 min after a key on the manager screen")
	}
	d.clk.add(2 * time.Minute)
	d.shell.CheckIdle(d.clk.now())
	if d.shell.Login() == nil {
		t.Fatal("manager screen not locked after 6 idle minutes")
	}
	// F4 locks the manager's screen as it locks the cashier's.
	d.login(uitest.ManagerID, uitest.ManagerPIN)
	d.key(fyne.KeyF4)
	if d.shell.Login() == nil {
		t.Fatal("F4 did not lock the manager screen")
	}
}

// noticeScreen is a manager's or technician's screen that records what the
// shell tells it.
type noticeScreen struct {
	*widget.Button
	notices []string
}

func (n *noticeScreen) Content() fyne.CanvasObject { return n.Button }
func (n *noticeScreen) Notice(text string)         { n.notices = append(n.notices, text) }

// A scan that does nothing is never lost unseen: with a dialog open, the
// cashier's banner says it was not taken and why; on a screen that takes no
// scans, its message line says so. Wedge and serial alike; typing into a
// dialog's background says nothing.
func TestScanThatDoesNothingIsTold(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	scr := &noticeScreen{Button: widget.NewButton("x", func() {})}
	d.shell.Manager = func(*pos.User, func()) ui.Screen { return scr }
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	// What a person typed under the dialog reached no entry and is no
	// scan (TestTypingUnderDialogConfirmsNothing).
	d.scan(d.ean(0))
	d.key(fyne.KeyEscape)
	d.clk.add(time.Second)
	d.typeAt("12", 300*time.Millisecond)
	if !ui.ModalOpen(d.win) || len(c.Session().Lines()) != 1 || c.Banner.Headline() == "扫码未处理" {
		t.Fatalf("typing and Enter under the cancel dialog: open %v, %d lines, banner %q", ui.ModalOpen(d.win), len(c.Session().Lines()), c.Banner.Headline())
	}
	for _, tc := range []struct {
		name string
		scan func()
	}{
		{"wedge", func() { d.scan(d.ean(1)) }},
		{"serial", func() { d.shell.Scan(d.ean(1)) }},
	} {
		c.Banner.Show(ui.ColorIdle, "-", "-")
		d.clk.add(time.Second)
		tc.scan()
		if h, r := c.Banner.Headline(), c.Banner.Reason(); h != "扫码未处理" || !strings.Contains(r, "对话框") {
			t.Errorf("%s under a dialog: banner %q / %q, want 扫码未处理 and why", tc.name, h, r)
		}
		if !ui.ModalOpen(d.win) || len(c.Session().Lines()) != 1 {
			t.Fatalf("%s under a dialog acted: dialog open %v, %d lines", tc.name, ui.ModalOpen(d.win), len(c.Session().Lines()))
		}
	}
	d.clk.add(time.Second)
	d.key(fyne.KeyEscape)
	d.key(fyne.KeyF4)
	d.login(uitest.ManagerID, uitest.ManagerPIN)
	d.scan(d.ean(1))
	d.shell.Scan(d.ean(1))
	want := "扫码未处理：此页面不受理扫码，收券请锁屏（F4）后由收银员登录"
	if len(scr.notices) != 2 || scr.notices[0] != want || scr.notices[1] != want {
		t.Fatalf("manager screen notices %q, want two of %q", scr.notices, want)
	}
	// At the login screen with a dialog open: 请先登录, as without one.
	d.key(fyne.KeyF4)
	ui.Confirm(ui.NewTr("zh_Hans"), d.win, "test", "x", "y", nil)
	d.clk.add(time.Second)
	d.scan(d.ean(1))
	if m := d.shell.Login().Message.Text; !strings.Contains(m, "请先登录") {
		t.Errorf("scan at the login screen under a dialog: message %q", m)
	}
}

// Defect 6: a scan at the login screen says "请先登录" and is no PIN try;
// tries left and the lockout's end are shown; a manager can unlock.
func TestLoginScanAndLockout(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	l := d.shell.Login()
	l.Select(uitest.CashierID)
	for i := 0; i < pos.MaxPINFailures+1; i++ {
		d.clk.add(time.Second)
		d.scan(d.ean(0)) // wedge scan into the focused PIN entry
		d.shell.Scan(d.ean(1))
	}
	if d.store.logins != 0 {
		t.Fatalf("scans at login made %d PIN attempts", d.store.logins)
	}
	if l.Message.Text != "请先登录" {
		t.Errorf("message %q, want 请先登录", l.Message.Text)
	}
	if l.PIN.Text != "" {
		t.Errorf("scan left %q in the PIN", l.PIN.Text)
	}

	d.store.loginErr = pos.Errorf(pos.EBADPIN, "wrong").With("remaining", "3")
	l.PIN.SetText("0000")
	l.Submit()
	if !strings.Contains(l.Message.Text, "3") || !strings.Contains(l.Message.Text, "还可尝试") {
		t.Errorf("wrong PIN message %q lacks the tries left", l.Message.Text)
	}
	d.store.loginErr = pos.Errorf(pos.ELOCKED, "locked").With("until", "10:35:00")
	l.PIN.SetText("0000")
	l.Submit()
	if !strings.Contains(l.Message.Text, "10:35:00") {
		t.Errorf("lockout message %q lacks the time", l.Message.Text)
	}
	d.store.loginErr = nil

	test.Tap(l.Unlock)
	if !ui.ModalOpen(d.win) {
		t.Fatal("unlock opened no dialog")
	}
	es := d.dialogEntries()
	if len(es) != 2 {
		t.Fatalf("unlock dialog has %d entries", len(es))
	}
	es[0].SetText(uitest.ManagerID)
	es[1].SetText(uitest.ManagerPIN)
	d.enter()
	if len(d.store.unlocks) != 1 || d.store.unlocks[0] != [3]string{uitest.CashierID, uitest.ManagerID, uitest.ManagerPIN} {
		t.Fatalf("unlocks %v", d.store.unlocks)
	}
	if ui.ModalOpen(d.win) {
		t.Errorf("unlock dialog still open: %s", d.dialogTexts())
	}
}

// Defect 7: a sale that forfeits change says so in amber and F12 asks
// once before committing.
func TestForfeitWarning(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	d.scan(d.ean(0))
	d.clk.add(time.Second)
	d.scan(d.dep.Issue(pos.Yuan(100), "member-f"))
	st, err := c.Session().Settlement()
	if err != nil || st.Forfeited <= 0 {
		t.Fatalf("settlement %+v %v: want a forfeit", st, err)
	}
	want := "作废 " + st.Forfeited.String()
	if h := c.Banner.Headline(); !strings.Contains(h, want) || c.Banner.Color() != color.Color(ui.ColorWarn) {
		t.Errorf("banner %q in %v, want amber with %q", h, c.Banner.Color(), want)
	}
	d.key(fyne.KeyF12)
	if txt := d.dialogTexts(); !strings.Contains(txt, "不找零，"+want+"，确认？") {
		t.Fatalf("F12 dialog %q", txt)
	}
	d.clk.add(time.Second)
	d.key(fyne.KeyEscape)
	time.Sleep(30 * time.Millisecond)
	if n := len(d.store.committed()); n != 0 || ui.ModalOpen(d.win) {
		t.Fatalf("Esc: %d sales, dialog open %v", n, ui.ModalOpen(d.win))
	}
	d.key(fyne.KeyF12)
	d.enter()
	d.waitShown()
	if s := d.store.committed(); len(s) != 1 || len(s[0].Codes) != 1 {
		t.Errorf("sales %+v", s)
	}
}

// Defect 11: red banners return to idle; the sale's message does not.
func TestRefusalBannerTimesOut(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	c.RefusalTimeout = 30 * time.Millisecond
	// The timeout repaints from a timer: the banner is read where it is
	// painted (OnShow), and the test waits for the repaint.
	shown := make(chan bool, 16) // red or not, at each paint
	c.Banner.OnShow = func() {
		select {
		case shown <- c.Banner.Color() == color.Color(ui.ColorRefused):
		default:
		}
	}
	d.scan(d.dep.Forge(pos.Yuan(10)))
	red := false
	for deadline := time.After(5 * time.Second); ; {
		select {
		case r := <-shown:
			if r {
				red = true
			} else if red {
				return // red, then back to idle
			}
		case <-deadline:
			t.Fatalf("banner red %v, and not back after its timeout", red)
		}
	}
}

// Defect 11: at 800×600 everything fits; the cashier's name, the wedge
// scanner and voucher ids as in codes.csv are shown.
func TestCashierAt800x600(t *testing.T) {
	d := newDesk(t, fyne.NewSize(800, 600))
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	d.scan(d.ean(0))
	d.clk.add(time.Second)
	d.scan(d.dep.Issue(pos.Yuan(5), "member-z"))
	if ms := d.win.Content().MinSize(); ms.Width > 800 || ms.Height > 600 {
		t.Errorf("cashier screen MinSize %v exceeds 800×600", ms)
	}
	if u := c.Status.User(); !strings.Contains(u, "收银员") {
		t.Errorf("status bar user %q", u)
	}
	d.shell.SetStatus(ui.Status{Scanner: "unknown"})
	if txt := c.Status.Text(); !strings.Contains(txt, "键盘扫码枪") {
		t.Errorf("status %q after wedge scans, want 键盘扫码枪", txt)
	}
	v := c.Session().Vouchers()[0]
	found := false
	for _, l := range all[*widget.Label](d.win.Content()) {
		if strings.Contains(l.Text, v.ID().String()) {
			found = true
		}
	}
	if !found {
		t.Errorf("voucher id %s not shown", v.ID())
	}
	for _, b := range []*widget.Button{c.Done, c.Cancel, c.Reprint, c.Manual, c.Lock, c.Search, c.Hold, c.Resume} {
		p := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
		if p.X+b.Size().Width > 800 || p.Y+b.Size().Height > 600 || b.Size().Width == 0 {
			t.Errorf("button %q at %v size %v is off screen", b.Text, p, b.Size())
		}
	}
}

func TestCashierGoldens(t *testing.T) {
	for _, sz := range []fyne.Size{{Width: 800, Height: 600}, {Width: 1024, Height: 768}, {Width: 1366, Height: 768}, {Width: 1920, Height: 1080}} {
		d := newDesk(t, sz)
		d.login(uitest.CashierID, uitest.CashierPIN)
		d.shell.SetStatus(ui.Status{Online: true, CacheAge: time.Minute, Printer: "ok", Scanner: "ok"})
		d.scan(d.ean(0))
		name := "cashier_" + sizeName(sz) + ".xml"
		test.AssertRendersToMarkup(t, name, d.win.Canvas())
	}
}

func sizeName(s fyne.Size) string { return fmt.Sprintf("%dx%d", int(s.Width), int(s.Height)) }

// typeSlow types text as a person does, 150 ms a key, into what has the
// focus (a dialog's field).
func (d *desk) typeSlow(text string) {
	for _, r := range text {
		d.clk.add(150 * time.Millisecond)
		d.rune(r)
	}
}

// lastRecord returns the last ledger record of the desk's store.
func (d *desk) lastRecord() *pos.Record {
	d.t.Helper()
	var last *pos.Record
	if err := d.store.Records(func(r *pos.Record) error { last = r; return nil }); err != nil {
		d.t.Fatal(err)
	}
	if last == nil {
		d.t.Fatal("no record")
	}
	return last
}

// F12 on a cash sale with a self-paid part opens the tender dialog; the
// cash keyed in is recorded with its change, printed, and the change is
// said in the banner. Other methods, and sales the vouchers pay in full,
// complete at once; Esc in the dialog records nothing.
func TestTenderOnF12(t *testing.T) {
	for _, tc := range []struct {
		name     string
		products []int
		voucher  pos.Money
		method   pos.PayMethod
		forfeit  bool   // a confirmation comes first
		dialog   bool   // the tender dialog opens
		typed    string // in the tender dialog
		escape   bool
		tendered pos.Money
		change   pos.Money
		banner   string
	}{
		{"a 100 note", []int{0}, 0, pos.PayCash, false, true, "100", false, 10000, 6010, "实收 ￥100.00，找零 ￥60.10"},
		{"exact on Enter", []int{0}, 0, pos.PayCash, false, true, "", false, 3990, 0, "请收取自付金额 ￥39.90"},
		{"voucher and cash", []int{1}, pos.Yuan(20), pos.PayCash, false, true, "50", false, 5000, 1200, "找零 ￥12.00"},
		{"forfeit confirmed, then cash for the bag", []int{0, 11}, pos.Yuan(50), pos.PayCash, true, true, "10", false, 1000, 800, "找零 ￥8.00"},
		{"WeChat: no dialog", []int{0}, 0, pos.PayWeChat, false, false, "", false, 0, 0, "请收取自付金额 ￥39.90"},
		{"vouchers pay all: no dialog", []int{5}, pos.Yuan(20), pos.PayCash, true, false, "", false, 0, 0, "券已付清，无需收款"},
		{"Esc: nothing recorded", []int{0}, 0, pos.PayCash, false, true, "100", true, 0, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDesk(t, fyne.NewSize(1024, 768))
			d.login(uitest.CashierID, uitest.CashierPIN)
			c := d.cashier()
			for _, i := range tc.products {
				d.clk.add(time.Second)
				d.scan(d.ean(i))
			}
			if tc.voucher != 0 {
				d.clk.add(time.Second)
				d.scan(d.dep.Issue(tc.voucher, "member-t"))
			}
			c.Session().SetMethod(tc.method)
			d.clk.add(time.Second)
			d.key(fyne.KeyF12)
			if tc.forfeit {
				if txt := d.dialogTexts(); !strings.Contains(txt, "不找零") {
					t.Fatalf("F12: %q, want the forfeit confirmation", txt)
				}
				d.enter()
			}
			if txt := d.dialogTexts(); strings.Contains(txt, "现金收款") != tc.dialog {
				t.Fatalf("tender dialog shown %v, want %v: %q", !tc.dialog, tc.dialog, txt)
			}
			if tc.dialog {
				d.typeSlow(tc.typed)
				if tc.escape {
					d.clk.add(time.Second)
					d.key(fyne.KeyEscape)
					time.Sleep(50 * time.Millisecond)
					if n := len(d.store.committed()); n != 0 || ui.ModalOpen(d.win) {
						t.Fatalf("Esc: %d sales, dialog open %v", n, ui.ModalOpen(d.win))
					}
					if len(c.Session().Lines()) != len(tc.products) {
						t.Fatal("Esc emptied the basket")
					}
					return
				}
				d.enter()
			}
			s := d.waitSales(1)
			if err := d.waitShown(); err != nil {
				t.Fatal(err)
			}
			if s[0].Tendered != tc.tendered || s[0].Method != tc.method {
				t.Errorf("sale tendered %s method %s, want %s %s", s[0].Tendered, s[0].Method, tc.tendered, tc.method)
			}
			if r := c.Banner.Reason(); !strings.Contains(r, tc.banner) {
				t.Errorf("banner %q / %q, want %q", c.Banner.Headline(), r, tc.banner)
			}
			if r := d.lastRecord(); r.Tendered != tc.tendered || r.Change != tc.change {
				t.Errorf("record tendered %s change %s, want %s %s", r.Tendered, r.Change, tc.tendered, tc.change)
			}
			p := d.shell.Printer.(*uitest.Printer)
			if len(p.Printed) != 1 || p.Printed[0].Tendered != tc.tendered || p.Printed[0].Change != tc.change {
				t.Errorf("printed %+v", p.Printed)
			}
		})
	}
}

// Cashier.Complete (smoke run, demo script) opens no dialog: a cash sale
// is recorded as tendered exactly.
func TestCompleteWithoutDialogs(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	d.scan(d.ean(1))
	c.Complete()
	s := d.waitSales(1)
	d.waitShown()
	if ui.ModalOpen(d.win) || s[0].Tendered != 5800 {
		t.Fatalf("dialog open %v, tendered %s, want none and ￥58.00", ui.ModalOpen(d.win), s[0].Tendered)
	}
	if r := d.lastRecord(); r.Tendered != 5800 || r.Change != 0 {
		t.Errorf("record tendered %s change %s", r.Tendered, r.Change)
	}
}

// A scan or a product tap while the sale is being recorded goes to the
// next sale, not into the basket being recorded (which is cleared with
// it); keys and row taps meanwhile do nothing.
func TestScanWhileRecording(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	d.store.hold, d.store.committing = make(chan struct{}), make(chan struct{}, 1)
	d.scan(d.ean(1))
	c.Complete()
	<-d.store.committing
	d.clk.add(time.Second)
	d.scan(d.ean(2))
	d.key(fyne.KeyEscape)
	if n := len(c.Session().Lines()); n != 1 {
		t.Fatalf("a scan while recording changed the basket being recorded: %d lines", n)
	}
	close(d.store.hold)
	d.waitShown()
	s := d.waitSales(1)
	if len(s[0].Lines) != 1 || s[0].Lines[0].SKU != d.sku(1) {
		t.Fatalf("recorded %+v, want the first product alone", s[0].Lines)
	}
	lines := c.Session().Lines()
	if len(lines) != 1 || lines[0].SKU != d.sku(2) {
		t.Fatalf("next sale holds %+v, want the product scanned while recording", lines)
	}
	if ui.ModalOpen(d.win) {
		t.Error("Esc while recording opened a dialog")
	}
}

// F2 finds a product and adds it with the quantity typed after '*'.
func TestSearchOnF2(t *testing.T) {
	d := newDesk(t, fyne.NewSize(800, 600))
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	d.key(fyne.KeyF2)
	if txt := d.dialogTexts(); !strings.Contains(txt, "查找商品") {
		t.Fatalf("F2: %q", txt)
	}
	d.key(fyne.KeyF12) // nothing behind the dialog
	d.typeSlow("dsl*2")
	d.enter()
	if ui.ModalOpen(d.win) {
		t.Fatalf("dialog still open: %q", d.dialogTexts())
	}
	ls := c.Session().Lines()
	if len(ls) != 1 || ls[0].SKU != "DS-PEAR-5" || ls[0].Qty != 2 {
		t.Fatalf("basket %+v, want 2 × DS-PEAR-5", ls)
	}
	if n := len(d.store.committed()); n != 0 {
		t.Fatalf("F12 behind the dialog recorded %d sales", n)
	}
	test.Tap(c.Search)
	if txt := d.dialogTexts(); !strings.Contains(txt, "查找商品") {
		t.Fatalf("the search button: %q", txt)
	}
}

// F5 holds the sale and says so; F6 with a sale in progress refuses,
// with the basket empty lists the held sales and Enter resumes one.
func TestHoldAndResumeKeys(t *testing.T) {
	d := newDesk(t, fyne.NewSize(800, 600))
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	d.key(fyne.KeyF5)
	if h := c.Banner.Headline() + c.Banner.Reason(); !strings.Contains(h, "购物篮为空") {
		t.Errorf("F5 on an empty basket: %q", h)
	}
	d.scan(d.ean(0))
	d.clk.add(time.Second)
	d.scan(d.ean(1))
	d.clk.add(time.Second)
	d.key(fyne.KeyF5)
	if !c.Session().Empty() {
		t.Fatal("F5 did not empty the basket")
	}
	held, err := d.store.HeldSales()
	if err != nil || len(held) != 1 {
		t.Fatalf("held %v %v", held, err)
	}
	if h := c.Banner.Headline(); !strings.Contains(h, "已挂单") || !strings.Contains(h, strconv.FormatUint(held[0].ID, 10)) {
		t.Errorf("banner after F5: %q", h)
	}
	d.clk.add(time.Second)
	d.scan(d.ean(2))
	d.clk.add(time.Second)
	d.key(fyne.KeyF6)
	if ui.ModalOpen(d.win) || !strings.Contains(c.Banner.Reason(), "请先完成或挂单") {
		t.Fatalf("F6 with a sale in progress: open %v, banner %q", ui.ModalOpen(d.win), c.Banner.Reason())
	}
	c.Session().Cancel()
	d.key(fyne.KeyF6)
	if txt := d.dialogTexts(); !strings.Contains(txt, "取单") {
		t.Fatalf("F6: %q", txt)
	}
	d.enter()
	if ui.ModalOpen(d.win) {
		t.Fatal("held dialog still open")
	}
	if ls := c.Session().Lines(); len(ls) != 2 || ls[0].SKU != "DS-PEAR-5" || ls[1].SKU != "JZ-KIWI-12" {
		t.Fatalf("resumed basket %+v", ls)
	}
	if left, _ := d.store.HeldSales(); len(left) != 0 {
		t.Errorf("%d still held", len(left))
	}
}

// F6 says which vouchers of a resumed sale were dropped: one spent at the
// counter while the sale was held.
func TestResumeShowsDropped(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	code := d.dep.Issue(pos.Yuan(10), "member-r")
	d.scan(d.ean(0))
	d.clk.add(time.Second)
	d.scan(code)
	d.clk.add(time.Second)
	d.key(fyne.KeyF5)
	d.clk.add(time.Second)
	d.scan(d.ean(1))
	d.clk.add(time.Second)
	d.scan(code)
	c.Complete()
	d.waitSales(1)
	d.waitShown()
	d.enter() // acknowledge
	d.key(fyne.KeyF6)
	d.enter()
	if ui.ModalOpen(d.win) {
		t.Fatal("held dialog still open")
	}
	if h := c.Banner.Headline(); !strings.Contains(h, "已取单") || !strings.Contains(h, "1 项已失效") {
		t.Errorf("banner %q / %q", h, c.Banner.Reason())
	}
	if c.Banner.Color() != color.Color(ui.ColorWarn) {
		t.Errorf("banner colour %v, want amber", c.Banner.Color())
	}
	if len(c.Session().Vouchers()) != 0 || len(c.Session().Lines()) != 1 {
		t.Errorf("resumed %d vouchers, %d lines", len(c.Session().Vouchers()), len(c.Session().Lines()))
	}
}

// A PIN typed at a scanner's pace (a quick typist, or a tool) is still a
// PIN: only codes and barcodes are refused at the login screen.
func TestLoginQuickPIN(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	d.shell.Login().Select(uitest.CashierID)
	d.scan(uitest.CashierPIN)
	if d.store.logins != 1 {
		t.Fatalf("a quick PIN made %d login attempts, want 1", d.store.logins)
	}
	if d.shell.Cashier() == nil {
		t.Errorf("a quick PIN did not log the cashier in (message %q)", d.shell.Login().Message.Text)
	}
}

// The status bar's upload queue is read again when a sale is shown, not a
// ticker's period later: a cashier who just sold sees 待上传 count it.
func TestStatusAfterSale(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	asked := make(chan struct{}, 4)
	d.shell.StatusNow = func() ui.Status {
		d.store.mu.Lock()
		n := len(d.store.sales)
		d.store.mu.Unlock()
		asked <- struct{}{}
		return ui.Status{Pending: n, Printer: "ok", Scanner: "wedge"}
	}
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	d.scan(d.ean(1))
	d.scan(d.dep.Issue(5000, "M-STATUS"))
	c.Complete()
	d.waitSales(1)
	d.waitShown()
	select {
	case <-asked:
	case <-time.After(5 * time.Second):
		t.Fatal("the status was not read after the sale")
	}
	want := "待上传 1 笔"
	for i := 0; i < 100 && !strings.Contains(c.Status.Text(), want); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if got := c.Status.Text(); !strings.Contains(got, want) {
		t.Errorf("status bar %q, want it to contain %q", got, want)
	}
}

// A code typed by hand with a typo is refused inside the F8 dialog, which
// stays open with the code as typed (267 digits are corrected, not typed
// again); a code typed in groups, with spaces, dashes or full-width
// digits, is the same code.
func TestManualEntryTypo(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	d.scan(d.ean(0))
	code := d.dep.Issue(pos.Yuan(5), "member-typo")
	typo := code[:100] + string('0'+('1'+code[100]-'0')%10) + code[101:]
	d.key(fyne.KeyF8)
	es := d.dialogEntries()
	es[0].SetText(typo)
	es[1].SetText(uitest.ManagerID)
	es[2].SetText(uitest.ManagerPIN)
	d.enter()
	if !ui.ModalOpen(d.win) {
		t.Fatal("a mistyped code closed the dialog")
	}
	if es[0].Text != typo || es[2].Text != "" || !strings.Contains(d.dialogTexts(), "伪造或被篡改") {
		t.Fatalf("after the typo: code kept %v, PIN %q, dialog %q", es[0].Text == typo, es[2].Text, d.dialogTexts())
	}
	var grouped strings.Builder
	for i, r := range code {
		switch {
		case i > 0 && i%50 == 0:
			grouped.WriteString("－")
		case i > 0 && i%5 == 0:
			grouped.WriteString(" ")
		}
		if i < 10 {
			r = '０' + (r - '0') // full-width
		}
		grouped.WriteRune(r)
	}
	es[0].SetText(grouped.String())
	es[2].SetText(uitest.ManagerPIN)
	d.enter()
	if ui.ModalOpen(d.win) {
		t.Fatalf("the grouped code was not taken: %s", d.dialogTexts())
	}
	if vs := c.Session().Vouchers(); len(vs) != 1 {
		t.Fatalf("%d vouchers, want the one typed", len(vs))
	}
	if manual, mgr := c.Session().Manual(); !manual || mgr != uitest.ManagerID {
		t.Errorf("manual %v manager %q", manual, mgr)
	}
}

// Text typed by hand and Enter goes where a cashier means it: a product
// barcode typed from a label that will not scan is that product (no
// manager: it is not a voucher), a voucher code or a long run of digits is
// manual entry (a manager), anything else opens the product search with it.
func TestTypedTextRoutes(t *testing.T) {
	const slow = 150 * time.Millisecond
	for _, tc := range []struct {
		name   string
		text   func(d *desk) string
		lines  int
		dialog string // a text the dialog shows ("" no dialog)
		query  bool   // the search field holds the typed text
	}{
		{"EAN-13 from the label", func(d *desk) string { return d.ean(1) }, 1, "", false},
		{"voucher code", func(d *desk) string { return d.dep.Issue(pos.Yuan(5), "member-t") }, 0, "手工输入券码", false},
		{"a voucher's first digits", func(d *desk) string { return d.dep.Issue(pos.Yuan(5), "member-u")[:40] }, 0, "手工输入券码", false},
		{"EAN with a wrong check digit", func(d *desk) string { e := d.ean(1); return e[:12] + string('0'+(e[12]-'0'+1)%10) }, 0, "查找商品", true},
		{"pinyin initials", func(*desk) string { return "dssl" }, 0, "查找商品", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDesk(t, fyne.NewSize(1024, 768))
			d.login(uitest.CashierID, uitest.CashierPIN)
			c := d.cashier()
			text := tc.text(d)
			d.clk.add(time.Second)
			d.typeAt(text, slow)
			if n := len(c.Session().Lines()); n != tc.lines {
				t.Errorf("%d basket lines, want %d", n, tc.lines)
			}
			if len(c.Session().Vouchers()) != 0 {
				t.Error("a typed code was applied without a manager")
			}
			got := d.dialogTexts()
			if (tc.dialog == "") != !ui.ModalOpen(d.win) || !strings.Contains(got, tc.dialog) {
				t.Fatalf("dialog %q, want one showing %q", got, tc.dialog)
			}
			if tc.query {
				q := all[*ui.SearchEntry](d.win.Canvas().Overlays().Top())
				if len(q) != 1 || q[0].Text != text {
					t.Errorf("search field %v, want %q", q, text)
				}
			}
		})
	}
}

// F9 after a sale whose receipt did not print gives the customer the first
// copy at once — not a reprint, no manager; once a copy has printed, F9 is
// a reprint and asks for the manager.
func TestF9PrintsTheFirstCopyWithoutManager(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	p := d.shell.Printer.(*uitest.Printer)
	p.SetErr(pos.Errorf(pos.EPRINTEROFFLINE, "printer gone"))
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	d.scan(d.ean(0))
	c.Complete()
	d.waitSales(1)
	if err := d.waitShown(); err == nil {
		t.Fatal("the print did not fail")
	}
	p.SetErr(nil)
	printed := make(chan error, 1)
	c.OnPrinted = func(err error) { printed <- err }
	d.key(fyne.KeyF9)
	if ui.ModalOpen(d.win) {
		t.Fatalf("F9 asked for a manager for the first copy: %s", d.dialogTexts())
	}
	if err := outcome(t, printed, "the first copy"); err != nil {
		t.Fatalf("first copy: %v", err)
	}
	if cs := p.Copies(); len(cs) != 1 || cs[0].Reprint {
		t.Fatalf("printed %d copies, want the first copy, not marked 重印", len(cs))
	}
	d.clk.add(time.Second)
	d.key(fyne.KeyF9)
	if txt := d.dialogTexts(); !strings.Contains(txt, "补打小票") {
		t.Fatalf("F9 after a printed copy: dialog %q, want the manager's reprint", txt)
	}
}

// A voucher scanned while the product search (F2) or the cash dialog (实收,
// F12) is open closes it and goes to the sale as a scan — not into a search
// that finds nothing or a keypad in error; typed there by hand it is manual
// entry (a manager). No sale is recorded on the way.
func TestVoucherScannedIntoADialog(t *testing.T) {
	for _, tc := range []struct {
		name     string
		key      fyne.KeyName
		gap      time.Duration
		vouchers int
		dialog   string
		lf       bool // the scanner ends with a linefeed (a key Fyne cannot name)
	}{
		{"search, wedge scan", fyne.KeyF2, 2 * time.Millisecond, 1, "", false},
		{"search, wedge scan with LF suffix", fyne.KeyF2, 2 * time.Millisecond, 1, "", true},
		{"search, typed by hand", fyne.KeyF2, 150 * time.Millisecond, 0, "手工输入券码", false},
		{"cash, wedge scan", fyne.KeyF12, 2 * time.Millisecond, 1, "", false},
		{"cash, wedge scan with LF suffix", fyne.KeyF12, 2 * time.Millisecond, 1, "", true},
		{"cash, typed by hand", fyne.KeyF12, 150 * time.Millisecond, 0, "手工输入券码", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDesk(t, fyne.NewSize(1024, 768))
			d.login(uitest.CashierID, uitest.CashierPIN)
			c := d.cashier()
			d.scan(d.ean(0))
			d.clk.add(time.Second)
			d.key(tc.key)
			f := d.win.Canvas().Focused()
			switch f.(type) {
			case *ui.SearchEntry, *ui.Keypad:
			default:
				t.Fatalf("%s focused %T, want the dialog's field", tc.key, f)
			}
			code := d.dep.Issue(pos.Yuan(5), "member-dlg")
			if tc.lf {
				for _, r := range code {
					d.clk.add(tc.gap)
					f.TypedRune(r)
				}
				d.clk.add(tc.gap)
				f.TypedKey(&fyne.KeyEvent{Name: ""})
			} else {
				d.typeInto(f, code, tc.gap)
			}
			if n := len(c.Session().Vouchers()); n != tc.vouchers {
				t.Errorf("%d vouchers in the sale, want %d (banner %q)", n, tc.vouchers, c.Banner.Reason())
			}
			got := d.dialogTexts()
			if (tc.dialog == "") != !ui.ModalOpen(d.win) || !strings.Contains(got, tc.dialog) {
				t.Errorf("dialog %q, want one showing %q", got, tc.dialog)
			}
			if n := len(d.store.committed()); n != 0 {
				t.Errorf("%d sales recorded, want none", n)
			}
		})
	}
}

// Product tiles fill the width of their pane: two columns at 800×600, where
// fixed-width tiles left one and a gap, three at 1024×768, at most four
// (wider tiles, not more truncated names) at 1920×1080.
func TestProductTilesFillTheRow(t *testing.T) {
	for _, tc := range []struct {
		size fyne.Size
		cols int
	}{{fyne.NewSize(800, 600), 2}, {fyne.NewSize(1024, 768), 3}, {fyne.NewSize(1920, 1080), 4}} {
		d := newDesk(t, tc.size)
		d.login(uitest.CashierID, uitest.CashierPIN)
		xs := map[float32]bool{}
		for _, b := range all[*widget.Button](d.win.Content()) {
			if b.Text == "" && b.Icon == nil && b.Size().Height == 76 {
				xs[fyne.CurrentApp().Driver().AbsolutePositionForObject(b).X] = true
			}
		}
		if len(xs) != tc.cols {
			t.Errorf("%s: product tiles in %d columns, want %d", sizeName(tc.size), len(xs), tc.cols)
		}
	}
}

// A scan made while the held list is open takes no basket (its first
// digit used to take that row) and is told as not taken; a digit typed
// alone still takes its row once no key follows it.
func TestHeldListScanTakesNoBasket(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	var later []func()
	d.shell.Router().AfterFunc = func(_ time.Duration, f func()) { later = append(later, f) }
	runLater := func() {
		fs := later
		later = nil
		for _, f := range fs {
			f()
		}
	}
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	for i := 0; i < 2; i++ {
		d.clk.add(time.Second)
		d.scan(d.ean(i))
		d.clk.add(time.Second)
		d.key(fyne.KeyF5)
	}
	d.clk.add(time.Second)
	d.key(fyne.KeyF6)
	if !ui.ModalOpen(d.win) {
		t.Fatal("F6 opened no held list")
	}
	d.clk.add(time.Second)
	d.scan("1" + d.ean(2)[1:]) // starts with a digit that names a row
	d.clk.add(time.Second)
	runLater()
	if !ui.ModalOpen(d.win) || !c.Session().Empty() {
		t.Fatalf("a scan into the held list took a basket: open %v, %d lines", ui.ModalOpen(d.win), len(c.Session().Lines()))
	}
	if held, _ := d.store.HeldSales(); len(held) != 2 {
		t.Fatalf("%d held after the scan, want 2", len(held))
	}
	if h := c.Banner.Headline(); h != "扫码未处理" {
		t.Errorf("banner %q after a scan into the held list, want 扫码未处理", h)
	}
	d.clk.add(time.Second)
	d.rune('2')
	if !ui.ModalOpen(d.win) {
		t.Fatal("the digit took its row before the time a scan's next key needs")
	}
	d.clk.add(300 * time.Millisecond)
	runLater()
	if ui.ModalOpen(d.win) {
		t.Fatal("the digit 2 typed alone took no row")
	}
	if ls := c.Session().Lines(); len(ls) != 1 || ls[0].SKU != d.sku(1) {
		t.Fatalf("resumed %+v, want the second basket", ls)
	}
}

// Keys a person types while a confirm dialog is open reach nothing; the
// Enter that ends them does not answer the dialog (it used to clear the
// basket), and the banner says so. The next Enter confirms.
func TestTypingUnderDialogConfirmsNothing(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	d.scan(d.ean(0))
	d.clk.add(time.Second)
	d.key(fyne.KeyEscape)
	if !ui.ModalOpen(d.win) {
		t.Fatal("Esc opened no cancel dialog")
	}
	d.clk.add(time.Second)
	d.typeAt(d.ean(1), 150*time.Millisecond)
	if !ui.ModalOpen(d.win) || len(c.Session().Lines()) != 1 {
		t.Fatalf("typing and Enter under the cancel dialog: open %v, %d lines", ui.ModalOpen(d.win), len(c.Session().Lines()))
	}
	if h, r := c.Banner.Headline(), c.Banner.Reason(); h != "输入未处理" || !strings.Contains(r, "回车") {
		t.Errorf("banner %q / %q, want 输入未处理 and why", h, r)
	}
	d.enter()
	if ui.ModalOpen(d.win) || !c.Session().Empty() {
		t.Fatalf("the next Enter did not confirm: open %v, %d lines", ui.ModalOpen(d.win), len(c.Session().Lines()))
	}
}

// The basket the lock keeps is parked durably for its cashier (a restart
// keeps it; the login screen says whose it is) and checked again when the
// cashier is back: a voucher spent meanwhile at another login is dropped
// and said in amber, not shown as still applied.
func TestLockedBasketCheckedAgain(t *testing.T) {
	d := newDesk(t, fyne.NewSize(1024, 768))
	d.login(uitest.CashierID, uitest.CashierPIN)
	code := d.dep.Issue(pos.Yuan(10), "member-lock")
	d.scan(d.ean(0))
	d.clk.add(time.Second)
	d.scan(code)
	if n := len(d.cashier().Session().Vouchers()); n != 1 {
		t.Fatalf("%d vouchers applied before the lock", n)
	}
	d.clk.add(6 * time.Minute)
	d.shell.CheckIdle(d.clk.now())
	l := d.shell.Login()
	if l == nil {
		t.Fatal("not locked")
	}
	if l.Waiting == nil || !strings.Contains(l.Waiting.Text, "王芳") {
		t.Errorf("login screen does not say whose basket waits: %v", l.Waiting)
	}
	held, err := d.store.HeldSales()
	if err != nil || len(held) != 1 || !held[0].Locked || held[0].Cashier != uitest.CashierID || len(held[0].Codes) != 1 {
		t.Fatalf("basket not parked for its cashier: %+v %v", held, err)
	}

	d.login(uitest.ManagerID, uitest.ManagerPIN) // a cashier screen here
	m := d.cashier()
	if !m.Session().Empty() {
		t.Fatal("another user got the parked basket")
	}
	d.scan(d.ean(1))
	d.clk.add(time.Second)
	d.scan(code)
	m.Complete()
	d.waitSales(1)
	d.waitShown()
	d.enter()
	d.key(fyne.KeyF4)

	d.login(uitest.CashierID, uitest.CashierPIN)
	c := d.cashier()
	if n, v := len(c.Session().Lines()), len(c.Session().Vouchers()); n != 1 || v != 0 {
		t.Fatalf("basket back with %d lines, %d vouchers; want 1 line, the spent voucher dropped", n, v)
	}
	if h := c.Banner.Headline(); !strings.Contains(h, "锁屏前的购物篮") || !strings.Contains(h, "1 项已失效") || c.Banner.Color() != color.Color(ui.ColorWarn) {
		t.Errorf("banner %q (%v), want the basket back in amber with one item dropped", h, c.Banner.Color())
	}
	if left, _ := d.store.HeldSales(); len(left) != 0 {
		t.Errorf("%d still parked after the cashier took the basket back", len(left))
	}
}
