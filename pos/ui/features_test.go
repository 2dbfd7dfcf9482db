package ui_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/search"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/boltstore"
	"fupinpos/pos/ui/uitest"
)

var zh = ui.NewTr("zh_Hans")

// press types keys on a keypad: a digit, "00", ".", ui.KeypadBack …
func press(k *ui.Keypad, keys ...string) {
	for _, key := range keys {
		k.Press(key)
	}
}

func TestKeypadAmount(t *testing.T) {
	newApp(t)
	for _, tc := range []struct {
		name string
		keys []string
		text string
		fen  pos.Money
		ok   bool
	}{
		{"yuan and jiao", []string{"1", "2", ".", "3"}, "12.3", 1230, true},
		{"fen", []string{"0", ".", "0", "5"}, "0.05", 5, true},
		{"leading zeros dropped", []string{"0", "0", "5"}, "5", 500, true},
		{"point first", []string{".", "5"}, "0.5", 50, true},
		{"double zero", []string{"1", "00"}, "100", 10000, true},
		{"trailing point", []string{"8", "."}, "8.", 800, true},
		{"third decimal ignored", []string{"1", ".", "2", "3", "4"}, "1.23", 123, true},
		{"second point ignored", []string{"1", ".", ".", "5"}, "1.5", 150, true},
		{"backspace", []string{"1", "2", ui.KeypadBack}, "1", 100, true},
		{"clear", []string{"1", "2", ui.KeypadClear}, "", 0, false},
		{"too many digits", []string{"1", "2", "3", "4", "5", "6", "7", "8"}, "1234567", 0, false},
		{"backspace after too many", []string{"1", "2", "3", "4", "5", "6", "7", "8", ui.KeypadBack}, "1234567", 123456700, true},
		{"nothing", nil, "", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := ui.NewKeypad(zh, nil, ui.KeypadAmount, "实收")
			press(k, tc.keys...)
			m, ok := k.Amount()
			if k.Text() != tc.text || m != tc.fen || ok != tc.ok {
				t.Errorf("text %q amount %d ok %v, want %q %d %v", k.Text(), m, ok, tc.text, tc.fen, tc.ok)
			}
		})
	}
}

func TestKeypadQty(t *testing.T) {
	newApp(t)
	for _, tc := range []struct {
		keys []string
		qty  int64
		ok   bool
	}{
		{[]string{"3"}, 3, true},
		{[]string{"1", "2"}, 12, true},
		{[]string{"1", "."}, 1, true},
		{[]string{"0"}, 0, false},
		{[]string{"9", "9", "9", "9"}, 9999, true},
		{[]string{"9", "9", "9", "9", "9"}, 0, false},
	} {
		k := ui.NewKeypad(zh, nil, ui.KeypadQty, "数量")
		press(k, tc.keys...)
		if q, ok := k.Qty(); q != tc.qty || ok != tc.ok {
			t.Errorf("%v: qty %d ok %v, want %d %v", tc.keys, q, ok, tc.qty, tc.ok)
		}
	}
}

// newWin returns a test window of size 800×600 with the app theme.
func newWin(t *testing.T) fyne.Window {
	t.Helper()
	a := newApp(t)
	w := a.NewWindow("test")
	w.Resize(fyne.NewSize(800, 600))
	t.Cleanup(w.Close)
	return w
}

