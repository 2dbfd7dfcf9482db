package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos"
)

// TenderNotes are the quick buttons of the tender dialog: each tap adds
// one note to what was tendered (two taps on ￥100 = ￥200).
var TenderNotes = []pos.Money{pos.Yuan(50), pos.Yuan(100)}

// Tender is the cash tender dialog's state, for the cashier screen and
// tests: what is due, the keypad, and the change shown.
type Tender struct {
	Due    pos.Money
	Keypad *Keypad
	// Change shows the change, or what is still missing.
	Change *widget.Label
	d      dialog.Dialog
	done   func(tendered, change pos.Money)
}

// NewTender returns (without showing it) the dialog in which the cashier
// keys in the cash handed over for the self-paid part due (实收), on the
// keypad or the keyboard's digits, and sees the change (找零) live, and the
// dialog's state. Enter or 确定 confirms once the cash covers what is due;
// with nothing keyed in, Enter takes the exact amount. done gets the cash
// tendered and the change (pos.Change); it is not called when the dialog
// is cancelled. Show it with ShowModal(win, "tender", d, t.Confirm).
func NewTender(tr Tr, win fyne.Window, due pos.Money, done func(tendered, change pos.Money)) (*Tender, dialog.Dialog) {
	t := newTender(tr, win, due, done)
	return t, t.d
}

func newTender(tr Tr, win fyne.Window, due pos.Money, done func(tendered, change pos.Money)) *Tender {
	t := &Tender{Due: due, done: done}
	t.Keypad = NewKeypad(tr, win, KeypadAmount, tr.T("ui.tender.tendered"))
	t.Keypad.SetHint(due.String())
	t.Change = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	t.Change.SizeName = theme.SizeNameSubHeadingText
	dueLabel := widget.NewLabelWithStyle(due.String(), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	dueLabel.SizeName = theme.SizeNameSubHeadingText

	quick := container.NewGridWithColumns(len(TenderNotes) + 1)
	quick.Add(widget.NewButton(tr.T("ui.tender.exact"), func() {
		refocus(t.Keypad, nil)
		t.Keypad.SetText(due.Plain())
	}))
	for _, n := range TenderNotes {
		quick.Add(widget.NewButton("+"+n.String(), func() {
			refocus(t.Keypad, nil)
			have, _ := t.Keypad.Amount()
			t.Keypad.SetText((have + n).Plain())
		}))
	}
	bold := func(key string) *widget.Label {
		return widget.NewLabelWithStyle(tr.T(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	form := container.New(layout.NewFormLayout(),
		bold("ui.tender.due"), dueLabel,
		bold("ui.tender.tendered"), t.Keypad.DetachDisplay(),
		bold("ui.tender.change"), t.Change,
	)
	pad := container.NewGridWrap(fyne.NewSize(340, 210), t.Keypad)
	// The hint in the regular style: an italic one would be one more set
	// of faces Fyne parses and keeps for the life of the app (the app's
	// font, Fyne's fallback and a system face: about 8 MB of heap, going by
	// the 18 MB the smoke's heap profile shows for regular and bold).
	content := container.NewVBox(form, quick, pad,
		widget.NewLabelWithStyle(tr.T("ui.tender.hint"), fyne.TextAlignCenter, fyne.TextStyle{}))

	cd := dialog.NewCustomWithoutButtons(tr.T("ui.tender.title"), content, win)
	cancel := widget.NewButtonWithIcon(tr.T("ui.cashier.cancel")+"  [Esc]", theme.CancelIcon(), cd.Dismiss)
	cd.SetButtons([]fyne.CanvasObject{cancel})
	t.d = &focusDialog{Dialog: cd, win: win, focus: t.Keypad}
	t.Keypad.OnChanged = func() { t.update(tr) }
	t.Keypad.OnOK = t.Confirm
	t.update(tr)
	return t
}

// Tendered returns the cash keyed in (what is due when nothing is) and
// whether it can be confirmed.
func (t *Tender) Tendered() (pos.Money, bool) {
	if t.Keypad.Text() == "" && !t.Keypad.Over() {
		return t.Due, true
	}
	m, ok := t.Keypad.Amount()
	return m, ok && m >= t.Due
}

func (t *Tender) update(tr Tr) {
	m, ok := t.Tendered()
	switch ch, err := pos.Change(t.Due, m); {
	case t.Keypad.Over():
		t.Change.Importance = widget.DangerImportance
		t.Change.SetText(tr.T("ui.tender.too_long"))
	case err != nil:
		t.Change.Importance = widget.DangerImportance
		t.Change.SetText(tr.T("ui.tender.short", "amount", (t.Due - m).String()))
	default:
		t.Change.Importance = widget.SuccessImportance
		t.Change.SetText(ch.String())
	}
	if ok {
		t.Keypad.OK.Enable()
	} else {
		t.Keypad.OK.Disable()
	}
	t.Change.Refresh()
}

// Confirm closes the dialog and reports the cash and change, when the cash
// keyed in covers what is due; otherwise it does nothing.
func (t *Tender) Confirm() {
	m, ok := t.Tendered()
	if !ok {
		return
	}
	ch, err := pos.Change(t.Due, m)
	if err != nil {
		return
	}
	t.d.Hide()
	if t.done != nil {
		t.done(m, ch)
	}
}

// collectDetail is the banner's second line once a sale is recorded without
// change to give: the self-paid amount to collect, or, for a sale the
// vouchers paid in full, that there is nothing to collect (it said 请收取自付金额
// ￥0.00).
func collectDetail(tr Tr, selfPaid pos.Money) string {
	if selfPaid == 0 {
		return tr.T("ui.cashier.done_nothing_due")
	}
	return tr.T("ui.cashier.done_detail", "self_paid", selfPaid.String())
}
