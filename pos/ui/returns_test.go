package ui_test

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos"
	"fupinpos/pos/ui"
)

func runReturn(t *testing.T, m *ui.Manager, sale uint64, items []pos.ReturnItem) error {
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
	m.Return = func(uint64, []pos.ReturnItem, string, string, string) (uint64, error) {
		return 0, pos.Errorf(pos.ESERVEROFFLINE, "server unreachable")
	}
	if err := runReturn(t, m, 1, items); pos.ErrorCode(err) != pos.ESERVEROFFLINE {
		t.Fatalf("offline return: %v", err)
	}
	if got := m.Message.Text; got != "退货需要中心服务器同意：服务器无响应，未做任何记录" {
		t.Fatalf("offline message %q", got)
	}
	if seq, _, _ := db.Head(); seq != 1 {
		t.Fatalf("ledger head %d after an offline return", seq)
	}

	m.Return = func(sale uint64, items []pos.ReturnItem, id, pin, reason string) (uint64, error) {
		e, err := db.PrepareReturnEntry(sale, items, id, pin, reason)
		if err != nil {
			return 0, err
		}
		return db.CommitReturnEntry(e.Hash)
	}
	if err := runReturn(t, m, 1, items); err != nil {
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
	if err := runReturn(t, m, 1, items); pos.ErrorCode(err) != pos.ECONFLICT || !strings.Contains(m.Message.Text, "可退数量不足") {
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
