package server

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// TestAlertsPerStore: two baskets at HF-001 that just spend their vouchers
// (face match, threshold 2) raise one alert naming both receipts; HF-002's
// terminal fetches none, HF-001's fetches it; with threshold 3 there is none.
func TestAlertsPerStore(t *testing.T) {
	e := newEnv(t)
	a1, b1 := e.enrollAt("A1", "HF-001", 41), e.enrollAt("B1", "HF-002", 42)
	a1.upload(a1.sale(e.unitCode("m1", 1001, 7980)), a1.sale(e.unitCode("m2", 1002, 7900)))
	b1.upload(b1.sale(e.unitCode("m3", 1003, 5000)))
	cfg := pos.AlertConfig{FaceMatch: 2}
	got, err := e.srv.Alerts(wire.AlertsRequest{Day: "2020-09-15", Config: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	want := []pos.Alert{{Rule: pos.AlertFaceMatch, Day: "2020-09-15", Store: "HF-001", Cashier: "1001", Value: 2, Threshold: 2, Detail: "￥1.00",
		Records: []pos.RecordRef{{Terminal: "A1", Seq: 1, Receipt: "A1-000001", Time: e.now}, {Terminal: "A1", Seq: 2, Receipt: "A1-000002", Time: e.now}}}}
	for i := range got.Alerts {
		for j := range got.Alerts[i].Records {
			got.Alerts[i].Records[j].Time = got.Alerts[i].Records[j].Time.In(e.now.Location())
		}
	}
	if !reflect.DeepEqual(got.Alerts, want) {
		t.Fatalf("alerts\n got %+v\nwant %+v", got.Alerts, want)
	}
	three := pos.AlertConfig{FaceMatch: 3}
	if got, err := e.srv.Alerts(wire.AlertsRequest{Day: "2020-09-15", Config: &three}); err != nil || len(got.Alerts) != 0 {
		t.Fatalf("threshold 3: %+v %v", got, err)
	}
	e.srv.AlertConfig = &cfg
	for _, tt := range []struct {
		tm   *term
		want int
	}{{a1, 1}, {b1, 0}} {
		var resp wire.AlertsResponse
		if st, werr := e.call("POST", wire.PathAlerts, tt.tm.signer(), wire.AlertsRequest{Day: "2020-09-15", Store: "HF-001"}, &resp); st != 200 {
			t.Fatalf("%s: %d %v", tt.tm.id, st, werr)
		}
		if len(resp.Alerts) != tt.want || resp.Store != tt.tm.store {
			t.Errorf("%s fetched %+v", tt.tm.id, resp)
		}
	}
	if st, _ := e.call("POST", wire.PathAlerts, nil, wire.AlertsRequest{Day: "2020-09-15"}, nil); st != 401 {
		t.Errorf("unsigned alerts: %d", st)
	}
}

// TestLoadAlertConfig: no file is the defaults; a file is validated
// (unknown keys and bad opening hours refused).
func TestLoadAlertConfig(t *testing.T) {
	tests := []struct {
		name, body string
		code       string
		check      func(pos.AlertConfig) bool
	}{
		{"none", "", "", func(c pos.AlertConfig) bool { return reflect.DeepEqual(c, pos.DefaultAlertConfig()) }},
		{"set", `{"cashier_burst": 12, "cashier_burst_window": "5m", "hours": {"HF-002": "09:00-21:00"}}`, "",
			func(c pos.AlertConfig) bool {
				return c.CashierBurst == 12 && c.CashierBurstWindow.D() == 5*time.Minute && c.Hours["HF-002"] == "09:00-21:00"
			}},
		{"typo", `{"cashier_brust": 12}`, pos.EINVALID, nil},
		{"hours", `{"default_hours": "8-22"}`, pos.EINVALID, nil},
		{"json", `{`, pos.EINVALID, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.body != "" {
				if err := os.WriteFile(filepath.Join(dir, AlertConfigFile), []byte(tt.body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			c, err := LoadAlertConfig(dir)
			if pos.ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
				t.Fatalf("err %v, want %q", err, tt.code)
			}
			if tt.check != nil && !tt.check(c) {
				t.Errorf("config %+v", c)
			}
		})
	}
}
