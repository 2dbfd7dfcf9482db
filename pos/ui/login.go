package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos"
)

// Login is the PIN login screen: pick your name, type the PIN on the pad
// (or the keyboard), Enter. The store logs every attempt and locks an
// account after repeated failures.
type Login struct {
	tr      Tr
	store   Store
	win     fyne.Window
	User    *UserSelect
	PIN     *KeyEntry
	Message *widget.Label
	// Unlock opens the manager's unlock dialog.
	Unlock *widget.Button
	// Back is the PIN pad's backspace key (BackspaceIcon).
	Back  *widget.Button
	ids   []string
	names []string
	root  fyne.CanvasObject
	form  *fyne.Container
	// Waiting names the cashiers whose basket the lock parked (ShowWaiting).
	Waiting *widget.Label
	// OnLogin receives the logged-in user.
	OnLogin func(*pos.User)
}

// NewLogin builds the login screen from the store's users.
func NewLogin(tr Tr, store Store, title string) *Login {
	l := &Login{tr: tr, store: store, Message: widget.NewLabel("")}
	users, err := store.Users()
	var names []string
	for _, u := range users {
		if u.Disabled {
			continue
		}
		l.ids = append(l.ids, u.ID)
		// The id comes first: two cashiers may share a name (王芳), and
		// the placeholder asks for 工号 / 姓名.
		names = append(names, u.ID+"  "+u.Name+" ("+tr.T("ui.role."+string(u.Role))+")")
	}
	l.names = names
	l.User = newUserSelect(l, names)
	l.User.PlaceHolder = tr.T("ui.login.user")
	if err != nil {
		l.Message.SetText(tr.Err(err))
	}
	l.PIN = NewPasswordKeyEntry(nil)
	l.PIN.SetPlaceHolder(tr.T("ui.login.pin"))
	l.PIN.OnSubmitted = func(string) { l.Submit() }
	pad := container.NewGridWithColumns(3)
	for _, k := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", KeypadBack, "0", KeypadOK} {
		text := k
		switch k {
		case KeypadBack:
			text = ""
		case KeypadOK:
			text = tr.T("ui.ok")
		}
		b := widget.NewButton(text, func() {
			switch k {
			case KeypadBack:
				if n := len(l.PIN.Text); n > 0 {
					l.PIN.SetText(l.PIN.Text[:n-1])
				}
			case KeypadOK:
				l.Submit()
			default:
				l.PIN.SetText(l.PIN.Text + k)
			}
		})
		switch k {
		case KeypadOK:
			b.Importance = widget.HighImportance
		case KeypadBack:
			b.SetIcon(BackspaceIcon)
			l.Back = b
		}
		pad.Add(b)
	}
	t := canvas.NewText(title, ColorIdle)
	t.TextSize = 32
	t.TextStyle.Bold = true
	t.Alignment = fyne.TextAlignCenter
	l.Message.Importance = widget.DangerImportance
	l.Message.Alignment = fyne.TextAlignCenter
	l.Message.Wrapping = fyne.TextWrapWord
	l.Unlock = widget.NewButton(tr.T("ui.login.unlock"), l.ShowUnlock)
	l.form = container.NewVBox(t, widget.NewLabelWithStyle(tr.T("ui.login.title"), fyne.TextAlignCenter, fyne.TextStyle{}),
		l.User, l.PIN, container.NewCenter(container.NewGridWrap(fyne.NewSize(360, 240), pad)), l.Message, l.Unlock)
	l.root = container.NewCenter(container.NewVBox(l.form, layout.NewSpacer()))
	return l
}