func enter(w fyne.Window) {
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

type tendered struct {
	calls            int
	tendered, change pos.Money
}

func (r *tendered) done(t, c pos.Money) { r.calls++; r.tendered, r.change = t, c }

func TestTenderChange(t *testing.T) {
	for _, tc := range []struct {
		name   string
		typed  string   // on the keyboard
		taps   []string // keypad keys
		notes  int      // taps on +￥100
		shown  string   // the change label
		calls  int
		tender pos.Money
		change pos.Money
		amount string // 实收 as the display shows it: money, not the digits typed (￥100)
	}{
		{"a 100 note typed", "100", nil, 0, "￥12.30", 1, 10000, 1230, "￥100.00"},
		{"exact on Enter alone", "", nil, 0, "￥0.00", 1, 8770, 0, "￥87.70"},
		{"fen typed", "87.71", nil, 0, "￥0.01", 1, 8771, 1, "￥87.71"},
		{"a point typed last", "87.", nil, 0, "还差 ￥0.70", 0, 0, 0, "￥87.00"},
		{"short", "50", nil, 0, "还差 ￥37.70", 0, 0, 0, "￥50.00"},
		{"keypad", "", []string{"9", "0"}, 0, "￥2.30", 1, 9000, 230, "￥90.00"},
		{"two 100 notes", "", nil, 2, "￥112.30", 1, 20000, 11230, "￥200.00"},
		{"a scan typed into the dialog", strings.Repeat("9", 40), nil, 0, "金额过大，请清除后重输", 0, 0, 0, "9999999 …"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWin(t)
			var got tendered
			td, d := ui.NewTender(zh, w, 8770, got.done)
			if !ui.ShowModal(w, "tender", d, td.Confirm) {
				t.Fatal("not shown")
			}
			if w.Canvas().Focused() != td.Keypad {
				t.Fatalf("focus on %T, want the keypad", w.Canvas().Focused())
			}
			test.Type(w.Canvas().Focused(), tc.typed)
			for _, k := range tc.taps {
				test.Tap(td.Keypad.Button(k))
			}
			for range tc.notes {
				test.Tap(findButton(t, w, "+￥100.00"))
			}
			if td.Change.Text != tc.shown {
				t.Errorf("change shows %q, want %q", td.Change.Text, tc.shown)
			}
			if got := td.Keypad.Shown(); got != tc.amount {
				t.Errorf("实收 shows %q, want %q", got, tc.amount)
			}
			enter(w)
			if got.calls != tc.calls || got.tendered != tc.tender || got.change != tc.change {
				t.Fatalf("done %+v, want %d call(s) with %d, %d", got, tc.calls, tc.tender, tc.change)
			}
			if open := ui.ModalOpen(w); open != (tc.calls == 0) {
				t.Errorf("dialog open %v after Enter", open)
			}
		})
	}
}

func TestTenderEscCancels(t *testing.T) {
	w := newWin(t)
	var got tendered
	tn, d := ui.NewTender(zh, w, 8770, got.done)
	ui.ShowModal(w, "tender", d, tn.Confirm)
	test.Type(w.Canvas().Focused(), "100")
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if ui.ModalOpen(w) || got.calls != 0 {
		t.Fatalf("Esc: open %v, done called %d times", ui.ModalOpen(w), got.calls)
	}
}

func TestTenderMarkup(t *testing.T) {
	w := newWin(t)
	td, d := ui.NewTender(zh, w, 8770, nil)
	ui.ShowModal(w, "tender", d, td.Confirm)
	test.Type(td.Keypad, "100")
	test.AssertRendersToMarkup(t, "tender.xml", w.Canvas())
}

