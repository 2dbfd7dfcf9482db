package ui

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fupinpos/device/scanner"
	"fupinpos/pos"
	"fupinpos/pos/search"
)

// Cashier is the cashier screen: verdict banner on top, basket and product
// tiles on the left, vouchers, totals and actions on the right, status bar
// at the bottom. Every action has a key; keyboard input reaches the screen
// through the window's KeyRouter (see Target).
type Cashier struct {
	tr     Tr
	sess   *Session
	win    fyne.Window
	store  Store
	Banner *Banner
	basket *fyne.Container
	vouch  *fyne.Container
	// The rows of the basket and of the vouchers are kept and updated in
	// place on each change (not rebuilt): a counter refreshes the screen
	// several times per sale, thousands of times a day.
	rows        []*basketRow
	vrows       []*voucherRow
	basketEmpty *widget.Label
	vouchEmpty  *widget.Label
	totals      map[string]*widget.Label
	methods     []*widget.Button
	Done        *widget.Button
	Cancel      *widget.Button
	Reprint     *widget.Button
	Manual      *widget.Button
	Lock        *widget.Button
	// Search (F2) finds a product by name, pinyin or barcode; Hold (F5)
	// parks the sale (挂单); Resume (F6) takes a parked one back (取单).
	Search *widget.Button
	Hold   *widget.Button
	Resume *widget.Button
	Status *StatusBar
	tiles  fyne.CanvasObject
	root   fyne.CanvasObject

	// idx is the product search index, built once from the catalogue and
	// again only when the installed catalogue's version changes.
	idx        *search.Index
	idxVersion uint32

	// done is the message of the sale just completed, shown until the
	// cashier acknowledges it (a key, a tap, the next scan).
	done     *doneMsg
	refusals int // counts red banners, so a timer clears only its own
	// committing is true while a sale is being recorded: a scan or a
	// product tap meanwhile waits in queued and goes to the next sale once
	// it is recorded (the basket being recorded is cleared with it, and a
	// scan put into it would be cleared away unseen); other keys and taps
	// on the sale's rows are ignored.
	committing bool
	queued     []func()

	// RefusalTimeout returns a red banner to idle after this long (8 s).
	RefusalTimeout time.Duration
	// OnLogout is called when the cashier locks the screen.
	OnLogout func()
	// OnActivity is called on every tap and action (the idle lock).
	OnActivity func()
	// OnCommitted, when set, is called on the UI goroutine once the
	// outcome of a sale committed by F12, the button or Complete is shown
	// (err: not recorded, or recorded and not printed).
	OnCommitted func(rc *pos.Receipt, err error)
	// OnPrinted, when set, is called on the UI goroutine once the outcome
	// of a copy printed by F9 (the first copy, or a manager's reprint) is
	// shown; tests wait on it.
	OnPrinted func(err error)
	// afterCommit is the shell's: the status bar's queue count is read
	// again at once after a sale, not at its next tick.
	afterCommit func()
}

// doneMsg is a message that stays up until the cashier acknowledges it:
// the outcome of a sale (sale: the idle lock waits for it), of a hold or
// of a resume. A red one returns to idle after RefusalTimeout.
type doneMsg struct {
	color            color.Color
	headline, reason string
	sale             bool
}

// DefaultRefusalTimeout is how long a red banner stays up.
const DefaultRefusalTimeout = 8 * time.Second

var methods = []pos.PayMethod{pos.PayCash, pos.PayWeChat, pos.PayAlipay, pos.PayCard}

