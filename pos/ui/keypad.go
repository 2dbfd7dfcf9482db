package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fupinpos/device/scanner"
	"fupinpos/pos"
)

// KeypadMode says what a Keypad edits.
type KeypadMode int

// The keypad modes.
const (
	KeypadAmount KeypadMode = iota // a yuan amount with at most two decimals (12.30)
	KeypadQty                      // a whole quantity, 1 to 9999
)

// Limits of what a keypad accepts. A longer input (a voucher scanned into
// an open tender dialog) puts the keypad in error until it is cleared,
// rather than being cut into a plausible amount.
const (
	keypadAmountDigits = 7 // ￥9,999,999.99
	keypadQtyDigits    = 4 // pos.ValidateLines allows 9999
)

// The keys of a Keypad, as Press takes them. KeypadBack is the backspace
// key's identity only: its button shows BackspaceIcon, since the ⌫ glyph
// (U+232B) is in neither the CJK font nor its GB2312 subset.
const (
	KeypadBack  = "⌫"
	KeypadClear = "C"
	KeypadOK    = "OK"
)

// Keypad is an on-screen numeric keypad (0–9, 00, ., ⌫, 清除, 确定) with
// its display. It edits an amount in fen exactly (no floats: the text is
// parsed by pos.ParseMoney) or a whole quantity. Its buttons never take
// focus; the keypad itself is focusable, so with it focused the keyboard's
// digits, '.', Backspace and Delete edit it too, and Esc and Enter go to
// the window's top dialog (through the key router's scan guard).
type Keypad struct {
	widget.BaseWidget
	win  fyne.Window
	mode KeypadMode
	text string
	over bool // more digits were typed than the mode allows

	label   *widget.Label
	display *widget.Label
	top     *fyne.Container // holds the display row unless detached
	hint    string
	// OK is the 确定 button (disabled by the owner while the input cannot
	// be confirmed).
	OK      *widget.Button
	buttons map[string]*widget.Button
	content fyne.CanvasObject

	// OnChanged is called after every edit.
	OnChanged func()
	// OnOK is called by 确定, and by Enter when no dialog is open.
	OnOK func()
	// OnCode, when set, takes a voucher code keyed into the keypad (a
	// voucher scanned while the cash dialog was open) at Enter; scanned
	// says whether the keys came at a scanner's pace.
	OnCode func(code string, scanned bool)
	timer  codeTimer
	// FocusTarget gets the keyboard focus back after a tap on the keypad
	// (nil: the keypad itself), as the test driver and some pointer paths
	// unfocus on a tap.
	FocusTarget fyne.Focusable
}

// NewKeypad returns a keypad for mode in win, titled label (e.g. 实收).
func NewKeypad(tr Tr, win fyne.Window, mode KeypadMode, label string) *Keypad {
	k := &Keypad{win: win, mode: mode, buttons: map[string]*widget.Button{}, timer: codeTimer{win: win}}
	k.ExtendBaseWidget(k)
	k.label = widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	k.display = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	k.display.SizeName = theme.SizeNameSubHeadingText
	key := func(name, text string) *widget.Button {
		b := widget.NewButton(text, func() {
			if name != KeypadOK {
				refocus(k.FocusTarget, k)
			}
			k.Press(name)
		})
		k.buttons[name] = b
		return b
	}
	digits := container.NewGridWithColumns(3)
	for _, d := range []string{"7", "8", "9", "4", "5", "6", "1", "2", "3", "0", "00", "."} {
		digits.Add(key(d, d))
	}
	if mode == KeypadQty {
		k.buttons["."].Disable()
	}
	back := key(KeypadBack, "")
	back.SetIcon(BackspaceIcon)
	clear := key(KeypadClear, tr.T("ui.keypad.clear"))
	k.OK = key(KeypadOK, tr.T("ui.ok"))
	k.OK.Importance = widget.HighImportance
	side := container.NewGridWithRows(2, container.NewGridWithRows(2, back, clear), k.OK)
	k.top = container.NewStack(container.NewBorder(nil, nil, k.label, nil, k.display))
	k.content = container.NewBorder(k.top, nil, nil, container.NewGridWithColumns(1, side), digits)
	k.show()
	return k
}

