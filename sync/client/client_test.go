package client_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fupinpos/assets"
	"fupinpos/pos"
	"fupinpos/pos/voucher"
	"fupinpos/sync/client"
	"fupinpos/sync/wire"
)

func TestEnrollAndSync(t *testing.T) {
	e := newEnv(t)
	tm := e.enroll("HF-001-T01", e.http.URL)
	cfg, _ := tm.Config()
	root, _ := tm.RootKey()
	if cfg.Terminal != "HF-001-T01" || cfg.Store != "HF-001" || cfg.Server != e.http.URL || !root.Equal(e.dep.RootPublic()) {
		t.Fatalf("config after enrollment %+v", cfg)
	}
	for i := range 3 {
		tm.redeem(t, e.dep.Code(t, member(i), pos.Yuan(100)))
	}
	c, err := client.New(tm.DB, fastOptions(2))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := c.State()
	if !st.Online || st.Queue.Count != 0 || st.Stats.Uploaded != 3 || st.Stats.Requests < 3 || st.LastSync.IsZero() {
		t.Fatalf("state %+v", st)
	}
	rep, err := e.srv.Report(pos.DayOf(time.Now()), 0)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sales != 3 || rep.VoucherAmount != pos.Yuan(300) {
		t.Fatalf("server report %+v", rep)
	}
}

func TestEnrollRefused(t *testing.T) {
	e := newEnv(t)
	code, declined := e.code("HF-001-T01"), e.code("HF-001-T09")
	tests := []struct {
		name    string
		code    string
		confirm client.Confirm
		want    string
	}{
		{"wrong code", "0000-0000-0000", nil, pos.ESERVERREFUSED},
		// A declined fingerprint may mean a rogue server saw the code: the
		// technician asks for a new one.
		{"fingerprint not confirmed", declined, func(string) bool { return false }, pos.ESERVERREFUSED},
		{"declined code is spent", declined, nil, pos.ESERVERREFUSED},
		{"ok", code, func(fp string) bool { return fp == voucher.Fingerprint(e.dep.RootPublic()) }, ""},
		{"code used twice", code, nil, pos.ESERVERREFUSED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := mustBolt(t)
			_, err := client.Enroll(context.Background(), db, e.http.URL, tt.code, pos.TerminalConfig{}, tt.confirm, fastOptions(0))
			if got := pos.ErrorCode(err); got != tt.want {
				t.Fatalf("%v: code %q, want %q", err, got, tt.want)
			}
		})
	}
}

// TestDisabledTerminal: a disabled terminal's sync is refused (403), the
// sales stay in its outbox, and it reads as not online.
func TestDisabledTerminal(t *testing.T) {
	e := newEnv(t)
	tm := e.enroll("HF-001-T01", e.http.URL)
	tm.redeem(t, e.dep.Code(t, member(1), pos.Yuan(100)))
	if _, err := e.srv.DisableTerminal(wire.DisableRequest{Terminal: "HF-001-T01", Reason: "stolen"}); err != nil {
		t.Fatal(err)
	}
	c, _ := client.New(tm.DB, fastOptions(0))
	err := c.Sync(context.Background())
	if pos.ErrorCode(err) != pos.ESERVERREFUSED || !strings.Contains(err.Error(), wire.AuthDisabled) {
		t.Fatalf("sync of a disabled terminal: %v", err)
	}
	if q, _ := tm.Queue(); q.Count != 1 || tm.Online() {
		t.Fatalf("queue %+v online %v", q, tm.Online())
	}
}

// TestServerDown: no server at all; the sale stays queued and the
// terminal goes offline.
func TestServerDown(t *testing.T) {
	e := newEnv(t)
	tm := e.enroll("HF-001-T01", e.http.URL)
	tm.redeem(t, e.dep.Code(t, member(1), pos.Yuan(100)))
	e.http.Close()
	c, _ := client.New(tm.DB, fastOptions(0))
	err := c.Sync(context.Background())
	if pos.ErrorCode(err) != pos.ESERVEROFFLINE {
		t.Fatalf("sync with the server down: %v", err)
	}
	if q, _ := tm.Queue(); q.Count != 1 || tm.Online() {
		t.Fatalf("queue %+v online %v", q, tm.Online())
	}
}