// NewCashier builds the screen for sess in win (dialogs open in win).
func NewCashier(tr Tr, sess *Session, store Store, win fyne.Window) *Cashier {
	c := &Cashier{tr: tr, sess: sess, store: store, win: win, Banner: NewBanner(), totals: map[string]*widget.Label{},
		RefusalTimeout: DefaultRefusalTimeout}
	c.basket = container.NewVBox()
	c.vouch = container.NewVBox()
	for _, m := range methods {
		m := m
		b := widget.NewButton(tr.Method(m), func() {
			c.activity()
			if sess.Method() != m {
				sess.SetMethod(m)
			}
		})
		c.methods = append(c.methods, b)
	}
	c.Done = widget.NewButtonWithIcon(tr.T("ui.cashier.complete")+" [F12]", theme.ConfirmIcon(), c.tap(c.complete))
	c.Done.Importance = widget.HighImportance
	c.Cancel = widget.NewButtonWithIcon(tr.T("ui.cashier.cancel")+" [Esc]", theme.CancelIcon(), c.tap(c.cancel))
	c.Cancel.Importance = widget.DangerImportance
	c.Reprint = widget.NewButtonWithIcon(tr.T("ui.cashier.reprint")+" [F9]", theme.DocumentPrintIcon(), c.tap(c.reprint))
	c.Lock = widget.NewButtonWithIcon(tr.T("ui.cashier.lock")+" [F4]", theme.LogoutIcon(), c.tap(c.lock))
	c.Manual = widget.NewButtonWithIcon(tr.T("ui.cashier.manual_short")+" [F8]", theme.ContentAddIcon(), c.tap(func() { c.ManualEntry("") }))
	c.Search = widget.NewButtonWithIcon(tr.T("ui.search.button")+" [F2]", theme.SearchIcon(), c.tap(c.SearchProduct))
	c.Hold = widget.NewButtonWithIcon(tr.T("ui.hold.hold")+" [F5]", theme.MediaPauseIcon(), c.tap(c.HoldSale))
	c.Resume = widget.NewButtonWithIcon(tr.T("ui.hold.resume")+" [F6]", theme.MediaPlayIcon(), c.tap(c.ResumeHeld))
	c.Status = NewStatusBar(tr)
	if u := sess.Cashier(); u != nil {
		c.Status.SetUser(u.Name)
	}

	form := container.NewGridWithColumns(2)
	for _, k := range []string{"label.total", "label.self_paid", "label.voucher_amount", "label.forfeited"} {
		v := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		c.totals[k] = v
		form.Add(container.NewBorder(nil, nil, widget.NewLabel(tr.T(k)), nil, v))
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
	methodRow := container.NewGridWithColumns(len(c.methods))
	for _, b := range c.methods {
		methodRow.Add(b)
	}
	right := container.NewBorder(
		heading(tr.T("ui.cashier.vouchers")),
		container.NewVBox(widget.NewSeparator(), form, c.totals["error"], methodRow,
			container.NewGridWithColumns(2, c.Cancel, c.Done),
			container.NewGridWithColumns(3, c.Search, c.Hold, c.Resume),
			container.NewGridWithColumns(3, c.Manual, c.Reprint, c.Lock)),
		nil, nil, container.NewVScroll(c.vouch))
	body := container.NewHSplit(left, right)
	body.Offset = 0.5
	c.root = container.NewBorder(c.Banner.Object, c.Status.Object, nil, nil, body)
	c.index()
	sess.OnChange(func() { fyne.Do(c.Refresh) })
	c.Refresh()
	return c
}

// index returns the product search index, built again when the installed
// catalogue's version has changed since it was built.
func (c *Cashier) index() *search.Index {
	cat, err := c.store.Catalogue()
	if err != nil || cat == nil {
		if c.idx == nil {
			c.idx = search.New(&pos.Catalogue{})
		}
		return c.idx
	}
	if c.idx == nil || cat.Version != c.idxVersion {
		c.idx, c.idxVersion = search.New(cat), cat.Version
	}
	return c.idx
}

// Content returns the screen's root object.
func (c *Cashier) Content() fyne.CanvasObject { return c.root }

func heading(s string) fyne.CanvasObject {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// tap wraps a button action: it counts as activity, acknowledges the
// message of the last sale and takes the focus off any widget.
func (c *Cashier) tap(f func()) func() {
	return func() {
		c.activity()
		f()
	}
}

// rowTap is tap for the buttons of a basket or voucher row: ignored while
// the sale they belong to is being recorded.
func (c *Cashier) rowTap(f func()) func() {
	return c.tap(func() {
		if !c.committing {
			f()
		}
	})
}

func (c *Cashier) activity() {
	if c.win != nil {
		c.win.Canvas().Unfocus()
	}
	if c.OnActivity != nil {
		c.OnActivity()
	}
}

func (c *Cashier) productTiles() fyne.CanvasObject {
	cat, err := c.store.Catalogue()
	if err != nil || cat == nil {
		return widget.NewLabel(c.tr.Err(err))
	}
	grid := container.New(&tileGrid{min: fyne.NewSize(140, 76)})
	for i := range cat.Products {
		p := &cat.Products[i]
		if !p.Eligible {
			continue
		}
		var add func()
		add = func() {
			if c.committing {
				c.queued = append(c.queued, add)
				return
			}
			c.ack()
			c.sess.Add(p, 1)
		}
		b := widget.NewButton("", c.tap(add))
		name := widget.NewLabelWithStyle(c.tr.ProductName(p), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		name.Truncation = fyne.TextTruncateEllipsis
		price := widget.NewLabelWithStyle(p.Price.String()+"/"+p.Unit, fyne.TextAlignCenter, fyne.TextStyle{})
		grid.Add(container.NewStack(b, container.NewVBox(layout.NewSpacer(), name, price, layout.NewSpacer())))
	}
	return container.NewVScroll(grid)
}

// tileGrid lays product tiles out in as many columns of at least min
// width as fit, at most maxTileCols, stretched to fill the row: two
// columns where a fixed 170-point tile left one and a gap (800×600), three
// at 1024 wide, and on a wide screen wider tiles rather than more
// truncated names.
type tileGrid struct {
	min      fyne.Size
	colsSeen int // columns of the last layout: the height follows them (as Fyne's GridWrap)
}

const maxTileCols = 4

func (g *tileGrid) cols(width float32) int {
	pad := theme.Padding()
	return min(maxTileCols, max(1, int((width+pad)/(g.min.Width+pad))))
}

func (g *tileGrid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	n := g.cols(size.Width)
	g.colsSeen = n
	w := (size.Width - float32(n-1)*pad) / float32(n)
	for i, o := range objs {
		o.Move(fyne.NewPos(float32(i%n)*(w+pad), float32(i/n)*(g.min.Height+pad)))
		o.Resize(fyne.NewSize(w, g.min.Height))
	}
}

func (g *tileGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) == 0 {
		return fyne.NewSize(g.min.Width, 0)
	}
	cols := max(1, g.colsSeen)
	rows := (len(objs) + cols - 1) / cols
	return fyne.NewSize(g.min.Width, float32(rows)*g.min.Height+float32(rows-1)*theme.Padding())
}

// basketRow is one line of the basket on screen: name and amount, then
// − quantity + and delete. Its buttons act on line i with quantity qty as
// last shown.
type basketRow struct {
	i                 int
	qtyv              int64
	name, qty, amount *widget.Label
	note              *widget.Label // "仅自费：…" on a line no voucher may pay (lineNote); hidden otherwise
	obj               fyne.CanvasObject
}

func (c *Cashier) newBasketRow() *basketRow {
	r := &basketRow{name: widget.NewLabel(""),
		qty:    widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		amount: widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{}),
		note:   widget.NewLabel("")}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.note.Truncation = fyne.TextTruncateEllipsis
	r.note.Importance = widget.WarningImportance
	r.note.Hide()
	minus := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), c.rowTap(func() { c.sess.SetQty(r.i, r.qtyv-1) }))
	plus := widget.NewButtonWithIcon("", theme.ContentAddIcon(), c.rowTap(func() { c.sess.SetQty(r.i, r.qtyv+1) }))
	del := widget.NewButtonWithIcon("", theme.DeleteIcon(), c.rowTap(func() { c.sess.SetQty(r.i, 0) }))
	r.obj = container.NewVBox(container.NewBorder(nil, nil, nil, r.amount, r.name), r.note,
		container.NewHBox(minus, r.qty, plus, layout.NewSpacer(), del), widget.NewSeparator())
	return r
}

