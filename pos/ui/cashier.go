package ui

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos"
)

// Cashier is the cashier screen: verdict banner on top, basket and product
// tiles on the left, vouchers, totals and actions on the right, status bar
// at the bottom. Every action has a key (see Shortcuts).
type Cashier struct {
	tr      Tr
	sess    *Session
	win     fyne.Window
	store   Store
	Banner  *Banner
	basket  *fyne.Container
	vouch   *fyne.Container
	totals  map[string]*widget.Label
	method  *widget.RadioGroup
	Done    *widget.Button
	Cancel  *widget.Button
	Reprint *widget.Button
	Status  *StatusBar
	tiles   fyne.CanvasObject
	root    fyne.CanvasObject
	// OnLogout is called when the cashier locks the screen.
	OnLogout func()
}

var methods = []pos.PayMethod{pos.PayCash, pos.PayWeChat, pos.PayAlipay, pos.PayCard}

// NewCashier builds the screen for sess in win (dialogs open in win).
func NewCashier(tr Tr, sess *Session, store Store, win fyne.Window) *Cashier {
	c := &Cashier{tr: tr, sess: sess, store: store, win: win, Banner: NewBanner(), totals: map[string]*widget.Label{}}
	c.basket = container.NewVBox()
	c.vouch = container.NewVBox()
	opts := make([]string, len(methods))
	for i, m := range methods {
		opts[i] = tr.Method(m)
	}
	c.method = widget.NewRadioGroup(opts, func(s string) {
		for i, o := range opts {
			if o == s && sess.Method() != methods[i] {
				sess.SetMethod(methods[i])
			}
		}
	})
	c.method.Horizontal = true
	c.method.Required = true
	c.Done = widget.NewButtonWithIcon(tr.T("ui.cashier.complete")+"  [F12]", theme.ConfirmIcon(), c.complete)
	c.Done.Importance = widget.HighImportance
	c.Cancel = widget.NewButtonWithIcon(tr.T("ui.cashier.cancel")+"  [Esc]", theme.CancelIcon(), c.cancel)
	c.Cancel.Importance = widget.DangerImportance
	c.Reprint = widget.NewButtonWithIcon(tr.T("ui.cashier.reprint")+"  [F9]", theme.DocumentPrintIcon(), c.reprint)
	lock := widget.NewButtonWithIcon(tr.T("ui.cashier.lock")+"  [F4]", theme.LogoutIcon(), func() {
		if c.OnLogout != nil {
			c.OnLogout()
		}
	})
	manual := widget.NewButtonWithIcon(tr.T("ui.cashier.manual")+"  [F8]", theme.ContentAddIcon(), c.manualEntry)
	c.Status = NewStatusBar(tr)

	form := container.New(layout.NewFormLayout())
	for _, k := range []string{"label.total", "label.voucher_amount", "label.forfeited", "label.self_paid"} {
		v := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		c.totals[k] = v
		form.Add(widget.NewLabel(tr.T(k)))
		form.Add(v)
	}
	c.totals["error"] = widget.NewLabel("")
	c.totals["error"].Wrapping = fyne.TextWrapWord
	c.totals["error"].Importance = widget.DangerImportance

	c.tiles = c.productTiles()
	left := container.NewVSplit(
		container.NewBorder(heading(tr.T("ui.cashier.basket")), nil, nil, nil, container.NewVScroll(c.basket)),
		container.NewBorder(heading(tr.T("ui.cashier.products")), nil, nil, nil, c.tiles),
	)
	left.Offset = 0.55
	right := container.NewBorder(
		container.NewVBox(heading(tr.T("ui.cashier.vouchers"))),
		container.NewVBox(widget.NewSeparator(), form, c.totals["error"],
			widget.NewLabel(tr.T("ui.cashier.method")), c.method,
			container.NewGridWithColumns(2, c.Cancel, c.Done),
			container.NewGridWithColumns(3, manual, c.Reprint, lock)),
		nil, nil, container.NewVScroll(c.vouch))
	body := container.NewHSplit(left, right)
	body.Offset = 0.58
	c.root = container.NewBorder(c.Banner.Object, c.Status.Object, nil, nil, body)
	sess.OnChange(func() { fyne.Do(c.Refresh) })
	c.Refresh()
	return c
}

