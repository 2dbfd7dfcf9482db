package ui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fupinpos/device/scanner"
	"fupinpos/pos"
)

// Shell owns the window's content: the login screen, then the screen of the
// logged-in user's role, back to login on lock or after IdleLock without
// input. It installs the window's one KeyRouter, so keyboard-wedge scans,
// F-keys and typing reach whatever screen is shown, and routes scans from
// the serial scanner the same way.
type Shell struct {
	Tr      Tr
	Store   Store
	Printer Printer
	Win     fyne.Window
	Title   string
	// IdleLock locks the screen after this long without a key, tap or scan
	// (0 = never).
	IdleLock time.Duration
	// Wedge tells keyboard-wedge scans from typing (scanner.ParseWedge of
	// pos.TerminalConfig.Wedge); zero is the defaults.
	Wedge scanner.WedgeConfig
	// Now is the clock (nil: time.Now); tests set it.
	Now func() time.Time
	// Manager and Technician build those screens; nil shows the cashier
	// screen to every role.
	Manager    func(u *pos.User, logout func()) Screen
	Technician func(u *pos.User, logout func()) Screen
	// OnCashierReady is called once the cashier screen is shown (the smoke
	// run's timing point).
	OnCashierReady func(*Cashier)
	// StatusNow, when set, reads the status bar's state; the shell calls
	// it after every sale so the upload queue it shows is never a sale
	// behind (the caller's ticker refreshes it otherwise).
	StatusNow func() Status

	mu       sync.Mutex
	router   *KeyRouter
	login    *Login
	cashier  *Cashier
	screen   Screen // the manager's or technician's screen, when shown
	user     *pos.User
	scanTo   func(text string)
	status   Status
	last     time.Time
	kept     map[string]*Session        // open baskets kept across a language switch, by cashier id
	lockKept map[string]pos.HeldSale    // open baskets the lock could not park, by cashier id
	wedged   bool                       // a wedge scan has been seen
	seen     map[fyne.CanvasObject]bool // widgets instrumented on the shown screen
	seenRoot fyne.CanvasObject
}

// Screen is the manager's or the technician's screen as the shell shows
// it.
type Screen interface {
	Content() fyne.CanvasObject
	// Notice tells the user something the screen did not act on (a scan
	// it takes none of, or one made with a dialog open).
	Notice(text string)
}

func (s *Shell) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Router returns the window's key router, installing it on first use.
func (s *Shell) Router() *KeyRouter {
	if s.router == nil {
		s.router = NewKeyRouter(s.Win, s.Wedge, s.now)
		s.router.OnInput = s.touch
		s.router.OnWedge = s.sawWedge
		s.router.OnBlocked = func(typed bool) {
			if typed {
				s.inputIgnored("ui.input.ignored", "ui.input.ignored_dialog")
				return
			}
			s.scanIgnored("ui.scan.ignored_dialog")
		}
		s.router.Install()
	}
	return s.router
}

// ShowLogin shows the login screen. Call on the UI goroutine.
func (s *Shell) ShowLogin() {
	s.touch()
	CloseModals(s.Win)
	s.mu.Lock()
	c, u := s.cashier, s.user
	s.cashier, s.screen, s.scanTo, s.user = nil, nil, nil, nil
	s.mu.Unlock()
	if c != nil && u != nil && !c.sess.Empty() {
		// Parked durably for its cashier (a restart keeps it), else kept
		// here; either way checked again when the cashier is back.
		if _, err := c.sess.HoldAtLock(); err != nil {
			s.mu.Lock()
			if s.lockKept == nil {
				s.lockKept = map[string]pos.HeldSale{}
			}
			s.lockKept[u.ID] = c.sess.Basket()
			s.mu.Unlock()
		}
	}
	l := NewLogin(s.Tr, s.Store, s.Title)
	l.OnLogin = s.Enter
	l.SetWindow(s.Win)
	l.ShowWaiting(s.waiting())
	s.mu.Lock()
	s.login = l
	s.mu.Unlock()
	s.Router().SetTarget(l.Target())
	s.Win.SetContent(l.Content())
	s.Win.Canvas().Focus(l.PIN)
}

