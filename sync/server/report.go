package server

import (
	"fmt"
	"sort"
	"strconv"

	"fupinpos/pos"
	"fupinpos/pos/report"
	"fupinpos/sync/wire"
)

// Report adds up one CST day (2006-01-02) across every terminal for
// settlement: per work unit (face, applied and forfeited value of the
// vouchers, to settle with each unit's fund), per store, per product and
// per origin county. Only accepted records count; a void counts on its own
// day against the sale it cancels. Records in conflict are listed apart, by
// reason, for review. With unit set, only vouchers of that unit count, and
// products and counties come from the sales that used one of them.
func (s *Server) Report(day string, unit uint32) (*wire.Report, error) {
	if _, err := pos.ParseDay(day); err != nil {
		return nil, err
	}
	d, err := s.Store.Deployment()
	if err != nil {
		return nil, err
	}
	unitName := func(id uint32) string {
		if u := d.Unit(id); u != nil {
			return u.Name
		}
		return "#" + strconv.FormatUint(uint64(id), 10)
	}
	out := &wire.Report{Day: day, Unit: unit}
	units, stores, products, counties, review := map[string]*report.Row{}, map[string]*report.Row{}, map[string]*report.Row{}, map[string]*report.Row{}, map[string]*report.Row{}
	sales := map[string]map[uint64]*pos.Record{}
	account := func(sale *pos.Record, sign int) {
		m := pos.Money(sign)
		var mine []pos.AppliedVoucher
		for _, v := range sale.Vouchers {
			if unit == 0 || v.Unit == unit {
				mine = append(mine, v)
			}
		}
		if unit != 0 && len(mine) == 0 {
			return
		}
		if sign > 0 {
			out.Sales++
		} else {
			out.Voids++
		}
		out.Vouchers += sign * len(mine)
		st := row(stores, sale.Store, sale.Store)
		st.Count += sign
		for _, v := range mine {
			u := row(units, strconv.FormatUint(uint64(v.Unit), 10), unitName(v.Unit))
			u.Count += sign
			u.Amount += m * v.Face
			u.Voucher += m * v.Applied
			u.Forfeited += m * v.Forfeited
			out.VoucherAmount += m * v.Applied
			out.Forfeited += m * v.Forfeited
			st.Voucher += m * v.Applied
			st.Forfeited += m * v.Forfeited
		}
		if unit == 0 {
			out.Total += m * sale.Total
			out.SelfPaid += m * sale.SelfPaid
			st.Amount += m * sale.Total
			st.SelfPaid += m * sale.SelfPaid
		}
		for _, l := range sale.Lines {
			p := row(products, l.SKU, l.Name)
			p.Count += sign
			p.Qty += int64(sign) * l.Qty
			p.Amount += m * l.Amount()
			county := l.County
			if county == "" {
				county = "-"
			}
			c := row(counties, county, county)
			c.Count += sign
			c.Qty += int64(sign) * l.Qty
			c.Amount += m * l.Amount()
		}
	}
	err = s.Store.ViewLedger(func(l LedgerView) error {
		each := l.ForEachRecord
		if rt, ok := l.(RecordsByTime); ok { // an index by time: only the day's records
			from, _ := pos.ParseDay(day)
			each = func(fn func(string, *StoredRecord) error) error {
				return rt.ForEachRecordBetween(from, from.AddDate(0, 0, 1), fn)
			}
		}
		return each(func(terminal string, sr *StoredRecord) error {
			r, err := pos.DecodeRecord(sr.Entry)
			if err != nil {
				return err
			}
			onDay := pos.DayOf(r.Time) == day
			switch {
			case sr.Result == pos.UploadConflict && onDay:
				rv := row(review, sr.Reason, sr.Reason)
				rv.Count++
				rv.Amount += r.Total
				rv.Voucher += r.VoucherAmount
			case sr.Result != pos.UploadAccepted:
			case r.Kind == pos.KindSale:
				if sales[terminal] == nil {
					sales[terminal] = map[uint64]*pos.Record{}
				}
				sales[terminal][r.Seq] = r
				if onDay {
					account(r, 1)
				}
			case r.Kind == pos.KindVoid && onDay:
				sale, ok := sales[terminal][r.Voids]
				if !ok { // a sale of an earlier day, not read by a day's range
					if ssr, err := l.Record(terminal, r.Voids); err != nil {
						return err
					} else if ssr != nil && ssr.Result == pos.UploadAccepted {
						if sale, err = pos.DecodeRecord(ssr.Entry); err != nil {
							return err
						}
						ok = sale.Kind == pos.KindSale
					}
				}
				if ok {
					account(sale, -1)
				}
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", day, err)
	}
	out.ByUnit, out.ByStore, out.ByProduct, out.ByCounty, out.Review = sorted(units), sorted(stores), sorted(products), sorted(counties), sorted(review)
	return out, nil
}

func row(m map[string]*report.Row, key, label string) *report.Row {
	r, ok := m[key]
	if !ok {
		r = &report.Row{Key: key, Label: label}
		m[key] = r
	}
	return r
}

// sorted returns the rows by amount, largest first, then by key.
func sorted(m map[string]*report.Row) []report.Row {
	rows := make([]report.Row, 0, len(m))
	for _, r := range m {
		rows = append(rows, *r)
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Amount != rows[j].Amount {
			return rows[i].Amount > rows[j].Amount
		}
		return rows[i].Key < rows[j].Key
	})
	return rows
}
