package server

import (
	"bytes"
	"slices"
	"testing"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

func TestUploadIdempotent(t *testing.T) {
	e := newEnv(t)
	t1 := e.enroll("T01", 11)
	batch := []pos.Entry{t1.sale(e.dep.Code(t, "M1", 5000)), t1.sale(e.dep.Code(t, "M2", 5000)), t1.sale()}
	if got := results(t1.upload(batch...)); !slices.Equal(got, []string{"accepted", "accepted", "accepted"}) {
		t.Fatalf("first upload: %v", got)
	}
	if got := results(t1.upload(batch...)); !slices.Equal(got, []string{"duplicate", "duplicate", "duplicate"}) {
		t.Fatalf("same batch again: %v", got)
	}
	// A retry that overlaps: the old tail again plus a new record.
	next := t1.sale()
	if got := results(t1.upload(batch[2], next)); !slices.Equal(got, []string{"duplicate", "accepted"}) {
		t.Fatalf("overlapping retry: %v", got)
	}
	tm, err := e.srv.Store.Terminal("T01")
	if err != nil {
		t.Fatal(err)
	}
	if tm.HeadSeq != 4 || tm.Records != 4 {
		t.Errorf("server holds head %d, %d records; want 4, 4", tm.HeadSeq, tm.Records)
	}
	if in := e.incidents(); len(in) != 0 {
		t.Errorf("incidents %+v", in)
	}
}

func TestUploadChain(t *testing.T) {
	tests := []struct {
		name string
		run  func(e *env, t1 *term) []wire.UploadResult
		want []string
		kind string
	}{
		{"gap", func(e *env, t1 *term) []wire.UploadResult {
			t1.upload(t1.sale())
			t1.sale() // seq 2 never sent
			return t1.upload(t1.sale())
		}, []string{"conflict:" + wire.ReasonChainGap}, wire.IncidentChain},
		{"rewritten record, same seq", func(e *env, t1 *term) []wire.UploadResult {
			first := t1.sale()
			t1.upload(first)
			t1.seq, t1.prev = 0, pos.Hash{}
			other := t1.sale(e.dep.Code(e.t, "M1", 1000))
			return t1.upload(other)
		}, []string{"conflict:" + wire.ReasonChainRewritten}, wire.IncidentChain},
		{"does not link", func(e *env, t1 *term) []wire.UploadResult {
			t1.upload(t1.sale())
			t1.prev = pos.Hash{1}
			return t1.upload(t1.sale())
		}, []string{"conflict:" + wire.ReasonChainRewritten}, wire.IncidentChain},
		{"bad entry signature", func(e *env, t1 *term) []wire.UploadResult {
			s := t1.sale()
			s.Sig[0] ^= 1
			return t1.upload(s)
		}, []string{"rejected:" + pos.EBADSIGNATURE}, wire.IncidentRejected},
		{"tampered body", func(e *env, t1 *term) []wire.UploadResult {
			s := t1.sale()
			s.Body = bytes.Replace(s.Body, []byte(`"cashier":"1001"`), []byte(`"cashier":"1002"`), 1)
			return t1.upload(s)
		}, []string{"rejected:" + pos.EBADSIGNATURE}, wire.IncidentRejected},
		{"forged voucher", func(e *env, t1 *term) []wire.UploadResult {
			c := []byte(e.dep.Code(e.t, "M1", 1000))
			c[100] = '0' + (c[100]-'0'+1)%10
			return t1.upload(t1.sale(string(c)))
		}, []string{"rejected:" + pos.EBADSIGNATURE}, wire.IncidentRejected},
		{"record of another terminal", func(e *env, t1 *term) []wire.UploadResult {
			t1.id = "T02"
			s := t1.sale()
			t1.id = "T01"
			return t1.upload(s)
		}, []string{"rejected:" + wire.ReasonWrongTerminal}, wire.IncidentRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.enroll("T02", 12)
			t1 := e.enroll("T01", 11)
			if got := results(tt.run(e, t1)); !slices.Equal(got, tt.want) {
				t.Fatalf("results %v, want %v", got, tt.want)
			}
			in := e.incidents()
			if len(in) != 1 || in[0].Kind != tt.kind || in[0].Terminal != "T01" {
				t.Fatalf("incidents %+v, want one %s", in, tt.kind)
			}
		})
	}
}

func TestChainResumesAfterGap(t *testing.T) {
	e := newEnv(t)
	t1 := e.enroll("T01", 11)
	s1, s2, s3, s4 := t1.sale(), t1.sale(), t1.sale(), t1.sale()
	got := results(t1.upload(s1, s3, s4))
	if !slices.Equal(got, []string{"accepted", "conflict:" + wire.ReasonChainGap, "accepted"}) {
		t.Fatalf("with seq 2 missing: %v", got)
	}
	// The missing record arrives late and links both ways: accepted.
	if got := results(t1.upload(s2)); !slices.Equal(got, []string{"accepted"}) {
		t.Fatalf("late seq 2: %v", got)
	}
}

