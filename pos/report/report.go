// Package report adds up the ledger into the totals a store manager and the
// campaign's settlement need: per CST day, split by issuing work unit (to
// settle with each unit's fund), by product, origin county and origin kind
// (for the poverty-alleviation statistics), certified from non-certified
// goods, by cashier, by hour, by payment method and by store. The terminal
// (screen, CSV, xlsx, Z report) and the server's settlement report
// (sync/server) both add up through a Builder, so a figure means the same
// on both.
package report

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"fupinpos/pos"
)

// Row is one line of a breakdown. Its counts mean the same in every
// breakdown: Sales counts the day's sale records that touched the row
// (transactions, 笔数: a sale of five products from one county counts once
// for that county, once for their origin kind and once for the certified
// split), Voids the day's void records that took such a sale back, and
// Count = Sales − Voids. Vouchers counts a work unit's vouchers (net of
// voids and of the vouchers returns reinstated); Qty counts units sold.
//
// The meaning is the same everywhere (screen, CSV, xlsx, Z report, the
// server's settlement report), and every amount is net of the
// day's voids. Returns counts the day's return records (退货) that touched
// the row: a partial return takes goods and money back without cancelling
// a sale, so it leaves Count alone, and the amounts are net of it too (Qty
// drops by the units taken back; a work unit's Vouchers and Face drop by the
// vouchers a return reinstated). Amount is the figure a chart or a printed line shows:
// applied voucher value for work units (Face keeps the face value), goods
// value for products, counties, origin kinds and the certified split, sale
// total for cashiers, hours and stores, self-paid amount for methods.
type Row struct {
	Key       string    `json:"key"`
	Label     string    `json:"label"`
	Count     int       `json:"count"`
	Sales     int       `json:"sales,omitempty"`
	Voids     int       `json:"voids,omitempty"`
	Returns   int       `json:"returns,omitempty"`
	Vouchers  int       `json:"vouchers,omitempty"` // vouchers (work units only)
	Qty       int64     `json:"qty,omitempty"`
	Amount    pos.Money `json:"amount"`
	Face      pos.Money `json:"face,omitempty"`      // face value (work units only)
	Voucher   pos.Money `json:"voucher,omitempty"`   // voucher value applied
	Forfeited pos.Money `json:"forfeited,omitempty"` // voucher value forfeited under no-change
	SelfPaid  pos.Money `json:"self_paid,omitempty"`
}

// add counts one sale (sign 1) or one void (sign -1) in r. A sale counts
// once in each row it touches, however many of its lines or vouchers fall
// in it: see rowSet.
func (r *Row) add(sign int) {
	r.Count += sign
	if sign > 0 {
		r.Sales++
	} else {
		r.Voids++
	}
}