// ShowWaiting says under the form whose open basket the screen lock kept
// (cashier ids), so the cashier knows it waits for their login.
func (l *Login) ShowWaiting(ids []string) {
	if len(ids) == 0 {
		return
	}
	users, _ := l.store.Users()
	var names []string
	for _, id := range ids {
		name := id
		for _, u := range users {
			if u.ID == id {
				name = u.Name + " " + id
			}
		}
		names = append(names, name)
	}
	if l.Waiting == nil {
		l.Waiting = widget.NewLabel("")
		l.Waiting.Alignment = fyne.TextAlignCenter
		l.Waiting.Wrapping = fyne.TextWrapWord
		l.form.Add(l.Waiting)
	}
	l.Waiting.SetText(l.tr.T("ui.login.waiting", "names", strings.Join(names, "、")))
}

// SetWindow puts the screen in win: the unlock dialog opens there and the
// PIN entry shows its keys to win's KeyRouter, so a scan typed into it is
// recognised as a scan (not a PIN attempt).
func (l *Login) SetWindow(win fyne.Window) {
	l.win = win
	l.PIN.win = win
	l.PIN.Observe = true
}

// Target is the login screen's keyboard input: a scan says "please log in
// first" and is never a PIN attempt; Enter after typing submits the PIN.
func (l *Login) Target() Target {
	return Target{
		Scan:    l.scan,
		Refused: func(error) { l.ScanRefused() },
		Typed: func(text string) {
			// Typed with nothing focused (a tap beside the fields): the
			// text is what the PIN field would have taken — a 工号 with no
			// user picked, else a PIN; anything that cannot be a PIN (a
			// code from a slow scanner) is no PIN try.
			if l.User.SelectedIndex() >= 0 && !isPIN(text) {
				l.ScanRefused()
				return
			}
			l.PIN.SetText(text)
			l.Submit()
		},
		Key: func(k fyne.KeyName) {
			if k == fyne.KeyReturn || k == fyne.KeyEnter {
				l.Submit()
			}
		},
	}
}

func (l *Login) focusPIN() {
	if l.win != nil {
		l.win.Canvas().Focus(l.PIN)
	}
}

// UserSelect is the login's list of users. Focused (after a tap on it, or
// Esc on its open list) it still takes the keyboard: digits pick the user
// whose 工号 they spell, and once a user is picked, digits and Enter go to
// the PIN, so a PIN typed there is never lost.
type UserSelect struct {
	widget.Select
	l     *Login
	typed string // digits typed towards a 工号
}

func newUserSelect(l *Login, names []string) *UserSelect {
	s := &UserSelect{l: l}
	s.Options = names
	s.OnChanged = func(string) { s.typed = ""; l.focusPIN() }
	s.ExtendBaseWidget(s)
	return s
}

// TypedRune implements fyne.Focusable.
func (s *UserSelect) TypedRune(r rune) {
	if s.SelectedIndex() >= 0 {
		s.l.focusPIN()
		s.l.PIN.TypedRune(r)
		return
	}
	s.typed += string(r)
	if !s.l.idPrefix(s.typed) {
		s.typed = string(r) // a new start
		if !s.l.idPrefix(s.typed) {
			s.typed = ""
			return
		}
	}
	s.l.Select(s.typed) // selects only on a whole id
}

// TypedKey implements fyne.Focusable: Enter goes on to the PIN (or asks
// for a user), Backspace restarts the 工号; the list's own keys otherwise.
func (s *UserSelect) TypedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if s.SelectedIndex() >= 0 {
			s.l.focusPIN()
		} else {
			s.l.Message.SetText(s.l.tr.T("ui.login.pick_user"))
		}
	case fyne.KeyBackspace:
		s.typed = ""
	default:
		s.Select.TypedKey(e)
	}
}