// waiting returns the ids of the cashiers whose open basket the lock kept
// (parked in the store, or in memory when it could not be parked).
func (s *Shell) waiting() []string {
	var ids []string
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if held, err := s.Store.HeldSales(); err == nil {
		for _, h := range held {
			if h.Locked {
				add(h.Cashier)
			}
		}
	}
	s.mu.Lock()
	for id := range s.lockKept {
		add(id)
	}
	s.mu.Unlock()
	return ids
}

// Enter shows u's screen.
func (s *Shell) Enter(u *pos.User) {
	s.touch()
	r := s.Router()
	s.mu.Lock()
	s.user, s.login, s.cashier, s.screen = u, nil, nil, nil
	s.mu.Unlock()
	build := s.Manager
	if u.Role == pos.RoleTechnician {
		build = s.Technician
	}
	switch {
	case u.Role != pos.RoleCashier && build != nil:
		r.SetTarget(s.screenTarget(nil))
		scr := build(u, s.ShowLogin)
		s.mu.Lock()
		s.screen = scr
		s.mu.Unlock()
		s.Win.SetContent(scr.Content())
	default:
		s.mu.Lock()
		sess := s.kept[u.ID]
		delete(s.kept, u.ID)
		h, inMemory := s.lockKept[u.ID]
		delete(s.lockKept, u.ID)
		s.mu.Unlock()
		if sess == nil {
			sess = NewSession(s.Store, s.Printer, u)
		}
		var back bool
		var backErr error
		if inMemory {
			back, backErr = true, sess.Restore(h)
		} else {
			back, backErr = sess.ResumeLocked()
		}
		c := NewCashier(s.Tr, sess, s.Store, s.Win)
		if back {
			c.basketBack(backErr)
		}
		c.OnLogout = s.ShowLogin
		c.OnActivity = s.touch
		if s.StatusNow != nil {
			c.afterCommit = func() { go s.SetStatus(s.StatusNow()) }
		}
		s.mu.Lock()
		s.cashier = c
		s.scanTo = c.Scan
		st := s.status
		s.mu.Unlock()
		c.Status.Set(st)
		r.SetTarget(c.Target())
		s.Win.SetContent(c.Content())
		s.Win.Canvas().Unfocus()
		if s.OnCashierReady != nil {
			s.OnCashierReady(c)
		}
	}
	s.instrument()
}

// SetLanguage makes tr the language of the screens at once: the title
// follows it, and the screen shown is built again in it (the logged-in
// user's screen, with the cashier's open basket kept, or the login). The
// caller sets Fyne's own language first (SetLanguage in tr.go). Call on
// the UI goroutine.
func (s *Shell) SetLanguage(tr Tr) {
	s.mu.Lock()
	s.Tr, s.Title = tr, tr.T("ui.app.title")
	u, c := s.user, s.cashier
	if c != nil && u != nil && !c.sess.Empty() {
		if s.kept == nil {
			s.kept = map[string]*Session{}
		}
		s.kept[u.ID] = c.sess
	}
	s.mu.Unlock()
	if s.Win != nil {
		s.Win.SetTitle(s.Title)
	}
	CloseModals(s.Win)
	if u != nil {
		s.Enter(u)
		return
	}
	s.ShowLogin()
}

// SetWedge makes cfg the keyboard-wedge setting (scanner.ParseWedge of
// the saved one) at once: the router tells scans from typing by it from
// the next key, without a restart. Keys pending in the old framer are
// dropped. Call on the UI goroutine.
func (s *Shell) SetWedge(cfg scanner.WedgeConfig) {
	s.Wedge = cfg
	if s.router != nil {
		s.router.SetWedge(cfg)
	}
}

// Cashier returns the cashier screen if it is shown.
func (s *Shell) Cashier() *Cashier { s.mu.Lock(); defer s.mu.Unlock(); return s.cashier }

// Login returns the login screen if it is shown.
func (s *Shell) Login() *Login { s.mu.Lock(); defer s.mu.Unlock(); return s.login }

// RouteScans sends scans, from the serial scanner and the keyboard wedge,
// to f (the technician's live scan test) until it is called with nil.
func (s *Shell) RouteScans(f func(string)) {
	s.mu.Lock()
	s.scanTo = f
	s.mu.Unlock()
	s.Router().SetTarget(s.screenTarget(f))
}