// TestDoubleSpend: two offline terminals redeem the same voucher; both
// sync; one is accepted, one is a conflict; the incident reaches both
// terminals' incident lists (the second by its upload answer, the first by
// its next download), each once however often they sync; both then see the
// voucher as redeemed elsewhere.
func TestDoubleSpend(t *testing.T) {
	e := newEnv(t)
	t1 := e.enroll("HF-001-T01", e.http.URL)
	t2 := e.enroll("HF-001-T02", e.http.URL)
	v := e.dep.Voucher(member(1), pos.Yuan(100))
	code := e.dep.Sign(t, v)
	t1.redeem(t, code)
	t2.redeem(t, code)
	for _, tm := range []*terminal{t1, t2} {
		c, _ := client.New(tm.DB, fastOptions(0))
		if err := c.Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// The first terminal learns of the second's claim on its next download.
	c1, _ := client.New(t1.DB, fastOptions(0))
	if err := c1.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Both sync again: nothing is delivered twice.
	for _, tm := range []*terminal{t1, t2, t1} {
		c, _ := client.New(tm.DB, fastOptions(0))
		if err := c.Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	in1, _ := t1.Incidents()
	in2, _ := t2.Incidents()
	if len(in2) != 1 || in2[0].Result != pos.UploadConflict || in2[0].Reason != pos.EREDEEMEDELSEWHERE || in2[0].Receipt != "HF-001-T02-000001" {
		t.Fatalf("second terminal's incidents %+v", in2)
	}
	if len(in1) != 1 || in1[0].Result != pos.UploadConflict || in1[0].Reason != pos.EREDEEMEDELSEWHERE || in1[0].Seq != 1 ||
		in1[0].Receipt != "HF-001-T01-000001" || !strings.Contains(in1[0].Detail, "HF-001-T02-000001") || !strings.Contains(in1[0].Detail, v.ID().String()) {
		t.Fatalf("first terminal's incidents %+v", in1)
	}
	srvIn, _ := e.srv.Incidents()
	if len(srvIn) != 1 {
		t.Fatalf("server incidents %+v", srvIn)
	}
	for _, tm := range []*terminal{t1, t2} {
		if s, _ := tm.Status(v.ID()); s != pos.StatusRedeemedElsewhere {
			t.Fatalf("%s sees %s", tm.id, s)
		}
	}
	// A third terminal refuses the voucher from its status cache.
	t3 := e.enroll("HF-001-T03", e.http.URL)
	c3, _ := client.New(t3.DB, fastOptions(0))
	if err := c3.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err := t3.Check(code)
	if pos.ErrorCode(err) != pos.EREDEEMEDELSEWHERE {
		t.Fatalf("third terminal: %v", err)
	}
}

// TestCapAcrossTerminals: each terminal alone stays under ¥300; together
// they pass it, and the server reports it.
func TestCapAcrossTerminals(t *testing.T) {
	e := newEnv(t)
	t1 := e.enroll("HF-001-T01", e.http.URL)
	t2 := e.enroll("HF-001-T02", e.http.URL)
	t1.redeem(t, e.dep.Code(t, member(7), pos.Yuan(200)))
	t2.redeem(t, e.dep.Code(t, member(7), pos.Yuan(200)))
	for _, tm := range []*terminal{t1, t2} {
		c, _ := client.New(tm.DB, fastOptions(0))
		if err := c.Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	in, _ := t2.Incidents()
	if len(in) != 1 || in[0].Reason != pos.ECAPEXCEEDED {
		t.Fatalf("incidents %+v", in)
	}
}

// TestEnrollDatabaseWithSales: a database that holds a terminal's sales is
// refused before the server is asked, so the one-time code stays unused
// and no terminal is registered with this database's key; the refusal
// says to use a new database file, and a new database enrolls with the
// same code.
func TestEnrollDatabaseWithSales(t *testing.T) {
	e := newEnv(t)
	t1 := e.enroll("HF-001-T01", e.http.URL)
	t1.redeem(t, e.dep.Code(t, member(1), pos.Yuan(100)))
	code := e.code("HF-001-T06")
	_, err := client.Enroll(context.Background(), t1.DB, e.http.URL, code, pos.TerminalConfig{}, nil, fastOptions(0))
	if pos.ErrorCode(err) != pos.ECONFLICT || pos.ErrorKey(err) != "terminal_renamed" {
		t.Fatalf("enrolling a database with sales: %v (key %q)", err, pos.ErrorKey(err))
	}
	if msg := assets.For("zh_Hans").Error(err); !strings.Contains(msg, "HF-001/HF-001-T01") || !strings.Contains(msg, "新的数据库文件") {
		t.Fatalf("refusal in words: %s", msg)
	}
	if tm, err := e.srv.Store.Terminal("HF-001-T06"); err != nil || !tm.Enrolled.IsZero() || len(tm.Public) != 0 {
		t.Fatalf("the refused enrollment registered T06: %+v, %v", tm, err)
	}
	if cfg, _ := t1.Config(); cfg.Terminal != "HF-001-T01" {
		t.Fatalf("T01's database now says %+v", cfg)
	}
	if _, err := client.Enroll(context.Background(), mustBolt(t), e.http.URL, code, pos.TerminalConfig{}, nil, fastOptions(0)); err != nil {
		t.Fatalf("a new database with the unused code: %v", err)
	}
}
