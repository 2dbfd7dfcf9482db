package ui_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/boltstore"
	"fupinpos/pos/ui/uitest"
)

// localReturn is a ReturnFunc that records the return the server would
// agree to, on the real bolt steps, with the sale as this ledger holds it.
func localReturn(s *boltstore.Store) ui.ReturnFunc {
	return func(sale string, items []pos.ReturnItem, id, pin, reason string) (uint64, error) {
		sr, err := s.ReturnSale(sale)
		if err != nil {
			return 0, err
		}
		e, err := s.PrepareReturnEntry(sr, items, id, pin, reason)
		if err != nil {
			return 0, err
		}
		return s.CommitReturnEntry(e.Hash)
	}
}

func runReturn(t *testing.T, m *ui.Manager, sale string, items []pos.ReturnItem) error {
	t.Helper()
	done := make(chan error, 1)
	m.RunReturn(sale, items, "2001", "2468", "顾客退货", func(err error) { done <- err })
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("the return did not come back")
	}
	return nil
}

// TestManagerReturn: the 退货 button opens the dialog, which refuses no
// quantity; with the server unreachable nothing is recorded and the
// manager reads why; with its agreement (here: the real bolt steps, as the
// server answers accepted) the return slip prints, the day lists the
// return and the message states the refund and the voucher reinstated.
func TestManagerReturn(t *testing.T) {
	f, m, dev := managerDay(t, 1)
	db := f.store.DB
	offline := func(string, []pos.ReturnItem, string, string, string) (uint64, error) {
		return 0, pos.Errorf(pos.ESERVEROFFLINE, "server unreachable")
	}
	m.Return = offline // a terminal with a server, which is down
	selectTab(t, f.win, "交易明细")
	test.Tap(button(t, f.win, "退货"))
	if f.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no return dialog")
	}
	test.Tap(dialogButton(t, f.win, "确定"))
	if !overlayHas(f.win, "请至少填写一件退货商品的数量") {
		t.Fatal("the dialog did not refuse a return of nothing")
	}
	test.Tap(dialogButton(t, f.win, "取消"))

	rec, err := db.Record(1)
	if err != nil {
		t.Fatal(err)
	}
	items := []pos.ReturnItem{{SKU: rec.Record.Lines[0].SKU, Qty: rec.Record.Lines[0].Qty}}
	if err := runReturn(t, m, "T01-000001", items); pos.ErrorCode(err) != pos.ESERVEROFFLINE {
		t.Fatalf("offline return: %v", err)
	}
	if got := m.Message.Text; got != "退货需要中心服务器同意：服务器无响应，未做任何记录" {
		t.Fatalf("offline message %q", got)
	}
	if seq, _, _ := db.Head(); seq != 1 {
		t.Fatalf("ledger head %d after an offline return", seq)
	}

	m.Return = localReturn(f.store.Store)
	if err := runReturn(t, m, "T01-000001", items); err != nil {
		t.Fatal(err)
	}
	msg := m.Message.Text
	if !strings.HasPrefix(msg, "退货单 T01-000002 已记录") || !strings.Contains(msg, "券值恢复 ￥30.00") || !strings.Contains(msg, "券面金额不退现金") {
		t.Fatalf("return message %q", msg)
	}
	last := dev.Printed[len(dev.Printed)-1]
	if last.Kind != pos.KindReturn || last.Returns != "T01-000001" || last.Reinstated != pos.Yuan(30) || last.Total != rec.Record.Total {
		t.Fatalf("printed %+v", last)
	}
	if err := runReturn(t, m, "T01-000001", items); pos.ErrorCode(err) != pos.ECONFLICT || !strings.Contains(m.Message.Text, "可退数量不足") {
		t.Fatalf("second return: %v, %q", err, m.Message.Text)
	}
}

// overlayHas reports whether the top overlay shows a label with text.
func overlayHas(win fyne.Window, text string) bool {
	top := win.Canvas().Overlays().Top()
	if top == nil {
		return false
	}
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok && l.Visible() && l.Text == text {
			return true
		}
	}
	return false
}

// dialogEntries returns the enabled-or-not KeyEntries of the top dialog, in
// layout order, and the texts it shows (labels and form hints).
func dialogEntries(win fyne.Window) ([]*ui.KeyEntry, []string) {
	var es []*ui.KeyEntry
	var texts []string
	top := win.Canvas().Overlays().Top()
	if top == nil {
		return nil, nil
	}
	for _, o := range test.LaidOutObjects(top) {
		switch x := o.(type) {
		case *ui.KeyEntry:
			es = append(es, x)
		case *canvas.Text:
			texts = append(texts, x.Text)
		case *widget.Label:
			texts = append(texts, x.Text)
		}
	}
	return es, texts
}

