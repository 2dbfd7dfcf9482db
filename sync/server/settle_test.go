package server

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/sync/wire"
)

// enrollAt enrolls a terminal of store through the API.
func (e *env) enrollAt(name, store string, keyN byte) *term {
	e.t.Helper()
	add, err := e.srv.AddTerminal(wire.AddTerminalRequest{Store: store, Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	tm := &term{e: e, id: name, store: store, key: postest.Key(keyN), sales: map[uint64]*pos.Record{}}
	var resp wire.EnrollResponse
	if st, werr := e.call("POST", wire.PathEnroll, nil, wire.EnrollRequest{Code: add.Code, Public: postest.Public(tm.key)}, &resp); st != 200 {
		e.t.Fatalf("enroll %s: %d %v", name, st, werr)
	}
	return tm
}

// unitCode signs a voucher of value for member of work unit.
func (e *env) unitCode(member string, unit uint32, value pos.Money) string {
	v := e.dep.Voucher(member, value)
	v.Unit = unit
	return e.dep.Sign(e.t, v)
}

// settleDay is one day of two stores and three work units: HF-001 sells
// ￥79.80 against a ￥50 voucher of unit 1001 and against a ￥30 voucher of
// unit 1002 (then voided), HF-002 against a ￥100 voucher of unit 1003
// (￥20.20 forfeited); a ￥20 voucher of unit 1001 is spent at both stores:
// A (HF-001, first) accepted, B (HF-002) in conflict.
func settleDay(t *testing.T) (*env, uint64) {
	e := newEnv(t)
	a1, a2, b1 := e.enrollAt("A1", "HF-001", 31), e.enrollAt("A2", "HF-001", 32), e.enrollAt("B1", "HF-002", 33)
	c1, c2, c3, c4 := e.unitCode("m1", 1001, 5000), e.unitCode("m2", 1002, 3000), e.unitCode("m3", 1003, 10000), e.unitCode("m4", 1001, 2000)
	if got := results(a1.upload(a1.sale(c1), a1.sale(c2), a1.void(2))); !reflect.DeepEqual(got, []string{"accepted", "accepted", "accepted"}) {
		t.Fatalf("A1: %v", got)
	}
	if got := results(b1.upload(b1.sale(c3))); got[0] != "accepted" {
		t.Fatalf("B1: %v", got)
	}
	if got := results(a2.upload(a2.sale(c4))); got[0] != "accepted" {
		t.Fatalf("A2: %v", got)
	}
	if got := results(b1.upload(b1.sale(c4))); got[0] != "conflict:"+pos.EREDEEMEDELSEWHERE {
		t.Fatalf("B1 double spend: %v", got)
	}
	var id uint64
	for _, in := range e.incidents() {
		if in.Kind == wire.IncidentDoubleSpend {
			id = in.ID
		}
	}
	if id == 0 {
		t.Fatal("no double-spend incident")
	}
	return e, id
}

type settleWant struct {
	rows     []wire.SettlementRow
	withheld []string // terminal#seq:status
	payable  pos.Money
}

func withheldKeys(s *wire.Settlement) []string {
	var out []string
	for _, w := range s.Withheld {
		out = append(out, fmt.Sprintf("%s#%d:%s", w.Terminal, w.Seq, w.Status))
	}
	return out
}

// TestSettlementDecisions: applied amounts (not face value) per store and
// unit, net of the void; the double spend is paid by nobody while open,
// then by the decision (A, B or both); the other day is empty.
func TestSettlementDecisions(t *testing.T) {
	u1001, u1002, u1003 := "合肥市总工会机关", "安徽省电力公司合肥供电公司", "合肥市第一人民医院"
	voided := wire.SettlementRow{Store: "HF-001", Unit: 1002, UnitName: u1002, Sales: 1, Voids: 1}
	hf2 := wire.SettlementRow{Store: "HF-002", Unit: 1003, UnitName: u1003, Sales: 1, Vouchers: 1, Face: 10000, Applied: 7980, Forfeited: 2020}
	tests := []struct {
		keep string // "" = open
		want settleWant
	}{
		{"", settleWant{[]wire.SettlementRow{{Store: "HF-001", Unit: 1001, UnitName: u1001, Sales: 1, Vouchers: 1, Face: 5000, Applied: 5000}, voided, hf2},
			[]string{"A2#1:open", "B1#2:open"}, 12980}},
		{wire.KeepA, settleWant{[]wire.SettlementRow{{Store: "HF-001", Unit: 1001, UnitName: u1001, Sales: 2, Vouchers: 2, Face: 7000, Applied: 7000}, voided, hf2},
			[]string{"B1#2:refused"}, 14980}},
		{wire.KeepB, settleWant{[]wire.SettlementRow{{Store: "HF-001", Unit: 1001, UnitName: u1001, Sales: 1, Vouchers: 1, Face: 5000, Applied: 5000}, voided,
			{Store: "HF-002", Unit: 1001, UnitName: u1001, Sales: 1, Vouchers: 1, Face: 2000, Applied: 2000}, hf2},
			[]string{"A2#1:refused"}, 14980}},
		{wire.KeepBoth, settleWant{[]wire.SettlementRow{{Store: "HF-001", Unit: 1001, UnitName: u1001, Sales: 2, Vouchers: 2, Face: 7000, Applied: 7000}, voided,
			{Store: "HF-002", Unit: 1001, UnitName: u1001, Sales: 1, Vouchers: 1, Face: 2000, Applied: 2000}, hf2},
			nil, 16980}},
	}
	for _, tt := range tests {
		t.Run("keep="+tt.keep, func(t *testing.T) {
			e, id := settleDay(t)
			if tt.keep != "" {
				in, err := e.srv.DecideIncident(wire.DecideRequest{Incident: id, Keep: tt.keep, Note: "checked both receipts", By: "auditor@hq"})
				if err != nil {
					t.Fatal(err)
				}
				keep, by, note, ok := wire.ParseDecision(in.Resolution)
				if !ok || keep != tt.keep || by != "auditor@hq" || note != "checked both receipts" || in.Resolved.IsZero() {
					t.Fatalf("resolution %q at %v", in.Resolution, in.Resolved)
				}
			}
			e.now = time.Date(2020, 9, 17, 0, 0, 0, 0, pos.CST) // both days are over
			s, err := e.srv.Settlement("2020-09-15", "")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s.Rows, tt.want.rows) {
				t.Errorf("rows\n got %+v\nwant %+v", s.Rows, tt.want.rows)
			}
			if got := withheldKeys(s); !reflect.DeepEqual(got, tt.want.withheld) {
				t.Errorf("withheld %v, want %v", got, tt.want.withheld)
			}
			if s.Payable != tt.want.payable {
				t.Errorf("payable %s, want %s", s.Payable, tt.want.payable)
			}
			one, err := e.srv.Settlement("2020-09-15", "HF-002")
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range one.Rows {
				if r.Store != "HF-002" {
					t.Errorf("--store HF-002 has %+v", r)
				}
			}
			other, err := e.srv.Settlement("2020-09-16", "")
			if err != nil || len(other.Rows) != 0 || len(other.Withheld) != 0 || other.Payable != 0 {
				t.Errorf("the next day: %+v %v", other, err)
			}
		})
	}
}

// TestDecideIncidentRefusals: a decision needs a known keep, a note and who;
// B is for a double spend only; a decided incident is not decided again.
func TestDecideIncidentRefusals(t *testing.T) {
	e, id := settleDay(t)
	for _, req := range []wire.DecideRequest{
		{Incident: id, Keep: "C", Note: "x", By: "a"},
		{Incident: id, Keep: wire.KeepA, Note: " ", By: "a"},
		{Incident: id, Keep: wire.KeepA, Note: "x"},
		{Incident: 999, Keep: wire.KeepA, Note: "x", By: "a"},
	} {
		if _, err := e.srv.DecideIncident(req); err == nil {
			t.Errorf("%+v accepted", req)
		}
	}
	var oneRecord uint64
	for _, in := range e.incidents() {
		if in.Kind != wire.IncidentDoubleSpend {
			oneRecord = in.ID
		}
	}
	if oneRecord != 0 {
		if _, err := e.srv.DecideIncident(wire.DecideRequest{Incident: oneRecord, Keep: wire.KeepB, Note: "x", By: "a"}); pos.ErrorCode(err) != pos.EINVALID {
			t.Errorf("keep B on a one-record incident: %v", err)
		}
	}
	// Through the admin API, then again: closed.
	var in wire.Incident
	admin := func(r *http.Request, _ []byte) { r.Header.Set("Authorization", "Bearer "+adminToken) }
	if st, werr := e.call("POST", wire.PathAdminDecide, admin, wire.DecideRequest{Incident: id, Keep: wire.KeepA, Note: "ok", By: "a@b"}, &in); st != 200 || in.ID != id {
		t.Fatalf("decide: %d %v %+v", st, werr, in)
	}
	if st, werr := e.call("POST", wire.PathAdminDecide, admin, wire.DecideRequest{Incident: id, Keep: wire.KeepB, Note: "again", By: "a@b"}, nil); st == 200 || werr.Code != pos.ECONFLICT {
		t.Fatalf("decided twice: %d %v", st, werr)
	}
}

func TestParseDecision(t *testing.T) {
	tests := []struct {
		in             string
		keep, by, note string
		ok             bool
	}{
		{wire.FormatDecision("A", "alice@pc", "paid the first"), "A", "alice@pc", "paid the first", true},
		{wire.FormatDecision("both", "bob smith", " "), "both", "bob_smith", "", true},
		{"refunded by the store", "", "", "refunded by the store", false},
		{"[keep=Z by=x] y", "", "", "[keep=Z by=x] y", false},
	}
	for _, tt := range tests {
		keep, by, note, ok := wire.ParseDecision(tt.in)
		if keep != tt.keep || by != tt.by || note != tt.note || ok != tt.ok {
			t.Errorf("ParseDecision(%q) = %q %q %q %v", tt.in, keep, by, note, ok)
		}
	}
}

// TestSettlementRefusals: no signed settlement for a store no terminal
// belongs to, nor for a day that has not ended (today, or one to come).
func TestSettlementRefusals(t *testing.T) {
	e, _ := settleDay(t) // sales on 2020-09-15 at HF-001 and HF-002
	for _, tc := range []struct {
		now        time.Time
		day, store string
		code, key  string
	}{
		{time.Date(2020, 9, 15, 23, 59, 59, 0, pos.CST), "2020-09-15", "", pos.EINVALID, "settle_day_open"},
		{time.Date(2020, 9, 16, 0, 0, 0, 0, pos.CST), "2020-09-20", "", pos.EINVALID, "settle_day_open"},
		{time.Date(2020, 9, 16, 0, 0, 0, 0, pos.CST), "2020-09-15", "NOPE", pos.ENOTFOUND, "no_store"},
		{time.Date(2020, 9, 16, 0, 0, 0, 0, pos.CST), "2020-09-15", "HF-002", "", ""},
		{time.Date(2020, 9, 16, 0, 0, 0, 0, pos.CST), "2020-09-15", "", "", ""},
	} {
		e.now = tc.now
		s, err := e.srv.Settlement(tc.day, tc.store)
		if pos.ErrorCode(err) != tc.code || pos.ErrorKey(err) != tc.key {
			t.Errorf("%s %q at %s: %v", tc.day, tc.store, tc.now, err)
		}
		if err == nil && s.Payable == 0 {
			t.Errorf("%s %q: nothing payable", tc.day, tc.store)
		}
	}
}