// Day is the report of one CST day. Voids count on the day they were made,
// as negative amounts, so a closed day's report never changes. Sales is
// the number of sale records of the day, Voids the number of void records,
// Net = Sales − Voids; the amounts are net of the voids. Every output (the
// manager screen, CSV, xlsx, the Z report) shows these same three counts.
// Returns is the number of return records (退货) of the day, also counted
// on their own day: a return takes back part of a sale, so it leaves Net
// alone, and every amount and breakdown is net of it (see AddRecord).
//
// Certified is the goods value of the eligible lines (certified
// poverty-alleviation products, payable by voucher on the sale day),
// NonCertified that of the other lines (sold for the customer's own
// money); ByCertified splits them: the row "certified", then one row per
// reason a line was not (pos.Line.SelfPayReason: cert_expired,
// not_eligible, …). ByOrigin splits the goods by the product's origin kind
// (pos.Origins order; key "-" for lines outside the voucher scope). ByStore
// is by the store of the record; Review lists the records held for review
// (AddReview), by reason, counted apart from every other figure.
type Day struct {
	Day           string    `json:"day"`
	Store         string    `json:"store"`
	StoreName     string    `json:"store_name,omitempty"` // the store's name (set by the caller, from the terminal's configuration)
	Terminal      string    `json:"terminal"`
	Sales         int       `json:"sales"`
	Voids         int       `json:"voids"`
	Net           int       `json:"net"`
	Returns       int       `json:"returns,omitempty"`
	Vouchers      int       `json:"vouchers"`
	Total         pos.Money `json:"total"`
	VoucherAmount pos.Money `json:"voucher_amount"`
	Forfeited     pos.Money `json:"forfeited"`
	SelfPaid      pos.Money `json:"self_paid"`
	Certified     pos.Money `json:"certified"`
	NonCertified  pos.Money `json:"non_certified"`
	ByUnit        []Row     `json:"by_unit"`
	ByProduct     []Row     `json:"by_product"`
	ByCounty      []Row     `json:"by_county"`
	ByOrigin      []Row     `json:"by_origin"`
	ByCertified   []Row     `json:"by_certified"`
	ByCashier     []Row     `json:"by_cashier"`
	ByHour        []Row     `json:"by_hour"`
	ByMethod      []Row     `json:"by_method"`
	ByStore       []Row     `json:"by_store,omitempty"`
	Review        []Row     `json:"review,omitempty"`
}

// Keys of the rows of ByCertified and ByOrigin that are not a reason or a
// kind.
const (
	KeyCertified = "certified" // ByCertified: the eligible lines
	KeyNoOrigin  = "-"         // ByOrigin: lines outside the voucher scope
)

// Names turns ids into the labels a report shows.
type Names struct {
	Unit    func(id uint32) string
	Cashier func(id string) string // a user's name (cashiers and managers)
}

// Tx is one ledger record of a day as the transactions sheet shows it. A
// void carries the amounts of the sale it cancels, negated, and a return
// its own amounts, negated (its forfeited change as it is), so the column
// sums of a day's transactions equal the Day's totals.
type Tx struct {
	Seq           uint64         `json:"seq"`
	Time          time.Time      `json:"time"`
	Receipt       string         `json:"receipt"`
	Kind          pos.RecordKind `json:"kind"`
	Voids         string         `json:"voids,omitempty"`   // the receipt a void cancels
	Returns       string         `json:"returns,omitempty"` // the receipt a return takes goods back from
	Cashier       string         `json:"cashier"`
	CashierName   string         `json:"cashier_name"`
	Mode          pos.EntryMode  `json:"mode,omitempty"` // how a sale's vouchers were entered (none on a void or a return)
	Manager       string         `json:"manager,omitempty"`
	ManagerName   string         `json:"manager_name,omitempty"`
	Reason        string         `json:"reason,omitempty"`
	Vouchers      int            `json:"vouchers"` // vouchers used (negative on a void; on a return, minus those reinstated)
	Units         string         `json:"units"`    // issuing work units of the vouchers, by name
	Goods         string         `json:"goods"`    // the basket: name ×qty; …
	Total         pos.Money      `json:"total"`
	VoucherAmount pos.Money      `json:"voucher_amount"`
	SelfPaid      pos.Money      `json:"self_paid"`
	Forfeited     pos.Money      `json:"forfeited"`
	Method        pos.PayMethod  `json:"method,omitempty"`
}

// Builder accumulates records into day reports. Feed it every record of the
// ledger in sequence order (a void needs the sale it cancels), then ask for
// a day; or, with NewDayBuilder, feed it one day's records, each void with
// the sale it cancels (AddRecord), and it keeps no list of sales.
type Builder struct {
	names Names
	sales map[uint64]*pos.Record // nil for a day builder
	only  string                 // a day builder's day
	unit  uint32                 // OnlyUnit's filter, 0 = every unit
	onTx  func(Tx)
	days  map[string]*acc
}

type acc struct {
	d                                        Day
	unit, product, county, cashier, hour, pm map[string]*Row
	origin, cert, store, review              map[string]*Row
	txs                                      []Tx
}