// TestReturnDialogLeft: the return dialog shows per product what was sold
// and what is left after earlier returns (可退 N), the quantity entry never
// holds more than that, and a sale with nothing left opens no dialog but
// says so; by receipt number, a sale of another terminal is refused
// naming it, and this terminal's number (or the receipt's QR) opens it.
func TestReturnDialogLeft(t *testing.T) {
	f, m, _ := managerDay(t, 0)
	cat, err := f.store.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	sku := cat.Products[0].SKU
	seq, _, err := f.store.Commit(ui.Sale{Cashier: uitest.CashierID, Lines: []pos.Line{{SKU: sku, Qty: 3}}, Method: pos.PayCash})
	if err != nil {
		t.Fatal(err)
	}
	m.SelectDay(pos.DayOf(uitest.DemoNow))
	selectTab(t, f.win, "交易明细")
	m.Return = localReturn(f.store.Store)
	open := func(sold, left int64, typed, want string) {
		t.Helper()
		test.Tap(button(t, f.win, "退货"))
		es, texts := dialogEntries(f.win)
		hint := fmt.Sprintf("已售 %d，可退 %d", sold, left)
		if len(es) == 0 || !slices.Contains(texts, hint) {
			t.Fatalf("return dialog: no %q in %q", hint, texts)
		}
		test.Type(es[0], typed)
		if es[0].Text != want {
			t.Fatalf("typed %q with %d left: entry holds %q, want %q", typed, left, es[0].Text, want)
		}
		test.Tap(dialogButton(t, f.win, "取消"))
	}
	open(3, 3, "5", "3")
	if err := runReturn(t, m, pos.ReceiptNumber("T01", seq), []pos.ReturnItem{{SKU: sku, Qty: 2}}); err != nil {
		t.Fatal(err)
	}
	open(3, 1, "2", "1")
	if err := runReturn(t, m, pos.ReceiptNumber("T01", seq), []pos.ReturnItem{{SKU: sku, Qty: 1}}); err != nil {
		t.Fatal(err)
	}
	m.Message.SetText("")
	test.Tap(button(t, f.win, "退货"))
	if top := f.win.Canvas().Overlays().Top(); top != nil {
		t.Fatal("a return dialog for a sale with nothing left")
	}
	if want := "T01-000001 的商品已全部退回，没有可退的了"; m.Message.Text != want {
		t.Fatalf("message %q, want %q", m.Message.Text, want)
	}

	for _, c := range []struct{ typed, want string }{
		{"T02-000001", "T02-000001 是收银台 T02 的销售：在本机退货需要连接中心服务器"},
		{"T01-000009", "T01-000009"}, // not found: the error names it
	} {
		m.AskReturnByReceipt()
		es, _ := dialogEntries(f.win)
		if len(es) != 1 {
			t.Fatalf("receipt dialog entries %d", len(es))
		}
		test.Type(es[0], c.typed)
		test.Tap(dialogButton(t, f.win, "确定"))
		_, texts := dialogEntries(f.win)
		if !slices.ContainsFunc(texts, func(s string) bool { return strings.Contains(s, c.want) }) {
			t.Fatalf("receipt %s: no %q in %q", c.typed, c.want, texts)
		}
		test.Tap(dialogButton(t, f.win, "取消"))
	}
	m.AskReturnByReceipt()
	es, _ := dialogEntries(f.win)
	test.Type(es[0], "FPR1:T01-000001:0123456789abcdef")
	test.Tap(dialogButton(t, f.win, "确定"))
	if f.win.Canvas().Overlays().Top() != nil || m.Message.Text != "T01-000001 的商品已全部退回，没有可退的了" {
		t.Fatalf("the receipt's QR did not find the sale: %q", m.Message.Text)
	}
}

// TestReceiptOfScan: a receipt number typed, or the receipt's audit QR.
func TestReceiptOfScan(t *testing.T) {
	for in, want := range map[string]string{
		"T01-000042":                        "T01-000042",
		" T01-000042\n":                     "T01-000042",
		"FPR1:T01-000042:0123456789abcdef":  "T01-000042",
		"FPR1:T-A-01-000042:0123456789abcd": "T-A-01-000042",
		"FPR1:garbage":                      "FPR1:garbage",
	} {
		if got := ui.ReceiptOfScan(in); got != want {
			t.Errorf("ReceiptOfScan(%q) = %q, want %q", in, got, want)
		}
	}
}