// lineNote returns what the basket says under line i of lines when no
// voucher may pay for it: "仅自费" and why (the line is not eligible: not a
// poverty-alleviation product, certification expired; or a designated-point
// product that none of the nv vouchers in the sale may pay), else "".
func (c *Cashier) lineNote(st *pos.Settlement, lines []pos.Line, i, nv int) string {
	reason := lines[i].SelfPayReason()
	if reason == "" && nv > 0 {
		by := map[pos.VoucherID]bool{}
		for _, u := range st.Unpayable {
			if u.Line == i && u.Voucher != 0 {
				by[u.Voucher] = true
			}
		}
		if len(by) >= nv {
			reason = pos.ReasonOtherUnit
		}
	}
	if reason == "" {
		return ""
	}
	return c.tr.T("ui.cashier.self_pay_only", "reason", c.tr.T("reason."+reason))
}

// voucherRow is one voucher on screen with its delete button.
type voucherRow struct {
	i   int
	lbl *widget.Label
	obj fyne.CanvasObject
}

func (c *Cashier) newVoucherRow() *voucherRow {
	r := &voucherRow{lbl: widget.NewLabel("")}
	r.lbl.Truncation = fyne.TextTruncateEllipsis
	del := widget.NewButtonWithIcon("", theme.DeleteIcon(), c.rowTap(func() { c.sess.RemoveVoucher(r.i) }))
	r.obj = container.NewBorder(nil, nil, nil, del, r.lbl)
	return r
}