// screenTarget is the keyboard input of the manager's and the
// technician's screens: F4 locks them as it locks the cashier's, and scans
// go to scan (nil: the screen says it takes no scans).
func (s *Shell) screenTarget(scan func(string)) Target {
	t := Target{Key: func(k fyne.KeyName) {
		if k == fyne.KeyF4 {
			s.ShowLogin()
		}
	}}
	t.Scan, t.Refused = scan, s.screenRefused
	if scan == nil {
		t.Scan = s.screenScan
	}
	return t
}

// ignoredText is the message line of a screen for input it took no
// action on: the headline ("扫码未处理") and why, both translation keys.
func ignoredText(tr Tr, head, why string) string {
	return tr.T(head) + tr.T("ui.scan.sep") + tr.T(why)
}

// ScanTaker is a screen that takes some scans itself (the manager's: a
// receipt's QR code opens its return); TakeScan reports whether it took
// text.
type ScanTaker interface {
	TakeScan(text string) bool
}

// screenScan gives a scan to the manager's or technician's screen when it
// takes scans of that kind (ScanTaker), and else says it takes none. Call
// on the UI goroutine.
func (s *Shell) screenScan(text string) {
	s.mu.Lock()
	scr := s.screen
	s.mu.Unlock()
	if st, ok := scr.(ScanTaker); ok && st.TakeScan(text) {
		return
	}
	s.scanIgnored("ui.scan.ignored_screen")
}

// screenRefused tells the manager or technician why a scan was refused
// (the technician's scan test shows the scans; this says what was not
// one), or that the screen takes no scans. Call on the UI goroutine.
func (s *Shell) screenRefused(err error) {
	s.mu.Lock()
	scr, f, tr := s.screen, s.scanTo, s.Tr
	s.mu.Unlock()
	switch {
	case f == nil:
		s.scanIgnored("ui.scan.ignored_screen")
	case scr != nil:
		scr.Notice(tr.Err(err))
	}
}

// scanIgnored tells the user that a scan did nothing, and why (the
// translation key of the reason): a red banner on the cashier's screen,
// the screen's message line on the others. A scan is never lost unseen.
// Call on the UI goroutine.
func (s *Shell) scanIgnored(why string) {
	if !s.inputIgnored("ui.scan.ignored", why) {
		s.mu.Lock()
		l := s.login
		s.mu.Unlock()
		if l != nil {
			l.ScanRefused() // 请先登录, as a scan at the login screen says
		}
	}
}

// inputIgnored shows headline head and reason why (translation keys) on
// the cashier's banner or the screen's message line, and reports whether
// a screen was there to show it.
func (s *Shell) inputIgnored(head, why string) bool {
	s.mu.Lock()
	c, scr, tr := s.cashier, s.screen, s.Tr
	s.mu.Unlock()
	switch {
	case c != nil:
		c.ScanIgnored(tr.T(head), tr.T(why))
	case scr != nil:
		scr.Notice(ignoredText(tr, head, why))
	default:
		return false
	}
	return true
}

// Scan delivers a scan from the serial scanner; safe from any goroutine.
func (s *Shell) Scan(text string) {
	s.touch()
	fyne.Do(func() {
		s.mu.Lock()
		f, l := s.scanTo, s.login
		s.mu.Unlock()
		switch {
		case l != nil:
			l.ScanRefused()
		case ModalOpen(s.Win):
			s.scanIgnored("ui.scan.ignored_dialog")
		case f != nil:
			f(text)
		default:
			s.screenScan(text)
		}
	})
}

// ScanRefused delivers a scan the serial scanner's framer refused, or
// bytes it had to drop, so the cashier sees why a scan did nothing: a red
// banner with the reason on the cashier screen, "please log in first" at
// login. Safe from any goroutine.
func (s *Shell) ScanRefused(err error) {
	s.touch()
	fyne.Do(func() {
		s.mu.Lock()
		c, l := s.cashier, s.login
		s.mu.Unlock()
		switch {
		case l != nil:
			l.ScanRefused()
		case ModalOpen(s.Win):
			s.scanIgnored("ui.scan.ignored_dialog")
		case c != nil:
			if f := c.Target().Refused; f != nil {
				f(err)
			}
		default:
			s.screenRefused(err)
		}
	})
}

