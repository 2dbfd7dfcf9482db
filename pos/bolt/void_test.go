package bolt_test

import (
	"testing"
	"time"

	"fupinpos/pos"
)

func TestVoid(t *testing.T) {
	f := newFixture(t, nil)
	code := f.dep.Code(t, "m1", pos.Yuan(100))
	s := f.MustRedeem(t, sale(pos.PayCash, []string{code}, item("YX-CUILAN-250", 1)))

	_, err := f.Void(s.Record.Seq, cashier, cashierPIN, "顾客退货")
	wantCode(t, err, pos.EFORBIDDEN)
	_, err = f.Void(s.Record.Seq, manager, "1111", "顾客退货")
	wantCode(t, err, pos.EBADPIN)
	_, err = f.Void(s.Record.Seq, manager, managerPIN, "")
	wantCode(t, err, pos.EINVALID)

	f.clock.Advance(time.Minute)
	v, err := f.Void(s.Record.Seq, manager, managerPIN, "顾客退货")
	if err != nil {
		t.Fatal(err)
	}
	r := v.Record
	if r.Kind != pos.KindVoid || r.Voids != 1 || r.Seq != 2 || r.Manager != manager || r.Reason != "顾客退货" || len(r.Vouchers) != 1 {
		t.Fatalf("void record %+v", r)
	}
	// The sale itself is unchanged.
	again, _ := f.Record(1)
	if again.Hash != s.Hash {
		t.Fatal("the voided sale was rewritten")
	}
	_, err = f.Void(s.Record.Seq, manager, managerPIN, "again")
	wantCode(t, err, pos.ECONFLICT)
	_, err = f.Void(v.Record.Seq, manager, managerPIN, "void a void")
	wantCode(t, err, pos.EINVALID)
	if n, _ := f.Voided(1); n != 2 {
		t.Fatalf("Voided(1) = %d", n)
	}
	// The voucher is released.
	if _, err := f.Check(code); err != nil {
		t.Fatalf("voided voucher: %v", err)
	}
	q, _ := f.Queue()
	if q.Count != 2 || q.Amount != pos.Yuan(100) {
		t.Fatalf("queue %+v", q)
	}
	if _, err := f.VerifyLedger(); err != nil {
		t.Fatal(err)
	}
}

func TestVoidOnlyToday(t *testing.T) {
	f := newFixture(t, nil)
	s := f.MustRedeem(t, sale(pos.PayCash, nil, item("DS-PEAR-5", 1)))
	f.clock.Set(time.Date(2020, 8, 21, 0, 0, 0, 0, pos.CST))
	_, err := f.Void(s.Record.Seq, manager, managerPIN, "late")
	wantCode(t, err, pos.EFORBIDDEN)
}