// backspaceSVG is the Material Design "backspace" icon (Apache-2.0, the
// icon set Fyne's own icons come from).
const backspaceSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><path fill="#000000" d="M22 3H7c-.69 0-1.23.35-1.59.88L0 12l5.41 8.11c.36.53.9.89 1.59.89h15c1.1 0 2-.9 2-2V5c0-1.1-.9-2-2-2zm-3 12.59L17.59 17 14 13.41 10.41 17 9 15.59 12.59 12 9 8.41 10.41 7 14 10.59 17.59 7 19 8.41 15.41 12 19 15.59z"/></svg>`

// BackspaceIcon is the backspace key's icon on the keypad and the login
// PIN pad, drawn in the theme's foreground colour.
var BackspaceIcon fyne.Resource = theme.NewThemedResource(fyne.NewStaticResource("backspace.svg", []byte(backspaceSVG)))

// CreateRenderer implements fyne.Widget.
func (k *Keypad) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(k.content) }

// Button returns the keypad's button for key (a digit, "00", ".",
// KeypadBack, KeypadClear or KeypadOK), or nil.
func (k *Keypad) Button(key string) *widget.Button { return k.buttons[key] }

// DetachDisplay takes the display out of the keypad, for the owner to lay
// out (the tender dialog shows it between 应收 and 找零), and returns it.
func (k *Keypad) DetachDisplay() fyne.CanvasObject {
	k.top.RemoveAll()
	return k.display
}

// Mode returns what the keypad edits.
func (k *Keypad) Mode() KeypadMode { return k.mode }

// Text returns what was keyed in ("" when nothing).
func (k *Keypad) Text() string { return k.text }

// Over reports whether more digits were keyed than the keypad accepts;
// Amount and Qty then fail until ⌫ or 清除.
func (k *Keypad) Over() bool { return k.over }

// SetHint sets the grey text shown while nothing is keyed in.
func (k *Keypad) SetHint(s string) { k.hint = s; k.show() }

// SetText replaces the input (a quick-amount button); text that the mode
// would not accept clears it.
func (k *Keypad) SetText(s string) {
	k.text, k.over = "", false
	for _, r := range s {
		k.press(string(r))
	}
	if k.over {
		k.text, k.over = "", false
	}
	k.changed()
}

// Amount returns the amount keyed in, exactly, in fen. ok is false when
// nothing valid was keyed in.
func (k *Keypad) Amount() (m pos.Money, ok bool) {
	if k.mode != KeypadAmount || k.over || k.text == "" {
		return 0, false
	}
	m, err := pos.ParseMoney(strings.TrimSuffix(k.text, "."))
	return m, err == nil
}

// Qty returns the quantity keyed in. ok is false when nothing valid (1 to
// 9999) was keyed in.
func (k *Keypad) Qty() (q int64, ok bool) {
	if k.mode != KeypadQty || k.over || k.text == "" {
		return 0, false
	}
	for _, c := range k.text {
		q = q*10 + int64(c-'0')
	}
	return q, q > 0
}

// Press acts as if key had been tapped: a digit, "00", ".", KeypadBack,
// KeypadClear or KeypadOK.
func (k *Keypad) Press(key string) {
	if key == KeypadOK {
		if k.OnOK != nil && !k.OK.Disabled() {
			k.OnOK()
		}
		return
	}
	k.press(key)
	k.changed()
}

func (k *Keypad) press(key string) {
	switch key {
	case KeypadBack:
		if k.over {
			k.over = false
			return
		}
		if k.text != "" {
			k.text = k.text[:len(k.text)-1]
		}
	case KeypadClear:
		k.text, k.over = "", false
	case "00":
		k.press("0")
		k.press("0")
	case ".":
		if k.mode != KeypadAmount || k.over || strings.Contains(k.text, ".") {
			return
		}
		if k.text == "" {
			k.text = "0"
		}
		k.text += "."
	default:
		if len(key) != 1 || key[0] < '0' || key[0] > '9' || k.over {
			return
		}
		whole, frac, dot := strings.Cut(k.text, ".")
		switch {
		case dot && len(frac) >= 2:
			return // a third decimal: ignored, as on a calculator
		case dot:
		case whole == "0":
			k.text = "" // no leading zeros
			whole = ""
			fallthrough
		default:
			max := keypadAmountDigits
			if k.mode == KeypadQty {
				max = keypadQtyDigits
			}
			if len(whole) >= max {
				k.over = true
				return
			}
		}
		k.text += key
	}
}

func (k *Keypad) changed() {
	k.show()
	if k.OnChanged != nil {
		k.OnChanged()
	}
}

// Shown is the text the display shows: the input (an amount formatted as
// money, ￥10.00), or the hint when nothing was keyed in.
func (k *Keypad) Shown() string { return k.display.Text }

// show puts the input on the display.
func (k *Keypad) show() {
	k.display.Importance = widget.MediumImportance
	switch {
	case k.over:
		k.display.SetText(k.text + " …")
		k.display.Importance = widget.DangerImportance
	case k.text == "":
		k.display.Importance = widget.LowImportance
		k.display.SetText(k.hint)
	case k.mode == KeypadAmount:
		// The amount as money is shown everywhere (￥10.00, not the
		// digits typed so far, ￥10).
		if m, ok := k.Amount(); ok {
			k.display.SetText(m.String())
		} else {
			k.display.SetText("￥" + k.text)
		}
	default:
		k.display.SetText(k.text)
	}
	k.display.Refresh()
}

// FocusGained implements fyne.Focusable.
func (k *Keypad) FocusGained() {}

// FocusLost implements fyne.Focusable.
func (k *Keypad) FocusLost() {}

// TypedRune implements fyne.Focusable: digits and '.' edit the input.
func (k *Keypad) TypedRune(r rune) {
	if rt := routerOf(k.win); rt != nil {
		rt.NoteRune()
	}
	k.timer.rune(r)
	switch {
	case r >= '0' && r <= '9':
		k.Press(string(r))
	case r >= '０' && r <= '９':
		k.Press(string(r - '０' + '0'))
	case r == '.' || r == '。':
		k.Press(".")
	}
}

// TypedKey implements fyne.Focusable: Backspace deletes, Delete clears,
// Esc and Enter go to the window's top dialog.
func (k *Keypad) TypedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyBackspace:
		k.Press(KeypadBack)
	case fyne.KeyDelete:
		k.Press(KeypadClear)
	case fyne.KeyReturn, fyne.KeyEnter:
		if k.OnCode != nil {
			if code, scanned, ok := k.timer.voucher(scanner.KeyEnter); ok {
				k.OnCode(code, scanned)
				return
			}
		}
		if !forwardDialogKey(k.win, e) {
			k.Press(KeypadOK)
		}
	case "": // a scanner's LF suffix ends a voucher scanned into the keypad
		if code, scanned, ok := k.timer.voucher(scanner.KeyUnnamed); ok && k.OnCode != nil {
			k.OnCode(code, scanned)
		}
	case fyne.KeyEscape:
		forwardDialogKey(k.win, e)
	}
}

// forwardDialogKey gives Esc or Enter typed in a focused widget of a dialog
// to the window's key router (which applies the scan guard), or straight
// to the top dialog when no router is installed. It reports whether a
// dialog was open to take it.
func forwardDialogKey(win fyne.Window, e *fyne.KeyEvent) bool {
	if win == nil || !ModalOpen(win) {
		return false
	}
	if rt := routerOf(win); rt != nil {
		rt.TypedKey(e)
		return true
	}
	DialogKey(win, e.Name)
	return true
}

// focusDialog is a dialog that focuses one of its widgets when shown, so
// the keyboard reaches it (ShowModal unfocuses the screen first).
type focusDialog struct {
	dialog.Dialog
	win   fyne.Window
	focus fyne.Focusable
}

// Show implements dialog.Dialog.
func (d *focusDialog) Show() {
	d.Dialog.Show()
	if d.win != nil && d.focus != nil {
		d.win.Canvas().Focus(d.focus)
	}
}

// refocus gives the focus to target (fallback when target is nil) if it is
// on a canvas: a tap on a button must not leave the dialog deaf to keys.
func refocus(target, fallback fyne.Focusable) {
	if target == nil {
		target = fallback
	}
	o, ok := target.(fyne.CanvasObject)
	if !ok || fyne.CurrentApp() == nil {
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(o); c != nil && c.Focused() != target {
		c.Focus(target)
	}
}
