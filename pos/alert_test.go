package pos

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// supRec builds one accepted sale for the supervision tests.
type supRec struct {
	terminal, store, cashier string
	at                       string // CST "15:04:05" on 2020-10-01
	lines                    map[string]int64
	eligible, forfeit        Money
	vouchers                 []AppliedVoucher
	kind                     RecordKind
	mode                     EntryMode
}

func (r supRec) record(seq uint64) *Record {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", "2020-10-01 "+r.at, CST)
	if err != nil {
		panic(err)
	}
	rec := &Record{Seq: seq, Kind: KindSale, Time: t, Store: r.store, Terminal: r.terminal, Cashier: r.cashier,
		Mode: EntryScan, Eligible: r.eligible, Forfeited: r.forfeit, Vouchers: r.vouchers}
	if r.kind != "" {
		rec.Kind = r.kind
	}
	if r.mode != "" {
		rec.Mode = r.mode
	}
	for sku, q := range r.lines {
		rec.Lines = append(rec.Lines, Line{SKU: sku, Qty: q})
	}
	return rec
}

func sv(unit uint32, face Money) AppliedVoucher { return AppliedVoucher{Unit: unit, Face: face} }

func clockAt(start string, i int, step time.Duration) string {
	t, _ := time.Parse("15:04:05", start)
	return t.Add(time.Duration(i) * step).Format("15:04:05")
}

// sales returns n sales made by one template, one every step from start.
func sales(n int, start string, step time.Duration, tpl supRec) []supRec {
	out := make([]supRec, n)
	for i := range out {
		out[i] = tpl
		out[i].at = clockAt(start, i, step)
		if out[i].lines == nil {
			out[i].lines = map[string]int64{fmt.Sprintf("SKU-%d", i): 1} // all different baskets
		}
	}
	return out
}

func runSupervisor(cfg AlertConfig, recs []supRec) []Alert {
	s := NewSupervisor(cfg, "2020-10-01")
	for i, r := range recs {
		term := r.terminal
		if term == "" {
			term = "T01"
		}
		r.terminal = term
		if r.store == "" {
			r.store = "S1"
		}
		s.Add(term, r.record(uint64(i+1)))
	}
	return s.Alerts()
}

func rulesOf(as []Alert) []AlertRule {
	var out []AlertRule
	for _, a := range as {
		out = append(out, a.Rule)
	}
	return out
}

