package pos

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// AlertRule names one supervision rule against voucher cash-out (a merchant
// takes vouchers and hands back cash) and irregular operation. An alert is
// a case for review, never a refusal: the sales behind it stay accepted.
type AlertRule string

// The supervision rules. Each has thresholds in AlertConfig.
const (
	// AlertCashierBurst: one cashier redeemed many vouchers in a short window.
	AlertCashierBurst AlertRule = "cashier_burst"
	// AlertRepeatBasket: the same basket (products and quantities) again
	// and again at one store on one day.
	AlertRepeatBasket AlertRule = "repeat_basket"
	// AlertFaceMatch: baskets whose eligible total just reaches the face
	// value of the vouchers, again and again by one cashier (goods chosen
	// to "spend" a voucher exactly, the usual sign of a cash-out).
	AlertFaceMatch AlertRule = "face_match"
	// AlertForfeitShare: a high share of a store's voucher value forfeited
	// (vouchers taken against too few goods).
	AlertForfeitShare AlertRule = "forfeit_share"
	// AlertOffHours: redemptions outside the store's opening hours.
	AlertOffHours AlertRule = "off_hours"
	// AlertUnitBurst: a burst of vouchers of one work unit at one store.
	AlertUnitBurst AlertRule = "unit_burst"
	// AlertCashierShare: a cashier's share of manual entries and voids well
	// above the store's.
	AlertCashierShare AlertRule = "cashier_share"
)

// AlertRules lists every rule, in the order alerts are reported.
var AlertRules = []AlertRule{AlertCashierBurst, AlertRepeatBasket, AlertFaceMatch, AlertForfeitShare,
	AlertOffHours, AlertUnitBurst, AlertCashierShare}

// AlertConfig holds the thresholds of the supervision rules, part of the
// deployment's configuration. A zero field takes its default
// (DefaultAlertConfig); a negative count or share turns its rule off.
type AlertConfig struct {
	// CashierBurst vouchers by one cashier within CashierBurstWindow.
	CashierBurst       int      `json:"cashier_burst"`
	CashierBurstWindow Duration `json:"cashier_burst_window"`
	// RepeatBasket identical baskets at one store on one day.
	RepeatBasket int `json:"repeat_basket"`
	// FaceMatch sales by one cashier on one day whose eligible total is at
	// least the face value and at most FaceMatchMargin above it.
	FaceMatch       int   `json:"face_match"`
	FaceMatchMargin Money `json:"face_match_margin"`
	// ForfeitPercent of a store's face value forfeited on one day, once
	// the store took at least ForfeitMinVouchers vouchers.
	ForfeitPercent     int `json:"forfeit_percent"`
	ForfeitMinVouchers int `json:"forfeit_min_vouchers"`
	// Opening hours ("08:00-22:00", CST), by store; Default for the rest.
	// A redemption outside them is an alert.
	Hours        map[string]string `json:"hours,omitempty"`
	DefaultHours string            `json:"default_hours"`
	// UnitBurst vouchers of one work unit at one store within UnitBurstWindow.
	UnitBurst       int      `json:"unit_burst"`
	UnitBurstWindow Duration `json:"unit_burst_window"`
	// CashierShareFactor: a cashier whose share of manual entries plus
	// voids among their records is at least this many times the share among
	// the store's other cashiers' records (in percent: 300 = three times;
	// Value -1 when the others have none), with at least CashierShareMin
	// such records.
	CashierShareFactor int `json:"cashier_share_factor"`
	CashierShareMin    int `json:"cashier_share_min"`
}

// DefaultAlertConfig returns the thresholds used where the deployment sets none.
func DefaultAlertConfig() AlertConfig {
	return AlertConfig{
		CashierBurst: 30, CashierBurstWindow: Duration(10 * time.Minute),
		RepeatBasket: 5,
		FaceMatch:    5, FaceMatchMargin: 100,
		ForfeitPercent: 20, ForfeitMinVouchers: 10,
		DefaultHours: "08:00-22:00",
		UnitBurst:    40, UnitBurstWindow: Duration(time.Hour),
		CashierShareFactor: 300, CashierShareMin: 3,
	}
}