// Content returns the screen's root object.
func (c *Cashier) Content() fyne.CanvasObject { return c.root }

func heading(s string) fyne.CanvasObject {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func (c *Cashier) productTiles() fyne.CanvasObject {
	cat, err := c.store.Catalogue()
	if err != nil || cat == nil {
		return widget.NewLabel(c.tr.Err(err))
	}
	grid := container.NewGridWrap(fyne.NewSize(190, 84))
	for i := range cat.Products {
		p := &cat.Products[i]
		if !p.Eligible {
			continue
		}
		b := widget.NewButton("", func() { c.sess.Add(p, 1) })
		name := widget.NewLabelWithStyle(c.tr.ProductName(p), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		name.Truncation = fyne.TextTruncateEllipsis
		price := widget.NewLabelWithStyle(p.Price.String()+"/"+p.Unit, fyne.TextAlignCenter, fyne.TextStyle{})
		grid.Add(container.NewStack(b, container.NewVBox(layout.NewSpacer(), name, price, layout.NewSpacer())))
	}
	return container.NewVScroll(grid)
}

// Refresh redraws the screen from the session. Call it on the UI goroutine.
func (c *Cashier) Refresh() {
	c.showVerdict(c.sess.Verdict())
	c.basket.RemoveAll()
	cat, _ := c.store.Catalogue()
	for i, l := range c.sess.Lines() {
		i, l := i, l
		text := l.Name
		if cat != nil {
			if p := cat.BySKU(l.SKU); p != nil {
				text = c.tr.ProductName(p)
			}
		}
		name := widget.NewLabel(text)
		name.Truncation = fyne.TextTruncateEllipsis
		qty := widget.NewLabelWithStyle(strconv.FormatInt(l.Qty, 10)+" "+l.Unit, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		minus := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() { c.sess.SetQty(i, l.Qty-1) })
		plus := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() { c.sess.SetQty(i, l.Qty+1) })
		del := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { c.sess.SetQty(i, 0) })
		amount := widget.NewLabelWithStyle(l.Amount().String(), fyne.TextAlignTrailing, fyne.TextStyle{})
		c.basket.Add(container.NewVBox(container.NewBorder(nil, nil, nil, amount, name),
			container.NewHBox(minus, qty, plus, layout.NewSpacer(), del), widget.NewSeparator()))
	}
	if len(c.sess.Lines()) == 0 {
		c.basket.Add(widget.NewLabel(c.tr.T("ui.cashier.basket_empty")))
	}
	c.vouch.RemoveAll()
	trust, _ := c.store.Trust()
	for i, v := range c.sess.Vouchers() {
		i := i
		unit := ""
		if trust != nil {
			unit = trust.UnitName(v.Unit)
		}
		lbl := widget.NewLabel(fmt.Sprintf("%s %s  %s\n%s", c.tr.T("label.voucher"), maskID(v), v.Value, unit))
		del := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { c.sess.RemoveVoucher(i) })
		c.vouch.Add(container.NewBorder(nil, nil, nil, del, lbl))
	}
	if len(c.sess.Vouchers()) == 0 {
		c.vouch.Add(widget.NewLabel(c.tr.T("ui.cashier.scan_hint")))
	}
	st, err := c.sess.Settlement()
	c.totals["label.total"].SetText(st.Total.String())
	c.totals["label.voucher_amount"].SetText(st.VoucherAmount.String())
	c.totals["label.forfeited"].SetText(st.Forfeited.String())
	c.totals["label.self_paid"].SetText(st.SelfPaid.String())
	if err != nil && len(c.sess.Lines()) > 0 {
		c.totals["error"].SetText(c.tr.Err(err))
		c.Done.Disable()
	} else {
		c.totals["error"].SetText("")
		if len(c.sess.Lines()) == 0 {
			c.Done.Disable()
		} else {
			c.Done.Enable()
		}
	}
	c.method.SetSelected(c.tr.Method(c.sess.Method()))
	if st.SelfPaid == 0 {
		c.method.Disable()
	} else {
		c.method.Enable()
	}
	if r, _ := c.sess.Last(); r == nil {
		c.Reprint.Disable()
	} else {
		c.Reprint.Enable()
	}
	c.basket.Refresh()
	c.vouch.Refresh()
}