func TestSupervisorRules(t *testing.T) {
	base := supRec{cashier: "1001", eligible: 12000, vouchers: []AppliedVoucher{sv(1001, 10000)}}
	quiet := AlertConfig{CashierBurst: 30, RepeatBasket: 5, FaceMatch: 5, ForfeitPercent: 20, UnitBurst: 40, CashierShareMin: 3}
	cat := func(parts ...[]supRec) []supRec { return slices.Concat(parts...) }
	tests := []struct {
		name    string
		recs    []supRec
		want    []AlertRule
		records int // records named by the first alert
		value   int64
	}{
		{name: "ordinary day, nothing", recs: sales(20, "09:00:00", 20*time.Minute, base)},
		{name: "30 vouchers by one cashier in 10 min", recs: sales(30, "10:00:00", 15*time.Second, base),
			want: []AlertRule{AlertCashierBurst}, records: 30, value: 30},
		{name: "29 vouchers in 10 min: under", recs: sales(29, "10:00:00", 20*time.Second, base)},
		{name: "30 vouchers spread over 15 min: under", recs: sales(30, "10:00:00", 30*time.Second, base)},
		{name: "burst split over two cashiers: under", recs: cat(
			sales(15, "10:00:00", 20*time.Second, base),
			sales(15, "10:00:10", 20*time.Second, supRec{cashier: "1002", eligible: 12000, vouchers: []AppliedVoucher{sv(1002, 10000)}}))},
		{name: "same basket five times", recs: sales(5, "09:00:00", time.Hour, supRec{cashier: "1001", eligible: 12000,
			vouchers: []AppliedVoucher{sv(1001, 10000)}, lines: map[string]int64{"DS-PEAR-5": 2, "TEA": 1}}),
			want: []AlertRule{AlertRepeatBasket}, records: 5, value: 5},
		{name: "same basket four times: under", recs: sales(4, "09:00:00", time.Hour, supRec{cashier: "1001", eligible: 12000,
			vouchers: []AppliedVoucher{sv(1001, 10000)}, lines: map[string]int64{"DS-PEAR-5": 2}})},
		{name: "eligible total at face value five times", recs: sales(5, "09:00:00", time.Hour, supRec{cashier: "1001", eligible: 10050,
			vouchers: []AppliedVoucher{sv(1001, 10000)}}),
			want: []AlertRule{AlertFaceMatch}, records: 5, value: 5},
		{name: "eligible total ¥1.01 above face: not a match", recs: sales(5, "09:00:00", time.Hour, supRec{cashier: "1001", eligible: 10101,
			vouchers: []AppliedVoucher{sv(1001, 10000)}})},
		{name: "forfeited 20% of face", recs: cat(
			sales(8, "09:00:00", time.Hour, base),
			sales(2, "09:30:00", time.Hour, supRec{cashier: "1001", eligible: 0, forfeit: 10000, vouchers: []AppliedVoucher{sv(1001, 10000)}})),
			want: []AlertRule{AlertForfeitShare}, records: 2, value: 20},
		{name: "returns forfeiting ¥200 of ¥1000 face", recs: cat(
			sales(10, "09:00:00", 30*time.Minute, base),
			sales(2, "15:00:00", time.Hour, supRec{cashier: "1001", kind: KindReturn, forfeit: 10000, vouchers: []AppliedVoucher{sv(1001, 10000)}})),
			want: []AlertRule{AlertForfeitShare}, records: 2, value: 20},
		{name: "a return giving a forfeited excess back: under", recs: cat(
			sales(8, "09:00:00", time.Hour, base),
			sales(2, "09:30:00", time.Hour, supRec{cashier: "1001", eligible: 0, forfeit: 10000, vouchers: []AppliedVoucher{sv(1001, 10000)}}),
			sales(1, "18:00:00", 0, supRec{cashier: "1001", kind: KindReturn, forfeit: -1000, vouchers: []AppliedVoucher{sv(1001, 10000)}}))},
		{name: "returns are neither redemptions nor irregular records", recs: cat(
			sales(20, "09:00:00", 10*time.Minute, base),
			sales(20, "09:01:00", 10*time.Minute, supRec{cashier: "1002", eligible: 12000, vouchers: []AppliedVoucher{sv(1001, 10000)}}),
			sales(5, "21:00:00", time.Minute, supRec{cashier: "1002", kind: KindReturn, eligible: 10000, lines: map[string]int64{"TEA": 1},
				vouchers: []AppliedVoucher{sv(1001, 10000)}, mode: EntryManual}),
			sales(1, "13:00:00", time.Minute, supRec{cashier: "1001", kind: KindVoid}))},
		{name: "forfeited share high but under 10 vouchers: under", recs: sales(5, "09:00:00", time.Hour,
			supRec{cashier: "1001", forfeit: 5000, vouchers: []AppliedVoucher{sv(1001, 10000)}})},
		{name: "a sale at 22:00 and one at 07:59", recs: cat(
			sales(1, "22:00:00", 0, base), sales(1, "07:59:59", 0, base), sales(1, "21:59:59", 0, base), sales(1, "08:00:00", 0, base)),
			want: []AlertRule{AlertOffHours}, records: 2, value: 2},
		{name: "40 vouchers of one unit at one store in an hour", recs: sales(20, "10:00:00", 2*time.Minute,
			supRec{cashier: "1001", eligible: 30000, vouchers: []AppliedVoucher{sv(1003, 10000), sv(1003, 10000)}}),
			want: []AlertRule{AlertUnitBurst}, records: 20, value: 40},
		{name: "cashier with many manual entries and voids", recs: cat(
			sales(20, "09:00:00", 10*time.Minute, base),
			sales(20, "09:01:00", 10*time.Minute, supRec{cashier: "1002", eligible: 12000, vouchers: []AppliedVoucher{sv(1001, 10000)}}),
			sales(3, "12:00:00", time.Minute, supRec{cashier: "1002", kind: KindVoid}),
			sales(1, "12:30:00", time.Minute, supRec{cashier: "1002", mode: EntryManual, eligible: 12000, vouchers: []AppliedVoucher{sv(1001, 10000)}}),
			sales(1, "13:00:00", time.Minute, supRec{cashier: "1001", kind: KindVoid})),
			want: []AlertRule{AlertCashierShare}, records: 4},
		{name: "voids spread evenly between cashiers: under", recs: cat(
			sales(20, "09:00:00", 10*time.Minute, base),
			sales(20, "09:01:00", 10*time.Minute, supRec{cashier: "1002", eligible: 12000, vouchers: []AppliedVoucher{sv(1001, 10000)}}),
			sales(3, "12:00:00", time.Minute, supRec{cashier: "1002", kind: KindVoid}),
			sales(3, "13:00:00", time.Minute, supRec{cashier: "1001", kind: KindVoid}))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := runSupervisor(quiet, tc.recs)
			if !slices.Equal(rulesOf(got), tc.want) {
				t.Fatalf("rules = %v, want %v (%+v)", rulesOf(got), tc.want, got)
			}
			if len(got) == 0 {
				return
			}
			a := got[0]
			if len(a.Records) != tc.records {
				t.Errorf("%s names %d records, want %d", a.Rule, len(a.Records), tc.records)
			}
			if tc.value != 0 && a.Value != tc.value {
				t.Errorf("%s value %d, want %d", a.Rule, a.Value, tc.value)
			}
			if a.Store != "S1" || a.Day != "2020-10-01" {
				t.Errorf("alert at %s/%s", a.Store, a.Day)
			}
			for i := 1; i < len(a.Records); i++ {
				if a.Records[i].Time.Before(a.Records[i-1].Time) {
					t.Errorf("records out of time order: %v", a.Records)
				}
			}
		})
	}
}