// withDefaults fills the zero fields of c from DefaultAlertConfig.
func (c AlertConfig) withDefaults() AlertConfig {
	d := DefaultAlertConfig()
	fill := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	fill(&c.CashierBurst, d.CashierBurst)
	fill(&c.RepeatBasket, d.RepeatBasket)
	fill(&c.FaceMatch, d.FaceMatch)
	fill(&c.ForfeitPercent, d.ForfeitPercent)
	fill(&c.ForfeitMinVouchers, d.ForfeitMinVouchers)
	fill(&c.UnitBurst, d.UnitBurst)
	fill(&c.CashierShareFactor, d.CashierShareFactor)
	fill(&c.CashierShareMin, d.CashierShareMin)
	if c.CashierBurstWindow <= 0 {
		c.CashierBurstWindow = d.CashierBurstWindow
	}
	if c.UnitBurstWindow <= 0 {
		c.UnitBurstWindow = d.UnitBurstWindow
	}
	if c.FaceMatchMargin == 0 {
		c.FaceMatchMargin = d.FaceMatchMargin
	}
	if c.DefaultHours == "" {
		c.DefaultHours = d.DefaultHours
	}
	return c
}

// Validate checks the opening hours, the one field with a syntax.
func (c AlertConfig) Validate() error {
	hours := []string{c.DefaultHours}
	for _, h := range c.Hours {
		hours = append(hours, h)
	}
	for _, h := range hours {
		if h == "" {
			continue
		}
		if _, _, err := parseHours(h); err != nil {
			return err
		}
	}
	return nil
}

// parseHours reads "08:00-22:00" as minutes after midnight; "00:00-24:00"
// is always open. A range past midnight ("20:00-02:00") is allowed.
func parseHours(s string) (from, to int, err error) {
	var h1, m1, h2, m2 int
	if _, err := fmt.Sscanf(strings.TrimSpace(s), "%d:%d-%d:%d", &h1, &m1, &h2, &m2); err != nil ||
		h1 < 0 || h1 > 24 || h2 < 0 || h2 > 24 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59 {
		return 0, 0, Errorf(EINVALID, "invalid opening hours %q, want HH:MM-HH:MM", s)
	}
	return h1*60 + m1, h2*60 + m2, nil
}

// open reports whether minute-of-day m is inside [from, to).
func open(from, to, m int) bool {
	if from <= to {
		return m >= from && m < to
	}
	return m >= from || m < to
}

// RecordRef names one record behind an alert.
type RecordRef struct {
	Terminal string    `json:"terminal"`
	Seq      uint64    `json:"seq"`
	Receipt  string    `json:"receipt"`
	Time     time.Time `json:"time"`
}

// Alert is one case for review: which rule, where, what was measured
// against which threshold, and the records behind it.
type Alert struct {
	Rule      AlertRule `json:"rule"`
	Day       string    `json:"day"`
	Store     string    `json:"store"`
	Cashier   string    `json:"cashier,omitempty"`
	Unit      uint32    `json:"unit,omitempty"`
	Value     int64     `json:"value"`     // what was measured (count, percent)
	Threshold int64     `json:"threshold"` // the configured limit it passed
	// Detail completes Value for a reader: the window of a burst, the
	// basket of repeated baskets, the margin of face matches, forfeited/face
	// of a store, the opening hours, a cashier's irregular/records against
	// the store's.
	Detail  string      `json:"detail,omitempty"`
	Records []RecordRef `json:"records"`
}

// Supervisor applies the supervision rules to the accepted records of one
// CST day, fed in any order with Add; Alerts returns the cases. It keeps
// only what the rules need per record (a reference, a time, a few keys),
// so its memory follows the day, not the campaign.
type Supervisor struct {
	cfg   AlertConfig
	day   string
	sales []supSale
	// per store, per cashier: records, and manual entries + voids
	activity map[[2]string]*supCount
	// per store: the day's returns that changed the forfeited value
	returns map[string]*supReturns
}

