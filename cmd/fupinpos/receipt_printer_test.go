package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"fupinpos/device/escpos"
	"fupinpos/device/sim"
	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/uitest"
)

// TestPrinterProbeStates opens the terminal on the printer simulator (TCP
// and pty): the start-up probe finds a printer that never answers
// (technician screen: no_status; receipts still print), one whose paper is
// near its end (status bar: paper_near_end, after the probe and after a
// job), and a healthy one.
func TestPrinterProbeStates(t *testing.T) {
	tests := []struct {
		name      string
		cfg       sim.PrinterConfig
		bar, tech string
		noStatus  bool
	}{
		{"no status answers", sim.PrinterConfig{Faults: sim.PrinterFaults{NoAnswer: true}}, "unknown", "no_status", true},
		{"paper near end", sim.PrinterConfig{Status: sim.PrinterStatus{PaperNearEnd: true}}, "paper_near_end", "paper_near_end", false},
		{"healthy", sim.PrinterConfig{}, "ok", "ok", false},
	}
	for _, kind := range []string{"tcp", "pty"} {
		for _, tc := range tests {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				tc.cfg.Profile = escpos.Paper80
				var s *sim.PrinterSim
				var err error
				if kind == "tcp" {
					s, err = sim.NewPrinterTCP("127.0.0.1:0", tc.cfg)
				} else {
					s, err = sim.NewPrinterPTY(t.TempDir()+"/ttyPRN", tc.cfg)
				}
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				d, err := openTerminal(options{db: savedTerminal(t, func(c *pos.TerminalConfig) { c.Printer = s.URI() + "&timeout=300ms" })})
				if err != nil {
					t.Fatal(err)
				}
				defer d.Close()
				d.printer.waitProbe()
				if st := d.printer.State(); st != tc.bar {
					t.Errorf("status bar after the probe: %s, want %s", st, tc.bar)
				}
				if got := printerState(tech{d}.DeviceStates()); got != tc.tech || d.printer.NoStatus() != tc.noStatus {
					t.Errorf("technician screen: %s (no status %t), want %s", got, d.printer.NoStatus(), tc.tech)
				}
				if err := d.printer.PrintReceipt(receiptFixture()); err != nil {
					t.Fatal(err)
				}
				if st := d.printer.State(); st != tc.bar && !(tc.noStatus && st == "ok") {
					t.Errorf("status bar after a job: %s, want %s", st, tc.bar)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if _, err := s.WaitJobs(ctx, 1); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

func printerState(states []ui.DeviceState) string {
	for _, s := range states {
		if s.Field == ui.FieldPrinter {
			return s.State
		}
	}
	return ""
}

// TestFirstCopyAfterFailedPrint: a cash sale whose receipt failed (paper
// out) gets, on the manager's reprint, a copy that is not marked 重印 and
// opens the drawer; the copy after that one is marked and does not.
func TestFirstCopyAfterFailedPrint(t *testing.T) {
	s, err := sim.NewPrinterTCP("127.0.0.1:0", sim.PrinterConfig{Profile: escpos.Paper80, Status: sim.PrinterStatus{PaperOut: true}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := openTerminal(options{db: savedTerminal(t, func(c *pos.TerminalConfig) { c.Printer = s.URI() + "&drawer=1&timeout=300ms" })})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.printer.recordPrintsIn(d.db) // as openTerminal does
	d.printer.waitProbe()
	cat, err := d.db.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	sale, err := d.db.Redeem(bolt.SaleRequest{Cashier: uitest.CashierID, Items: []bolt.Item{{SKU: cat.Products[0].SKU, Qty: 1}}, Method: pos.PayCash})
	if err != nil {
		t.Fatal(err)
	}
	seq := sale.Record.Seq
	rc, err := d.db.Receipt(seq, false, uitest.CashierID)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.printer.PrintReceipt(rc); pos.ErrorCode(err) != pos.EPAPEROUT {
		t.Fatalf("sale's print: %v, want %s", err, pos.EPAPEROUT)
	}
	s.SetStatus(sim.PrinterStatus{})
	for i, want := range []struct{ reprint, drawer bool }{{false, true}, {true, false}} {
		rc, err := d.db.Receipt(seq, true, uitest.ManagerID)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.printer.PrintReceipt(rc); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := d.db.Printed(seq); n != i+1 {
			t.Errorf("copy %d: %d copies recorded", i+1, n)
		}
		if rc.Reprint != want.reprint {
			t.Errorf("copy %d: reprint %t, want %t", i+1, rc.Reprint, want.reprint)
		}
		b, _ := escpos.Receipt(rc, d.printer.profile, nil)
		if kick := strings.Contains(string(b), "\x1bp"); kick != want.drawer {
			t.Errorf("copy %d: drawer kick %t, want %t", i+1, kick, want.drawer)
		}
	}
	s.Close()
	text, drawers := "", 0
	for _, j := range s.Jobs() {
		text += j.Doc.Text()
		for _, e := range j.Doc.Events {
			if e.Kind == escpos.EventDrawer {
				drawers++
			}
		}
	}
	if strings.Count(text, "重印") != 1 || drawers != 1 {
		t.Errorf("printed: %d 重印 marks, %d drawer kicks, want 1 and 1:\n%s", strings.Count(text, "重印"), drawers, text)
	}
}
