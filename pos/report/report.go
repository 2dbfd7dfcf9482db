// Package report adds up the ledger into the totals a store manager and the
// campaign's settlement need: per CST day, split by issuing work unit (to
// settle with each unit's fund), by product and origin county (for the
// poverty-alleviation statistics), by cashier, by hour and by payment method.
package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"fupinpos/pos"
)

// Row is one line of a breakdown. What it counts depends on the breakdown:
// vouchers for work units, sales for cashiers, hours and methods, basket
// lines for products and counties (Qty counts units sold).
//
// The meaning is the same everywhere (screen, CSV, xlsx, Z report): Sales
// counts what the day's sale records added, Voids what the day's void
// records took back, Count = Sales − Voids, and every amount is net of the
// day's voids. Amount is the figure a chart or a printed line shows:
// applied voucher value for work units (Face keeps the face value), goods
// value for products and counties, sale total for cashiers and hours,
// self-paid amount for methods.
type Row struct {
	Key       string    `json:"key"`
	Label     string    `json:"label"`
	Count     int       `json:"count"`
	Sales     int       `json:"sales,omitempty"`
	Voids     int       `json:"voids,omitempty"`
	Qty       int64     `json:"qty,omitempty"`
	Amount    pos.Money `json:"amount"`
	Face      pos.Money `json:"face,omitempty"`      // face value (work units only)
	Voucher   pos.Money `json:"voucher,omitempty"`   // voucher value applied
	Forfeited pos.Money `json:"forfeited,omitempty"` // voucher value forfeited under no-change
	SelfPaid  pos.Money `json:"self_paid,omitempty"`
}

// add counts one sale (sign 1) or one void (sign -1) in r.
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
type Day struct {
	Day           string    `json:"day"`
	Store         string    `json:"store"`
	Terminal      string    `json:"terminal"`
	Sales         int       `json:"sales"`
	Voids         int       `json:"voids"`
	Net           int       `json:"net"`
	Vouchers      int       `json:"vouchers"`
	Total         pos.Money `json:"total"`
	VoucherAmount pos.Money `json:"voucher_amount"`
	Forfeited     pos.Money `json:"forfeited"`
	SelfPaid      pos.Money `json:"self_paid"`
	ByUnit        []Row     `json:"by_unit"`
	ByProduct     []Row     `json:"by_product"`
	ByCounty      []Row     `json:"by_county"`
	ByCashier     []Row     `json:"by_cashier"`
	ByHour        []Row     `json:"by_hour"`
	ByMethod      []Row     `json:"by_method"`
}

// Names turns ids into the labels a report shows.
type Names struct {
	Unit    func(id uint32) string
	Cashier func(id string) string // a user's name (cashiers and managers)
}

// Tx is one ledger record of a day as the transactions sheet shows it. A
// void carries the amounts of the sale it cancels, negated, so the column
// sums of a day's transactions equal the Day's totals.
type Tx struct {
	Seq           uint64         `json:"seq"`
	Time          time.Time      `json:"time"`
	Receipt       string         `json:"receipt"`
	Kind          pos.RecordKind `json:"kind"`
	Voids         string         `json:"voids,omitempty"` // the receipt a void cancels
	Cashier       string         `json:"cashier"`
	CashierName   string         `json:"cashier_name"`
	Mode          pos.EntryMode  `json:"mode,omitempty"`
	Manager       string         `json:"manager,omitempty"`
	ManagerName   string         `json:"manager_name,omitempty"`
	Reason        string         `json:"reason,omitempty"`
	Vouchers      int            `json:"vouchers"` // vouchers used (negative on a void)
	Units         string         `json:"units"`    // issuing work units of the vouchers, by name
	Goods         string         `json:"goods"`    // the basket: name ×qty; …
	Total         pos.Money      `json:"total"`
	VoucherAmount pos.Money      `json:"voucher_amount"`
	SelfPaid      pos.Money      `json:"self_paid"`
	Forfeited     pos.Money      `json:"forfeited"`
	Method        pos.PayMethod  `json:"method,omitempty"`
}

// Builder accumulates records into day reports. Feed it every record of the
// ledger in sequence order (a void needs the sale it cancels), then ask for a day.
type Builder struct {
	names Names
	sales map[uint64]*pos.Record
	days  map[string]*acc
}

type acc struct {
	d                                        Day
	unit, product, county, cashier, hour, pm map[string]*Row
	txs                                      []Tx
}