// SetStatus updates the status bar; safe from any goroutine.
func (s *Shell) SetStatus(st Status) {
	s.mu.Lock()
	if s.wedged && (st.Scanner == "" || st.Scanner == "unknown") {
		st.Scanner = "wedge"
	}
	s.status = st
	c := s.cashier
	s.mu.Unlock()
	if c != nil {
		fyne.Do(func() { c.Status.Set(st) })
	}
}

// sawWedge marks the scanner as a keyboard wedge on the status bar.
func (s *Shell) sawWedge() {
	s.mu.Lock()
	seen := s.wedged
	s.wedged = true
	st := s.status
	s.mu.Unlock()
	if !seen {
		s.SetStatus(st)
	}
}

func (s *Shell) touch() { s.mu.Lock(); s.last = s.now(); s.mu.Unlock() }

// Touch counts as activity for the idle lock (a tap on a screen the Shell
// does not build).
func (s *Shell) Touch() { s.touch() }

// LastActivity is the time of the last key, tap or scan (zero before the
// first).
func (s *Shell) LastActivity() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// CheckIdle locks the screen when IdleLock has passed since the last key,
// tap or scan; call it from a ticker. Any screen but login locks. The
// message of a completed sale is never hidden: the lock waits until it is
// acknowledged. An open basket is kept for its cashier, who gets it back
// on the next login.
func (s *Shell) CheckIdle(now time.Time) {
	fyne.Do(func() {
		s.mu.Lock()
		c, last, u := s.cashier, s.last, s.user
		s.mu.Unlock()
		s.instrument()
		if s.IdleLock <= 0 || u == nil || now.Sub(last) < s.IdleLock {
			return
		}
		if c != nil && c.AwaitingAck() {
			return
		}
		s.ShowLogin()
	})
}

// instrument makes every button, select, radio and check of the shown
// screen count as activity for the idle lock and give the keyboard focus
// back to the router after a change (DESIGN §7: a focused widget takes
// every key). Widgets already instrumented are skipped.
func (s *Shell) instrument() {
	if s.Win == nil || s.Win.Content() == nil || s.Cashier() != nil {
		return // the cashier screen reports its own taps
	}
	if s.seen == nil || s.seenRoot != s.Win.Content() {
		s.seen, s.seenRoot = map[fyne.CanvasObject]bool{}, s.Win.Content()
	}
	instrumented := func(o fyne.CanvasObject) bool { return s.seen[o] }
	markInstrumented := func(o fyne.CanvasObject) { s.seen[o] = true }
	walk(s.Win.Content(), func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Button:
			if f := w.OnTapped; f != nil && !instrumented(w) {
				w.OnTapped = func() { s.touch(); f() }
				markInstrumented(w)
			}
		case *widget.Select:
			if !instrumented(w) {
				w.OnChanged = touchedOf(s, w.OnChanged)
				markInstrumented(w)
			}
		case *widget.RadioGroup:
			if !instrumented(w) {
				w.OnChanged = touchedOf(s, w.OnChanged)
				markInstrumented(w)
			}
		case *widget.Check:
			if !instrumented(w) {
				w.OnChanged = touchedOf(s, w.OnChanged)
				markInstrumented(w)
			}
		}
	})
}

// touchedOf wraps a choice widget's OnChanged: the choice counts as
// activity for the idle lock and gives the keyboard back to the router (a
// Select, RadioGroup or Check keeps focus after a tap, DESIGN §7).
func touchedOf[T any](s *Shell, f func(T)) func(T) {
	return func(v T) {
		s.touch()
		s.Win.Canvas().Unfocus()
		if f != nil {
			f(v)
		}
	}
}

// walk visits o and the objects it contains (containers, scrolls, splits,
// tabs; not the insides of other widgets).
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	f(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, x := range c.Objects {
			walk(x, f)
		}
	case *container.Scroll:
		walk(c.Content, f)
	case *container.Split:
		walk(c.Leading, f)
		walk(c.Trailing, f)
	case *container.AppTabs:
		for _, it := range c.Items {
			walk(it.Content, f)
		}
	case *container.DocTabs:
		for _, it := range c.Items {
			walk(it.Content, f)
		}
	case *widget.Form:
		for _, it := range c.Items {
			walk(it.Widget, f)
		}
	}
}
