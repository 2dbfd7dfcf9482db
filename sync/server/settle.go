package server

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// dayRecords calls fn with every record the server holds whose own time
// (the sale's or void's) is on CST day, decoded once, whatever the server
// answered for it. It is the one read of a day's records that settlement,
// the supervision alerts and reconciliation share: it reads by the
// engine's time index when the engine has one (RecordsByTime), else the
// whole ledger. Switch it to another day index here.
func dayRecords(l LedgerView, day string, fn func(terminal string, sr *StoredRecord, r *pos.Record) error) error {
	from, err := pos.ParseDay(day)
	if err != nil {
		return pos.Errorf(pos.EINVALID, "day %q: want YYYY-MM-DD", day)
	}
	each := l.ForEachRecord
	if rt, ok := l.(RecordsByTime); ok {
		each = func(f func(string, *StoredRecord) error) error {
			return rt.ForEachRecordBetween(from, from.AddDate(0, 0, 1), f)
		}
	}
	return each(func(terminal string, sr *StoredRecord) error {
		r, err := pos.DecodeRecord(sr.Entry)
		if err != nil {
			return err
		}
		if pos.DayOf(r.Time) != day {
			return nil
		}
		return fn(terminal, sr, r)
	})
}

// voidedSale returns the accepted sale that void r of terminal cancels, or
// nil.
func voidedSale(l LedgerView, terminal string, r *pos.Record) (*pos.Record, error) {
	sr, err := l.Record(terminal, r.Voids)
	if err != nil || sr == nil || sr.Result != pos.UploadAccepted {
		return nil, err
	}
	sale, err := pos.DecodeRecord(sr.Entry)
	if err != nil || sale.Kind != pos.KindSale {
		return nil, err
	}
	return sale, nil
}

// recKey names one record.
type recKey struct {
	terminal string
	seq      uint64
}

// naming is one incident that names a record, and the record's part in it.
type naming struct {
	id   uint64
	open bool
	keep string // the decision (wire.Keep*), "" when closed with a note only
	role string // wire.KeepA or wire.KeepB
	kind string
}

// pays reports whether a resolved incident lets the record be paid. A
// resolution without a decision leaves the server's answers standing: the
// first record of a double spend is paid, a record in conflict is not.
func (n naming) pays() bool {
	switch n.keep {
	case wire.KeepBoth:
		return true
	case "":
		return n.kind == wire.IncidentDoubleSpend && n.role == wire.KeepA
	}
	return n.keep == n.role
}

// incidentNames reads every incident (page by page) and returns, for each
// record an incident names, the incidents and the record's part: for a
// double spend, A is the first other live claim and B the incident's own
// record; for any other incident, A is its record.
func (s *Server) incidentNames() (map[recKey][]naming, error) {
	out := map[recKey][]naming{}
	q := IncidentQuery{Limit: wire.MaxIncidentLimit}
	for {
		page, more, err := s.Store.ListIncidents(q)
		if err != nil {
			return nil, err
		}
		for _, in := range page {
			keep, _, _, _ := wire.ParseDecision(in.Resolution)
			n := naming{id: in.ID, open: in.Open(), keep: keep, kind: in.Kind}
			if in.Seq == 0 {
				continue
			}
			own := recKey{in.Terminal, in.Seq}
			if in.Kind == wire.IncidentDoubleSpend {
				n.role = wire.KeepB
				out[own] = append(out[own], n)
				for _, c := range in.Claims {
					if k := (recKey{c.Terminal, c.Seq}); k != own && !c.Voided {
						a := n
						a.role = wire.KeepA
						out[k] = append(out[k], a)
						break
					}
				}
				continue
			}
			n.role = wire.KeepA
			out[own] = append(out[own], n)
		}
		if !more || len(page) == 0 {
			return out, nil
		}
		q.After = page[len(page)-1].ID
	}
}

// payable decides whether the union pays record sr: an accepted record is
// paid unless an incident about it is open or was decided against it; a
// record in conflict only once every incident about it was decided for it.
// It returns "" when paid, else the wire.Withheld* status, and the
// incidents that name the record.
func payable(sr *StoredRecord, names []naming) (string, []uint64) {
	var ids []uint64
	open, refused := false, false
	for _, n := range names {
		ids = append(ids, n.id)
		switch {
		case n.open:
			open = true
		case !n.pays():
			refused = true
		}
	}
	switch {
	case open:
		return wire.WithheldOpen, ids
	case refused:
		return wire.WithheldRefused, ids
	case sr.Result == pos.UploadAccepted:
		return "", ids
	case sr.Result == pos.UploadConflict && len(names) == 0:
		return wire.WithheldNoRecord, ids
	case sr.Result == pos.UploadConflict:
		return "", ids
	}
	return wire.WithheldRefused, ids
}