func TestDoubleSpend(t *testing.T) {
	e := newEnv(t)
	t1, t2 := e.enroll("T01", 11), e.enroll("T02", 12)
	code := e.dep.Code(t, "M1", 10000)
	a, b := t1.sale(code), t2.sale(code)
	if got := results(t1.upload(a)); !slices.Equal(got, []string{"accepted"}) {
		t.Fatalf("T01: %v", got)
	}
	if got := results(t2.upload(b)); !slices.Equal(got, []string{"conflict:" + pos.EREDEEMEDELSEWHERE}) {
		t.Fatalf("T02: %v", got)
	}
	// Retried, the conflict is answered again, not reopened.
	if got := results(t2.upload(b)); !slices.Equal(got, []string{"conflict:" + pos.EREDEEMEDELSEWHERE}) {
		t.Fatalf("T02 retry: %v", got)
	}
	in := e.incidents()
	if len(in) != 1 || in[0].Kind != wire.IncidentDoubleSpend || len(in[0].Claims) != 2 ||
		in[0].Claims[0].Terminal != "T01" || in[0].Claims[1].Terminal != "T02" {
		t.Fatalf("incidents %+v", in)
	}
	id := in[0].Voucher
	for _, tm := range []*term{t1, t2} {
		d := tm.download("")
		if got := snapshotStatus(d, id); got != pos.StatusRedeemedElsewhere {
			t.Errorf("%s snapshot: %v", tm.id, got)
		}
	}
	// Both records are kept; the member total counts the voucher once.
	for _, k := range []struct {
		t   string
		seq uint64
	}{{"T01", 1}, {"T02", 1}} {
		var r *StoredRecord
		e.srv.Store.ViewLedger(func(l LedgerView) (err error) { r, err = l.Record(k.t, k.seq); return })
		if r == nil {
			t.Errorf("%s record %d not kept", k.t, k.seq)
		}
	}
	var total pos.Money
	e.srv.Store.ViewLedger(func(l LedgerView) (err error) { total, err = l.RedeemedTotal(2020, in[0].Holder); return })
	if total != 10000 {
		t.Errorf("member total %s, want ￥100.00", total)
	}
	// The holder can be suspended; every terminal learns it.
	cur := t1.download("").Cursor
	if _, err := e.srv.Revoke(wire.RevokeRequest{Holder: in[0].Holder}); err != nil {
		t.Fatal(err)
	}
	d := t2.download(cur)
	if len(d.Holders) != 1 || d.Holders[0].Holder != in[0].Holder || !d.Holders[0].Suspended {
		t.Errorf("holder changes %+v", d.Holders)
	}
}

func snapshotStatus(d *wire.DownloadResponse, id pos.VoucherID) pos.VoucherStatus {
	for _, s := range d.Snapshots {
		if s.Campaign == id.Campaign() {
			i := int(id.Serial())
			if i/4 >= len(s.Packed) {
				return pos.StatusValid
			}
			return pos.VoucherStatus(s.Packed[i/4] >> (2 * (i % 4)) & 3)
		}
	}
	return 255
}

func TestCapAcrossTerminals(t *testing.T) {
	e := newEnv(t)
	t1, t2 := e.enroll("T01", 11), e.enroll("T02", 12)
	// Vouchers the issuer signed outside the server's cap check: ¥200 + ¥200 for one member.
	c1, c2 := e.dep.Code(t, "M7", 20000), e.dep.Code(t, "M7", 20000)
	if got := results(t1.upload(t1.sale(c1))); !slices.Equal(got, []string{"accepted"}) {
		t.Fatalf("T01: %v", got)
	}
	if got := results(t2.upload(t2.sale(c2))); !slices.Equal(got, []string{"conflict:" + pos.ECAPEXCEEDED}) {
		t.Fatalf("T02: %v", got)
	}
	in := e.incidents()
	if len(in) != 1 || in[0].Kind != wire.IncidentOverCap || in[0].Amount != 40000 || in[0].Terminal != "T02" {
		t.Fatalf("incidents %+v", in)
	}
}

func TestVoidReleases(t *testing.T) {
	e := newEnv(t)
	t1, t2 := e.enroll("T01", 11), e.enroll("T02", 12)
	code := e.dep.Code(t, "M1", 10000)
	cur := t2.download("").Cursor
	s := t1.sale(code)
	t1.upload(s)
	d := t2.download(cur)
	if len(d.Vouchers) != 1 || d.Vouchers[0].Status != pos.StatusRedeemedElsewhere {
		t.Fatalf("after sale T02 sees %+v", d.Vouchers)
	}
	if got := results(t1.upload(t1.void(1))); !slices.Equal(got, []string{"accepted"}) {
		t.Fatalf("void: %v", got)
	}
	d = t2.download(d.Cursor)
	if len(d.Vouchers) != 1 || d.Vouchers[0].Status != pos.StatusValid {
		t.Fatalf("after void T02 sees %+v", d.Vouchers)
	}
	// Released: another terminal may now redeem it, accepted, no incident.
	if got := results(t2.upload(t2.sale(code))); !slices.Equal(got, []string{"accepted"}) {
		t.Fatalf("T02 after void: %v", got)
	}
	if in := e.incidents(); len(in) != 0 {
		t.Errorf("incidents %+v", in)
	}
	// A void of something that is not a sale (the void at seq 2).
	if got := results(t1.upload(t1.void(2))); !slices.Equal(got, []string{"conflict:" + wire.ReasonVoidUnknown}) {
		t.Fatalf("void of unknown sale: %v", got)
	}
}
