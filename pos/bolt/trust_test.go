package bolt_test

import (
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/pos/voucher"
)

func TestInstallTrust(t *testing.T) {
	f := newFixture(t, nil)
	_, err := f.InstallTrust(f.dep.TrustDoc(t), "sync")
	wantCode(t, err, pos.ETRUSTSTALE)

	f.dep.Trust.Seq = 2
	f.dep.Campaign().Cap = pos.Yuan(200)
	forged, err := voucher.SignTrust(f.dep.Trust, postest.Key(101))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.InstallTrust(forged, "sync")
	wantCode(t, err, pos.EBADSIGNATURE)

	expired := *f.dep.Trust
	expired.Seq, expired.IssuedAt, expired.Expires, expired.Grace = 3, t0.Add(-5*time.Hour), t0.Add(-2*time.Hour), pos.Duration(time.Hour)
	doc, err := voucher.SignTrust(&expired, f.dep.Root)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.InstallTrust(doc, "sync")
	wantCode(t, err, pos.ETRUSTEXPIRED)

	if _, err := f.InstallTrust(f.dep.TrustDoc(t), "sync"); err != nil {
		t.Fatal(err)
	}
	tl, _ := f.Trust()
	if tl.Seq != 2 || tl.Campaign(2020).Cap != pos.Yuan(200) {
		t.Fatalf("installed %d cap %s", tl.Seq, tl.Campaign(2020).Cap)
	}
	// The new cap applies at once.
	_, err = f.Redeem(sale(pos.PayCash, []string{f.dep.Code(t, "m1", pos.Yuan(250))}, item("YX-CUILAN-250", 2)))
	wantCode(t, err, pos.ECAPEXCEEDED)
}

func TestProvisionKeepsRoot(t *testing.T) {
	f := newFixture(t, nil)
	cfg, _ := f.Config()
	_, err := f.Provision(*cfg, postest.Public(postest.Key(55)), "tech")
	wantCode(t, err, pos.ECONFLICT)
	cfg.Terminal = "T02"
	wantCode(t, f.SetConfig(*cfg, "tech"), pos.EINVALID)
	if _, err := f.Provision(*cfg, f.dep.RootPublic(), "tech"); err != nil {
		t.Fatalf("re-provision before any sale: %v", err)
	}
	cfg.Terminal = "T01"
	if _, err := f.Provision(*cfg, f.dep.RootPublic(), "tech"); err != nil {
		t.Fatal(err)
	}
	f.MustRedeem(t, sale(pos.PayCash, nil, item("DS-PEAR-5", 1)))
	cfg.Terminal = "T02"
	_, err = f.Provision(*cfg, f.dep.RootPublic(), "tech")
	wantCode(t, err, pos.ECONFLICT)
	cfg.Terminal, cfg.Counter = "T01", "扶贫专区 2"
	f.clock.Advance(time.Second)
	if err := f.SetConfig(*cfg, "3001"); err != nil {
		t.Fatal(err)
	}
	var detail map[string]string
	f.AuditEvents(0, func(e *pos.AuditEvent) error {
		if e.Action == pos.AuditConfig {
			detail = e.Detail
		}
		return nil
	})
	if len(detail) != 1 || detail["counter"] != `"扶贫专区 2"` {
		t.Fatalf("config audit %v", detail)
	}
}

func TestStatusSnapshot(t *testing.T) {
	f := newFixture(t, nil)
	packed := make([]byte, 3*4096/4)
	set := func(s uint32, st pos.VoucherStatus) { packed[s/4] |= byte(st) << (2 * (s % 4)) }
	set(1, pos.StatusRevoked)
	set(4097, pos.StatusRedeemedElsewhere)
	set(3*4096-1, pos.StatusSuspended)
	if err := f.ApplyStatusSnapshot(2020, packed, "sync"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		serial uint32
		want   pos.VoucherStatus
	}{{0, pos.StatusValid}, {1, pos.StatusRevoked}, {2, pos.StatusValid}, {4097, pos.StatusRedeemedElsewhere},
		{3*4096 - 1, pos.StatusSuspended}, {3 * 4096, pos.StatusValid}, {1 << 30, pos.StatusValid}}
	for _, tt := range tests {
		if got, _ := f.Status(pos.NewVoucherID(2020, tt.serial)); got != tt.want {
			t.Errorf("serial %d: %s, want %s", tt.serial, got, tt.want)
		}
		if got, _ := f.Status(pos.NewVoucherID(2021, tt.serial)); got != pos.StatusValid {
			t.Errorf("other campaign serial %d: %s", tt.serial, got)
		}
	}
	// A delta changes one serial; a new snapshot replaces everything.
	mustDelta(t, f, []pos.StatusChange{{Voucher: pos.NewVoucherID(2020, 2), Status: pos.StatusRevoked}}, nil)
	if got, _ := f.Status(pos.NewVoucherID(2020, 2)); got != pos.StatusRevoked {
		t.Fatalf("after delta: %s", got)
	}
	if got, _ := f.Status(pos.NewVoucherID(2020, 1)); got != pos.StatusRevoked {
		t.Fatalf("delta disturbed its neighbour: %s", got)
	}
	if err := f.ApplyStatusSnapshot(2020, make([]byte, 100), "sync"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []uint32{1, 2, 4097} {
		if got, _ := f.Status(pos.NewVoucherID(2020, s)); got != pos.StatusValid {
			t.Fatalf("serial %d still %s after an all-valid snapshot", s, got)
		}
	}
}