func maskID(v *pos.Voucher) string { return fmt.Sprintf("%d-%06d", v.Campaign, v.Serial) }

func (c *Cashier) showVerdict(v Verdict) {
	switch v.Kind {
	case VerdictOK:
		c.Banner.Show(ColorOK, c.tr.T("verdict.ok")+"  "+v.Voucher.Value.String(), c.tr.T("ui.verdict.ok_detail", "serial", maskID(v.Voucher)))
	case VerdictProduct:
		c.Banner.Show(ColorIdle, c.tr.ProductName(v.Product)+"  "+v.Product.Price.String(), c.tr.T("ui.verdict.product_added"))
	case VerdictRefused:
		c.Banner.Show(ColorRefused, c.tr.T("verdict.refused"), c.tr.Err(v.Err))
	default:
		c.Banner.Show(ColorIdle, c.tr.T("ui.verdict.idle"), c.tr.T("ui.verdict.idle_detail"))
	}
}

func (c *Cashier) complete() {
	if c.Done.Disabled() {
		return
	}
	c.Done.Disable()
	go func() {
		rc, err := c.sess.Complete()
		fyne.Do(func() {
			c.Refresh()
			switch {
			case rc != nil && err != nil:
				c.Banner.Show(ColorWarn, c.tr.T("ui.cashier.done_unprinted", "receipt", rc.Number), c.tr.Err(err))
			case err != nil:
				c.Banner.Show(ColorRefused, c.tr.T("ui.cashier.not_recorded"), c.tr.Err(err))
			default:
				c.Banner.Show(ColorOK, c.tr.T("ui.cashier.done", "receipt", rc.Number), c.tr.T("ui.cashier.done_detail", "self_paid", rc.SelfPaid.String()))
			}
		})
	}()
}

func (c *Cashier) cancel() {
	if len(c.sess.Lines()) == 0 && len(c.sess.Vouchers()) == 0 {
		c.sess.Cancel()
		return
	}
	dialog.ShowConfirm(c.tr.T("ui.cashier.cancel"), c.tr.T("ui.cashier.cancel_confirm"), func(ok bool) {
		if ok {
			c.sess.Cancel()
		}
	}, c.win)
}

// ManagerPIN asks for a manager's id and PIN, then calls f with them.
func ManagerPIN(tr Tr, win fyne.Window, title string, f func(id, pin string)) {
	id := widget.NewEntry()
	id.SetPlaceHolder(tr.T("ui.login.user"))
	pin := widget.NewPasswordEntry()
	pin.SetPlaceHolder(tr.T("ui.login.pin"))
	dialog.ShowForm(title, tr.T("ui.ok"), tr.T("ui.cashier.cancel"), []*widget.FormItem{
		widget.NewFormItem(tr.T("ui.login.manager"), id),
		widget.NewFormItem(tr.T("ui.login.pin"), pin),
	}, func(ok bool) {
		if ok {
			f(id.Text, pin.Text)
		}
	}, win)
}

