package ui

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// Fyne dialogs do not block the window's canvas key handlers (DESIGN §7):
// with a dialog open, F12 or a scan would still act on the screen below.
// Every dialog of the app is therefore shown through ShowModal, which keeps
// a per-window stack of open dialogs; the window's key router (input.go)
// checks ModalOpen and sends only Esc and Enter to the top dialog.

type modal struct {
	key     string
	d       dialog.Dialog
	onEnter func()
}

var modals = struct {
	sync.Mutex
	open map[fyne.Window][]*modal
}{open: map[fyne.Window][]*modal{}}

// ShowModal shows d in win unless a dialog with the same key is already open
// there (then it does nothing and returns false). While it is open the
// window's key router does nothing to the screen below; Esc dismisses the
// top dialog and Return/Enter calls onEnter (nil: Enter does nothing).
func ShowModal(win fyne.Window, key string, d dialog.Dialog, onEnter func()) bool {
	modals.Lock()
	for _, m := range modals.open[win] {
		if m.key == key {
			modals.Unlock()
			return false
		}
	}
	m := &modal{key: key, d: d, onEnter: onEnter}
	modals.open[win] = append(modals.open[win], m)
	modals.Unlock()
	d.SetOnClosed(func() { closeModal(win, m) })
	if win != nil {
		win.Canvas().Unfocus()
	}
	d.Show()
	return true
}

