package storetest

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/report"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// splitRecord is one record of the split fixture and the server's answer.
type splitRecord struct {
	terminal string
	r        *pos.Record
	result   pos.UploadResult
	reason   string
}

// splitFixture is two CST days at two stores: baskets of the three origin
// kinds, an expired certification and a product outside the voucher scope,
// vouchers of two units, a void on the second day of a sale of the first
// (and one of a sale of the same day), a record in conflict, a rejected one,
// and one a second before midnight.
func splitFixture() []splitRecord {
	pear := pos.Line{SKU: "PEAR", Name: "砀山酥梨", County: "砀山县", Price: 3990, Qty: 2, Eligible: true, Cert: "C-1"}
	rice := pos.Line{SKU: "RICE", Name: "贫困村大米", County: "肥东县", Price: 5000, Qty: 1, Eligible: true, Origin: pos.OriginPoorVillage}
	tea := pos.Line{SKU: "TEA", Name: "定点茶", County: "金寨县", Price: 12800, Qty: 1, Eligible: true, Origin: pos.OriginDesignated, Units: []uint32{1002}}
	honey := pos.Line{SKU: "HONEY", Name: "过期蜂蜜", County: "岳西县", Price: 6000, Qty: 1, SelfPay: pos.ReasonCertExpired, Origin: pos.OriginDesignated}
	bag := pos.Line{SKU: "BAG", Name: "购物袋", Price: 50, Qty: 1}
	day1 := time.Date(2020, 9, 15, 0, 0, 0, 0, pos.CST)
	day2 := day1.AddDate(0, 0, 1)
	var serial uint32
	mk := func(store, term string, seq uint64, at time.Time, lines []pos.Line, units ...uint32) *pos.Record {
		r := &pos.Record{Seq: seq, Kind: pos.KindSale, Time: at, Store: store, Terminal: term, Receipt: pos.ReceiptNumber(term, seq),
			Cashier: "1001", Method: pos.PayCash, Lines: lines}
		for _, l := range lines {
			r.Total += l.Amount()
			if l.Eligible {
				r.Eligible += l.Amount()
			}
		}
		for _, u := range units {
			serial++
			v := pos.AppliedVoucher{ID: pos.NewVoucherID(2020, serial), Campaign: 2020, Unit: u, Face: 5000,
				Applied: min(5000, r.Eligible-r.VoucherAmount)}
			v.Forfeited = v.Face - v.Applied
			r.Vouchers = append(r.Vouchers, v)
			r.VoucherAmount += v.Applied
			r.Forfeited += v.Forfeited
		}
		r.SelfPaid = r.Total - r.VoucherAmount
		return r
	}
	void := func(store, term string, seq uint64, at time.Time, voids uint64) *pos.Record {
		return &pos.Record{Seq: seq, Kind: pos.KindVoid, Time: at, Store: store, Terminal: term, Receipt: pos.ReceiptNumber(term, seq),
			Cashier: "1001", Manager: "9001", Reason: "customer", Voids: voids}
	}
	ok := pos.UploadAccepted
	return []splitRecord{
		{"A1", mk("HF-001", "A1", 1, day1.Add(10*time.Hour), []pos.Line{pear, rice, bag}, 1001, 1001, 1001), ok, ""},
		{"A1", mk("HF-001", "A1", 2, day1.Add(24*time.Hour-time.Second), []pos.Line{tea}, 1002), ok, ""},
		{"A1", mk("HF-001", "A1", 3, day2.Add(9*time.Hour), []pos.Line{tea, honey}, 1002, 1001, 1001), ok, ""},
		{"A1", void("HF-001", "A1", 4, day2.Add(9*time.Hour+time.Minute), 1), ok, ""},
		{"A1", mk("HF-001", "A1", 5, day2.Add(10*time.Hour), []pos.Line{bag}), ok, ""},
		{"B1", mk("HF-002", "B1", 1, day2.Add(11*time.Hour), []pos.Line{pear, bag}, 1001), ok, ""},
		{"B1", mk("HF-002", "B1", 2, day2.Add(12*time.Hour), []pos.Line{rice}, 1001), pos.UploadConflict, pos.EREDEEMEDELSEWHERE},
		{"B1", mk("HF-002", "B1", 3, day2.Add(13*time.Hour), []pos.Line{honey, pear}, 1002), ok, ""},
		{"B1", void("HF-002", "B1", 4, day2.Add(14*time.Hour), 3), ok, ""},
		{"B1", mk("HF-002", "B1", 5, day2.Add(15*time.Hour), []pos.Line{tea}, 1002), pos.UploadRejected, pos.EMALFORMED},
	}
}