// supReturns is what a store's returns of the day add to the
// forfeited-share rule.
type supReturns struct {
	forfeit Money
	refs    []RecordRef
}

type supSale struct {
	ref      RecordRef
	store    string
	cashier  string
	basket   string
	eligible Money
	face     Money
	forfeit  Money
	units    []uint32 // one per voucher
}

type supCount struct {
	records   int
	irregular []RecordRef
}

// NewSupervisor returns a Supervisor for CST day (2006-01-02) with cfg's
// thresholds (zero fields take the defaults).
func NewSupervisor(cfg AlertConfig, day string) *Supervisor {
	return &Supervisor{cfg: cfg.withDefaults(), day: day, activity: map[[2]string]*supCount{}, returns: map[string]*supReturns{}}
}

// Add feeds one accepted record of terminal. Records of other days are ignored.
//
// A return (KindReturn) counts, on its own day, in the forfeited-share
// rule alone: its Forfeited (the change of forfeited value: a voucher kept
// for fewer goods, or released under the campaign's forfeit policy; less
// when a reinstated voucher's excess is given back) adds to its store's
// forfeited value, and a return that forfeited more is named among the
// records. It is not a redemption (no burst, basket, face match or
// opening-hours rule), and it is not an irregular record of the
// cashier-share rule, nor one of the cashier's records: a return needs a
// manager's approval and the server's agreement, it hands back no cash for
// voucher value (only the self-paid part, by its original method), and
// counting it would dilute the cashier's share of manual entries and voids.
func (s *Supervisor) Add(terminal string, r *Record) {
	if DayOf(r.Time) != s.day {
		return
	}
	ref := RecordRef{Terminal: terminal, Seq: r.Seq, Receipt: r.Receipt, Time: r.Time}
	if ref.Receipt == "" {
		ref.Receipt = ReceiptNumber(terminal, r.Seq)
	}
	if r.Kind == KindReturn {
		if r.Forfeited == 0 {
			return
		}
		a := s.returns[r.Store]
		if a == nil {
			a = &supReturns{}
			s.returns[r.Store] = a
		}
		a.forfeit += r.Forfeited
		if r.Forfeited > 0 {
			a.refs = append(a.refs, ref)
		}
		return
	}
	k := [2]string{r.Store, r.Cashier}
	c := s.activity[k]
	if c == nil {
		c = &supCount{}
		s.activity[k] = c
	}
	c.records++
	if r.Kind == KindVoid || r.Mode == EntryManual {
		c.irregular = append(c.irregular, ref)
	}
	if r.Kind != KindSale || len(r.Vouchers) == 0 {
		return
	}
	ss := supSale{ref: ref, store: r.Store, cashier: r.Cashier, eligible: r.Eligible, forfeit: r.Forfeited}
	lines := make([]string, 0, len(r.Lines))
	for _, l := range r.Lines {
		lines = append(lines, fmt.Sprintf("%s*%d", l.SKU, l.Qty))
	}
	sort.Strings(lines)
	ss.basket = strings.Join(lines, ",")
	for _, v := range r.Vouchers {
		ss.face += v.Face
		ss.units = append(ss.units, v.Unit)
	}
	s.sales = append(s.sales, ss)
}

