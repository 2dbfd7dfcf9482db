package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fupinpos/device/scanner"
	"fupinpos/pos"
	"fupinpos/pos/search"
)

// searchLimit is how many products the search dialog lists.
const searchLimit = 100

// ProductSearch is the product search dialog's state, for the cashier
// screen and tests.
type ProductSearch struct {
	tr  Tr
	win fyne.Window
	idx *search.Index
	add func(p *pos.Product, qty int64)
	d   *dialog.CustomDialog

	// Entry takes the query: name, pinyin (full or initials), SKU or
	// barcode; "dsl*3" asks for 3.
	Entry *SearchEntry
	// Keypad gives the quantity (empty: 1).
	Keypad *Keypad
	// Categories are the category buttons, "" (all) first; nil when the
	// catalogue has no categories.
	Categories map[string]*widget.Button
	// OnCode, when set, takes a voucher code that ended up in the query
	// field (a voucher scanned while the search was open): scanned says
	// whether the keys came at a scanner's pace. The dialog has closed.
	OnCode func(code string, scanned bool)
	// List shows Hits.
	List *widget.List
	Hits []search.Hit
	// Message says why Enter added nothing: a quantity out of range
	// ("dssl*0", "dssl*99999999"). Hidden until then; a new query hides it.
	Message  *widget.Label
	category string
	selected int
	none     *widget.Label
}

// SearchEntry is the query field of the search dialog: typed text filters
// live; Up/Down move the selection in the results; Esc and Enter go to the
// dialog (through the window's key router).
type SearchEntry struct {
	widget.Entry
	s     *ProductSearch
	timer codeTimer
}

// TypedRune implements fyne.Focusable.
func (e *SearchEntry) TypedRune(r rune) {
	if rt := routerOf(e.s.win); rt != nil {
		rt.NoteRune()
	}
	e.timer.rune(r)
	e.Entry.TypedRune(r)
}

// voucher takes a voucher code keyed into the field (scanned while the
// search was open): the dialog closes and the code goes to OnCode.
func (e *SearchEntry) voucher(end scanner.Key) bool {
	code, scanned, ok := e.timer.voucher(end)
	if !ok || e.s.OnCode == nil {
		return false
	}
	e.s.d.Hide()
	e.s.OnCode(code, scanned)
	return true
}

// TypedKey implements fyne.Focusable.
func (e *SearchEntry) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyUp:
		e.s.Select(e.s.selected - 1)
	case fyne.KeyDown:
		e.s.Select(e.s.selected + 1)
	case fyne.KeyReturn, fyne.KeyEnter:
		if e.voucher(scanner.KeyEnter) {
			return
		}
		if !forwardDialogKey(e.s.win, k) {
			e.s.Add()
		}
	case "": // a scanner's LF suffix ends a voucher scanned into the field
		e.voucher(scanner.KeyUnnamed)
	case fyne.KeyEscape:
		forwardDialogKey(e.s.win, k)
	default:
		e.Entry.TypedKey(k)
	}
}