// testReportSplit: the server's settlement report of a day is the terminal's
// accounting (pos/report) of the day's accepted records, whichever engine
// holds them, with or without a unit filter: the same totals, work units,
// stores, products, counties, origin kinds and certified split, voids
// counted on their own day against the sale they cancel, records in
// conflict listed apart by reason.
func testReportSplit(t *testing.T, open Opener) {
	e := newEnv(t, open)
	fx := splitFixture()
	heads := map[string]server.Head{}
	must(t, e.st.UpdateLedger(func(tx server.LedgerTx) error {
		for _, x := range fx {
			body, err := json.Marshal(x.r)
			if err != nil {
				return err
			}
			entry := pos.Entry{Body: body, Hash: sha256.Sum256(body), Sig: make([]byte, 64)}
			if err := tx.PutRecord(x.terminal, x.r.Seq, &server.StoredRecord{Entry: entry, Result: x.result, Reason: x.reason, Received: x.r.Time.UTC()}); err != nil {
				return err
			}
			heads[x.terminal] = server.Head{Seq: x.r.Seq, Hash: entry.Hash, Records: int(x.r.Seq)}
		}
		for id, h := range heads {
			if err := tx.SetHead(id, h); err != nil {
				return err
			}
		}
		return nil
	}))
	unitName := func(id uint32) string {
		for _, u := range e.dep.Trust.Units {
			if u.ID == id {
				return u.Name
			}
		}
		return ""
	}
	for _, day := range []string{"2020-09-15", "2020-09-16", "2020-09-17"} {
		for _, unit := range []uint32{0, 1001, 1002, 1009} {
			got, err := e.srv.Report(day, unit)
			must(t, err)
			// The model: pos/report over every record, each void with its sale.
			b := report.NewBuilder(report.Names{Unit: unitName})
			b.OnlyUnit(unit)
			for _, x := range fx {
				switch x.result {
				case pos.UploadAccepted:
					var sale *pos.Record
					for _, y := range fx {
						if x.r.Kind == pos.KindVoid && y.terminal == x.terminal && y.r.Seq == x.r.Voids {
							sale = y.r
						}
					}
					b.AddRecord(x.r, sale)
				case pos.UploadConflict:
					b.AddReview(x.r, x.reason)
				}
			}
			d := b.Day(day)
			want := &wire.Report{Day: day, Unit: unit, Sales: d.Sales, Voids: d.Voids, Vouchers: d.Vouchers, Total: d.Total,
				VoucherAmount: d.VoucherAmount, Forfeited: d.Forfeited, SelfPaid: d.SelfPaid, Certified: d.Certified, NonCertified: d.NonCertified,
				ByUnit: d.ByUnit, ByStore: d.ByStore, ByProduct: d.ByProduct, ByCounty: d.ByCounty, ByOrigin: d.ByOrigin, ByCertified: d.ByCertified, Review: d.Review}
			for _, rows := range []*[]report.Row{&want.ByStore, &want.Review} {
				if *rows == nil {
					*rows = []report.Row{}
				}
			}
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Errorf("report %s unit %d:\n got %s\nwant %s", day, unit, g, w)
			}
		}
	}

	// The figures themselves, worked by hand for the second day.
	r, err := e.srv.Report("2020-09-16", 0)
	must(t, err)
	// Accepted on the day: A1 sale 3 (18800), A1 void of sale 1 (−13030,
	// of the day before), A1 sale 5 (50), B1 sale 1 (8030), B1 sale 3
	// (13980) and its void (−13980).
	if r.Sales != 4 || r.Voids != 2 || r.Total != 18800-13030+50+8030 {
		t.Errorf("day 2: sales %d voids %d total %s", r.Sales, r.Voids, r.Total)
	}
	if r.Certified != 12800-7980-5000+7980 || r.NonCertified != 6000-50+50+50 || r.Certified+r.NonCertified != r.Total {
		t.Errorf("day 2: certified %s non-certified %s", r.Certified, r.NonCertified)
	}
	var lines []string
	for _, x := range r.ByOrigin {
		lines = append(lines, fmt.Sprintf("%s=%s", x.Key, x.Amount.Plain()))
	}
	for _, x := range r.ByCertified {
		lines = append(lines, fmt.Sprintf("%s=%s", x.Key, x.Amount.Plain()))
	}
	for _, x := range r.ByStore {
		lines = append(lines, fmt.Sprintf("%s=%s/%s", x.Key, x.Amount.Plain(), x.Voucher.Plain()))
	}
	for _, x := range r.Review {
		lines = append(lines, fmt.Sprintf("review %s=%d/%s", x.Key, x.Count, x.Amount.Plain()))
	}
	want := "poverty_county=0.00 poor_village=-50.00 designated_point=188.00 -=0.50 " +
		"certified=78.00 cert_expired=60.00 not_eligible=0.50 " +
		"HF-002=80.30/50.00 HF-001=58.20/-1.80 " +
		"review redeemed_elsewhere=1/50.00"
	if got := strings.Join(lines, " "); got != want {
		t.Errorf("day 2 splits:\n got %s\nwant %s", got, want)
	}
}