// NewBuilder returns an empty Builder.
func NewBuilder(names Names) *Builder {
	b := newBuilder(names)
	b.sales = map[uint64]*pos.Record{}
	return b
}

// NewDayBuilder returns a Builder of CST day (2006-01-02) alone, fed from
// an index of the ledger by day (pos/bolt's DayRecords): records of other
// days are ignored, and the sales it has seen are not kept, so a void is
// counted only when AddRecord brings the sale it cancels. Its memory is
// what the day holds, whatever the size of the ledger.
func NewDayBuilder(names Names, day string) *Builder {
	b := newBuilder(names)
	b.only = day
	return b
}

func newBuilder(names Names) *Builder {
	if names.Unit == nil {
		names.Unit = func(id uint32) string { return fmt.Sprintf("#%d", id) }
	}
	if names.Cashier == nil {
		names.Cashier = func(id string) string { return id }
	}
	return &Builder{names: names, days: map[string]*acc{}}
}

// OnlyUnit restricts the report to the vouchers of work unit unit (0: every
// unit), for settling with that unit's fund: a sale without one of its
// vouchers, and the void of such a sale, are left out; the voucher figures
// (Vouchers, VoucherAmount, Forfeited, ByUnit and the voucher columns of the
// other rows) count that unit's vouchers only; the goods breakdowns
// (products, counties, origin kinds, the certified split) count the whole
// baskets of the sales that remain; sale totals and self-paid amounts,
// which no single unit pays, are not counted (Total, SelfPaid, the Amount
// of cashiers, hours and stores, ByMethod). Call it before adding records.
func (b *Builder) OnlyUnit(unit uint32) { b.unit = unit }

// OnTransaction makes the builder hand each transaction row to fn as the
// record is added, instead of keeping it for Transactions (an export that
// writes rows as they come keeps none in memory).
func (b *Builder) OnTransaction(fn func(Tx)) { b.onTx = fn }

// Add accounts for one ledger record.
func (b *Builder) Add(r *pos.Record) { b.AddRecord(r, nil) }

// AddRecord accounts for ledger record r. For a void, sale is the record
// it cancels; when nil, a Builder from NewBuilder looks among the sales it
// was given, and a void of a sale it cannot find is not counted.
//
// A return (pos.KindReturn) counts on its own day from its own amounts,
// which are differences (see pos.Resettle); sale, the sale it returns
// goods of, may be nil (it only decides OnlyUnit's filter when given).
// Its lines (goods taken back) are subtracted per product, county, origin
// kind and certified split; its Total, VoucherAmount and SelfPaid are
// subtracted, the SelfPaid per payment method; its voucher lines subtract
// their Applied from their unit's row and add their Forfeited (the change
// of forfeited value, negative only for a reinstated voucher whose excess
// had been forfeited); the vouchers it reinstated drop from the voucher
// count and their face from their unit's face value.
func (b *Builder) AddRecord(r, sale *pos.Record) {
	if b.only != "" && pos.DayOf(r.Time) != b.only {
		return
	}
	switch r.Kind {
	case pos.KindSale:
		if b.sales != nil {
			b.sales[r.Seq] = r
		}
		if b.counts(r) {
			b.account(r.Time, r, r, 1)
			b.tx(r, r, 1)
		}
	case pos.KindVoid:
		if sale == nil && b.sales != nil {
			sale = b.sales[r.Voids]
		}
		if sale != nil && sale.Kind == pos.KindSale && sale.Seq == r.Voids && b.counts(sale) {
			b.account(r.Time, r, sale, -1)
			b.tx(r, sale, -1)
		}
	case pos.KindReturn:
		if sale == nil && b.sales != nil && r.SaleOf() == r.Terminal {
			sale = b.sales[r.Returns]
		}
		if sale != nil && (sale.Kind != pos.KindSale || sale.Seq != r.Returns || sale.Terminal != r.SaleOf()) {
			sale = nil
		}
		if (sale != nil && b.counts(sale)) || (sale == nil && b.counts(r)) {
			b.accountReturn(r)
			b.txReturn(r)
		}
	}
}

