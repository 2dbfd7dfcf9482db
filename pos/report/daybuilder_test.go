package report

import (
	"reflect"
	"testing"

	"fupinpos/pos"
)

// TestDayBuilderMatchesWholeLedger feeds a day builder only one day's
// records (each void with the sale it cancels, as pos/bolt's DayRecords
// does) and expects the same report and transactions as a Builder fed the
// whole ledger, while it keeps no sales.
func TestDayBuilderMatchesWholeLedger(t *testing.T) {
	pear := pos.Line{SKU: "PEAR", Name: "砀山酥梨", County: "砀山县", Price: 3990, Qty: 2, Eligible: true}
	tea := pos.Line{SKU: "TEA", Name: "岳西翠兰", County: "岳西县", Price: 12800, Qty: 1, Eligible: true}
	v := func(unit uint32, face, applied pos.Money) pos.AppliedVoucher {
		return pos.AppliedVoucher{Unit: unit, Face: face, Applied: applied, Forfeited: face - applied}
	}
	ledger := []*pos.Record{
		sale(1, "2020-08-01 23:59:59", "c1", pos.PayWeChat, []pos.Line{pear}, v(1001, 5000, 5000)),
		sale(2, "2020-08-02 00:00:00", "c1", pos.PayNone, []pos.Line{pear}, v(1001, 10000, 7980)),
		sale(3, "2020-08-02 09:30:00", "c2", pos.PayCash, []pos.Line{tea, pear}, v(1002, 10000, 10000)),
		{Seq: 4, Kind: pos.KindVoid, Time: at("2020-08-02 10:00:00"), Voids: 1, Cashier: "m1", Manager: "m1", Receipt: "T01-000004"},
		{Seq: 5, Kind: pos.KindVoid, Time: at("2020-08-02 10:05:00"), Voids: 3, Cashier: "m1", Manager: "m1", Receipt: "T01-000005"},
		sale(6, "2020-08-03 08:00:00", "c2", pos.PayCash, []pos.Line{tea}, v(1002, 10000, 10000)),
	}
	whole := NewBuilder(Names{})
	for _, r := range ledger {
		whole.Add(r)
	}
	bySeq := map[uint64]*pos.Record{}
	for _, r := range ledger {
		bySeq[r.Seq] = r
	}
	for _, day := range []string{"2020-08-01", "2020-08-02", "2020-08-03", "2020-08-04"} {
		db := NewDayBuilder(Names{}, day)
		var streamed []Tx
		kept := NewDayBuilder(Names{}, day)
		db.OnTransaction(func(x Tx) { streamed = append(streamed, x) })
		for _, r := range ledger {
			var s *pos.Record
			if r.Kind == pos.KindVoid {
				s = bySeq[r.Voids]
			}
			db.AddRecord(r, s)
			kept.AddRecord(r, s)
		}
		if db.sales != nil || kept.sales != nil {
			t.Fatalf("%s: a day builder keeps sales", day)
		}
		if got, want := kept.Day(day), whole.Day(day); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: day builder\n%+v\nwhole ledger\n%+v", day, got, want)
		}
		want := whole.Transactions(day)
		if got := kept.Transactions(day); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: transactions %+v, want %+v", day, got, want)
		}
		if len(want) == 0 {
			want = nil
		}
		if !reflect.DeepEqual(streamed, want) {
			t.Errorf("%s: streamed %+v, want %+v", day, streamed, want)
		}
		if len(db.Transactions(day)) != 0 {
			t.Errorf("%s: a streaming builder kept its transactions", day)
		}
	}
	if d := NewDayBuilder(Names{}, "2020-08-02"); true {
		d.AddRecord(ledger[3], nil) // a void without its sale is not counted
		if got := d.Day("2020-08-02"); got.Voids != 0 || got.Total != 0 {
			t.Errorf("void without its sale counted: %+v", got)
		}
	}
}
