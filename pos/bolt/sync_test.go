package bolt_test

import (
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/pos/voucher"
)

func TestApplyDownload(t *testing.T) {
	f := newFixture(t, nil)
	v := f.dep.Voucher("m1", pos.Yuan(10))
	code := f.dep.Sign(t, v)
	f.dep.Trust.Seq = 2
	f.dep.Campaign().Cap = pos.Yuan(250)
	packed := make([]byte, 8)
	packed[0] = byte(pos.StatusRevoked) << 2 // serial 1
	f.clock.Advance(10 * time.Minute)
	skew, err := f.ApplyDownload(pos.Download{
		Trust: f.dep.TrustDoc(t), Snapshots: []pos.StatusSnapshot{{Campaign: 2020, Packed: packed}},
		Vouchers: []pos.StatusChange{{Voucher: pos.NewVoucherID(2020, 5), Status: pos.StatusRedeemedElsewhere}},
		Holders:  []pos.HolderChange{{Holder: voucher.HolderOf(f.dep.Secret, "m9"), Suspended: true}},
		Cursor:   "c-17", ServerTime: t0.Add(9 * time.Minute),
	}, "sync")
	if err != nil || skew != time.Minute {
		t.Fatalf("apply: skew %v, %v", skew, err)
	}
	if tl, _ := f.Trust(); tl.Seq != 2 {
		t.Fatalf("trust %d", tl.Seq)
	}
	if s, _ := f.Status(v.ID()); v.Serial != 1 || s != pos.StatusRevoked {
		t.Fatalf("serial %d status %s", v.Serial, s)
	}
	_, err = f.Check(code)
	wantCode(t, err, pos.EREVOKED)
	if s, _ := f.Status(pos.NewVoucherID(2020, 5)); s != pos.StatusRedeemedElsewhere {
		t.Fatalf("delta: %s", s)
	}
	if c, _ := f.SyncCursor(); c != "c-17" {
		t.Fatalf("cursor %q", c)
	}
	cs, _ := f.ClockState()
	if !cs.LastSync.Equal(t0.Add(10*time.Minute)) || !cs.Floor.Equal(t0.Add(9*time.Minute)) {
		t.Fatalf("clock %+v", cs)
	}
	// The same trust list again is fine; an older or forged one refuses all.
	if _, err := f.ApplyDownload(pos.Download{Trust: f.dep.TrustDoc(t), Cursor: "c-18"}, "sync"); err != nil {
		t.Fatal(err)
	}
	f.dep.Trust.Seq = 1
	_, err = f.ApplyDownload(pos.Download{Trust: f.dep.TrustDoc(t), Cursor: "c-19",
		Vouchers: []pos.StatusChange{{Voucher: pos.NewVoucherID(2020, 6), Status: pos.StatusRevoked}}}, "sync")
	wantCode(t, err, pos.ETRUSTSTALE)
	f.dep.Trust.Seq = 3
	forged, _ := voucher.SignTrust(f.dep.Trust, postest.Key(66))
	_, err = f.ApplyDownload(pos.Download{Trust: forged, Cursor: "c-19"}, "sync")
	wantCode(t, err, pos.EBADSIGNATURE)
	if c, _ := f.SyncCursor(); c != "c-18" {
		t.Fatalf("a refused download moved the cursor to %q", c)
	}
	if s, _ := f.Status(pos.NewVoucherID(2020, 6)); s != pos.StatusValid {
		t.Fatalf("a refused download applied a change: %s", s)
	}
}
