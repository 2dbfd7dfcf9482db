package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/postest"
)

// ledgerFixture is a terminal with a two-voucher sale (T01-000001), a
// forfeiting sale (T01-000002) and the void of the first (T01-000003).
func ledgerFixture(t *testing.T) (db string, dep *postest.Deployment, v1, v2, v3 pos.VoucherID) {
	t.Helper()
	dep = postest.NewDeployment(t, time.Now())
	db = terminal(t, dep)
	a, b, c := dep.Voucher("m1", pos.Yuan(100)), dep.Voucher("m1", pos.Yuan(100)), dep.Voucher("m2", pos.Yuan(100))
	mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:2", "--item", "YX-CUILAN-250:1",
		"--method", "wechat", dep.Sign(t, a), dep.Sign(t, b))
	mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "TH-HONEY-500:1", dep.Sign(t, c))
	mustPosctl(t, "ledger", "void", "--db", db, "--receipt", "T01-000001", "--manager", "9001", "--pin", "8642", "--reason", "退货")
	return db, dep, a.ID(), b.ID(), c.ID()
}

// TestLedgerListJSON: the JSON array has exactly the agreed keys and the
// values of the ledger, amounts in fen.
func TestLedgerListJSON(t *testing.T) {
	db, _, v1, v2, v3 := ledgerFixture(t)
	out := mustPosctl(t, "ledger", "list", "--db", db, "--json")
	var raw []map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantKeys := []string{"cashier", "cashier_name", "change", "forfeited", "kind", "manager", "method", "mode", "receipt", "self_paid",
		"seq", "tendered", "time", "total", "voids", "voucher_amount", "vouchers"}
	for i, obj := range raw {
		var keys []string
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, wantKeys) {
			t.Errorf("record %d keys %v, want %v", i, keys, wantKeys)
		}
	}
	var got []ListedRecord
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	today := pos.DayOf(time.Now())
	for i := range got {
		tm, err := time.Parse(time.RFC3339, got[i].Time)
		if err != nil || pos.DayOf(tm) != today || !strings.HasSuffix(got[i].Time, "+08:00") {
			t.Errorf("record %d time %q (%v), want RFC 3339 CST today", i, got[i].Time, err)
		}
		got[i].Time = ""
	}
	want := []ListedRecord{
		{Seq: 1, Receipt: "T01-000001", Kind: "sale", Cashier: "1001", CashierName: "王芳", Mode: "cli",
			Vouchers: []string{v1.String(), v2.String()}, Total: 20780, VoucherAmount: 20000, SelfPaid: 780, Method: "wechat"},
		{Seq: 2, Receipt: "T01-000002", Kind: "sale", Cashier: "1001", CashierName: "王芳", Mode: "cli",
			Vouchers: []string{v3.String()}, Total: 6800, VoucherAmount: 6800, Forfeited: 3200},
		{Seq: 3, Receipt: "T01-000003", Kind: "void", Cashier: "9001", CashierName: "李经理", Manager: "9001",
			Vouchers: []string{v1.String(), v2.String()}, Total: 20780, VoucherAmount: 20000, SelfPaid: 780, Method: "wechat",
			Voids: "T01-000001"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d:\n%s", len(got), len(want), out)
	}
	for i := range want {
		if g, w := mustJSON(t, got[i]), mustJSON(t, want[i]); g != w {
			t.Errorf("record %d:\n got %s\nwant %s", i+1, g, w)
		}
	}
	if !strings.Contains(v1.String(), "-") {
		t.Errorf("voucher id %q is not the campaign-serial form", v1.String())
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLedgerListDate filters by CST day and refuses a malformed one.
func TestLedgerListDate(t *testing.T) {
	db, _, _, _, _ := ledgerFixture(t)
	for _, tc := range []struct {
		name, date string
		exit, n    int
	}{
		{"today", pos.DayOf(time.Now()), 0, 3},
		{"other day", "2001-01-01", 0, 0},
		{"malformed", "2001-13-45", 2, -1},
		{"not a date", "yesterday", 2, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := posctl(t, "ledger", "list", "--db", db, "--json", "--date", tc.date)
			if code != tc.exit {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.exit, out, errOut)
			}
			if tc.n < 0 {
				return
			}
			var got []ListedRecord
			if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != tc.n {
				t.Fatalf("%d records (%v), want %d:\n%s", len(got), err, tc.n, out)
			}
		})
	}
}