// NewBuilder returns an empty Builder.
func NewBuilder(names Names) *Builder {
	if names.Unit == nil {
		names.Unit = func(id uint32) string { return fmt.Sprintf("#%d", id) }
	}
	if names.Cashier == nil {
		names.Cashier = func(id string) string { return id }
	}
	return &Builder{names: names, sales: map[uint64]*pos.Record{}, days: map[string]*acc{}}
}

// Add accounts for one ledger record.
func (b *Builder) Add(r *pos.Record) {
	switch r.Kind {
	case pos.KindSale:
		b.sales[r.Seq] = r
		b.account(r.Time, r, r, 1)
		b.tx(r, r, 1)
	case pos.KindVoid:
		if s, ok := b.sales[r.Voids]; ok {
			b.account(r.Time, r, s, -1)
			b.tx(r, s, -1)
		}
	}
}

// tx adds the transaction row of record r (s is the sale itself or the one
// the void r cancels).
func (b *Builder) tx(r, s *pos.Record, sign int) {
	a := b.day(r.Time, r)
	m := pos.Money(sign)
	x := Tx{Seq: r.Seq, Time: r.Time, Receipt: r.Receipt, Kind: r.Kind, Cashier: r.Cashier, CashierName: b.names.Cashier(r.Cashier),
		Mode: s.Mode, Manager: r.Manager, Reason: r.Reason, Vouchers: sign * len(s.Vouchers),
		Total: m * s.Total, VoucherAmount: m * s.VoucherAmount, SelfPaid: m * s.SelfPaid, Forfeited: m * s.Forfeited, Method: s.Method}
	if r.Kind == pos.KindVoid {
		x.Voids = s.Receipt
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
	a.txs = append(a.txs, x)
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
			cashier: map[string]*Row{}, hour: map[string]*Row{}, pm: map[string]*Row{}}
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
	d.Vouchers += sign * len(s.Vouchers)
	d.Total += m * s.Total
	d.VoucherAmount += m * s.VoucherAmount
	d.Forfeited += m * s.Forfeited
	d.SelfPaid += m * s.SelfPaid
	for _, v := range s.Vouchers {
		u := row(a.unit, fmt.Sprint(v.Unit), b.unitName(v.Unit))
		u.add(sign)
		u.Amount += m * v.Applied
		u.Face += m * v.Face
		u.Voucher += m * v.Applied
		u.Forfeited += m * v.Forfeited
	}
	for _, l := range s.Lines {
		p := row(a.product, l.SKU, l.Name)
		p.add(sign)
		p.Qty += int64(sign) * l.Qty
		p.Amount += m * l.Amount()
		county := l.County
		if county == "" {
			county = "-"
		}
		c := row(a.county, county, county)
		c.add(sign)
		c.Qty += int64(sign) * l.Qty
		c.Amount += m * l.Amount()
	}
	c := row(a.cashier, s.Cashier, b.names.Cashier(s.Cashier))
	h := row(a.hour, fmt.Sprintf("%02d", t.In(pos.CST).Hour()), fmt.Sprintf("%02d:00", t.In(pos.CST).Hour()))
	method := string(s.Method)
	if method == "" {
		method = "none"
	}
	for _, x := range []*Row{c, h} {
		x.add(sign)
		x.Amount += m * s.Total
		x.Voucher += m * s.VoucherAmount
		x.Forfeited += m * s.Forfeited
		x.SelfPaid += m * s.SelfPaid
	}
	if s.SelfPaid > 0 {
		pm := row(a.pm, method, method)
		pm.add(sign)
		pm.Amount += m * s.SelfPaid
		pm.SelfPaid += m * s.SelfPaid
	}
}

// Day returns the report of day (2006-01-02, CST); a day without records
// gives an empty report, not an error.
func (b *Builder) Day(day string) *Day {
	a, ok := b.days[day]
	if !ok {
		return &Day{Day: day, ByUnit: []Row{}, ByProduct: []Row{}, ByCounty: []Row{}, ByCashier: []Row{}, ByHour: []Row{}, ByMethod: []Row{}}
	}
	d := a.d
	d.ByUnit = sorted(a.unit, byAmount)
	d.ByProduct = sorted(a.product, byAmount)
	d.ByCounty = sorted(a.county, byAmount)
	d.ByCashier = sorted(a.cashier, byKey)
	d.ByHour = sorted(a.hour, byKey)
	d.ByMethod = sorted(a.pm, byKey)
	return &d
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