// Settlement adds up what the union owes the stores (or store) for CST day:
// per store and work unit, the applied value of the vouchers of the day's
// paid sales, less the sales voided on the day (a void counts on its own
// day against the sale it cancels, when that sale is paid) and less the
// returns (退货) accepted on the day of such sales: a return counts on its
// own day, its voucher lines taking their Applied (voucher value taken
// back) off their unit's row and adding their Forfeited (the change of
// forfeited value), the vouchers it reinstated leaving the unit's voucher
// count and face value. A return the server did not agree to (in
// conflict) changes nothing: only an agreed return takes goods back.
// Records whose
// incidents are open, or were decided against them, are listed in
// Withheld and not paid.
func (s *Server) Settlement(day, store string) (*wire.Settlement, error) {
	start, err := pos.ParseDay(day)
	if err != nil {
		return nil, pos.Errorf(pos.EINVALID, "day %q: want YYYY-MM-DD", day)
	}
	// A signed settlement is what the unions pay on: it is made once the
	// day is over, never for a day still selling (or still to come).
	if end := start.AddDate(0, 0, 1); s.now().Before(end) {
		return nil, pos.Errorf(pos.EINVALID, "day %s has not ended yet (it ends %s CST)", day, end.In(pos.CST).Format(time.DateTime)).
			Say("settle_day_open", "day", day, "end", end.In(pos.CST).Format(time.DateTime))
	}
	if store != "" {
		if err := s.checkStore(store); err != nil {
			return nil, err
		}
	}
	d, err := s.Store.Deployment()
	if err != nil {
		return nil, err
	}
	names, err := s.incidentNames()
	if err != nil {
		return nil, fmt.Errorf("settlement %s: %w", day, err)
	}
	out := &wire.Settlement{Day: day, Store: store, Created: s.now().UTC(), Rows: []wire.SettlementRow{}, Withheld: []wire.WithheldRecord{}}
	rows := map[[2]string]*wire.SettlementRow{}
	// row is the settlement row of a store and work unit, made on first use.
	row := func(store string, unit uint32) *wire.SettlementRow {
		k := [2]string{store, strconv.FormatUint(uint64(unit), 10)}
		r := rows[k]
		if r == nil {
			r = &wire.SettlementRow{Store: store, Unit: unit, UnitName: "#" + k[1]}
			if u := d.Unit(unit); u != nil {
				r.UnitName = u.Name
			}
			rows[k] = r
		}
		return r
	}
	account := func(sale *pos.Record, sign int) {
		counted := map[uint32]bool{}
		for _, v := range sale.Vouchers {
			r := row(sale.Store, v.Unit)
			if !counted[v.Unit] {
				counted[v.Unit] = true
				if sign > 0 {
					r.Sales++
				} else {
					r.Voids++
				}
			}
			m := pos.Money(sign)
			r.Vouchers += sign
			r.Face += m * v.Face
			r.Applied += m * v.Applied
			r.Forfeited += m * v.Forfeited
			out.Payable += m * v.Applied
		}
	}
	// takeBack subtracts accepted return ret from its store's rows.
	takeBack := func(ret *pos.Record) {
		counted := map[uint32]bool{}
		for _, v := range ret.Vouchers {
			r := row(ret.Store, v.Unit)
			if !counted[v.Unit] {
				counted[v.Unit] = true
				r.Returns++
			}
			if slices.Contains(ret.Reinstated, v.ID) {
				r.Vouchers--
				r.Face -= v.Face
			}
			r.Applied -= v.Applied
			r.Forfeited += v.Forfeited
			out.Payable -= v.Applied
		}
	}
	err = s.Store.ViewLedger(func(l LedgerView) error {
		return dayRecords(l, day, func(terminal string, sr *StoredRecord, r *pos.Record) error {
			if store != "" && r.Store != store {
				return nil
			}
			switch r.Kind {
			case pos.KindSale:
				if len(r.Vouchers) == 0 || (sr.Result != pos.UploadAccepted && sr.Result != pos.UploadConflict) {
					return nil
				}
				status, ids := payable(sr, names[recKey{terminal, r.Seq}])
				if status == "" {
					account(r, 1)
					return nil
				}
				w := wire.WithheldRecord{Terminal: terminal, Store: r.Store, Seq: r.Seq, Receipt: r.Receipt, Time: r.Time,
					Result: string(sr.Result), Reason: sr.Reason, Status: status, Incidents: ids, Applied: r.VoucherAmount}
				for _, v := range r.Vouchers {
					w.Units = append(w.Units, v.Unit)
				}
				out.Withheld = append(out.Withheld, w)
			case pos.KindVoid:
				if sr.Result != pos.UploadAccepted {
					return nil
				}
				sale, err := voidedSale(l, terminal, r)
				if err != nil || sale == nil || len(sale.Vouchers) == 0 {
					return err
				}
				ssr, err := l.Record(terminal, sale.Seq)
				if err != nil {
					return err
				}
				if status, _ := payable(ssr, names[recKey{terminal, sale.Seq}]); status == "" {
					account(sale, -1)
				}
			case pos.KindReturn:
				if sr.Result != pos.UploadAccepted || len(r.Vouchers) == 0 {
					return nil
				}
				// The sale may be another terminal's of the store.
				ssr, err := l.Record(r.SaleOf(), r.Returns)
				if err != nil || ssr == nil {
					return err
				}
				// Only the return of a paid sale takes money back: the
				// union never paid for a withheld one.
				if status, _ := payable(ssr, names[recKey{r.SaleOf(), r.Returns}]); status == "" {
					takeBack(r)
				}
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("settlement %s: %w", day, err)
	}
	for _, r := range rows {
		out.Rows = append(out.Rows, *r)
	}
	slices.SortFunc(out.Rows, func(a, b wire.SettlementRow) int {
		if c := strings.Compare(a.Store, b.Store); c != 0 {
			return c
		}
		return int(int64(a.Unit) - int64(b.Unit))
	})
	slices.SortFunc(out.Withheld, func(a, b wire.WithheldRecord) int {
		if c := strings.Compare(a.Store, b.Store); c != 0 {
			return c
		}
		if c := strings.Compare(a.Terminal, b.Terminal); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	return out, nil
}

// checkStore refuses a store no terminal was ever added for: a typo would
// otherwise give a signed settlement of ￥0.00.
func (s *Server) checkStore(store string) error {
	ts, err := s.Store.Terminals()
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.Store == store {
			return nil
		}
	}
	return pos.Errorf(pos.ENOTFOUND, "no terminal of store %q: unknown store", store).Say("no_store", "store", store)
}