// findButton returns the button labelled text in w's top overlay.
func findButton(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	for _, o := range test.LaidOutObjects(w.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	t.Fatalf("no button %q", text)
	return nil
}

func demoIndex(t *testing.T, store ui.Store) *search.Index {
	t.Helper()
	cat, err := store.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	return search.New(cat)
}

type added struct {
	sku string
	qty int64
}

func TestSearchDialog(t *testing.T) {
	store, _ := uitest.New(t)
	for _, tc := range []struct {
		name     string
		category string
		typed    string
		down     int
		taps     []string
		first    string // the best hit
		want     []added
		message  string // what the dialog says when Enter adds nothing
	}{
		{"initials", "", "dsl", 0, nil, "DS-PEAR-5", []added{{"DS-PEAR-5", 1}}, ""},
		{"quantity from the keypad", "", "dsl", 0, []string{"3"}, "DS-PEAR-5", []added{{"DS-PEAR-5", 3}}, ""},
		{"quantity after a star", "", "jzmht*2", 0, nil, "JZ-KIWI-12", []added{{"JZ-KIWI-12", 2}}, ""},
		{"category, then down", "茶叶", "", 1, nil, "YX-CUILAN-250", []added{{"HS-HUANGYA-100", 1}}, ""},
		{"barcode", "", "6937777001036", 0, nil, "HS-HUANGYA-100", []added{{"HS-HUANGYA-100", 1}}, ""},
		{"nothing found", "", "qqqq", 0, nil, "", nil, ""},
		{"zero quantity", "", "dsl", 0, []string{"0"}, "DS-PEAR-5", nil, "数量应为 1–9999，请改正后再按回车"},
		// A quantity out of range after a star said nothing at all.
		{"zero after a star", "", "dsl*0", 0, nil, "DS-PEAR-5", nil, "数量应为 1–9999，请改正后再按回车"},
		{"too many after a star", "", "dsl*99999999", 0, nil, "DS-PEAR-5", nil, "数量应为 1–9999，请改正后再按回车"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWin(t)
			var got []added
			s, d := ui.NewProductSearch(zh, w, demoIndex(t, store), func(p *pos.Product, q int64) { got = append(got, added{p.SKU, q}) })
			ui.ShowModal(w, "search", d, s.Add)
			if w.Canvas().Focused() != s.Entry {
				t.Fatalf("focus on %T, want the entry", w.Canvas().Focused())
			}
			if tc.category != "" {
				test.Tap(s.Categories[tc.category])
			}
			test.Type(w.Canvas().Focused(), tc.typed)
			for range tc.down {
				w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
			}
			for _, k := range tc.taps {
				test.Tap(s.Keypad.Button(k))
			}
			if first := ""; len(s.Hits) > 0 {
				first = s.Hits[0].Product.SKU
				if first != tc.first {
					t.Errorf("first hit %s, want %s", first, tc.first)
				}
			} else if tc.first != "" {
				t.Errorf("no hit, want %s", tc.first)
			}
			if w.Canvas().Focused() != s.Entry {
				t.Fatalf("focus moved to %T", w.Canvas().Focused())
			}
			enter(w)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("added %v, want %v", got, tc.want)
			}
			if open := ui.ModalOpen(w); open != (tc.want == nil) {
				t.Errorf("dialog open %v after Enter", open)
			}
			if msg := s.Message.Text; s.Message.Visible() != (tc.message != "") || tc.message != "" && msg != tc.message {
				t.Errorf("message %q (shown %v), want %q", msg, s.Message.Visible(), tc.message)
			}
			if tc.message != "" {
				// Correcting the query takes the message away.
				s.Entry.SetText("dsl*2")
				if s.Message.Visible() {
					t.Error("message still shown after the query changed")
				}
			}
		})
	}
}

func TestSearchMarkup(t *testing.T) {
	store, _ := uitest.New(t)
	w := newWin(t)
	s, d := ui.NewProductSearch(zh, w, demoIndex(t, store), nil)
	ui.ShowModal(w, "search", d, s.Add)
	test.Type(s.Entry, "s")
	test.AssertRendersToMarkup(t, "search.xml", w.Canvas())
}

// holdFixture is a cashier's session on the demo store.
type holdFixture struct {
	store *uitest.Store
	dep   *uitest.Deployment
	sess  *ui.Session
	cat   *pos.Catalogue
}

func newHoldFixture(t *testing.T) *holdFixture {
	t.Helper()
	store, dep := uitest.New(t)
	u, err := store.Login(uitest.CashierID, uitest.CashierPIN)
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := store.Catalogue()
	return &holdFixture{store: store, dep: dep, sess: ui.NewSession(store, &uitest.Printer{}, u), cat: cat}
}