func (c *Cashier) reprint() {
	if r, _ := c.sess.Last(); r == nil {
		return
	}
	ManagerPIN(c.tr, c.win, c.tr.T("ui.cashier.reprint"), func(id, pin string) {
		go func() {
			rc, err := c.sess.Reprint(id, pin)
			fyne.Do(func() {
				if err != nil && rc == nil {
					c.Banner.Show(ColorRefused, c.tr.T("ui.cashier.reprint"), c.tr.Err(err))
					return
				}
				c.Banner.Show(ColorOK, c.tr.T("ui.cashier.reprinted", "receipt", rc.Number), "")
			})
		}()
	})
}

// manualEntry lets a manager type a voucher code by hand (the scanner
// cannot read it). It is logged by the store as a manual entry.
func (c *Cashier) manualEntry() {
	code := widget.NewEntry()
	code.SetPlaceHolder(c.tr.T("ui.cashier.manual_hint"))
	dialog.ShowForm(c.tr.T("ui.cashier.manual"), c.tr.T("ui.ok"), c.tr.T("ui.cashier.cancel"),
		[]*widget.FormItem{widget.NewFormItem(c.tr.T("label.voucher"), code)}, func(ok bool) {
			if ok && code.Text != "" {
				c.sess.Scan(code.Text)
			}
		}, c.win)
}

// Shortcuts binds the screen's keys on cv: F12/Enter-less Complete, Esc
// Cancel, F9 reprint, F8 manual code, F4 lock, and digits followed by Enter
// from a keyboard-wedge scanner as a scan.
func (c *Cashier) Shortcuts(cv fyne.Canvas) {
	var wedge []rune
	cv.SetOnTypedRune(func(r rune) {
		if r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
			if len(wedge) < 1024 {
				wedge = append(wedge, r)
			}
		}
	})
	cv.SetOnTypedKey(func(k *fyne.KeyEvent) {
		switch k.Name {
		case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyTab:
			if len(wedge) > 0 {
				c.sess.Scan(string(wedge))
				wedge = wedge[:0]
			}
		case fyne.KeyF12:
			c.complete()
		case fyne.KeyEscape:
			wedge = wedge[:0]
			c.cancel()
		case fyne.KeyF9:
			c.reprint()
		case fyne.KeyF8:
			c.manualEntry()
		case fyne.KeyF4:
			if c.OnLogout != nil {
				c.OnLogout()
			}
		}
	})
}

// StatusBar is the bottom line: online/offline, pending uploads, cache age,
// printer and scanner state, and the cashier's name.
type StatusBar struct {
	tr     Tr
	label  *widget.Label
	dot    *canvas.Circle
	Object fyne.CanvasObject
}

// NewStatusBar returns an empty status bar.
func NewStatusBar(tr Tr) *StatusBar {
	s := &StatusBar{tr: tr, label: widget.NewLabel(""), dot: canvas.NewCircle(ColorIdle)}
	dot := container.NewGridWrap(fyne.NewSize(16, 16), s.dot)
	s.Object = container.NewVBox(widget.NewSeparator(), container.NewHBox(container.NewCenter(dot), s.label))
	return s
}

// Set shows st (call on the UI goroutine).
func (s *StatusBar) Set(st Status) {
	mode := s.tr.T("ui.status.offline")
	s.dot.FillColor = ColorWarn
	if st.Online {
		mode = s.tr.T("ui.status.online")
		s.dot.FillColor = ColorOK
	}
	s.dot.Refresh()
	s.label.SetText(s.tr.T("ui.status.line", "mode", mode, "pending", strconv.Itoa(st.Pending),
		"age", s.tr.Age(st.CacheAge), "printer", s.tr.T("ui.status.dev."+or(st.Printer, "unknown")),
		"scanner", s.tr.T("ui.status.dev."+or(st.Scanner, "unknown"))))
}

// Session returns the sale the screen shows.
func (c *Cashier) Session() *Session { return c.sess }

// Complete taps Complete (the smoke run and the demo script use it).
func (c *Cashier) Complete() { c.complete() }
