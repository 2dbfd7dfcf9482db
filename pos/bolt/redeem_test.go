package bolt_test

import (
	"testing"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/postest"
)

// TestRedeem covers the money rules of a sale: vouchers on eligible lines
// only, several per sale, no change and no cash, the self-paid remainder.
func TestRedeem(t *testing.T) {
	type want struct {
		code                             string
		total, voucher, forfeit, selfPay pos.Money
		method                           pos.PayMethod
	}
	tests := []struct {
		name   string
		refuse bool // campaign policy: refuse vouchers worth more than the eligible left
		values []pos.Money
		method pos.PayMethod
		items  []bolt.Item
		want   want
	}{
		{"two vouchers, rest by WeChat", false, []pos.Money{10000, 5000}, pos.PayWeChat,
			[]bolt.Item{item("DS-PEAR-5", 2), item("YX-CUILAN-250", 1), item("BAG-ECO", 1)}, // 7980 + 12800 + 200
			want{"", 20980, 15000, 0, 5980, pos.PayWeChat}},
		{"exact, nothing to pay", false, []pos.Money{6800}, pos.PayCash, []bolt.Item{item("TH-HONEY-500", 1)},
			want{"", 6800, 6800, 0, 0, pos.PayNone}},
		{"excess forfeited, never change", false, []pos.Money{10000}, pos.PayNone, []bolt.Item{item("TH-HONEY-500", 1)},
			want{"", 6800, 6800, 3200, 0, pos.PayNone}},
		{"excess refused by campaign", true, []pos.Money{10000}, pos.PayNone, []bolt.Item{item("TH-HONEY-500", 1)},
			want{code: pos.ECHANGEREFUSED}},
		{"bag is not eligible: self-paid", false, []pos.Money{6800}, pos.PayCash, []bolt.Item{item("TH-HONEY-500", 1), item("BAG-ECO", 2)},
			want{"", 7200, 6800, 0, 400, pos.PayCash}},
		{"no eligible lines", false, []pos.Money{1000}, pos.PayCash, []bolt.Item{item("BAG-ECO", 1)},
			want{code: pos.ENOELIGIBLE}},
		{"second voucher pays nothing", false, []pos.Money{6800, 1000}, pos.PayCash, []bolt.Item{item("TH-HONEY-500", 1)},
			want{code: pos.ECHANGEREFUSED}},
		{"remainder needs a method", false, []pos.Money{1000}, pos.PayNone, []bolt.Item{item("TH-HONEY-500", 1)},
			want{code: pos.EINVALID}},
		{"no vouchers, all self-paid", false, nil, pos.PayCard, []bolt.Item{item("JZ-KIWI-12", 3)},
			want{"", 17400, 0, 0, 17400, pos.PayCard}},
		{"unknown product", false, nil, pos.PayCash, []bolt.Item{item("NOPE", 1)}, want{code: pos.EUNKNOWNPRODUCT}},
		{"zero quantity", false, nil, pos.PayCash, []bolt.Item{item("DS-PEAR-5", 0)}, want{code: pos.EINVALID}},
		{"over the cap in one sale", false, []pos.Money{20000, 15000}, pos.PayCash, []bolt.Item{item("YX-CUILAN-250", 3)},
			want{code: pos.ECAPEXCEEDED}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(d *postest.Deployment) {
				if tt.refuse {
					d.Campaign().Excess = pos.ExcessRefuse
				}
			})
			var codes []string
			for _, v := range tt.values {
				codes = append(codes, f.dep.Code(t, "m1", v))
			}
			s, err := f.Redeem(sale(tt.method, codes, tt.items...))
			wantCode(t, err, tt.want.code)
			q, _ := f.Queue()
			if tt.want.code != "" {
				if s != nil || q.Count != 0 {
					t.Fatalf("refused sale left %+v, queue %+v", s, q)
				}
				for _, c := range codes {
					if _, err := f.Check(c); err != nil {
						t.Fatalf("refused sale marked a voucher: %v", err)
					}
				}
				return
			}
			r := s.Record
			got := want{"", r.Total, r.VoucherAmount, r.Forfeited, r.SelfPaid, r.Method}
			if got != tt.want {
				t.Fatalf("sale %+v, want %+v", got, tt.want)
			}
			if r.Total != r.VoucherAmount+r.SelfPaid {
				t.Fatalf("total %s ≠ voucher %s + self %s", r.Total, r.VoucherAmount, r.SelfPaid)
			}
			var face pos.Money
			for i, v := range r.Vouchers {
				face += v.Face
				if v.Face != v.Applied+v.Forfeited || v.Code != codes[i] {
					t.Fatalf("voucher %d: %+v", i, v)
				}
			}
			if q.Count != 1 || q.Amount != face {
				t.Fatalf("queue %+v, want 1 record of %s", q, face)
			}
			if r.Seq != 1 || r.Receipt != "T01-000001" || r.Store != "HF-001" || r.Cashier != cashier || !r.Time.Equal(t0) {
				t.Fatalf("record header %+v", r)
			}
		})
	}
}