// NewProductSearch returns (without showing it) the product search dialog
// and its state: a query field with the focus (typed text filters the list
// live), the category buttons when the catalogue has categories, the
// results (name in tr's language, price per unit, best match first and
// selected) and a keypad for the quantity. Enter (or 确定) adds the
// selected product with the quantity through add and closes the dialog.
// Show it with ShowModal(win, "search", d, s.Add).
func NewProductSearch(tr Tr, win fyne.Window, idx *search.Index, add func(p *pos.Product, qty int64)) (*ProductSearch, dialog.Dialog) {
	s := &ProductSearch{tr: tr, win: win, idx: idx, add: add, selected: -1}
	s.Entry = &SearchEntry{s: s, timer: codeTimer{win: win}}
	s.Entry.ExtendBaseWidget(s.Entry)
	s.Entry.SetPlaceHolder(tr.T("ui.search.hint"))
	s.Entry.OnChanged = func(string) { s.refresh() }

	s.Keypad = NewKeypad(tr, win, KeypadQty, tr.T("ui.search.qty"))
	s.Keypad.SetHint("1")
	s.Keypad.OnOK = s.Add
	s.Keypad.FocusTarget = s.Entry

	s.List = widget.NewList(func() int { return len(s.Hits) },
		func() fyne.CanvasObject {
			name := widget.NewLabel("")
			name.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, nil, widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{}), name)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(s.Hits) {
				return
			}
			p := s.Hits[id].Product
			c := o.(*fyne.Container)
			name := tr.ProductName(p)
			if !p.Eligible {
				name += " " + tr.T("ui.search.not_eligible")
			}
			c.Objects[0].(*widget.Label).SetText(name)
			c.Objects[1].(*widget.Label).SetText(p.Price.String() + "/" + p.Unit)
		})
	s.List.OnSelected = func(id widget.ListItemID) {
		s.selected = id
		s.focusEntry()
	}
	s.none = widget.NewLabel(tr.T("ui.search.none"))
	s.none.Hide()
	s.Message = widget.NewLabel("")
	s.Message.Importance = widget.DangerImportance
	s.Message.Hide()

	var top fyne.CanvasObject = s.Entry
	if cats := idx.Categories(); len(cats) > 0 {
		s.Categories = map[string]*widget.Button{}
		row := container.NewHBox()
		for _, c := range append([]string{""}, cats...) {
			label := c
			if c == "" {
				label = tr.T("ui.search.all")
			}
			b := widget.NewButton(label, func() { s.SetCategory(c) })
			s.Categories[c] = b
			row.Add(b)
		}
		top = container.NewVBox(s.Entry, container.NewHScroll(row))
	}
	pad := container.NewGridWrap(fyne.NewSize(260, 250), s.Keypad)
	body := container.NewBorder(top, s.Message, nil, container.NewVBox(layout.NewSpacer(), pad),
		container.NewStack(s.List, container.NewCenter(s.none)))
	s.d = dialog.NewCustomWithoutButtons(tr.T("ui.search.title"), container.NewGridWrap(fyne.NewSize(720, 400), body), win)
	addB := widget.NewButtonWithIcon(tr.T("ui.search.add")+"  [Enter]", theme.ContentAddIcon(), s.Add)
	addB.Importance = widget.HighImportance
	s.d.SetButtons([]fyne.CanvasObject{
		widget.NewButtonWithIcon(tr.T("ui.cashier.cancel")+"  [Esc]", theme.CancelIcon(), s.d.Dismiss), addB})
	s.SetCategory("")
	return s, &focusDialog{Dialog: s.d, win: win, focus: s.Entry}
}

func (s *ProductSearch) focusEntry() { refocus(s.Entry, nil) }

// SetCategory shows only category c ("" = all).
func (s *ProductSearch) SetCategory(c string) {
	s.category = c
	for k, b := range s.Categories {
		b.Importance = widget.MediumImportance
		if k == c {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
	s.refresh()
	s.focusEntry()
}

// query splits the entry into the search text and a quantity typed after
// '*' ("dsl*3"); qty is 0 when none was typed, -1 when it is not valid.
func (s *ProductSearch) query() (text string, qty int64) {
	t := strings.ReplaceAll(s.Entry.Text, "＊", "*")
	text, n, found := cutLast(t, "*")
	if !found {
		return t, 0
	}
	if n = strings.TrimSpace(n); n == "" {
		return text, 0
	}
	q, err := strconv.ParseInt(n, 10, 64)
	if err != nil || q < 1 || q > 9999 {
		return text, -1
	}
	return text, q
}

func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

func (s *ProductSearch) refresh() {
	s.Message.Hide()
	text, _ := s.query()
	s.Hits = s.idx.Search(text, s.category, searchLimit)
	s.List.UnselectAll()
	s.selected = -1
	s.List.Refresh()
	if len(s.Hits) == 0 {
		s.none.Show()
	} else {
		s.none.Hide()
		s.Select(0)
	}
}

// Select makes result i the selected one.
func (s *ProductSearch) Select(i int) {
	if i < 0 || i >= len(s.Hits) {
		return
	}
	s.selected = i
	s.List.Select(i)
	s.List.ScrollTo(i)
}

// Selected returns the selected product, or nil.
func (s *ProductSearch) Selected() *pos.Product {
	if s.selected < 0 || s.selected >= len(s.Hits) {
		return nil
	}
	return s.Hits[s.selected].Product
}

// Qty returns the quantity to add: typed after '*' in the query, else
// keyed on the keypad, else 1. ok is false when it is not valid.
func (s *ProductSearch) Qty() (int64, bool) {
	if _, q := s.query(); q != 0 {
		return q, q > 0
	}
	if s.Keypad.Text() == "" && !s.Keypad.Over() {
		return 1, true
	}
	return s.Keypad.Qty()
}

// Add adds the selected product with the quantity and closes the dialog;
// it does nothing without a selection (the list says 无匹配商品), and with
// a quantity out of range it says so in Message and stays open.
func (s *ProductSearch) Add() {
	p := s.Selected()
	q, ok := s.Qty()
	if p == nil {
		return
	}
	if !ok {
		s.Message.SetText(s.tr.T("ui.search.bad_qty"))
		s.Message.Show()
		return
	}
	s.d.Hide()
	if s.add != nil {
		s.add(p, q)
	}
}