// counts reports whether sale s is in the report: always, or under
// OnlyUnit when one of its vouchers is of that unit.
func (b *Builder) counts(s *pos.Record) bool {
	if b.unit == 0 {
		return true
	}
	for _, v := range s.Vouchers {
		if v.Unit == b.unit {
			return true
		}
	}
	return false
}

// AddReview lists record r apart, under reason (the server's reason for
// holding it: a double spend, over cap, a broken chain…), on the day of
// its own time: it counts in Review only (Count records, Amount their
// totals, Voucher their voucher amounts), never in the settled figures.
func (b *Builder) AddReview(r *pos.Record, reason string) {
	if b.only != "" && pos.DayOf(r.Time) != b.only {
		return
	}
	rv := row(b.day(r.Time, r).review, reason, reason)
	rv.Count++
	rv.Amount += r.Total
	rv.Voucher += r.VoucherAmount
}

// tx adds the transaction row of record r (s is the sale itself or the one
// the void r cancels).
func (b *Builder) tx(r, s *pos.Record, sign int) {
	a := b.day(r.Time, r)
	m := pos.Money(sign)
	x := Tx{Seq: r.Seq, Time: r.Time, Receipt: r.Receipt, Kind: r.Kind, Cashier: r.Cashier, CashierName: b.names.Cashier(r.Cashier),
		Manager: r.Manager, Reason: r.Reason, Vouchers: sign * len(s.Vouchers),
		Total: m * s.Total, VoucherAmount: m * s.VoucherAmount, SelfPaid: m * s.SelfPaid, Forfeited: m * s.Forfeited, Method: s.Method}
	if r.Kind == pos.KindVoid {
		x.Voids = s.Receipt // no entry mode: a void enters no voucher
	} else {
		x.Mode = s.Mode
	}
	if x.Manager != "" {
		x.ManagerName = b.names.Cashier(x.Manager)
	}
	var units, goods []string
	seen := map[uint32]bool{}
	for _, v := range s.Vouchers {
		if !seen[v.Unit] {
			seen[v.Unit] = true
			units = append(units, b.unitName(v.Unit))
		}
	}
	for _, l := range s.Lines {
		goods = append(goods, fmt.Sprintf("%s×%d", l.Name, l.Qty))
	}
	x.Units, x.Goods = strings.Join(units, "、"), strings.Join(goods, "; ")
	if b.onTx != nil {
		b.onTx(x)
		return
	}
	a.txs = append(a.txs, x)
}

// txReturn adds the transaction row of return r: its amounts negated, its
// forfeited change as it is, minus the vouchers it reinstated.
func (b *Builder) txReturn(r *pos.Record) {
	x := Tx{Seq: r.Seq, Time: r.Time, Receipt: r.Receipt, Kind: r.Kind, Returns: r.SaleReceipt(),
		Cashier: r.Cashier, CashierName: b.names.Cashier(r.Cashier), Manager: r.Manager, Reason: r.Reason,
		Vouchers: -len(r.Reinstated), Total: -r.Total, VoucherAmount: -r.VoucherAmount, SelfPaid: -r.SelfPaid,
		Forfeited: r.Forfeited, Method: r.Method}
	if x.Manager != "" {
		x.ManagerName = b.names.Cashier(x.Manager)
	}
	var units, goods []string
	seen := map[uint32]bool{}
	for _, v := range r.Vouchers {
		if !seen[v.Unit] {
			seen[v.Unit] = true
			units = append(units, b.unitName(v.Unit))
		}
	}
	for _, l := range r.Lines {
		goods = append(goods, fmt.Sprintf("%s×%d", l.Name, -l.Qty))
	}
	x.Units, x.Goods = strings.Join(units, "、"), strings.Join(goods, "; ")
	if b.onTx != nil {
		b.onTx(x)
		return
	}
	b.day(r.Time, r).txs = append(b.day(r.Time, r).txs, x)
}