// TestCapAcrossSales adds the member's earlier redemptions here, and a
// void gives the amount back.
func TestCapAcrossSales(t *testing.T) {
	f := newFixture(t, nil)
	a := f.MustRedeem(t, sale(pos.PayCash, []string{f.dep.Code(t, "m1", pos.Yuan(200))}, item("YX-CUILAN-250", 2)))
	over := f.dep.Code(t, "m1", pos.Yuan(150))
	_, err := f.Redeem(sale(pos.PayCash, []string{over}, item("YX-CUILAN-250", 2)))
	wantCode(t, err, pos.ECAPEXCEEDED)
	if p := pos.ErrorParams(err); p["total"] != "￥350.00" || p["cap"] != "￥300.00" {
		t.Fatalf("params %v", p)
	}
	// Another member is not affected.
	f.MustRedeem(t, sale(pos.PayCash, []string{f.dep.Code(t, "m2", pos.Yuan(300))}, item("YX-CUILAN-250", 3)))
	// Exactly the cap is fine.
	f.MustRedeem(t, sale(pos.PayCash, []string{f.dep.Code(t, "m1", pos.Yuan(100))}, item("YX-CUILAN-250", 1)))
	if _, err := f.Void(a.Record.Seq, manager, managerPIN, "顾客退货"); err != nil {
		t.Fatal(err)
	}
	f.MustRedeem(t, sale(pos.PayCash, []string{over}, item("YX-CUILAN-250", 2)))
}

func TestDuplicateInSale(t *testing.T) {
	f := newFixture(t, nil)
	c := f.dep.Code(t, "m1", pos.Yuan(10))
	_, err := f.Redeem(sale(pos.PayCash, []string{c, c}, item("YX-CUILAN-250", 1)))
	wantCode(t, err, pos.EDUPLICATEINSALE)
}

// TestRefusedSaleLeavesNothing: a good voucher followed by a revoked one
// refuses the whole sale; the good one is still redeemable.
func TestRefusedSaleLeavesNothing(t *testing.T) {
	f := newFixture(t, nil)
	good := f.dep.Code(t, "m1", pos.Yuan(10))
	v := f.dep.Voucher("m2", pos.Yuan(10))
	mustDelta(t, f, []pos.StatusChange{{Voucher: v.ID(), Status: pos.StatusRevoked}}, nil)
	_, err := f.Redeem(sale(pos.PayCash, []string{good, f.dep.Sign(t, v)}, item("YX-CUILAN-250", 1)))
	wantCode(t, err, pos.EREVOKED)
	if seq, _, _ := f.Head(); seq != 0 {
		t.Fatalf("ledger head %d after a refused sale", seq)
	}
	f.MustRedeem(t, sale(pos.PayCash, []string{good}, item("YX-CUILAN-250", 1)))
}

func TestWhoMaySell(t *testing.T) {
	f := newFixture(t, nil)
	if err := f.AddUser(pos.User{ID: "3001", Role: pos.RoleTechnician}, "1357", "tech"); err != nil {
		t.Fatal(err)
	}
	code := f.dep.Code(t, "m1", pos.Yuan(10))
	tests := []struct {
		name string
		req  bolt.SaleRequest
		want string
	}{
		{"unknown cashier", bolt.SaleRequest{Cashier: "4040", Items: []bolt.Item{item("DS-PEAR-5", 1)}, Method: pos.PayCash}, pos.EFORBIDDEN},
		{"technician", bolt.SaleRequest{Cashier: "3001", Items: []bolt.Item{item("DS-PEAR-5", 1)}, Method: pos.PayCash}, pos.EFORBIDDEN},
		{"typed code without manager", bolt.SaleRequest{Cashier: cashier, Items: []bolt.Item{item("DS-PEAR-5", 1)}, Codes: []string{code}, Method: pos.PayCash, Mode: pos.EntryManual}, pos.EFORBIDDEN},
		{"typed code approved by a cashier", bolt.SaleRequest{Cashier: cashier, Items: []bolt.Item{item("DS-PEAR-5", 1)}, Codes: []string{code}, Method: pos.PayCash, Mode: pos.EntryManual, Manager: cashier}, pos.EFORBIDDEN},
		{"typed code approved by a manager", bolt.SaleRequest{Cashier: cashier, Items: []bolt.Item{item("DS-PEAR-5", 1)}, Codes: []string{code}, Method: pos.PayCash, Mode: pos.EntryManual, Manager: manager}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := f.Redeem(tt.req)
			wantCode(t, err, tt.want)
			if err == nil && (s.Record.Mode != pos.EntryManual || s.Record.Manager != manager) {
				t.Fatalf("manual sale recorded as %q by %q", s.Record.Mode, s.Record.Manager)
			}
		})
	}
	var manual int
	f.AuditEvents(0, func(e *pos.AuditEvent) error {
		if e.Action == pos.AuditManualEntry && e.Actor == manager && e.Detail["receipt"] == "T01-000001" {
			manual++
		}
		return nil
	})
	if manual != 1 {
		t.Fatalf("%d manual-entry audit events", manual)
	}
}