func (f *holdFixture) add(i int, qty int64) { f.sess.Add(&f.cat.Products[i], qty) }

func lineKeys(ls []pos.Line) []added {
	var out []added
	for _, l := range ls {
		out = append(out, added{l.SKU, l.Qty})
	}
	return out
}

func TestHoldAndResume(t *testing.T) {
	f := newHoldFixture(t)
	if _, err := f.sess.Hold(); !errors.Is(err, ui.ErrEmpty) {
		t.Fatalf("hold of an empty basket: %v", err)
	}
	f.add(0, 2)
	f.add(2, 1)
	code := f.dep.Issue(pos.Yuan(50), "member-h1")
	if v := f.sess.Scan(code); v.Kind != ui.VerdictOK {
		t.Fatalf("voucher %+v", v)
	}
	f.sess.SetMethod(pos.PayWeChat)
	h, err := f.sess.Hold()
	if err != nil {
		t.Fatal(err)
	}
	if !f.sess.Empty() || f.sess.Method() != pos.PayCash {
		t.Fatalf("session not emptied: %v %v", f.sess.Lines(), f.sess.Vouchers())
	}
	want := []added{{f.cat.Products[0].SKU, 2}, {f.cat.Products[2].SKU, 1}}
	if h.ID == 0 || h.Cashier != uitest.CashierID || !reflect.DeepEqual(lineKeys(h.Lines), want) ||
		!reflect.DeepEqual(h.Codes, []string{code}) || h.Method != pos.PayWeChat {
		t.Fatalf("held %+v", h)
	}

	f.add(1, 1)
	if err := f.sess.Resume(h.ID); !errors.Is(err, ui.ErrBasketBusy) {
		t.Fatalf("resume onto a basket: %v", err)
	}
	if held, _ := f.store.HeldSales(); len(held) != 1 {
		t.Fatalf("a refused resume took the basket: %d held", len(held))
	}
	f.sess.Cancel()
	if err := f.sess.Resume(h.ID); err != nil {
		t.Fatal(err)
	}
	if got := lineKeys(f.sess.Lines()); !reflect.DeepEqual(got, want) {
		t.Errorf("lines %v, want %v", got, want)
	}
	vs := f.sess.Vouchers()
	if len(vs) != 1 || vs[0].Value != pos.Yuan(50) || f.sess.Method() != pos.PayWeChat {
		t.Errorf("vouchers %v method %s", vs, f.sess.Method())
	}
	if v := f.sess.Verdict(); v.Kind != ui.VerdictIdle {
		t.Errorf("verdict %+v", v)
	}
	if held, _ := f.store.HeldSales(); len(held) != 0 {
		t.Errorf("%d still held", len(held))
	}
	st, err := f.sess.Settlement()
	if err != nil || st.VoucherAmount != pos.Yuan(50) {
		t.Errorf("settlement %+v %v", st, err)
	}
	if err := f.sess.Resume(h.ID); pos.ErrorCode(err) != pos.ECONFLICT && pos.ErrorCode(err) != pos.ENOTFOUND {
		t.Errorf("second resume: %v", err)
	}
}

func TestHoldResumeDropsSpentVouchers(t *testing.T) {
	f := newHoldFixture(t)
	spent := f.dep.Issue(pos.Yuan(30), "member-h2")
	kept := f.dep.Issue(pos.Yuan(20), "member-h3")
	f.add(0, 3)
	f.sess.Scan(spent)
	f.sess.Scan(kept)
	h, err := f.sess.Hold()
	if err != nil {
		t.Fatal(err)
	}
	// The next customer's sale uses the same voucher (a copy of the code).
	f.add(1, 1)
	f.sess.Scan(spent)
	if _, err := f.sess.Complete(); err != nil {
		t.Fatal(err)
	}
	if err := f.sess.Resume(h.ID); err != nil {
		t.Fatal(err)
	}
	vs := f.sess.Vouchers()
	if len(vs) != 1 || vs[0].Value != pos.Yuan(20) {
		t.Fatalf("vouchers after resume: %v", vs)
	}
	v := f.sess.Verdict()
	if v.Kind != ui.VerdictRefused || v.Code != pos.EALREADYREDEEMED || v.Params["dropped"] != "1" {
		t.Errorf("verdict %+v", v)
	}
	if got := lineKeys(f.sess.Lines()); !reflect.DeepEqual(got, []added{{f.cat.Products[0].SKU, 3}}) {
		t.Errorf("lines %v", got)
	}
}