func (b *Builder) unitName(id uint32) string {
	if label := b.names.Unit(id); label != "" {
		return label
	}
	return fmt.Sprintf("#%d", id)
}

// Transactions returns the records of day (2006-01-02, CST) in ledger
// order: one row per sale and per void, counted on the day the record was
// made, as Day counts them.
func (b *Builder) Transactions(day string) []Tx {
	a, ok := b.days[day]
	if !ok {
		return []Tx{}
	}
	return append([]Tx{}, a.txs...)
}

func (b *Builder) day(t time.Time, r *pos.Record) *acc {
	d := pos.DayOf(t)
	a, ok := b.days[d]
	if !ok {
		a = &acc{d: Day{Day: d, Store: r.Store, Terminal: r.Terminal},
			unit: map[string]*Row{}, product: map[string]*Row{}, county: map[string]*Row{},
			cashier: map[string]*Row{}, hour: map[string]*Row{}, pm: map[string]*Row{},
			origin: map[string]*Row{}, cert: map[string]*Row{}, store: map[string]*Row{}, review: map[string]*Row{}}
		b.days[d] = a
	}
	return a
}

func row(m map[string]*Row, key, label string) *Row {
	r, ok := m[key]
	if !ok {
		r = &Row{Key: key, Label: label}
		m[key] = r
	}
	return r
}

// account adds sale s (sign 1) or takes it back (sign -1) on the day of
// record r, which is s itself or the void that cancels it.
func (b *Builder) account(t time.Time, r, s *pos.Record, sign int) {
	a := b.day(t, r)
	m := pos.Money(sign)
	d := &a.d
	if sign > 0 {
		d.Sales++
	} else {
		d.Voids++
	}
	d.Net = d.Sales - d.Voids
	// The sale's figures as this report counts them: under OnlyUnit, the
	// unit's vouchers alone, and no sale total or self-paid amount.
	total, voucher, forfeited, selfPaid, vouchers := s.Total, s.VoucherAmount, s.Forfeited, s.SelfPaid, len(s.Vouchers)
	if b.unit != 0 {
		total, voucher, forfeited, selfPaid, vouchers = 0, 0, 0, 0, 0
		for _, v := range s.Vouchers {
			if v.Unit == b.unit {
				voucher += v.Applied
				forfeited += v.Forfeited
				vouchers++
			}
		}
	}
	d.Vouchers += sign * vouchers
	d.Total += m * total
	d.VoucherAmount += m * voucher
	d.Forfeited += m * forfeited
	d.SelfPaid += m * selfPaid
	// Each row the sale touches counts it once (笔数 are transactions),
	// however many of its vouchers or lines fall in the row.
	var touched rowSet
	count := func(x *Row) {
		if touched.first(x) {
			x.add(sign)
		}
	}
	for _, v := range s.Vouchers {
		if b.unit != 0 && v.Unit != b.unit {
			continue
		}
		u := row(a.unit, strconv.FormatUint(uint64(v.Unit), 10), b.unitName(v.Unit))
		count(u)
		u.Vouchers += sign
		u.Amount += m * v.Applied
		u.Face += m * v.Face
		u.Voucher += m * v.Applied
		u.Forfeited += m * v.Forfeited
	}
	for _, l := range s.Lines {
		p := row(a.product, l.SKU, l.Name)
		count(p)
		p.Qty += int64(sign) * l.Qty
		p.Amount += m * l.Amount()
		county := l.County
		if county == "" {
			county = "-"
		}
		c := row(a.county, county, county)
		count(c)
		c.Qty += int64(sign) * l.Qty
		c.Amount += m * l.Amount()
		kind, cert := KeyNoOrigin, KeyCertified
		if reason := l.SelfPayReason(); reason != "" {
			cert = reason
			d.NonCertified += m * l.Amount()
		} else {
			d.Certified += m * l.Amount()
		}
		if cert != pos.ReasonNotEligible {
			kind = string(l.Origin.Or())
		}
		for _, x := range []*Row{row(a.origin, kind, kind), row(a.cert, cert, cert)} {
			count(x)
			x.Qty += int64(sign) * l.Qty
			x.Amount += m * l.Amount()
		}
	}
	c := row(a.cashier, s.Cashier, b.names.Cashier(s.Cashier))
	h := row(a.hour, fmt.Sprintf("%02d", t.In(pos.CST).Hour()), fmt.Sprintf("%02d:00", t.In(pos.CST).Hour()))
	st := row(a.store, s.Store, s.Store)
	method := string(s.Method)
	if method == "" {
		method = "none"
	}
	for _, x := range []*Row{c, h, st} {
		x.add(sign)
		x.Amount += m * total
		x.Voucher += m * voucher
		x.Forfeited += m * forfeited
		x.SelfPaid += m * selfPaid
	}
	if selfPaid > 0 {
		pm := row(a.pm, method, method)
		pm.add(sign)
		pm.Amount += m * s.SelfPaid
		pm.SelfPaid += m * s.SelfPaid
	}
}