func closeModal(win fyne.Window, m *modal) {
	modals.Lock()
	defer modals.Unlock()
	list := modals.open[win]
	for i, x := range list {
		if x == m {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(modals.open, win)
	} else {
		modals.open[win] = list
	}
}

// ModalOpen reports whether a dialog shown with ShowModal (or any overlay)
// is open in win.
func ModalOpen(win fyne.Window) bool {
	if win == nil {
		return false
	}
	modals.Lock()
	n := len(modals.open[win])
	modals.Unlock()
	return n > 0 || win.Canvas().Overlays().Top() != nil
}

// modalOpenKey reports whether a dialog with key is open in win.
func modalOpenKey(win fyne.Window, key string) bool {
	modals.Lock()
	defer modals.Unlock()
	for _, m := range modals.open[win] {
		if m.key == key {
			return true
		}
	}
	return false
}

// DialogKey gives Esc or Return/Enter to the top dialog of win: Esc
// dismisses it, Enter calls its onEnter. It reports whether a dialog took
// the key (false when no ShowModal dialog is open or the key is another).
func DialogKey(win fyne.Window, name fyne.KeyName) bool {
	top := topModal(win)
	if top == nil {
		return false
	}
	switch name {
	case fyne.KeyEscape:
		top.d.Dismiss()
		return true
	case fyne.KeyReturn, fyne.KeyEnter:
		if top.onEnter != nil {
			top.onEnter()
		}
		return true
	}
	return false
}

// topModal returns the dialog of win shown last with ShowModal and still
// open, or nil.
func topModal(win fyne.Window) *modal {
	modals.Lock()
	defer modals.Unlock()
	if list := modals.open[win]; len(list) > 0 {
		return list[len(list)-1]
	}
	return nil
}

// CloseModals dismisses every ShowModal dialog of win (the screen locks).
func CloseModals(win fyne.Window) {
	for {
		top := topModal(win)
		if top == nil {
			return
		}
		top.d.Dismiss()
		closeModal(win, top) // in case the dialog was already hidden
	}
}

// Confirm asks a yes/no question in win with our own 是/否 buttons (Fyne's
// translation says "不"). Enter confirms, Esc says no. It returns false when
// a dialog with key is already open.
func Confirm(tr Tr, win fyne.Window, key, title, message string, onYes func()) bool {
	if modalOpenKey(win, key) {
		return false
	}
	d := dialog.NewConfirm(title, message, func(ok bool) {
		if ok && onYes != nil {
			onYes()
		}
	}, win)
	d.SetConfirmText(tr.T("ui.yes"))
	d.SetDismissText(tr.T("ui.no"))
	return ShowModal(win, key, d, d.Confirm)
}

// FormModal shows a form dialog with key and our own 确定/取消 buttons.
// Enter or 确定 calls submit: it returns "" to close the dialog, or a
// message to show in the dialog, which stays open (a wrong PIN). Esc or
// 取消 closes it. It returns the dialog, or nil when one with key is
// already open.
func FormModal(tr Tr, win fyne.Window, key, title string, items []*widget.FormItem, submit func() string) dialog.Dialog {
	if modalOpenKey(win, key) {
		return nil
	}
	msg := widget.NewLabel("")
	msg.Importance = widget.DangerImportance
	msg.Wrapping = fyne.TextWrapWord
	msg.Hide()
	form := widget.NewForm(items...)
	d := dialog.NewCustomWithoutButtons(title, container.NewVBox(form, msg), win)
	var busy bool
	ok := func() {
		if busy {
			return
		}
		busy = true
		defer func() { busy = false }()
		if m := submit(); m != "" {
			msg.SetText(m)
			msg.Show()
			return
		}
		d.Hide()
	}
	okBtn := widget.NewButton(tr.T("ui.ok")+"  [Enter]", ok)
	okBtn.Importance = widget.HighImportance
	cancel := widget.NewButton(tr.T("ui.cashier.cancel")+"  [Esc]", d.Hide)
	d.SetButtons([]fyne.CanvasObject{cancel, okBtn})
	d.Resize(fyne.NewSize(480, d.MinSize().Height))
	if !ShowModal(win, key, d, ok) {
		return nil
	}
	return d
}

// approval returns the manager id and PIN entries every approval dialog
// asks for, and their form items; id starts as who ("" shows a hint).
func approval(tr Tr, win fyne.Window, who string) (id, pin *KeyEntry, items []*widget.FormItem) {
	id = NewKeyEntry(win)
	id.SetPlaceHolder(tr.T("ui.login.user"))
	id.SetText(who)
	pin = NewKeyEntry(win)
	pin.Password = true
	pin.SetPlaceHolder(tr.T("ui.login.pin"))
	return id, pin, []*widget.FormItem{
		widget.NewFormItem(tr.T("ui.login.manager"), id),
		widget.NewFormItem(tr.T("ui.login.pin"), pin),
	}
}

// ManagerPIN asks for a manager's id and PIN, then calls f with them. Enter
// confirms, Esc cancels; a second request while one is open is ignored.
func ManagerPIN(tr Tr, win fyne.Window, title string, f func(id, pin string)) {
	id, pin, items := approval(tr, win, "")
	d := FormModal(tr, win, "manager-pin:"+title, title, items, func() string {
		if id.Text == "" {
			return tr.T("ui.login.pick_user")
		}
		f(id.Text, pin.Text)
		return ""
	})
	if d != nil && win != nil {
		win.Canvas().Focus(id)
	}
}

// KeyEntry is an Entry that lives with the window's KeyRouter (DESIGN §7:
// a focused Entry gets every key, so the router would see none). By
// default it keeps its text and gives Esc and Return/Enter to the router,
// so in a dialog Esc cancels and Enter confirms while typing in a field.
// With Observe, the router also gets a copy of every rune and every key
// that is not an editing key (the login PIN: a scan typed into it is told
// from a person by the wedge framer). With Forward, every rune and key
// goes to the router and none to the entry (an entry on the cashier
// screen that must not steal scans).
type KeyEntry struct {
	widget.Entry
	win     fyne.Window
	Observe bool
	Forward bool
}

// NewKeyEntry returns an entry in win.
func NewKeyEntry(win fyne.Window) *KeyEntry {
	e := &KeyEntry{win: win}
	e.ExtendBaseWidget(e)
	return e
}

// NewPasswordKeyEntry returns a password entry in win.
func NewPasswordKeyEntry(win fyne.Window) *KeyEntry {
	e := NewKeyEntry(win)
	e.Password = true
	return e
}

func (e *KeyEntry) router() *KeyRouter {
	if e.win == nil {
		return nil
	}
	return routerOf(e.win)
}

// TypedRune implements fyne.Focusable.
func (e *KeyEntry) TypedRune(ch rune) {
	r := e.router()
	switch {
	case e.Forward && r != nil:
		r.TypedRune(ch)
		return
	case e.Observe && r != nil:
		r.TypedRune(ch)
	case r != nil:
		r.NoteRune()
	}
	e.Entry.TypedRune(ch)
}

// TypedKey implements fyne.Focusable.
func (e *KeyEntry) TypedKey(k *fyne.KeyEvent) {
	r := e.router()
	if e.Forward && r != nil {
		r.TypedKey(k)
		return
	}
	editing := false
	switch k.Name {
	case fyne.KeyBackspace, fyne.KeyDelete, fyne.KeyLeft, fyne.KeyRight, fyne.KeyUp, fyne.KeyDown,
		fyne.KeyHome, fyne.KeyEnd, fyne.KeyTab:
		editing = true
	case fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter:
	default:
		editing = !e.Observe
	}
	if editing || e.MultiLine {
		e.Entry.TypedKey(k)
		return
	}
	if r != nil {
		r.TypedKey(k)
		return
	}
	if !DialogKey(e.win, k.Name) {
		e.Entry.TypedKey(k)
	}
}
