package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/sync/wire"
)

func TestAuth(t *testing.T) {
	e := newEnv(t)
	t1 := e.enroll("T01", 11)
	off := e.enroll("T09", 19)
	if _, err := e.srv.DisableTerminal(wire.DisableRequest{Terminal: "T09"}); err != nil {
		t.Fatal(err)
	}
	_, err := e.srv.AddTerminal(wire.AddTerminalRequest{Store: "HF-001", Name: "T05"})
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"cursor":""}`)
	tests := []struct {
		name   string
		sign   func(r *http.Request, b []byte)
		body   []byte
		status int
		code   string
	}{
		{"signed", t1.signer(), body, 200, ""},
		{"unsigned", nil, body, 401, wire.AuthUnsigned},
		{"wrong key", func(r *http.Request, b []byte) { wire.Sign(r, b, "T01", postest.Key(99), e.now) }, body, 401, wire.AuthBadSignature},
		{"tampered body", func(r *http.Request, b []byte) { wire.Sign(r, []byte(`{"cursor":"x"}`), "T01", t1.key, e.now) }, body, 401, wire.AuthBadSignature},
		{"other path", func(r *http.Request, b []byte) {
			wire.Sign(r, b, "T01", t1.key, e.now)
			r.URL.Path = wire.PathUpload
		}, body, 401, wire.AuthBadSignature},
		{"stale timestamp", func(r *http.Request, b []byte) { wire.Sign(r, b, "T01", t1.key, e.now.Add(-6*time.Minute)) }, body, 401, wire.AuthStale},
		{"unknown terminal", func(r *http.Request, b []byte) { wire.Sign(r, b, "T77", t1.key, e.now) }, body, 401, wire.AuthUnknown},
		{"pending terminal", func(r *http.Request, b []byte) { wire.Sign(r, b, "T05", t1.key, e.now) }, body, 401, wire.AuthNotEnrolled},
		{"disabled terminal", off.signer(), body, 403, wire.AuthDisabled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, werr := e.raw("POST", wire.PathDownload, tt.sign, tt.body, nil)
			if st != tt.status {
				t.Fatalf("status %d (%v), want %d", st, werr, tt.status)
			}
			if tt.code != "" && werr.Code != tt.code {
				t.Fatalf("code %q, want %q", werr.Code, tt.code)
			}
			if tt.code != "" && !strings.Contains(e.logs.String(), "reason="+tt.code) {
				t.Errorf("refusal %s not logged:\n%s", tt.code, e.logs.String())
			}
		})
	}
}

func TestEnrollmentCode(t *testing.T) {
	e := newEnv(t)
	add, err := e.srv.AddTerminal(wire.AddTerminalRequest{Store: "HF-001", Name: "T01", TTL: pos.Duration(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	exp, err := e.srv.AddTerminal(wire.AddTerminalRequest{Store: "HF-001", Name: "T02", TTL: pos.Duration(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.AddTerminal(wire.AddTerminalRequest{Store: "HF-001", Name: "T01"}); pos.ErrorCode(err) != pos.ECONFLICT {
		t.Errorf("second T01: %v, want conflict", err)
	}
	key := postest.Public(postest.Key(5))
	enroll := func(code string) (int, *wire.Error) {
		return e.call("POST", wire.PathEnroll, nil, wire.EnrollRequest{Code: code, Public: key}, nil)
	}
	if st, werr := enroll(strings.ReplaceAll(add.Code, "-", " ")); st != 200 {
		t.Fatalf("first use: %d %v", st, werr)
	}
	tests := []struct {
		name   string
		before func()
		code   string
	}{
		{"reused", func() {}, add.Code},
		{"unknown", func() {}, "0000-0000-0000"},
		{"short", func() {}, "1234"},
		{"expired", func() { e.now = e.now.Add(time.Hour + time.Second) }, exp.Code},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.before()
			st, werr := enroll(tt.code)
			if st != 401 || werr.Code != wire.AuthBadCode {
				t.Fatalf("got %d %v, want 401 %s", st, werr, wire.AuthBadCode)
			}
		})
	}
	ts, err := e.srv.Terminals()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, x := range ts {
		got[x.ID] = x.State
	}
	if got["T01"] != wire.TerminalActive || got["T02"] != wire.TerminalPending {
		t.Errorf("terminal states %v", got)
	}
}

func TestAdminToken(t *testing.T) {
	e := newEnv(t)
	for _, tok := range []string{"", "Bearer wrong", "Basic " + adminToken} {
		st, werr := e.call("GET", wire.PathAdminTerminals, func(r *http.Request, _ []byte) { r.Header.Set("Authorization", tok) }, nil, nil)
		if st != 401 || werr.Code != wire.AuthBadAdmin {
			t.Errorf("token %q: %d %v", tok, st, werr)
		}
	}
	var h wire.Health
	if st, _ := e.call("GET", wire.PathHealth, nil, nil, &h); st != 200 || h.Status != "ok" || !h.Time.Equal(e.now) {
		t.Errorf("health %d %+v", st, h)
	}
}
