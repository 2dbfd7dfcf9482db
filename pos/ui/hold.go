package ui

import (
	"errors"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos"
)

// HoldMessage says in tr's language why Hold or Resume failed.
func HoldMessage(tr Tr, err error) string {
	switch {
	case errors.Is(err, ErrHoldFull):
		return tr.T("ui.hold.full", "max", strconv.Itoa(pos.MaxHeldSales))
	case errors.Is(err, ErrBasketBusy):
		return tr.T("ui.hold.busy")
	case errors.Is(err, ErrEmpty):
		return tr.T("ui.hold.empty_basket")
	}
	return tr.Err(err)
}

// HeldRow describes a parked basket in one line: number, time parked,
// cashier, item count, total and vouchers.
func HeldRow(tr Tr, n int, h pos.HeldSale, names map[string]string) string {
	var items int64
	var total pos.Money
	for _, l := range h.Lines {
		items += l.Qty
		total += l.Amount()
	}
	who := h.Cashier
	if name := names[h.Cashier]; name != "" {
		who = name + " " + h.Cashier
	}
	s := tr.T("ui.hold.row", "n", strconv.Itoa(n), "time", h.Time.In(pos.CST).Format("01-02 15:04"),
		"cashier", who, "items", strconv.FormatInt(items, 10), "total", total.String())
	if len(h.Codes) > 0 {
		s += "  " + tr.T("ui.hold.codes", "n", strconv.Itoa(len(h.Codes)))
	}
	if h.Locked {
		s += "  " + tr.T("ui.hold.locked_row")
	}
	return s
}

// HeldList is the list of parked baskets in the held dialog. It is
// focusable: Up/Down select, a digit 1–9 takes that basket, Enter takes the
// selected one, Esc closes the dialog. Tapping a row takes it.
type HeldList struct {
	widget.BaseWidget
	win      fyne.Window
	Held     []pos.HeldSale
	Rows     []*widget.Button
	selected int
	pick     func(id uint64)
	content  fyne.CanvasObject
}

// CreateRenderer implements fyne.Widget.
func (l *HeldList) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(l.content) }

// Selected returns the index of the selected row (-1: none).
func (l *HeldList) Selected() int { return l.selected }

// Select makes row i the selected one.
func (l *HeldList) Select(i int) {
	if i < 0 || i >= len(l.Rows) {
		return
	}
	l.selected = i
	for j, b := range l.Rows {
		b.Importance = widget.MediumImportance
		if j == i {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
}

// Take takes row i (calls pick with its id).
func (l *HeldList) Take(i int) {
	if i >= 0 && i < len(l.Held) && l.pick != nil {
		l.pick(l.Held[i].ID)
	}
}

// FocusGained implements fyne.Focusable.
func (l *HeldList) FocusGained() {}

// FocusLost implements fyne.Focusable.
func (l *HeldList) FocusLost() {}

// digitTake is how long a digit typed into the held list waits before it
// takes that row: long enough that the next key of a scan (a scanner types
// 2–15 ms apart and pauses up to 150 ms) arrives first and the digit is
// seen as the start of a scan, not a person's choice.
const digitTakeDelay = 200 * time.Millisecond

// TypedRune implements fyne.Focusable: a digit 1–9 typed alone takes that
// row. Every key also goes to the window's wedge framer, so a scan made
// while the list is open is told as not taken (a dialog is open) instead
// of its first digit taking a basket.
func (l *HeldList) TypedRune(r rune) {
	rt := routerOf(l.win)
	if rt == nil {
		if r >= '1' && r <= '9' {
			l.Take(int(r - '1'))
		}
		return
	}
	rt.TypedRune(r)
	if r < '1' || r > '9' {
		return
	}
	at, row := rt.last, int(r-'1')
	rt.after(digitTakeDelay, func() {
		if rt.last.Equal(at) && l.win.Canvas().Focused() == l {
			rt.wedge.Reset()
			l.Take(row)
		}
	})
}

// TypedKey implements fyne.Focusable.
func (l *HeldList) TypedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyUp:
		l.Select(l.selected - 1)
	case fyne.KeyDown:
		l.Select(l.selected + 1)
	case fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter:
		if !forwardDialogKey(l.win, e) && e.Name != fyne.KeyEscape {
			l.Take(l.selected)
		}
	}
}

// NewHeldDialog returns (without showing it) the list of parked baskets
// (取单): time parked, cashier, item count, total. Enter, a tap, or the
// row's digit takes one: the dialog closes and pick gets its id (the
// caller calls Session.Resume). Show it with ShowModal(win, "held", d,
// onEnter).
func NewHeldDialog(tr Tr, win fyne.Window, store Store, pick func(id uint64)) (dialog.Dialog, func()) {
	l, d := NewHeldList(tr, win, store, pick)
	return d, func() { l.Take(l.selected) }
}

// NewHeldList is NewHeldDialog returning the list as well.
func NewHeldList(tr Tr, win fyne.Window, store Store, pick func(id uint64)) (*HeldList, dialog.Dialog) {
	l := &HeldList{win: win, selected: -1}
	l.ExtendBaseWidget(l)
	var cd *dialog.CustomDialog
	l.pick = func(id uint64) {
		cd.Hide()
		if pick != nil {
			pick(id)
		}
	}
	names := map[string]string{}
	if users, err := store.Users(); err == nil {
		for _, u := range users {
			names[u.ID] = u.Name
		}
	}
	box := container.NewVBox()
	held, err := store.HeldSales()
	switch {
	case err != nil:
		box.Add(widget.NewLabel(tr.Err(err)))
	case len(held) == 0:
		box.Add(widget.NewLabel(tr.T("ui.hold.none")))
	}
	l.Held = held
	for i, h := range held {
		b := widget.NewButton(HeldRow(tr, i+1, h, names), func() { l.Take(i) })
		b.Alignment = widget.ButtonAlignLeading
		l.Rows = append(l.Rows, b)
		box.Add(b)
	}
	l.content = container.NewVScroll(box)
	l.Select(0)
	size := fyne.NewSize(560, 60+float32(min(len(held), 6))*44)
	cd = dialog.NewCustomWithoutButtons(tr.T("ui.hold.title"), container.NewGridWrap(size, l), win)
	take := widget.NewButtonWithIcon(tr.T("ui.hold.take")+"  [Enter]", theme.ConfirmIcon(), func() { l.Take(l.selected) })
	take.Importance = widget.HighImportance
	if len(held) == 0 {
		take.Disable()
	}
	cd.SetButtons([]fyne.CanvasObject{
		widget.NewButtonWithIcon(tr.T("ui.cashier.cancel")+"  [Esc]", theme.CancelIcon(), cd.Dismiss), take})
	return l, &focusDialog{Dialog: cd, win: win, focus: l}
}
