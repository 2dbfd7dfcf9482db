package ui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"fupinpos/pos"
)

// Shell owns the window's content: the login screen, then the screen of the
// logged-in user's role, back to login on lock or after IdleLock without
// input. Scans from the serial scanner are routed to whatever screen wants
// them.
type Shell struct {
	Tr      Tr
	Store   Store
	Printer Printer
	Win     fyne.Window
	Title   string
	// IdleLock locks the screen after this long without a scan or tap
	// (0 = never).
	IdleLock time.Duration
	// Manager and Technician build those screens; nil shows the cashier
	// screen to every role.
	Manager    func(u *pos.User, logout func()) fyne.CanvasObject
	Technician func(u *pos.User, logout func()) fyne.CanvasObject
	// OnCashierReady is called once the cashier screen is shown (the smoke
	// run's timing point).
	OnCashierReady func(*Cashier)

	mu      sync.Mutex
	cashier *Cashier
	scanTo  func(text string)
	status  Status
	last    time.Time
}

// ShowLogin shows the login screen. Call on the UI goroutine.
func (s *Shell) ShowLogin() {
	s.mu.Lock()
	s.cashier, s.scanTo = nil, nil
	s.mu.Unlock()
	l := NewLogin(s.Tr, s.Store, s.Title)
	l.OnLogin = s.Enter
	s.Win.Canvas().SetOnTypedKey(nil)
	s.Win.Canvas().SetOnTypedRune(nil)
	s.Win.SetContent(l.Content())
	s.Win.Canvas().Focus(l.PIN)
}

// Enter shows u's screen.
func (s *Shell) Enter(u *pos.User) {
	s.touch()
	switch {
	case u.Role == pos.RoleManager && s.Manager != nil:
		s.Win.SetContent(s.Manager(u, s.ShowLogin))
	case u.Role == pos.RoleTechnician && s.Technician != nil:
		s.Win.SetContent(s.Technician(u, s.ShowLogin))
	default:
		sess := NewSession(s.Store, s.Printer, u)
		c := NewCashier(s.Tr, sess, s.Store, s.Win)
		c.OnLogout = s.ShowLogin
		c.Shortcuts(s.Win.Canvas())
		s.mu.Lock()
		s.cashier = c
		s.scanTo = func(text string) { sess.Scan(text) }
		st := s.status
		s.mu.Unlock()
		c.Status.Set(st)
		s.Win.SetContent(c.Content())
		if s.OnCashierReady != nil {
			s.OnCashierReady(c)
		}
	}
}

// Cashier returns the cashier screen if it is shown.
func (s *Shell) Cashier() *Cashier { s.mu.Lock(); defer s.mu.Unlock(); return s.cashier }

// RouteScans sends scans to f (the technician's live scan test) until it is
// called with nil.
func (s *Shell) RouteScans(f func(string)) { s.mu.Lock(); s.scanTo = f; s.mu.Unlock() }

// Scan delivers a scan from the serial scanner; safe from any goroutine.
func (s *Shell) Scan(text string) {
	s.touch()
	s.mu.Lock()
	f := s.scanTo
	s.mu.Unlock()
	if f != nil {
		f(text)
	}
}

// SetStatus updates the status bar; safe from any goroutine.
func (s *Shell) SetStatus(st Status) {
	s.mu.Lock()
	s.status = st
	c := s.cashier
	s.mu.Unlock()
	if c != nil {
		fyne.Do(func() { c.Status.Set(st) })
	}
}

func (s *Shell) touch() { s.mu.Lock(); s.last = time.Now(); s.mu.Unlock() }

// CheckIdle locks the screen when IdleLock has passed since the last
// activity and the cashier's basket is empty; call it from a ticker.
func (s *Shell) CheckIdle(now time.Time) {
	s.mu.Lock()
	c, last := s.cashier, s.last
	s.mu.Unlock()
	if s.IdleLock <= 0 || c == nil || now.Sub(last) < s.IdleLock {
		return
	}
	if len(c.sess.Lines()) > 0 || len(c.sess.Vouchers()) > 0 {
		return
	}
	fyne.Do(s.ShowLogin)
}
