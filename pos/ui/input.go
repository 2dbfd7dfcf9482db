package ui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"fupinpos/device/scanner"
)

// Target is what the current screen does with keyboard input. Nil fields
// drop that kind of input.
type Target struct {
	// Scan gets a keyboard-wedge scan (a fast burst ended by Enter).
	Scan func(text string)
	// Typed gets text a person typed and ended with Enter: too slow to be
	// a scanner, so never a scan (the cashier screen opens manual entry).
	Typed func(text string)
	// Refused gets a burst the wedge framer refused (partial, too long,
	// not ASCII).
	Refused func(err error)
	// Key gets every other key: F-keys, Esc, and Enter with nothing
	// typed before it.
	Key func(name fyne.KeyName)
}

// KeyRouter is a window's single keyboard input router. The Shell installs
// it once on the canvas; entries that must coexist with it (KeyEntry)
// forward to it. It feeds runes to a scanner.Wedge, which tells scans from
// typing, and routes scans, typed text and keys to the current screen's
// Target. While a dialog is open (ModalOpen) it does nothing to the screen:
// Esc dismisses the top dialog and Enter confirms it, except an Enter less
// than 50 ms after a rune (a scan's Enter must not confirm a dialog) and an
// Enter that ends keys typed meanwhile (they reached no entry: that Enter
// was meant for them, not for the dialog); a scan or typed text framed
// meanwhile goes to OnBlocked, so it is not lost unseen.
//
// A KeyRouter is used on the UI goroutine only.
type KeyRouter struct {
	win    fyne.Window
	now    func() time.Time
	wedge  *scanner.Wedge
	target Target
	last   time.Time // last rune
	timer  *time.Timer
	// OnInput is called on every key, rune and scan (the idle lock).
	OnInput func()
	// OnWedge is called when a wedge scan is recognised (the status bar).
	OnWedge func()
	// OnBlocked is called for a wedge scan (or a burst the framer refused),
	// or for text typed and ended with Enter (typed true), that arrived
	// while a dialog was open and so did nothing.
	OnBlocked func(typed bool)
	// AfterFunc schedules the wedge's timeouts; nil uses time.AfterFunc
	// with fyne.Do. Tests set it to a no-op and call Tick themselves.
	AfterFunc func(d time.Duration, f func())
}

// scanEnterGuard is how soon after a rune an Enter is taken as the end of
// a scan rather than a person confirming a dialog.
const scanEnterGuard = 50 * time.Millisecond

var routers = struct {
	sync.Mutex
	m map[fyne.Window]*KeyRouter
}{m: map[fyne.Window]*KeyRouter{}}

func routerOf(win fyne.Window) *KeyRouter {
	routers.Lock()
	defer routers.Unlock()
	return routers.m[win]
}

// NewKeyRouter returns the router of win with wedge settings cfg and clock
// now (nil: time.Now). It does not touch the canvas; see Install.
func NewKeyRouter(win fyne.Window, cfg scanner.WedgeConfig, now func() time.Time) *KeyRouter {
	if now == nil {
		now = time.Now
	}
	r := &KeyRouter{win: win, now: now, wedge: scanner.NewWedge(cfg)}
	if win != nil {
		routers.Lock()
		routers.m[win] = r
		routers.Unlock()
	}
	return r
}

// Install sets the canvas's rune and key handlers to the router.
func (r *KeyRouter) Install() {
	cv := r.win.Canvas()
	cv.SetOnTypedRune(r.TypedRune)
	cv.SetOnTypedKey(r.TypedKey)
}

// SetTarget makes t the screen that gets input and drops pending keys.
func (r *KeyRouter) SetTarget(t Target) { r.target = t; r.wedge.Reset() }

// SetWedge replaces the wedge framer by one with settings cfg; keys
// pending in the old one are dropped.
func (r *KeyRouter) SetWedge(cfg scanner.WedgeConfig) {
	if r.timer != nil {
		r.timer.Stop()
	}
	r.wedge = scanner.NewWedge(cfg)
}

// Wedge returns the router's wedge framer.
func (r *KeyRouter) Wedge() *scanner.Wedge { return r.wedge }

// NoteRune records a rune typed into a dialog's entry (for the Enter guard).
func (r *KeyRouter) NoteRune() { r.last = r.now(); r.activity() }

func (r *KeyRouter) activity() {
	if r.OnInput != nil {
		r.OnInput()
	}
}

func (r *KeyRouter) modal() bool { return ModalOpen(r.win) }

// TypedRune takes a typed character.
func (r *KeyRouter) TypedRune(ch rune) {
	now := r.now()
	r.last = now
	r.activity()
	r.deliver(r.wedge.TypeRune(ch, now))
	r.schedule()
}