func TestSupervisorConfig(t *testing.T) {
	night := sales(1, "23:30:00", 0, supRec{cashier: "1001", eligible: 100, vouchers: []AppliedVoucher{sv(1, 100)}})
	if got := runSupervisor(AlertConfig{Hours: map[string]string{"S1": "20:00-02:00"}}, night); len(got) != 0 {
		t.Errorf("store open past midnight: %v", got)
	}
	if got := runSupervisor(AlertConfig{DefaultHours: "00:00-24:00"}, night); len(got) != 0 {
		t.Errorf("always open: %v", got)
	}
	burst := sales(5, "10:00:00", time.Second, supRec{cashier: "1001", eligible: 100000, vouchers: []AppliedVoucher{sv(1, 100)}})
	if got := rulesOf(runSupervisor(AlertConfig{CashierBurst: 5, RepeatBasket: -1, FaceMatch: -1}, burst)); !slices.Equal(got, []AlertRule{AlertCashierBurst}) {
		t.Errorf("configured burst of 5: %v", got)
	}
	if got := runSupervisor(AlertConfig{CashierBurst: -1}, burst); len(got) != 0 {
		t.Errorf("rule turned off: %v", got)
	}
	other := NewSupervisor(AlertConfig{}, "2020-10-02")
	for i, r := range burst {
		other.Add("T01", r.record(uint64(i+1)))
	}
	if got := other.Alerts(); len(got) != 0 {
		t.Errorf("records of another day counted: %v", got)
	}
	for _, bad := range []string{"8-22", "08:00-25:00", "08:61-22:00", "x"} {
		if err := (AlertConfig{DefaultHours: bad}).Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("hours %q: %v", bad, err)
		}
	}
	if err := DefaultAlertConfig().Validate(); err != nil {
		t.Error(err)
	}
}