func TestHoldCarriesManualApproval(t *testing.T) {
	f := newHoldFixture(t)
	f.add(0, 1)
	code := f.dep.Issue(pos.Yuan(10), "member-h4")
	if v, err := f.sess.ScanManual(code, uitest.ManagerID, uitest.ManagerPIN); err != nil || v.Kind != ui.VerdictOK {
		t.Fatalf("manual %+v %v", v, err)
	}
	h, err := f.sess.Hold()
	if err != nil || !h.Manual || h.Manager != uitest.ManagerID {
		t.Fatalf("held %+v %v", h, err)
	}
	if err := f.sess.Resume(h.ID); err != nil {
		t.Fatal(err)
	}
	if manual, mgr := f.sess.Manual(); !manual || mgr != uitest.ManagerID {
		t.Errorf("after resume manual %v manager %q", manual, mgr)
	}
}

func TestHoldLimit(t *testing.T) {
	f := newHoldFixture(t)
	for i := range pos.MaxHeldSales {
		f.add(i%len(f.cat.Products), 1)
		if _, err := f.sess.Hold(); err != nil {
			t.Fatalf("hold %d: %v", i+1, err)
		}
	}
	f.add(0, 1)
	_, err := f.sess.Hold()
	if !errors.Is(err, ui.ErrHoldFull) {
		t.Fatalf("hold %d: %v", pos.MaxHeldSales+1, err)
	}
	if msg := ui.HoldMessage(zh, err); !strings.Contains(msg, "9") || !strings.Contains(msg, "挂单已满") {
		t.Errorf("message %q", msg)
	}
	if len(f.sess.Lines()) != 1 {
		t.Error("a refused hold emptied the basket")
	}
}

// holdFive parks five baskets of 1–5 units of product i and returns them.
func holdFive(t *testing.T, f *holdFixture) []pos.HeldSale {
	t.Helper()
	var out []pos.HeldSale
	for i := range 5 {
		f.add(i, int64(i+1))
		h, err := f.sess.Hold()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, h)
	}
	return out
}

func TestHeldDialog(t *testing.T) {
	f := newHoldFixture(t)
	held := holdFive(t, f)
	for _, tc := range []struct {
		name string
		keys func(w fyne.Window)
		want uint64
	}{
		{"Enter takes the first", func(w fyne.Window) { enter(w) }, held[0].ID},
		{"Down twice and Enter", func(w fyne.Window) {
			w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
			w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
			enter(w)
		}, held[2].ID},
		{"digit 5", func(w fyne.Window) { test.Type(w.Canvas().Focused(), "5") }, held[4].ID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWin(t)
			var got []uint64
			l, d := ui.NewHeldList(zh, w, f.store, func(id uint64) { got = append(got, id) })
			ui.ShowModal(w, "held", d, func() { l.Take(l.Selected()) })
			if len(l.Rows) != 5 {
				t.Fatalf("%d rows", len(l.Rows))
			}
			tc.keys(w)
			if !reflect.DeepEqual(got, []uint64{tc.want}) || ui.ModalOpen(w) {
				t.Errorf("picked %v (open %v), want %d", got, ui.ModalOpen(w), tc.want)
			}
		})
	}
	names := map[string]string{uitest.CashierID: "王芳"}
	p := f.cat.Products[1]
	row := ui.HeldRow(zh, 2, held[1], names)
	want := "2. " + held[1].Time.In(pos.CST).Format("01-02 15:04") + "  王芳 1001  2 件  " + (p.Price * 2).String()
	if row != want {
		t.Errorf("row %q, want %q", row, want)
	}
}