// watch returns a channel that gets a value each time the manager's screen
// shows the outcome of work done off the UI goroutine (Manager.OnDone).
func watch(m *ui.Manager) chan struct{} {
	done := make(chan struct{}, 16)
	m.OnDone = func() { done <- struct{}{} }
	return done
}

// waitFor waits until ok holds, reading it only after an outcome is shown
// (watch; fyne.Do runs at once in the test app, on the worker's
// goroutine), so the test reads no widget the worker is writing.
func waitFor(t *testing.T, done chan struct{}, what string, ok func() bool) {
	t.Helper()
	for deadline := time.After(5 * time.Second); ; {
		select {
		case <-done:
			if ok() {
				return
			}
		case <-deadline:
			t.Fatalf("waited 5 s for %s", what)
		}
	}
}

// TestReturnOtherTerminal: with a central server, a receipt number of
// another terminal of the store is looked up there (LookupSale) and its
// dialog shows what is left after the returns agreed at every terminal;
// the return goes out for that receipt number. A sale of another store is
// refused in the manager's words.
func TestReturnOtherTerminal(t *testing.T) {
	f, m, _ := managerDay(t, 0)
	done := watch(m)
	cat, err := f.store.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	p := cat.Products[0]
	sale := &pos.Record{Kind: pos.KindSale, Seq: 5, Terminal: "T02", Store: "S01", Receipt: "T02-000005", Cashier: "1001",
		Lines: []pos.Line{{SKU: p.SKU, Name: p.Name, Price: p.Price, Qty: 3, Eligible: true}}, Total: 3 * p.Price, Eligible: 3 * p.Price,
		SelfPaid: 3 * p.Price, Method: pos.PayCash}
	earlier := &pos.Record{Kind: pos.KindReturn, Seq: 9, Terminal: "T03", Receipt: "T03-000009", Returns: 5, SaleTerminal: "T02",
		Lines: []pos.Line{{SKU: p.SKU, Name: p.Name, Price: p.Price, Qty: 2, Eligible: true}}, Total: 2 * p.Price, SelfPaid: 2 * p.Price}
	var mu sync.Mutex // the screen calls both off the UI goroutine
	var asked []string
	m.LookupSale = func(no string) (*pos.SaleReturns, error) {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, no)
		if no == "T02-000005" {
			return &pos.SaleReturns{Sale: sale, Returns: []*pos.Record{earlier}}, nil
		}
		return nil, pos.Errorf(pos.EReturnElsewhere, "another store").With("store", "S09").With("receipt", no)
	}
	var sent string
	var sentItems []pos.ReturnItem
	m.Return = func(no string, items []pos.ReturnItem, id, pin, reason string) (uint64, error) {
		mu.Lock()
		defer mu.Unlock()
		sent, sentItems = no, items
		return 0, pos.Errorf(pos.ESERVEROFFLINE, "server unreachable")
	}

	m.AskReturnByReceipt()
	es, _ := dialogEntries(f.win)
	test.Type(es[0], "T02-000005")
	test.Tap(dialogButton(t, f.win, "确定"))
	waitFor(t, done, "the return dialog of T02-000005", func() bool { return overlayHas(f.win, "退货 T02-000005") })
	es, texts := dialogEntries(f.win)
	if !slices.Contains(texts, "已售 3，可退 1") || len(es) != 4 {
		t.Fatalf("return dialog of another terminal's sale: %d entries, texts %q", len(es), texts)
	}
	test.Type(es[0], "1")
	test.Type(es[1], "顾客退货")
	test.Type(es[3], uitest.ManagerPIN)
	test.Tap(dialogButton(t, f.win, "确定"))
	waitFor(t, done, "the return to go out", func() bool {
		return m.Message.Text == "退货需要中心服务器同意：服务器无响应，未做任何记录"
	})
	mu.Lock()
	defer mu.Unlock()
	if sent != "T02-000005" || len(sentItems) != 1 || sentItems[0] != (pos.ReturnItem{SKU: p.SKU, Qty: 1}) {
		t.Fatalf("return sent for %q %+v", sent, sentItems)
	}

	mu.Unlock()
	m.AskReturnByReceipt()
	es, _ = dialogEntries(f.win)
	test.Type(es[0], "T09-000001")
	test.Tap(dialogButton(t, f.win, "确定"))
	want := "只能在售出商品的门店退货：T09-000001 是门店 S09 的销售"
	waitFor(t, done, want, func() bool { return m.Message.Text == want })
	mu.Lock()
	if f.win.Canvas().Overlays().Top() != nil || !slices.Equal(asked, []string{"T02-000005", "T09-000001"}) {
		t.Fatalf("a dialog is open, or the server was asked for %q", asked)
	}
}