// rowSet is the rows one record has touched so far (a handful: a linear
// search beats a map and allocates once).
type rowSet []*Row

// first reports whether x is new to the set, and adds it.
func (s *rowSet) first(x *Row) bool {
	if slices.Contains(*s, x) {
		return false
	}
	*s = append(*s, x)
	return true
}

// accountReturn takes back return r on its own day (see AddRecord).
func (b *Builder) accountReturn(r *pos.Record) {
	a := b.day(r.Time, r)
	d := &a.d
	d.Returns++
	total, voucher, forfeited, selfPaid, vouchers := r.Total, r.VoucherAmount, r.Forfeited, r.SelfPaid, len(r.Reinstated)
	if b.unit != 0 {
		total, voucher, forfeited, selfPaid, vouchers = 0, 0, 0, 0, 0
		for _, v := range r.Vouchers {
			if v.Unit == b.unit {
				voucher += v.Applied
				forfeited += v.Forfeited
				if slices.Contains(r.Reinstated, v.ID) {
					vouchers++
				}
			}
		}
	}
	d.Vouchers -= vouchers
	d.Total -= total
	d.VoucherAmount -= voucher
	d.Forfeited += forfeited
	d.SelfPaid -= selfPaid
	var touched rowSet
	ret := func(x *Row) {
		if touched.first(x) {
			x.Returns++
		}
	}
	for _, v := range r.Vouchers {
		if b.unit != 0 && v.Unit != b.unit {
			continue
		}
		u := row(a.unit, strconv.FormatUint(uint64(v.Unit), 10), b.unitName(v.Unit))
		ret(u)
		u.Amount -= v.Applied
		u.Voucher -= v.Applied
		u.Forfeited += v.Forfeited
		if slices.Contains(r.Reinstated, v.ID) {
			u.Vouchers--
			u.Face -= v.Face
		}
	}
	for _, l := range r.Lines {
		amount := l.Amount()
		p := row(a.product, l.SKU, l.Name)
		county := l.County
		if county == "" {
			county = "-"
		}
		c := row(a.county, county, county)
		kind, cert := KeyNoOrigin, KeyCertified
		if reason := l.SelfPayReason(); reason != "" {
			cert = reason
			d.NonCertified -= amount
		} else {
			d.Certified -= amount
		}
		if cert != pos.ReasonNotEligible {
			kind = string(l.Origin.Or())
		}
		for _, x := range []*Row{p, c, row(a.origin, kind, kind), row(a.cert, cert, cert)} {
			ret(x)
			x.Qty -= l.Qty
			x.Amount -= amount
		}
	}
	c := row(a.cashier, r.Cashier, b.names.Cashier(r.Cashier))
	h := row(a.hour, fmt.Sprintf("%02d", r.Time.In(pos.CST).Hour()), fmt.Sprintf("%02d:00", r.Time.In(pos.CST).Hour()))
	st := row(a.store, r.Store, r.Store)
	for _, x := range []*Row{c, h, st} {
		ret(x)
		x.Amount -= total
		x.Voucher -= voucher
		x.Forfeited += forfeited
		x.SelfPaid -= selfPaid
	}
	if selfPaid > 0 {
		method := string(r.Method)
		if method == "" {
			method = "none"
		}
		pm := row(a.pm, method, method)
		ret(pm)
		pm.Amount -= selfPaid
		pm.SelfPaid -= selfPaid
	}
}