func TestHeldMarkup(t *testing.T) {
	f := newHoldFixture(t)
	holdFive(t, f)
	w := newWin(t)
	d, onEnter := ui.NewHeldDialog(zh, w, f.store, nil)
	ui.ShowModal(w, "held", d, onEnter)
	test.AssertRendersToMarkup(t, "held.xml", w.Canvas())
}

// Five held baskets survive a restart: the database is closed and opened
// again, and the held dialog of the new store lists all five, which resume
// with their lines.
func TestHeldKeptAcrossRestart(t *testing.T) {
	f := newHoldFixture(t)
	held := holdFive(t, f)
	path := f.store.DB.Path()
	if err := f.store.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Now: func() time.Time { return uitest.DemoNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := boltstore.New(db, nil)

	w := newWin(t)
	var picked []uint64
	l, d := ui.NewHeldList(zh, w, store, func(id uint64) { picked = append(picked, id) })
	ui.ShowModal(w, "held", d, func() { l.Take(l.Selected()) })
	if len(l.Rows) != 5 {
		t.Fatalf("%d baskets listed after a restart, want 5", len(l.Rows))
	}
	for i, h := range l.Held {
		if h.ID != held[i].ID || !reflect.DeepEqual(lineKeys(h.Lines), lineKeys(held[i].Lines)) || !h.Time.Equal(held[i].Time) {
			t.Errorf("basket %d: %+v, want %+v", i, h, held[i])
		}
	}
	test.Type(w.Canvas().Focused(), "4")
	if !reflect.DeepEqual(picked, []uint64{held[3].ID}) {
		t.Fatalf("picked %v", picked)
	}
	u, err := store.Login(uitest.CashierID, uitest.CashierPIN)
	if err != nil {
		t.Fatal(err)
	}
	sess := ui.NewSession(store, &uitest.Printer{}, u)
	if err := sess.Resume(picked[0]); err != nil {
		t.Fatal(err)
	}
	if got := lineKeys(sess.Lines()); !reflect.DeepEqual(got, []added{{f.cat.Products[3].SKU, 4}}) {
		t.Errorf("resumed lines %v", got)
	}
	if left, _ := store.HeldSales(); len(left) != 4 {
		t.Errorf("%d held after resuming one, want 4", len(left))
	}
}

// The cashier screen, with its F2/F5/F6 buttons, fits 800×600 in both
// languages (English labels are the wider), with a margin: text measured
// here is a few pixels narrower than under X (a MinSize of 798 here was
// 802 on an 800-pixel screen, and the English screen was cut at its right
// edge), so 30 px are kept free.
func TestCashierMinSizeBothLanguages(t *testing.T) {
	const margin = 30
	for _, lang := range []string{"zh_Hans", "en"} {
		f := newCashier(t, lang)
		f.sess.Scan(f.ean(0))
		f.sess.Scan(f.dep.Issue(pos.Yuan(100), "member-min")) // forfeits: every total shows
		if ms := f.win.Content().MinSize(); ms.Width > 800-margin || ms.Height > 600 {
			t.Errorf("%s: cashier screen MinSize %v, want at most %d×600", lang, ms, 800-margin)
		}
		for _, b := range []*widget.Button{f.screen.Search, f.screen.Hold, f.screen.Resume} {
			if !strings.HasSuffix(b.Text, "]") || !strings.Contains(b.Text, "[F") {
				t.Errorf("%s: button %q has no shortcut label", lang, b.Text)
			}
		}
	}
}