// TypedKey takes a key press. Text comes from TypedRune: a key that also
// types a character is ignored here.
func (r *KeyRouter) TypedKey(k *fyne.KeyEvent) {
	now := r.now()
	r.activity()
	if r.modal() {
		switch k.Name {
		case fyne.KeyReturn, fyne.KeyEnter:
			// The Enter may end a scan, or keys a person typed, with
			// nothing focused: framed, they are told as blocked, and the
			// Enter confirms nothing.
			bs := r.wedge.TypeKey(scanner.KeyEnter, now)
			r.deliver(bs)
			if now.Sub(r.last) >= scanEnterGuard && len(bs) == 0 {
				DialogKey(r.win, k.Name)
			}
		case fyne.KeyEscape:
			r.wedge.Reset()
			DialogKey(r.win, k.Name)
		case fyne.KeyTab:
			r.deliver(r.wedge.TypeKey(scanner.KeyTab, now))
		case "":
			r.deliver(r.wedge.TypeKey(scanner.KeyUnnamed, now))
		default:
			if !printable(k.Name) && !modifier(k.Name) {
				r.wedge.Reset()
			}
		}
		return
	}
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyTab:
		key := scanner.KeyEnter
		if k.Name == fyne.KeyTab {
			key = scanner.KeyTab
		}
		pending := r.wedge.Pending()
		r.deliver(r.wedge.TypeKey(key, now))
		if !pending && k.Name != fyne.KeyTab && r.target.Key != nil {
			r.target.Key(k.Name)
		}
		return
	}
	if printable(k.Name) || k.Name == fyne.KeyBackspace || modifier(k.Name) {
		return
	}
	if k.Name == "" { // a key Fyne cannot name: X11's Linefeed, a scanner's LF suffix
		r.deliver(r.wedge.TypeKey(scanner.KeyUnnamed, now))
		return
	}
	r.deliver(r.wedge.TypeKey(scanner.KeyOther, now))
	if r.target.Key != nil {
		r.target.Key(k.Name)
	}
}

// printable reports whether the key also arrives as a rune.
func printable(n fyne.KeyName) bool {
	if len(n) == 1 {
		return true
	}
	return n == fyne.KeySpace
}

// modifier reports whether the key is a modifier (a scanner presses Shift
// for letters): it neither ends nor breaks what is being typed.
func modifier(n fyne.KeyName) bool {
	switch n {
	case desktop.KeyShiftLeft, desktop.KeyShiftRight, desktop.KeyControlLeft, desktop.KeyControlRight,
		desktop.KeyAltLeft, desktop.KeyAltRight, desktop.KeySuperLeft, desktop.KeySuperRight, desktop.KeyCapsLock, desktop.KeyMenu:
		return true
	}
	return false
}

// Tick ends what the wedge has pending once its time runs out.
func (r *KeyRouter) Tick() { r.deliver(r.wedge.Tick(r.now())) }

// after calls f on the UI goroutine d from now (through AfterFunc when
// set).
func (r *KeyRouter) after(d time.Duration, f func()) {
	if r.AfterFunc != nil {
		r.AfterFunc(d, f)
		return
	}
	time.AfterFunc(d, func() { fyne.Do(f) })
}

func (r *KeyRouter) schedule() {
	dl, ok := r.wedge.Deadline()
	if !ok {
		return
	}
	d := dl.Sub(r.now())
	if r.AfterFunc != nil {
		r.AfterFunc(d, r.Tick)
		return
	}
	if r.timer != nil {
		r.timer.Stop()
	}
	r.timer = time.AfterFunc(d, func() { fyne.Do(r.Tick) })
}

// scanned reports whether bs holds a scan, or a burst the framer refused
// as one (not typing).
func scanned(bs []scanner.Burst) bool {
	for _, b := range bs {
		if !b.Typed {
			return true
		}
	}
	return false
}

// deliver gives framed bursts to the target, or, while a dialog is open,
// says that a scan or typed text did nothing (it reached no entry).
func (r *KeyRouter) deliver(bs []scanner.Burst) {
	if len(bs) > 0 && r.modal() {
		if r.OnBlocked != nil {
			r.OnBlocked(!scanned(bs))
		}
		return
	}
	for _, b := range bs {
		switch {
		case b.Err != nil:
			if r.target.Refused != nil {
				r.target.Refused(b.Err)
			}
		case b.Typed:
			if r.target.Typed != nil {
				r.target.Typed(b.Text)
			}
		default:
			if r.OnWedge != nil {
				r.OnWedge()
			}
			if r.target.Scan != nil {
				r.target.Scan(b.Text)
			}
		}
	}
}
