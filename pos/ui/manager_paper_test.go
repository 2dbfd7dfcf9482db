package ui_test

import (
	"strings"
	"testing"

	"fupinpos/pos/ui"
	"fupinpos/pos/ui/uitest"
)

// stateDevices is a manager's printer that says how it stands.
type stateDevices struct {
	mgrDevices
	state string
}

func (d *stateDevices) State() string { return d.state }

// TestManagerPaperNearEnd: the manager's screen has a line about the
// paper running out while the printer reports paper_near_end, and none
// otherwise.
func TestManagerPaperNearEnd(t *testing.T) {
	f := newCashier(t, "zh_Hans")
	mgr, err := f.store.Login(uitest.ManagerID, uitest.ManagerPIN)
	if err != nil {
		t.Fatal(err)
	}
	dev := &stateDevices{state: "paper_near_end"}
	m := ui.NewManager(ui.NewTr("zh_Hans"), f.store, dev, f.win, mgr, func() {})
	if !m.Paper.Visible() || !strings.Contains(m.Paper.Text, "打印纸将用完") {
		t.Fatalf("paper line visible %t %q", m.Paper.Visible(), m.Paper.Text)
	}
	for _, st := range []string{"ok", "unknown", "paper_out"} {
		dev.state = st
		m.Load()
		if m.Paper.Visible() {
			t.Errorf("%s: paper line shown: %q", st, m.Paper.Text)
		}
	}
	dev.state = "paper_near_end"
	m.Load()
	if !m.Paper.Visible() {
		t.Error("paper line not shown again")
	}
}