// Day returns the report of day (2006-01-02, CST); a day without records
// gives an empty report, not an error.
func (b *Builder) Day(day string) *Day {
	a, ok := b.days[day]
	if !ok {
		return &Day{Day: day, ByUnit: []Row{}, ByProduct: []Row{}, ByCounty: []Row{}, ByOrigin: []Row{}, ByCertified: []Row{},
			ByCashier: []Row{}, ByHour: []Row{}, ByMethod: []Row{}}
	}
	d := a.d
	d.ByUnit = sorted(a.unit, byAmount)
	d.ByProduct = sorted(a.product, byAmount)
	d.ByCounty = sorted(a.county, byAmount)
	d.ByOrigin = sorted(a.origin, byRank(originRank))
	d.ByCertified = sorted(a.cert, byRank(certRank))
	d.ByCashier = sorted(a.cashier, byKey)
	d.ByHour = sorted(a.hour, byKey)
	d.ByMethod = sorted(a.pm, byKey)
	if len(a.store) > 0 {
		d.ByStore = sorted(a.store, byAmount)
	}
	if len(a.review) > 0 {
		d.Review = sorted(a.review, byAmount)
	}
	return &d
}

// originRank orders origin kinds as pos.Origins, then unknown kinds, then
// KeyNoOrigin.
func originRank(key string) int {
	if i := slices.Index(pos.Origins, pos.OriginKind(key)); i >= 0 {
		return i
	}
	if key == KeyNoOrigin {
		return len(pos.Origins) + 1
	}
	return len(pos.Origins)
}

// certReasons is the order of ByCertified after KeyCertified.
var certReasons = []string{pos.ReasonCertExpired, pos.ReasonOtherUnit, pos.ReasonNotEligible}

// certRank orders KeyCertified first, then the reasons of certReasons,
// then unknown reasons.
func certRank(key string) int {
	if key == KeyCertified {
		return 0
	}
	if i := slices.Index(certReasons, key); i >= 0 {
		return i + 1
	}
	return len(certReasons) + 1
}

// byRank orders rows by rank of their key, then by key.
func byRank(rank func(string) int) func(a, b Row) bool {
	return func(a, b Row) bool {
		if ra, rb := rank(a.Key), rank(b.Key); ra != rb {
			return ra < rb
		}
		return a.Key < b.Key
	}
}

// Days returns the days that have records, oldest first.
func (b *Builder) Days() []string {
	var ds []string
	for d := range b.days {
		ds = append(ds, d)
	}
	sort.Strings(ds)
	return ds
}

func byAmount(a, b Row) bool {
	if a.Amount != b.Amount {
		return a.Amount > b.Amount
	}
	return a.Key < b.Key
}

func byKey(a, b Row) bool { return a.Key < b.Key }

func sorted(m map[string]*Row, less func(a, b Row) bool) []Row {
	rows := make([]Row, 0, len(m))
	for _, r := range m {
		rows = append(rows, *r)
	}
	sort.Slice(rows, func(i, j int) bool { return less(rows[i], rows[j]) })
	return rows
}
