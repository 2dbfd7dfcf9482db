package uitest_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/uitest"
)

// TestNewIsARealTerminal: New provisions a bolt file with the demo users
// and campaign; vouchers the deployment issues redeem, forged ones do not.
func TestNewIsARealTerminal(t *testing.T) {
	s, dep := uitest.New(t)
	path := s.Path()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	var _ ui.Store = s
	for _, tc := range []struct{ id, pin string }{
		{uitest.CashierID, uitest.CashierPIN}, {uitest.ManagerID, uitest.ManagerPIN}, {uitest.TechnicianID, uitest.TechnicianPIN},
	} {
		if _, err := s.Login(tc.id, tc.pin); err != nil {
			t.Errorf("login %s: %v", tc.id, err)
		}
	}
	if v, err := s.Check(dep.Issue(pos.Yuan(20), "m1")); err != nil || v.Value != pos.Yuan(20) {
		t.Errorf("issued voucher: %+v %v", v, err)
	}
	if _, err := s.Check(dep.Forge(pos.Yuan(20))); pos.ErrorCode(err) != pos.EBADSIGNATURE && pos.ErrorCode(err) != pos.EMALFORMED {
		t.Errorf("forged voucher: %v", err)
	}
	cfg, _ := s.Config()
	if cfg.Terminal != "T01" || cfg.StoreName != "合肥百大扶贫专区" {
		t.Errorf("config %+v", cfg)
	}
}

// TestDemoVoidIsNotNegative: the void record carries the sale's amounts
// with kind void (the report subtracts it), as the real store writes it.
func TestDemoVoidIsNotNegative(t *testing.T) {
	s, dep := uitest.New(t)
	cat, _ := s.Catalogue()
	seq, _, err := s.Commit(ui.Sale{Cashier: uitest.CashierID, Lines: []pos.Line{{SKU: cat.Products[0].SKU, Qty: 1}},
		Codes: []string{dep.Issue(pos.Yuan(5), "m")}, Method: pos.PayCash})
	if err != nil {
		t.Fatal(err)
	}
	slip, err := s.Void(seq, uitest.ManagerID, uitest.ManagerPIN, "顾客退货")
	if err != nil {
		t.Fatal(err)
	}
	var recs []*pos.Record
	s.Records(func(r *pos.Record) error { recs = append(recs, r); return nil })
	if len(recs) != 2 || recs[1].Kind != pos.KindVoid || recs[1].Total != recs[0].Total || recs[1].Total <= 0 || slip.Total != recs[0].Total {
		t.Fatalf("records %+v %+v, slip total %s", recs[0], recs[1], slip.Total)
	}
}

// TestDemoHelpers: the clock, SetConfig, AddIncident and AuditLog.
func TestDemoHelpers(t *testing.T) {
	s, _ := uitest.New(t)
	before := len(s.AuditLog())
	cfg, _ := s.Config()
	cfg.Kiosk = true
	if err := s.SetConfig(cfg, uitest.TechnicianID); err != nil {
		t.Fatal(err)
	}
	log := s.AuditLog()
	if len(log) != before+1 || log[len(log)-1] != uitest.TechnicianID+" config kiosk=true" {
		t.Fatalf("audit after SetConfig: %q", log[before:])
	}
	bad := *cfg
	bad.Terminal = ""
	if err := s.SetConfig(&bad, uitest.TechnicianID); err == nil || len(s.AuditLog()) != before+1 {
		t.Fatalf("bad config: %v, audit %d", err, len(s.AuditLog()))
	}
	at := time.Date(2020, 8, 20, 15, 4, 0, 0, pos.CST)
	s.AddIncident(pos.Incident{Time: at, Seq: 7, Receipt: "T01-000007", Result: pos.UploadConflict, Reason: pos.EREDEEMEDELSEWHERE})
	ins, _ := s.Incidents()
	if len(ins) != 1 || !ins[0].Time.Equal(at) || ins[0].ID != 1 {
		t.Fatalf("incidents %+v", ins)
	}
	s.Now = func() time.Time { return uitest.DemoNow.Add(time.Hour) }
	if _, err := s.Login(uitest.CashierID, "0000"); pos.ErrorCode(err) != pos.EBADPIN {
		t.Fatal(err)
	}
	log = s.AuditLog()
	if last := log[len(log)-1]; !strings.HasPrefix(last, uitest.CashierID+" login_failed") {
		t.Fatalf("last audit %q", last)
	}
	var last pos.AuditEvent
	s.AuditEvents(0, func(e *pos.AuditEvent) error { last = *e; return nil })
	if !last.Time.Equal(uitest.DemoNow.Add(time.Hour)) {
		t.Fatalf("audit time %v, want the store clock", last.Time)
	}
}

// TestFaultyCommit: an injected storage failure reaches the caller and the
// ledger stays empty; without it the sale is recorded.
func TestFaultyCommit(t *testing.T) {
	s, dep := uitest.New(t)
	cat, _ := s.Catalogue()
	sale := ui.Sale{Cashier: uitest.CashierID, Lines: []pos.Line{{SKU: cat.Products[0].SKU, Qty: 1}},
		Codes: []string{dep.Issue(pos.Yuan(5), "m")}, Method: pos.PayCash}
	f := &uitest.Faulty{Store: s, OnCommit: func(ui.Sale) (uint64, *pos.Receipt, error) {
		return 0, nil, pos.Errorf(pos.ESTORAGE, "disk full")
	}}
	if _, _, err := f.Commit(sale); pos.ErrorCode(err) != pos.ESTORAGE {
		t.Fatalf("injected: %v", err)
	}
	if seq, _, _ := s.Head(); seq != 0 {
		t.Fatalf("ledger has %d records after a failed commit", seq)
	}
	f.OnCommit = nil
	if seq, _, err := f.Commit(sale); err != nil || seq != 1 {
		t.Fatalf("real commit: %d %v", seq, err)
	}
}