// setText sets l's text, refreshing it only when it changes.
func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
}

// setObjects makes objs the children of box, refreshing it only when they
// change.
func setObjects(box *fyne.Container, objs []fyne.CanvasObject) {
	if len(box.Objects) == len(objs) {
		same := true
		for i := range objs {
			if box.Objects[i] != objs[i] {
				same = false
				break
			}
		}
		if same {
			return
		}
	}
	box.Objects = objs
	box.Refresh()
}

// Refresh redraws the screen from the session. Call it on the UI goroutine.
func (c *Cashier) Refresh() {
	cat, _ := c.store.Catalogue()
	lines := c.sess.Lines()
	objs := make([]fyne.CanvasObject, 0, max(1, len(lines)))
	for i, l := range lines {
		if i == len(c.rows) {
			c.rows = append(c.rows, c.newBasketRow())
		}
		r := c.rows[i]
		r.i, r.qtyv = i, l.Qty
		text := l.Name
		if cat != nil {
			if p := cat.BySKU(l.SKU); p != nil {
				text = c.tr.ProductName(p)
			}
		}
		setText(r.name, text)
		setText(r.qty, strconv.FormatInt(l.Qty, 10)+" "+l.Unit)
		setText(r.amount, l.Amount().String())
		objs = append(objs, r.obj)
	}
	if len(lines) == 0 {
		if c.basketEmpty == nil {
			c.basketEmpty = wrapped(c.tr.T("ui.cashier.basket_empty"))
		}
		objs = append(objs, c.basketEmpty)
	}
	setObjects(c.basket, objs)
	trust, _ := c.store.Trust()
	vs := c.sess.Vouchers()
	objs = make([]fyne.CanvasObject, 0, max(1, len(vs)))
	for i, v := range vs {
		if i == len(c.vrows) {
			c.vrows = append(c.vrows, c.newVoucherRow())
		}
		r := c.vrows[i]
		r.i = i
		unit := ""
		if trust != nil {
			unit = trust.UnitName(v.Unit)
		}
		setText(r.lbl, fmt.Sprintf("%s %s  %s\n%s", c.tr.T("label.voucher"), v.ID().String(), v.Value, unit))
		objs = append(objs, r.obj)
	}
	if len(vs) == 0 {
		if c.vouchEmpty == nil {
			c.vouchEmpty = wrapped(c.tr.T("ui.cashier.scan_hint"))
		}
		objs = append(objs, c.vouchEmpty)
	}
	setObjects(c.vouch, objs)
	st, err := c.sess.Settlement()
	for i := range lines {
		if note := c.lineNote(&st, lines, i, len(vs)); note != "" {
			setText(c.rows[i].note, note)
			c.rows[i].note.Show()
		} else {
			c.rows[i].note.Hide()
		}
	}
	setText(c.totals["label.total"], st.Total.String())
	setText(c.totals["label.voucher_amount"], st.VoucherAmount.String())
	setText(c.totals["label.forfeited"], st.Forfeited.String())
	setText(c.totals["label.self_paid"], st.SelfPaid.String())
	if err != nil && len(lines) > 0 {
		setText(c.totals["error"], c.tr.Err(err))
		c.totals["error"].Show()
		c.Done.Disable()
	} else {
		setText(c.totals["error"], "")
		c.totals["error"].Hide()
		if len(lines) == 0 {
			c.Done.Disable()
		} else {
			c.Done.Enable()
		}
	}
	for i, b := range c.methods {
		imp := widget.MediumImportance
		if methods[i] == c.sess.Method() {
			imp = widget.HighImportance
		}
		if st.SelfPaid == 0 {
			b.Disable()
		} else {
			b.Enable()
		}
		if b.Importance != imp {
			b.Importance = imp
			b.Refresh()
		}
	}
	if r, _ := c.sess.Last(); r == nil {
		c.Reprint.Disable()
	} else {
		c.Reprint.Enable()
	}
	if c.sess.Empty() {
		c.Hold.Disable()
	} else {
		c.Hold.Enable()
	}
	c.showVerdict(c.sess.Verdict(), st)
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (c *Cashier) showVerdict(v Verdict, st pos.Settlement) {
	if c.done != nil {
		c.Banner.Show(c.done.color, c.done.headline, c.done.reason)
		return
	}
	switch v.Kind {
	case VerdictRefused:
		c.Banner.Show(ColorRefused, c.tr.T("verdict.refused"), c.tr.Err(v.Err))
		c.refusals++
		n := c.refusals
		if d := c.RefusalTimeout; d > 0 {
			time.AfterFunc(d, func() {
				fyne.Do(func() {
					if c.refusals == n {
						c.sess.ClearRefusal()
					}
				})
			})
		}
		return
	}
	if st.Forfeited > 0 {
		c.Banner.Show(ColorWarn, c.tr.T("ui.cashier.forfeit_warn", "amount", st.Forfeited.String()), c.tr.T("ui.cashier.forfeit_detail"))
		return
	}
	switch v.Kind {
	case VerdictOK:
		c.Banner.Show(ColorOK, c.tr.T("verdict.ok")+"  "+v.Voucher.Value.String(), c.tr.T("ui.verdict.ok_detail", "serial", v.Voucher.ID().String()))
	case VerdictProduct:
		c.Banner.Show(ColorIdle, c.tr.ProductName(v.Product)+"  "+v.Product.Price.String(), c.tr.T("ui.verdict.product_added"))
	default:
		c.Banner.Show(ColorIdle, c.tr.T("ui.verdict.idle"), c.tr.T("ui.verdict.idle_detail"))
	}
}

// AwaitingAck reports whether the message of a completed sale is shown and
// not yet acknowledged (the idle lock waits for it).
func (c *Cashier) AwaitingAck() bool { return c.done != nil && c.done.sale }

// note shows a message that stays up until acknowledged; a red one goes
// back to idle after RefusalTimeout, like a refused scan.
func (c *Cashier) note(m *doneMsg) {
	c.done = m
	c.Refresh()
	if m.color != ColorRefused || c.RefusalTimeout <= 0 {
		return
	}
	time.AfterFunc(c.RefusalTimeout, func() {
		fyne.Do(func() {
			if c.done == m {
				c.ack()
			}
		})
	})
}

// ScanIgnored says on the banner that a scan (or typed text) did nothing:
// headline ("扫码未处理") and why (a dialog was open); red, back to idle
// after RefusalTimeout.
func (c *Cashier) ScanIgnored(headline, reason string) {
	c.note(&doneMsg{color: ColorRefused, headline: headline, reason: reason})
}

// ack clears the message of the last sale.
func (c *Cashier) ack() {
	if c.done != nil {
		c.done = nil
		c.Refresh()
	}
}

// Scan takes a scan from either scanner (call on the UI goroutine).
func (c *Cashier) Scan(text string) {
	if ModalOpen(c.win) {
		return
	}
	if c.committing {
		c.queued = append(c.queued, func() { c.Scan(text) })
		return
	}
	c.ack()
	c.sess.Scan(text)
}

// Target is the cashier screen's keyboard input: scans go to the sale,
// typed codes to manual entry, F12 completes (through the tender dialog
// for cash), Esc cancels, F2 searches a product, F5 holds the sale, F6
// resumes a held one, F9 reprints, F8 opens manual entry, F4 locks, Enter
// acknowledges the last sale.
func (c *Cashier) Target() Target {
	return Target{
		Scan:  c.Scan,
		Typed: c.typed,
		Refused: func(err error) {
			c.ack()
			c.sess.Refuse(err)
		},
		Key: c.key,
	}
}

// typed takes text typed by hand and Enter. A voucher code (or digits too
// long for any product barcode: a mistyped one) is manual entry and needs
// a manager; a product barcode typed from the label of a pack that will
// not scan is that product, as a scan of it is; anything else (a SKU, a
// name's pinyin initials) opens the product search with it. A key or two
// and Enter is a slip, not a code.
func (c *Cashier) typed(text string) {
	if len([]rune(text)) < scanner.DefaultWedgeMinLen {
		return
	}
	switch scanner.Classify(text) {
	case scanner.EAN13, scanner.EAN8:
		c.Scan(text)
	case scanner.Voucher:
		c.ManualEntry(text)
	default:
		if len(text) > 13 && strings.Trim(text, "0123456789") == "" {
			c.ManualEntry(text)
			return
		}
		c.searchFor(text)
	}
}

func (c *Cashier) key(k fyne.KeyName) {
	if c.committing {
		return
	}
	switch k {
	case fyne.KeyF12:
		c.complete()
	case fyne.KeyEscape:
		if c.done != nil {
			c.ack()
			return
		}
		c.cancel()
	case fyne.KeyF9:
		c.reprint()
	case fyne.KeyF8:
		c.ManualEntry("")
	case fyne.KeyF2:
		c.SearchProduct()
	case fyne.KeyF5:
		c.HoldSale()
	case fyne.KeyF6:
		c.ResumeHeld()
	case fyne.KeyF4:
		c.lock()
	case fyne.KeyReturn, fyne.KeyEnter:
		c.ack()
	}
}

func (c *Cashier) lock() {
	if c.OnLogout != nil {
		c.OnLogout()
	}
}

// complete is F12 and the 完成 button: a forfeit is confirmed first
// (defect 7), then a cash self-paid part opens the tender dialog, whose
// confirmation commits the sale with the cash tendered; a sale paid
// otherwise, or by vouchers alone, commits at once.
func (c *Cashier) complete() {
	if c.Done.Disabled() || ModalOpen(c.win) {
		return
	}
	st, err := c.sess.Settlement()
	if err == nil && st.Forfeited > 0 {
		Confirm(c.tr, c.win, "cashier.forfeit", c.tr.T("ui.cashier.complete"),
			c.tr.T("ui.cashier.forfeit_confirm", "amount", st.Forfeited.String()), c.tender)
		return
	}
	c.tender()
}

// tender opens the cash tender dialog (实收/找零) when the self-paid part
// is paid in cash, and commits the sale with what it reports; otherwise it
// commits at once.
func (c *Cashier) tender() {
	st, err := c.sess.Settlement()
	if err != nil || c.sess.Method() != pos.PayCash || st.SelfPaid <= 0 {
		c.commit(0)
		return
	}
	t, d := NewTender(c.tr, c.win, st.SelfPaid, func(tendered, _ pos.Money) { c.commit(tendered) })
	// A voucher scanned while the cash is keyed in belongs to the sale:
	// the dialog closes, the voucher is applied (the totals change, F12
	// again), rather than putting the keypad in error.
	t.Keypad.OnCode = func(code string, scanned bool) {
		d.Hide()
		c.codeInDialog(code, scanned)
	}
	onEnter := t.Confirm
	ShowModal(c.win, "tender", d, onEnter)
}

// commit records the sale with the cash tendered (0: none keyed in) and
// shows its outcome until acknowledged: the change to give when there is
// any (实收 ￥100.00，找零 ￥12.30), else the self-paid amount to collect.
func (c *Cashier) commit(tendered pos.Money) {
	if c.Done.Disabled() {
		return
	}
	c.Done.Disable()
	c.committing = true
	go func() {
		rc, err := c.sess.CompleteCash(tendered)
		fyne.Do(func() {
			c.committing = false
			defer c.replay()
			switch {
			case rc != nil && err != nil:
				c.done = &doneMsg{ColorWarn, c.tr.T("ui.cashier.done_unprinted", "receipt", rc.Number), c.tr.Err(err), true}
			case err != nil:
				c.Refresh()
				c.Banner.Show(ColorRefused, c.tr.T("ui.cashier.not_recorded"), c.tr.Err(err))
				c.committed(rc, err)
				return
			case rc.Change > 0:
				c.done = &doneMsg{ColorOK, c.tr.T("ui.cashier.done", "receipt", rc.Number),
					c.tr.T("ui.tender.done", "tendered", rc.Tendered.String(), "change", rc.Change.String()), true}
			default:
				c.done = &doneMsg{ColorOK, c.tr.T("ui.cashier.done", "receipt", rc.Number), collectDetail(c.tr, rc.SelfPaid), true}
			}
			c.Refresh()
			c.committed(rc, err)
		})
	}()
}

// replay applies the scans and taps queued while a sale was recorded, in
// order, to the next sale.
func (c *Cashier) replay() {
	q := c.queued
	c.queued = nil
	for _, f := range q {
		f()
	}
}

func (c *Cashier) committed(rc *pos.Receipt, err error) {
	if c.afterCommit != nil {
		c.afterCommit()
	}
	if c.OnCommitted != nil {
		c.OnCommitted(rc, err)
	}
}

// SearchProduct opens the product search dialog (F2): the product found
// goes into the basket with the quantity keyed in.
func (c *Cashier) SearchProduct() { c.searchFor("") }

// codeInDialog takes a voucher code keyed into a dialog that has closed
// (the search box, the cash keypad): a scan if it came at a scanner's
// pace, else manual entry.
func (c *Cashier) codeInDialog(code string, scanned bool) {
	if scanned {
		c.Scan(code)
	} else {
		c.ManualEntry(code)
	}
}

// searchFor opens the product search with query typed in.
func (c *Cashier) searchFor(query string) {
	if ModalOpen(c.win) {
		return
	}
	c.ack()
	s, d := NewProductSearch(c.tr, c.win, c.index(), c.sess.Add)
	s.Entry.SetText(query)
	// A voucher scanned while the search is open is a scan (typed by
	// hand, manual entry), not a search that finds nothing.
	s.OnCode = c.codeInDialog
	ShowModal(c.win, "search", d, s.Add)
}

// HoldSale parks the sale in progress (F5, 挂单) and says so, with the
// held sale's number, until acknowledged; a refusal (empty basket, too
// many held) is shown in red.
func (c *Cashier) HoldSale() {
	if ModalOpen(c.win) {
		return
	}
	c.ack()
	h, err := c.sess.Hold()
	if err != nil {
		c.note(&doneMsg{color: ColorRefused, headline: c.tr.T("ui.hold.hold"), reason: HoldMessage(c.tr, err)})
		return
	}
	c.note(&doneMsg{color: ColorOK, headline: c.tr.T("ui.hold.held", "id", strconv.FormatUint(h.ID, 10))})
}

// ResumeHeld takes a parked sale back (F6, 取单): with the basket empty it
// lists the held sales; the one picked is resumed, and what was dropped
// on the way (a voucher spent meanwhile, a product no longer catalogued)
// is said in amber. With a sale in progress it says to finish it first.
func (c *Cashier) ResumeHeld() {
	if ModalOpen(c.win) {
		return
	}
	c.ack()
	if !c.sess.Empty() {
		c.note(&doneMsg{color: ColorRefused, headline: c.tr.T("ui.hold.resume"), reason: HoldMessage(c.tr, ErrBasketBusy)})
		return
	}
	d, onEnter := NewHeldDialog(c.tr, c.win, c.store, func(id uint64) {
		c.ack() // a message shown while the list was open is about the basket left behind
		if err := c.sess.Resume(id); err != nil {
			c.note(&doneMsg{color: ColorRefused, headline: c.tr.T("ui.hold.resume"), reason: HoldMessage(c.tr, err)})
			return
		}
		if v := c.sess.Verdict(); v.Kind == VerdictRefused {
			c.sess.ClearRefusal()
			c.note(&doneMsg{color: ColorWarn, headline: c.tr.T("ui.hold.dropped", "dropped", v.Params["dropped"]), reason: c.tr.Err(v.Err)})
		}
	})
	ShowModal(c.win, "held", d, onEnter)
}

// basketBack says that the basket the cashier left open at the lock is
// back, checked again: what was dropped meanwhile (a voucher spent at
// another login, a product no longer catalogued) in amber, as 取单 says
// it; err is why it could not be taken back.
func (c *Cashier) basketBack(err error) {
	if err != nil {
		c.note(&doneMsg{color: ColorRefused, headline: c.tr.T("ui.hold.back"), reason: HoldMessage(c.tr, err)})
		return
	}
	if v := c.sess.Verdict(); v.Kind == VerdictRefused {
		c.sess.ClearRefusal()
		c.note(&doneMsg{color: ColorWarn, headline: c.tr.T("ui.hold.back_dropped", "dropped", v.Params["dropped"]), reason: c.tr.Err(v.Err)})
		return
	}
	c.note(&doneMsg{color: ColorIdle, headline: c.tr.T("ui.hold.back")})
}

func (c *Cashier) cancel() {
	if c.sess.Empty() {
		c.sess.Cancel()
		return
	}
	Confirm(c.tr, c.win, "cashier.cancel", c.tr.T("ui.cashier.cancel"), c.tr.T("ui.cashier.cancel_confirm"), func() {
		c.ack()
		c.sess.Cancel()
	})
}

func (c *Cashier) reprint() {
	if r, _ := c.sess.Last(); r == nil || ModalOpen(c.win) {
		return
	}
	if !c.sess.LastPrinted() {
		// Its print failed: this is the customer's first copy, not a
		// reprint, and needs no manager.
		c.ack()
		go func() {
			rc, err := c.sess.PrintLast()
			fyne.Do(func() {
				defer c.printed(err)
				if err != nil {
					c.Banner.Show(ColorRefused, c.tr.T("ui.cashier.print_first"), c.tr.Err(err))
					return
				}
				c.Banner.Show(ColorOK, c.tr.T("ui.cashier.printed_first", "receipt", rc.Number), "")
			})
		}()
		return
	}
	ManagerPIN(c.tr, c.win, c.tr.T("ui.cashier.reprint"), func(id, pin string) {
		go func() {
			rc, err := c.sess.Reprint(id, pin)
			fyne.Do(func() {
				defer c.printed(err)
				if err != nil && rc == nil {
					c.Banner.Show(ColorRefused, c.tr.T("ui.cashier.reprint"), c.tr.Err(err))
					return
				}
				c.Banner.Show(ColorOK, c.tr.T("ui.cashier.reprinted", "receipt", rc.Number), "")
			})
		}()
	})
}

func (c *Cashier) printed(err error) {
	if c.OnPrinted != nil {
		c.OnPrinted(err)
	}
}

// ManualEntry opens the manual-entry dialog (F8, or keyboard input too
// slow to be a scanner), prefilled with code. The code, a manager's id and
// PIN are asked in the same dialog; the code is applied only once the
// manager is authorized, and the sale is recorded as a manual entry.
func (c *Cashier) ManualEntry(code string) {
	if ModalOpen(c.win) {
		return
	}
	c.ack()
	e := NewKeyEntry(c.win)
	e.SetPlaceHolder(c.tr.T("ui.cashier.manual_hint"))
	e.SetText(code)
	id, pin, items := approval(c.tr, c.win, "")
	items = append([]*widget.FormItem{widget.NewFormItem(c.tr.T("label.voucher"), e)}, items...)
	d := FormModal(c.tr, c.win, "cashier.manual", c.tr.T("ui.cashier.manual"), items, func() string {
		if strings.TrimSpace(e.Text) == "" {
			return c.tr.T("ui.cashier.manual_hint")
		}
		v, err := c.sess.ScanManual(e.Text, id.Text, pin.Text)
		if err == nil && v.Kind == VerdictRefused {
			// The dialog stays with the code as typed: a typo in 267
			// digits is corrected, not typed again.
			err = v.Err
		}
		if err != nil {
			pin.SetText("")
			return c.tr.Err(err)
		}
		return ""
	})
	if d != nil && c.win != nil {
		if code == "" {
			c.win.Canvas().Focus(e)
		} else {
			c.win.Canvas().Focus(id)
		}
	}
}

// StatusBar is the bottom line: online/offline, pending uploads, cache age,
// printer and scanner state, and the cashier's name.
type StatusBar struct {
	tr     Tr
	label  *widget.Label
	user   *widget.Label
	dot    *canvas.Circle
	Object fyne.CanvasObject
}

// NewStatusBar returns an empty status bar.
func NewStatusBar(tr Tr) *StatusBar {
	s := &StatusBar{tr: tr, label: widget.NewLabel(""), user: widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
		dot: canvas.NewCircle(ColorIdle)}
	s.label.Truncation = fyne.TextTruncateEllipsis
	dot := container.NewGridWrap(fyne.NewSize(16, 16), s.dot)
	s.Object = container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, container.NewCenter(dot), s.user, s.label))
	return s
}

