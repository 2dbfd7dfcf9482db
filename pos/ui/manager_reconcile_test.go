package ui_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/uitest"
)

// runReconcile taps 对账 and waits for the result to reach the screen.
func runReconcile(t *testing.T, m *ui.Manager) {
	t.Helper()
	done := make(chan struct{})
	m.RunReconcile(func() { close(done) })
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("reconcile did not come back")
	}
}

// TestManagerReconcileAndAlerts: before a reconciliation the screen says
// 未对账; one with two differing records says 差异 2 笔 and the alerts tab
// lists the store's alert with its rule in Chinese and its receipts; a clean
// one says 已对账; a failure keeps the last state and says why.
func TestManagerReconcileAndAlerts(t *testing.T) {
	f, m, _ := managerDay(t, 2)
	day := pos.DayOf(uitest.DemoNow)
	if m.Reconciled.Text != "未对账" {
		t.Fatalf("before: %q", m.Reconciled.Text)
	}
	var asked []string
	result := &pos.Reconciliation{Day: day, Diffs: []pos.ReconcileDiff{{Kind: pos.DiffNotUploaded, Seq: 2}, {Kind: pos.DiffConflict, Seq: 1},
		{Kind: pos.DiffTotals}}}
	var fail error
	m.Reconcile = func(d string) (*pos.Reconciliation, error) { asked = append(asked, d); return result, fail }
	m.StoreAlerts = func(d string) ([]pos.Alert, error) {
		return []pos.Alert{{Rule: pos.AlertFaceMatch, Day: d, Store: "HF-001", Cashier: uitest.CashierID, Value: 6, Threshold: 5,
			Records: []pos.RecordRef{{Terminal: "T01", Seq: 1, Receipt: "T01-000001", Time: uitest.DemoNow}}}}, nil
	}
	runReconcile(t, m)
	if len(asked) != 1 || asked[0] != day || m.Reconciled.Text != "差异 2 笔" {
		t.Fatalf("asked %v, label %q", asked, m.Reconciled.Text)
	}
	var tabs *container.AppTabs
	for _, o := range test.LaidOutObjects(f.win.Canvas().Content()) {
		if at, ok := o.(*container.AppTabs); ok {
			tabs = at
		}
	}
	if tabs == nil {
		t.Fatal("no tabs")
	}
	last := tabs.Items[len(tabs.Items)-1]
	if last.Text != "监督提示 (1)" {
		t.Fatalf("alerts tab %q", last.Text)
	}
	tabs.SelectIndex(len(tabs.Items) - 1)
	var texts []string
	for _, o := range test.LaidOutObjects(last.Content) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"购物金额反复恰好等于券面值", "实测 6 / 阈值 5", "涉及 1 笔: " + uitest.DemoNow.In(pos.CST).Format("15:04") + " T01-000001"} {
		if !strings.Contains(all, want) {
			t.Errorf("alerts tab lacks %q:\n%s", want, all)
		}
	}
	result = &pos.Reconciliation{Day: day, Diffs: []pos.ReconcileDiff{}}
	runReconcile(t, m)
	if m.Reconciled.Text != "已对账" {
		t.Errorf("clean: %q", m.Reconciled.Text)
	}
	fail = errors.New("boom")
	runReconcile(t, m)
	if m.Reconciled.Text != "已对账" || m.Message.Text == "" {
		t.Errorf("failure: label %q, message %q", m.Reconciled.Text, m.Message.Text)
	}
}

// A terminal with no central server (set up from a USB stick) says that
// 对账 needs the terminal registered with the server and how, not the
// grey 本机尚未配置 it said before.
func TestManagerReconcileNoServer(t *testing.T) {
	_, m, _ := managerDay(t, 1)
	m.Reconcile = nil
	m.RunReconcile(func() { t.Error("reconcile ran with no server") })
	if msg := m.Message.Text; !strings.Contains(msg, "中心服务器") || !strings.Contains(msg, "对账") {
		t.Errorf("message %q, want why 对账 needs the central server", msg)
	}
	if m.Reconciled.Text != "未对账" {
		t.Errorf("label %q, want 未对账", m.Reconciled.Text)
	}
}
