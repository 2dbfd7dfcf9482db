package server

import (
	"fmt"

	"fupinpos/pos"
	"fupinpos/pos/report"
	"fupinpos/sync/wire"
)

// Report adds up one CST day (2006-01-02) across every terminal for
// settlement. The accounting is pos/report's, the terminal's own: per work
// unit (applied value as the amount, with face and forfeited value, to
// settle with each unit's fund), per store, per product, per origin county
// and origin kind, certified from non-certified goods. Only accepted
// records count; a void counts on its own day against the sale it cancels.
// Records in conflict are listed apart, by reason, for review. With unit
// set, only vouchers of that unit count, and the goods breakdowns come from
// the sales that used one of them (report.Builder.OnlyUnit).
//
// It reads the day's records alone, through the engine's index by time
// (dayRecords), and the sale of an earlier day that a void cancels by its
// key.
func (s *Server) Report(day string, unit uint32) (*wire.Report, error) {
	if _, err := pos.ParseDay(day); err != nil {
		return nil, err
	}
	d, err := s.Store.Deployment()
	if err != nil {
		return nil, err
	}
	b := report.NewDayBuilder(report.Names{Unit: func(id uint32) string {
		if u := d.Unit(id); u != nil {
			return u.Name
		}
		return "" // the builder's "#id"
	}}, day)
	b.OnlyUnit(unit)
	b.OnTransaction(func(report.Tx) {}) // no transaction rows kept
	err = s.Store.ViewLedger(func(l LedgerView) error {
		sales := map[recKey]*pos.Record{} // the day's accepted sales, for its voids
		return dayRecords(l, day, func(terminal string, sr *StoredRecord, r *pos.Record) error {
			switch {
			case sr.Result == pos.UploadConflict:
				b.AddReview(r, sr.Reason)
			case sr.Result != pos.UploadAccepted:
			case r.Kind == pos.KindSale:
				sales[recKey{terminal, r.Seq}] = r
				b.AddRecord(r, nil)
			case r.Kind == pos.KindVoid:
				sale, ok := sales[recKey{terminal, r.Voids}]
				if !ok { // a sale of an earlier day, not in the day's range
					var err error
					if sale, err = voidedSale(l, terminal, r); err != nil {
						return err
					}
				}
				b.AddRecord(r, sale) // a void without its accepted sale is not counted
			case r.Kind == pos.KindReturn:
				b.AddRecord(r, nil) // a return counts on its own day from its own amounts
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", day, err)
	}
	return wireReport(b.Day(day), unit), nil
}

// wireReport is the settlement report of d, made with unit's filter.
func wireReport(d *report.Day, unit uint32) *wire.Report {
	rows := func(r []report.Row) []report.Row {
		if r == nil {
			return []report.Row{}
		}
		return r
	}
	return &wire.Report{Day: d.Day, Unit: unit, Sales: d.Sales, Voids: d.Voids, Returns: d.Returns, Vouchers: d.Vouchers,
		Total: d.Total, VoucherAmount: d.VoucherAmount, Forfeited: d.Forfeited, SelfPaid: d.SelfPaid,
		Certified: d.Certified, NonCertified: d.NonCertified,
		ByUnit: rows(d.ByUnit), ByStore: rows(d.ByStore), ByProduct: rows(d.ByProduct), ByCounty: rows(d.ByCounty),
		ByOrigin: rows(d.ByOrigin), ByCertified: rows(d.ByCertified), Review: rows(d.Review)}
}