// SetUser shows who is logged in.
func (s *StatusBar) SetUser(name string) { s.user.SetText(s.tr.T("ui.status.user", "name", name)) }

// User returns the text naming the logged-in user.
func (s *StatusBar) User() string { return s.user.Text }

// Text returns the status line.
func (s *StatusBar) Text() string { return s.label.Text }

// Set shows st (call on the UI goroutine).
func (s *StatusBar) Set(st Status) {
	mode := s.tr.T("ui.status.offline")
	var dot color.Color = ColorWarn
	if st.Online {
		mode = s.tr.T("ui.status.online")
		dot = ColorOK
	}
	if s.dot.FillColor != dot {
		s.dot.FillColor = dot
		s.dot.Refresh()
	}
	setText(s.label, s.tr.T("ui.status.line", "mode", mode, "pending", strconv.Itoa(st.Pending),
		"age", s.tr.Age(st.CacheAge), "printer", s.tr.T("ui.status.dev."+or(st.Printer, "unknown")),
		"scanner", s.tr.T("ui.status.dev."+or(st.Scanner, "unknown"))))
}

// Session returns the sale the screen shows.
func (c *Cashier) Session() *Session { return c.sess }

// Complete completes the sale as the scripted runs (smoke, demo script)
// need it, without any dialog: a forfeit is committed without the
// confirmation the F12 key and the button ask for, and a cash self-paid
// part is taken as tendered exactly (实收 = 应收, no change), as if the
// cashier had pressed Enter in the tender dialog without keying an amount.
func (c *Cashier) Complete() {
	if ModalOpen(c.win) {
		return
	}
	var tendered pos.Money
	if st, err := c.sess.Settlement(); err == nil && c.sess.Method() == pos.PayCash && st.SelfPaid > 0 {
		tendered = st.SelfPaid
	}
	c.commit(tendered)
}