// Alerts returns the day's alerts, by rule (AlertRules order), then store,
// cashier and unit; each names its records in time order.
func (s *Supervisor) Alerts() []Alert {
	slices.SortFunc(s.sales, func(a, b supSale) int {
		if c := a.ref.Time.Compare(b.ref.Time); c != 0 {
			return c
		}
		if c := strings.Compare(a.ref.Terminal, b.ref.Terminal); c != 0 {
			return c
		}
		return cmp.Compare(a.ref.Seq, b.ref.Seq)
	})
	var out []Alert
	out = append(out, s.bursts(AlertCashierBurst, s.cfg.CashierBurst, s.cfg.CashierBurstWindow.D(),
		func(ss *supSale) []string { return repeat(ss.cashier, len(ss.units)) })...)
	out = append(out, s.repeatBaskets()...)
	out = append(out, s.faceMatches()...)
	out = append(out, s.forfeitShares()...)
	out = append(out, s.offHours()...)
	out = append(out, s.bursts(AlertUnitBurst, s.cfg.UnitBurst, s.cfg.UnitBurstWindow.D(),
		func(ss *supSale) []string {
			keys := make([]string, len(ss.units))
			for i, u := range ss.units {
				keys[i] = fmt.Sprint(u)
			}
			return keys
		})...)
	out = append(out, s.cashierShares()...)
	for i := range out {
		slices.SortFunc(out[i].Records, func(a, b RecordRef) int {
			if c := a.Time.Compare(b.Time); c != 0 {
				return c
			}
			if c := strings.Compare(a.Terminal, b.Terminal); c != 0 {
				return c
			}
			return cmp.Compare(a.Seq, b.Seq)
		})
	}
	return out
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// bursts finds, per store and key (a cashier, a work unit), the largest
// number of vouchers inside any window of length w; at or above limit it is
// an alert naming the sales of that window. keys gives one key per voucher
// of a sale.
func (s *Supervisor) bursts(rule AlertRule, limit int, w time.Duration, keys func(*supSale) []string) []Alert {
	if limit < 0 {
		return nil
	}
	type ev struct {
		i int // index in s.sales
		t time.Time
	}
	groups := map[[2]string][]ev{}
	for i := range s.sales {
		for _, k := range keys(&s.sales[i]) {
			g := [2]string{s.sales[i].store, k}
			groups[g] = append(groups[g], ev{i, s.sales[i].ref.Time})
		}
	}
	var out []Alert
	for _, g := range sortedKeys(groups) {
		evs := groups[g] // in time order, as s.sales is
		best, bi, bj := 0, 0, 0
		for i, j := 0, 0; j < len(evs); j++ {
			for evs[j].t.Sub(evs[i].t) >= w {
				i++
			}
			if n := j - i + 1; n > best {
				best, bi, bj = n, i, j
			}
		}
		if best < limit {
			continue
		}
		a := Alert{Rule: rule, Day: s.day, Store: g[0], Value: int64(best), Threshold: int64(limit), Detail: w.String()}
		if rule == AlertUnitBurst {
			var u uint32
			fmt.Sscan(g[1], &u)
			a.Unit = u
		} else {
			a.Cashier = g[1]
		}
		seen := map[int]bool{}
		for _, e := range evs[bi : bj+1] {
			if !seen[e.i] {
				seen[e.i] = true
				a.Records = append(a.Records, s.sales[e.i].ref)
			}
		}
		out = append(out, a)
	}
	return out
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[[2]string]V) [][2]string {
	keys := make([][2]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	return keys
}

// group collects the sales for which key returns ok, by store and key, and
// reports each group of at least limit sales.
func (s *Supervisor) group(rule AlertRule, limit int, key func(*supSale) (string, bool), mk func(g [2]string, refs []RecordRef) Alert) []Alert {
	if limit < 0 {
		return nil
	}
	groups := map[[2]string][]RecordRef{}
	for i := range s.sales {
		if k, ok := key(&s.sales[i]); ok {
			g := [2]string{s.sales[i].store, k}
			groups[g] = append(groups[g], s.sales[i].ref)
		}
	}
	var out []Alert
	for _, g := range sortedKeys(groups) {
		if refs := groups[g]; len(refs) >= limit {
			a := mk(g, refs)
			a.Rule, a.Day, a.Store, a.Value, a.Threshold, a.Records = rule, s.day, g[0], int64(len(refs)), int64(limit), refs
			out = append(out, a)
		}
	}
	return out
}

func (s *Supervisor) repeatBaskets() []Alert {
	return s.group(AlertRepeatBasket, s.cfg.RepeatBasket,
		func(ss *supSale) (string, bool) { return ss.basket, ss.basket != "" },
		func(g [2]string, _ []RecordRef) Alert { return Alert{Detail: g[1]} })
}

func (s *Supervisor) faceMatches() []Alert {
	m := s.cfg.FaceMatchMargin
	return s.group(AlertFaceMatch, s.cfg.FaceMatch,
		func(ss *supSale) (string, bool) {
			return ss.cashier, ss.eligible >= ss.face && ss.eligible-ss.face <= m
		},
		func(g [2]string, _ []RecordRef) Alert {
			return Alert{Cashier: g[1], Detail: m.String()}
		})
}

func (s *Supervisor) forfeitShares() []Alert {
	if s.cfg.ForfeitPercent < 0 {
		return nil
	}
	type acc struct {
		face, forfeit Money
		n             int
		refs          []RecordRef
	}
	stores := map[string]*acc{}
	var names []string
	for i := range s.sales {
		ss := &s.sales[i]
		a := stores[ss.store]
		if a == nil {
			a = &acc{}
			stores[ss.store] = a
			names = append(names, ss.store)
		}
		a.face += ss.face
		a.forfeit += ss.forfeit
		a.n += len(ss.units)
		if ss.forfeit > 0 {
			a.refs = append(a.refs, ss.ref)
		}
	}
	for st, ret := range s.returns {
		a := stores[st]
		if a == nil {
			continue // no voucher redeemed at the store today: no share to measure
		}
		a.forfeit += ret.forfeit
		a.refs = append(a.refs, ret.refs...)
	}
	sort.Strings(names)
	var out []Alert
	for _, st := range names {
		a := stores[st]
		if a.n < s.cfg.ForfeitMinVouchers || a.face == 0 {
			continue
		}
		pct := int64(a.forfeit * 100 / a.face)
		if pct >= int64(s.cfg.ForfeitPercent) {
			out = append(out, Alert{Rule: AlertForfeitShare, Day: s.day, Store: st, Value: pct,
				Threshold: int64(s.cfg.ForfeitPercent), Records: a.refs, Detail: a.forfeit.String() + "/" + a.face.String()})
		}
	}
	return out
}

func (s *Supervisor) offHours() []Alert {
	return s.group(AlertOffHours, 1,
		func(ss *supSale) (string, bool) {
			h := s.cfg.DefaultHours
			if v, ok := s.cfg.Hours[ss.store]; ok {
				h = v
			}
			from, to, err := parseHours(h)
			if err != nil || (from == 0 && to == 24*60) {
				return "", false
			}
			t := ss.ref.Time.In(CST)
			return h, !open(from, to, t.Hour()*60+t.Minute())
		},
		func(g [2]string, _ []RecordRef) Alert { return Alert{Detail: g[1]} })
}

func (s *Supervisor) cashierShares() []Alert {
	if s.cfg.CashierShareFactor < 0 {
		return nil
	}
	type tot struct{ records, irregular int }
	stores := map[string]*tot{}
	for k, c := range s.activity {
		t := stores[k[0]]
		if t == nil {
			t = &tot{}
			stores[k[0]] = t
		}
		t.records += c.records
		t.irregular += len(c.irregular)
	}
	var out []Alert
	for _, k := range sortedKeys(s.activity) {
		c, st := s.activity[k], stores[k[0]]
		n := len(c.irregular)
		// Compared with the rest of the store (a cashier's own records would
		// dilute the store's share): others' share, in integers.
		oRecords, oIrregular := st.records-c.records, st.irregular-n
		if n < s.cfg.CashierShareMin || oRecords == 0 {
			continue
		}
		// ratio = (n/records) / (oIrregular/oRecords) in percent; with no
		// irregular record among the others any share above the minimum counts.
		ratio := int64(-1)
		if oIrregular > 0 {
			ratio = int64(n) * int64(oRecords) * 100 / (int64(c.records) * int64(oIrregular))
		}
		if ratio < 0 || ratio >= int64(s.cfg.CashierShareFactor) {
			out = append(out, Alert{Rule: AlertCashierShare, Day: s.day, Store: k[0], Cashier: k[1], Value: ratio,
				Threshold: int64(s.cfg.CashierShareFactor), Records: c.irregular,
				Detail: fmt.Sprintf("%d/%d, %d/%d", n, c.records, oIrregular, oRecords)})
		}
	}
	return out
}