// idPrefix reports whether some user's id starts with p.
func (l *Login) idPrefix(p string) bool {
	for _, id := range l.ids {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

// Content returns the screen's root object.
func (l *Login) Content() fyne.CanvasObject { return l.root }

// Select picks the user with id (tests, and the last user by default).
func (l *Login) Select(id string) {
	for i, x := range l.ids {
		if x == id {
			l.User.SetSelectedIndex(i)
		}
	}
}

// Submit checks the PIN of the selected user.
func (l *Login) Submit() {
	i := l.User.SelectedIndex()
	if i < 0 {
		// With no user picked, what was typed is the 工号: pick that user
		// and ask for the PIN (a keyboard-only login: 工号, Enter, PIN, Enter).
		if id := l.PIN.Text; id != "" && l.idPrefix(id) {
			l.Select(id)
		}
		l.PIN.SetText("")
		if l.User.SelectedIndex() < 0 {
			l.Message.SetText(l.tr.T("ui.login.pick_user"))
		} else {
			l.Message.SetText("")
			l.focusPIN()
		}
		return
	}
	if l.PIN.Text == "" {
		l.focusPIN()
		return
	}
	u, err := l.store.Login(l.ids[i], l.PIN.Text)
	l.PIN.SetText("")
	if err != nil {
		l.Message.SetText(l.loginError(err))
		return
	}
	l.Message.SetText("")
	if l.OnLogin != nil {
		l.OnLogin(u)
	}
}

// loginError says why a login failed: a wrong PIN with the tries left, a
// lockout with its end.
func (l *Login) loginError(err error) string {
	p := pos.ErrorParams(err)
	switch pos.ErrorCode(err) {
	case pos.ELOCKED:
		if p["until"] != "" {
			return l.tr.T("ui.login.locked_until", "until", p["until"])
		}
	case pos.EBADPIN:
		if n := p["remaining"]; n != "" {
			return l.tr.T("ui.login.remaining", "err", l.tr.Err(err), "n", n)
		}
	}
	return l.tr.Err(err)
}

// scan takes a burst the router judged to come from a scanner. A code or
// a product barcode is refused; a short run of digits is a PIN typed by
// someone quick at the keys (or by a tool), and is submitted as one, since
// no scanner label at a counter looks like a 4–12 digit PIN.
func (l *Login) scan(text string) {
	if !isPIN(text) {
		l.ScanRefused()
		return
	}
	if l.PIN.Text == "" {
		l.PIN.SetText(text)
	}
	l.Submit()
}

// isPIN reports whether text has the form of a PIN: 4–12 digits.
func isPIN(text string) bool {
	pin := len(text) >= pos.MinPINLength && len(text) <= pos.MaxPINLength
	for _, r := range text {
		pin = pin && r >= '0' && r <= '9'
	}
	return pin
}

// ScanRefused answers a scan at the login screen: please log in first. It
// is not a PIN attempt.
func (l *Login) ScanRefused() {
	l.PIN.SetText("")
	l.Message.SetText(l.tr.T("ui.login.scan_first"))
}

// ShowUnlock opens the manager's unlock dialog: the user to unlock (the
// selected one by default), the manager's id and PIN.
func (l *Login) ShowUnlock() {
	if l.win == nil {
		return
	}
	user := widget.NewSelect(l.names, nil)
	user.OnChanged = func(string) { l.win.Canvas().Unfocus() }
	if i := l.User.SelectedIndex(); i >= 0 {
		user.SetSelectedIndex(i)
	}
	id, pin, items := approval(l.tr, l.win, "")
	items = append([]*widget.FormItem{widget.NewFormItem(l.tr.T("ui.login.unlock_user"), user)}, items...)
	d := FormModal(l.tr, l.win, "login.unlock", l.tr.T("ui.login.unlock"), items, func() string {
		i := user.SelectedIndex()
		if i < 0 {
			return l.tr.T("ui.login.pick_user")
		}
		if err := l.store.Unlock(l.ids[i], id.Text, pin.Text); err != nil {
			pin.SetText("")
			return l.tr.Err(err)
		}
		l.Message.SetText(l.tr.T("ui.login.unlocked", "user", l.names[i]))
		return ""
	})
	if d != nil {
		l.win.Canvas().Focus(id)
	}
}