// TestLedgerListText: one line per record under headers in the operator's
// language.
func TestLedgerListText(t *testing.T) {
	db, _, v1, _, _ := ledgerFixture(t)
	for _, tc := range []struct {
		lang   string
		header []string
		line1  []string
		line3  []string
	}{
		{"zh_CN.UTF-8", []string{"小票号", "类型", "时间", "收银员工号", "收银员", "录入方式", "券号", "合计", "自付方式", "原小票"},
			[]string{"T01-000001", "销售", "1001", "王芳", "命令行", v1.String(), "￥207.80", "￥200.00", "￥7.80"},
			[]string{"T01-000003", "作废", "9001", "李经理", "T01-000001"}},
		{"en_US.UTF-8", []string{"Receipt", "Kind", "Time", "Cashier ID", "Cashier", "Entry", "Voucher IDs", "Total", "Paid by", "Of receipt"},
			[]string{"T01-000001", "Sale", "1001", "王芳", v1.String(), "￥207.80", "￥200.00", "￥7.80"},
			[]string{"T01-000003", "9001", "T01-000001"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			t.Setenv("LANG", tc.lang)
			out := mustPosctl(t, "ledger", "list", "--db", db)
			lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
			if len(lines) != 4 {
				t.Fatalf("%d lines, want header and 3 records:\n%s", len(lines), out)
			}
			for i, want := range [][]string{tc.header, tc.line1, nil, tc.line3} {
				for _, w := range want {
					if !strings.Contains(lines[i], w) {
						t.Errorf("line %d lacks %q:\n%s", i, w, lines[i])
					}
				}
			}
			// Columns line up on screen: the total ends under its header.
			if h, c := columnsTo(lines[0], tc.header[7]), columnsTo(lines[1], "￥207.80"); h != c {
				t.Errorf("the total ends at column %d, its header at %d:\n%s", c, h, out)
			}
		})
	}
	t.Setenv("LANG", "zh_CN.UTF-8")
	if out := mustPosctl(t, "ledger", "list", "--db", db, "--date", "2001-01-01"); strings.TrimSpace(out) != "没有交易记录" {
		t.Errorf("empty day: %q", out)
	}
	if out := mustPosctl(t, "incidents", "--db", db); !strings.HasPrefix(out, "没有异常记录") {
		t.Errorf("no incidents: %q", out)
	}
}

// TestUserUnlock: a locked cashier logs in again once a manager's PIN
// approves the unlock; a wrong PIN or a non-manager is refused with exit 1.
func TestUserUnlock(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	lock := func(t *testing.T) {
		t.Helper()
		d, err := bolt.Open(db, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		for range pos.MaxPINFailures {
			d.Login("1001", "0000")
		}
		if _, err := d.Login("1001", "2468"); pos.ErrorCode(err) != pos.ELOCKED {
			t.Fatalf("not locked: %v", err)
		}
	}
	mustPosctl(t, "user", "add", "--db", db, "--id", "1002", "--name", "赵敏", "--role", "cashier", "--pin", "3579")
	lock(t)
	for _, tc := range []struct {
		name, manager, pin string
		exit               int
		msg                string
	}{
		{"wrong PIN", "9001", "1111", 1, "[" + pos.EBADPIN + "]"},
		{"not a manager", "1002", "3579", 1, "[" + pos.EFORBIDDEN + "]"},
		{"the locked user", "1001", "2468", 1, "[" + pos.ELOCKED + "]"},
		{"unknown manager", "7777", "1234", 1, "[" + pos.EBADPIN + "]"},
		{"missing pin", "9001", "", 2, "--pin is required"},
		{"manager", "9001", "8642", 0, "unlocked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"user", "unlock", "--db", db, "--id", "1001", "--manager", tc.manager}
			if tc.pin != "" {
				args = append(args, "--pin", tc.pin)
			}
			code, out, errOut := posctl(t, args...)
			if code != tc.exit || !strings.Contains(out+errOut, tc.msg) {
				t.Fatalf("exit %d (want %d), output lacks %q:\n%s%s", code, tc.exit, tc.msg, out, errOut)
			}
		})
	}
	d, err := bolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Login("1001", "2468"); err != nil {
		t.Fatalf("login after unlock: %v", err)
	}
	var last *pos.AuditEvent
	d.AuditEvents(0, func(ev *pos.AuditEvent) error {
		if ev.Action == "unlock" {
			last = ev
		}
		return nil
	})
	if last == nil || last.Actor != "9001" || last.Detail["user"] != "1001" {
		t.Fatalf("unlock audit %+v", last)
	}
}

// TestBusyDatabase: while the app holds the database, every command that
// opens it fails fast with exit 1 and says the app is using it, instead of
// a storage failure.
func TestBusyDatabase(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	app, err := bolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	t.Setenv("LANG", "zh_CN.UTF-8")
	for _, args := range [][]string{
		{"status", "--db", db},
		{"ledger", "list", "--db", db, "--json"},
		{"ledger", "verify", "--db", db},
		{"report", "day", "--db", db},
		{"user", "list", "--db", db},
		{"user", "unlock", "--db", db, "--id", "1001", "--manager", "9001", "--pin", "8642"},
		{"check", "--db", db, dep.Code(t, "m1", pos.Yuan(10))},
		{"redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:1", "--method", "cash", "--self-paid"},
		{"incidents", "--db", db},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			start := time.Now()
			code, out, errOut := posctl(t, args...)
			if code != 1 || !strings.Contains(errOut, "终端程序正在使用数据库") || !strings.Contains(errOut, "["+pos.EBUSY+"]") {
				t.Fatalf("exit %d, want 1 with the busy message:\n%s%s", code, out, errOut)
			}
			if strings.Contains(errOut, "存储写入失败") {
				t.Errorf("busy reported as a storage failure:\n%s", errOut)
			}
			if d := time.Since(start); d > 4*time.Second {
				t.Errorf("took %v to give up", d)
			}
		})
	}
	app.Close()
	if out := mustPosctl(t, "user", "list", "--db", db); !strings.Contains(out, "王芳") {
		t.Fatalf("after the app closed: %s", out)
	}
}

// columnsTo is the screen column where the first sub in line ends (a
// Chinese character or ￥ takes two columns).
func columnsTo(line, sub string) int {
	i := strings.Index(line, sub)
	if i < 0 {
		return -1
	}
	n := 0
	for _, r := range line[:i+len(sub)] {
		if r >= 0x1100 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