// TestReturnLookupAfterLeaving: the server's answer to a lookup that comes
// after the manager left the screen (logout, idle lock) opens no return
// dialog over whatever is shown then.
func TestReturnLookupAfterLeaving(t *testing.T) {
	f, m, _ := managerDay(t, 1)
	rec, err := f.store.ReturnSale("T01-000001")
	if err != nil {
		t.Fatal(err)
	}
	release, answered := make(chan struct{}), make(chan struct{})
	m.Return = localReturn(f.store.Store) // a terminal with a server has both
	m.LookupSale = func(string) (*pos.SaleReturns, error) {
		<-release
		defer close(answered)
		return rec, nil
	}
	m.AskReturnByReceipt()
	es, _ := dialogEntries(f.win)
	test.Type(es[0], "T01-000001")
	test.Tap(dialogButton(t, f.win, "确定"))
	f.win.SetContent(widget.NewLabel("登录")) // the idle lock shows the login screen
	close(release)
	<-answered
	time.Sleep(50 * time.Millisecond) // the UI step after the answer
	if f.win.Canvas().Overlays().Top() != nil {
		t.Fatal("a return dialog opened over the screen that replaced the manager's")
	}
}

// A receipt's QR scanned on the manager's screen opens that sale's return;
// another scan there is told to be a cashier's; at the cashier's screen the
// receipt's QR is said to be one, not an unrecognised code.
func TestReceiptQRScanned(t *testing.T) {
	f, m, _ := managerDay(t, 0)
	cat, err := f.store.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	seq, _, err := f.store.Commit(ui.Sale{Cashier: uitest.CashierID, Lines: []pos.Line{{SKU: cat.Products[0].SKU, Qty: 2}}, Method: pos.PayCash})
	if err != nil {
		t.Fatal(err)
	}
	no := pos.ReceiptNumber("T01", seq)
	m.Return = localReturn(f.store.Store)
	if !m.TakeScan("FPR1:" + no + ":0123456789abcdef") {
		t.Fatal("the receipt's QR was not taken")
	}
	if _, texts := dialogEntries(f.win); !slices.Contains(texts, "已售 2，可退 2") {
		t.Fatalf("no return dialog of %s after its QR: %q", no, texts)
	}
	test.Tap(dialogButton(t, f.win, "取消"))
	m.TakeScan("6937777001005")
	if !strings.Contains(m.Message.Text, "管理页面只受理小票二维码") {
		t.Errorf("a product scanned on the manager's screen: message %q", m.Message.Text)
	}

	sess := ui.NewSession(f.store, &uitest.Printer{}, &pos.User{ID: uitest.CashierID, Role: pos.RoleCashier})
	v := sess.Scan("FPR1:" + no + ":0123456789abcdef")
	if got := ui.NewTr("zh_Hans").Err(v.Err); !strings.Contains(got, "这是小票 "+no+" 的二维码") {
		t.Errorf("the receipt's QR at the cashier's screen: %q", got)
	}
}

// TestReturnNeedsServer: on a terminal with no central server (not
// enrolled), 退货 and 退货（按小票） say at once, in a dialog and on the
// screen, that a return needs the central server online and what to do —
// no form to fill in first, and not 本机尚未配置，请联系技术员 in grey.
func TestReturnNeedsServer(t *testing.T) {
	const want = "退货须经中心服务器同意，须在联网时办理：本机尚未连接中心服务器，不能退货。请联系技术员在技术员界面的“服务器”页注册本机；注册后联网即可退货。"
	f, m, _ := managerDay(t, 1)
	selectTab(t, f.win, "交易明细")
	for _, tc := range []struct {
		name string
		open func()
	}{
		{"退货", func() { test.Tap(button(t, f.win, "退货")) }},
		{"退货（按小票）", m.AskReturnByReceipt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m.Message.SetText("")
			tc.open()
			if !overlayHas(f.win, want) {
				t.Errorf("no dialog saying the server is needed")
			}
			if es, _ := dialogEntries(f.win); len(es) != 0 {
				t.Errorf("a form to fill in (%d entries) before saying no", len(es))
			}
			if m.Message.Text != want {
				t.Errorf("message %q, want %q", m.Message.Text, want)
			}
			ui.CloseModals(f.win)
		})
	}
	done := make(chan error, 1)
	m.RunReturn("T01-000001", []pos.ReturnItem{{SKU: "X", Qty: 1}}, "2001", "2468", "顾客退货", func(err error) { done <- err })
	if err := <-done; pos.ErrorCode(err) != pos.ENOTPROVISIONED || m.Message.Text != want {
		t.Errorf("RunReturn: %v, message %q", err, m.Message.Text)
	}
	ui.CloseModals(f.win)
}
