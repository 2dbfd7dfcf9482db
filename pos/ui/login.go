package ui

import (
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
	User    *widget.Select
	PIN     *widget.Entry
	Message *widget.Label
	ids     []string
	root    fyne.CanvasObject
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
		names = append(names, u.Name+" ("+tr.T("ui.role."+string(u.Role))+")")
	}
	l.User = widget.NewSelect(names, nil)
	l.User.PlaceHolder = tr.T("ui.login.user")
	if err != nil {
		l.Message.SetText(tr.Err(err))
	}
	l.PIN = widget.NewPasswordEntry()
	l.PIN.SetPlaceHolder(tr.T("ui.login.pin"))
	l.PIN.OnSubmitted = func(string) { l.Submit() }
	pad := container.NewGridWithColumns(3)
	for _, k := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"} {
		k := k
		b := widget.NewButton(k, func() {
			switch k {
			case "⌫":
				if n := len(l.PIN.Text); n > 0 {
					l.PIN.SetText(l.PIN.Text[:n-1])
				}
			case "OK":
				l.Submit()
			default:
				l.PIN.SetText(l.PIN.Text + k)
			}
		})
		if k == "OK" {
			b.Importance = widget.HighImportance
		}
		pad.Add(b)
	}
	t := canvas.NewText(title, ColorIdle)
	t.TextSize = 32
	t.TextStyle.Bold = true
	t.Alignment = fyne.TextAlignCenter
	l.Message.Importance = widget.DangerImportance
	l.Message.Alignment = fyne.TextAlignCenter
	form := container.NewVBox(t, widget.NewLabelWithStyle(tr.T("ui.login.title"), fyne.TextAlignCenter, fyne.TextStyle{}),
		l.User, l.PIN, container.NewGridWrap(fyne.NewSize(360, 300), pad), l.Message)
	l.root = container.NewCenter(container.NewVBox(form, layout.NewSpacer()))
	return l
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
		l.Message.SetText(l.tr.T("ui.login.pick_user"))
		return
	}
	u, err := l.store.Login(l.ids[i], l.PIN.Text)
	l.PIN.SetText("")
	if err != nil {
		l.Message.SetText(l.tr.Err(err))
		return
	}
	l.Message.SetText("")
	if l.OnLogin != nil {
		l.OnLogin(u)
	}
}
