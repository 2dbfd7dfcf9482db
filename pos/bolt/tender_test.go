package bolt_test

import (
	"testing"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
)

// TestRedeemTendered: the cash handed over for a cash self-paid part is
// recorded with its change; too little cash, a tendered amount with another
// method, and a tendered amount on a sale the vouchers pay in full are
// refused, and nothing of a refused sale is recorded (no ledger record, no
// outbox entry, the voucher still unspent).
func TestRedeemTendered(t *testing.T) {
	for _, tc := range []struct {
		name     string
		voucher  pos.Money // 0: none
		method   pos.PayMethod
		items    []bolt.Item
		tendered pos.Money
		code     string
		selfPaid pos.Money
		change   pos.Money
	}{
		{"a 100 note for 87.70", 0, pos.PayCash, []bolt.Item{item("DS-PEAR-5", 1), item("BAG-ECO", 4)}, 10000, "", 4790, 5210},
		{"exact", 0, pos.PayCash, []bolt.Item{item("JZ-KIWI-12", 1)}, 5800, "", 5800, 0},
		{"with a voucher: change on the self-paid part only", 5000, pos.PayCash, []bolt.Item{item("TH-HONEY-500", 1), item("BAG-ECO", 2)}, 5000, "", 2200, 2800},
		{"not tendered: no change recorded", 0, pos.PayCash, []bolt.Item{item("JZ-KIWI-12", 1)}, 0, "", 5800, 0},
		{"underpaid", 0, pos.PayCash, []bolt.Item{item("JZ-KIWI-12", 1)}, 5000, pos.EINVALID, 0, 0},
		{"underpaid with a voucher", 1000, pos.PayCash, []bolt.Item{item("TH-HONEY-500", 1)}, 5000, pos.EINVALID, 0, 0},
		{"negative", 0, pos.PayCash, []bolt.Item{item("JZ-KIWI-12", 1)}, -100, pos.EINVALID, 0, 0},
		{"WeChat takes no cash", 0, pos.PayWeChat, []bolt.Item{item("JZ-KIWI-12", 1)}, 10000, pos.EINVALID, 0, 0},
		{"card takes no cash", 0, pos.PayCard, []bolt.Item{item("JZ-KIWI-12", 1)}, 10000, pos.EINVALID, 0, 0},
		{"voucher pays all: no change from a voucher", 10000, pos.PayCash, []bolt.Item{item("TH-HONEY-500", 1)}, 5000, pos.EINVALID, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			var codes []string
			if tc.voucher != 0 {
				codes = append(codes, f.dep.Code(t, "m-tender", tc.voucher))
			}
			req := sale(tc.method, codes, tc.items...)
			req.Tendered = tc.tendered
			s, err := f.Redeem(req)
			wantCode(t, err, tc.code)
			if tc.code != "" {
				if s != nil {
					t.Fatalf("refused sale returned %+v", s.Record)
				}
				if seq, _, _ := f.Head(); seq != 0 {
					t.Errorf("refused sale: ledger head %d, want 0", seq)
				}
				if q, _ := f.Queue(); q.Count != 0 {
					t.Errorf("refused sale queued %+v", q)
				}
				for _, c := range codes {
					if _, err := f.Check(c); err != nil {
						t.Errorf("refused sale spent the voucher: %v", err)
					}
				}
				return
			}
			r := s.Record
			wantTendered := tc.tendered
			if r.SelfPaid != tc.selfPaid || r.Tendered != wantTendered || r.Change != tc.change {
				t.Fatalf("record self-paid %s tendered %s change %s, want %s %s %s",
					r.SelfPaid, r.Tendered, r.Change, tc.selfPaid, wantTendered, tc.change)
			}
			// The ledger keeps them: read the record back from disk.
			var got *pos.Record
			if err := f.Records(0, func(s *bolt.Sale) error { got = s.Record; return nil }); err != nil {
				t.Fatal(err)
			}
			if got == nil || got.Tendered != wantTendered || got.Change != tc.change {
				t.Errorf("stored record %+v", got)
			}
		})
	}
}
