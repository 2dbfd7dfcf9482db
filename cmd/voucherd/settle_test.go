package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/pos/report"
	"fupinpos/pos/voucher"
	"fupinpos/sync/server"
	"fupinpos/sync/server/pgtest"
	"fupinpos/sync/wire"
)

// settleFixture fills the database of data (bbolt, or PostgreSQL at url)
// with today's sales: store HF-001 (terminals T1, T2) and HF-002 (T3); units
// 1001, 1002, 1003; T1 sells against a ￥50 voucher of 1001 and a ￥30 one of
// 1002 (voided); T3 against a ￥100 one of 1003 (￥79.80 applied); a ￥20
// voucher of 1001 is redeemed at T2 (A, first) and at T3 (B, conflict). It
// returns the double spend's incident id.
func settleFixture(t *testing.T, data, url string) (uint64, string) {
	t.Helper()
	codes := map[string]string{}
	for _, v := range []struct {
		member, unit, value string
	}{{"S-1", "1001", "5000"}, {"S-2", "1002", "3000"}, {"S-3", "1003", "10000"}, {"S-4", "1001", "2000"}} {
		out := filepath.Join(t.TempDir(), v.member+".csv")
		mustRun(t, 0, "issue", "--data", data, "--db", url, "--campaign", "2020", "--unit", v.unit, "--member", v.member, "--value", v.value,
			"--out", out)
		codes[v.member] = readCodes(t, out)[0][4]
	}
	mustRun(t, 0, "trust", "--data", data, "--db", url, "--out", filepath.Join(t.TempDir(), "bundle"))
	st, err := openStore(data, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := &server.Server{Store: st}
	// The demo campaign's windows follow the clock: sell today, within the
	// last half hour, on one CST day.
	at := time.Now().Add(-30 * time.Minute)
	if pos.DayOf(at) != pos.DayOf(at.Add(10*time.Minute)) {
		at = at.Add(10 * time.Minute)
	}
	day := pos.DayOf(at)
	type tm struct {
		t    *wire.Terminal
		key  []byte
		seq  uint64
		prev pos.Hash
	}
	terms := map[string]*tm{}
	for i, name := range []string{"T1", "T2", "T3"} {
		store := "HF-001"
		if name == "T3" {
			store = "HF-002"
		}
		add, err := srv.AddTerminal(wire.AddTerminalRequest{Store: store, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		k := postest.Key(byte(60 + i))
		if _, err := srv.Enroll(wire.EnrollRequest{Code: add.Code, Public: postest.Public(k)}); err != nil {
			t.Fatal(err)
		}
		wt, err := st.Terminal(name)
		if err != nil {
			t.Fatal(err)
		}
		terms[name] = &tm{t: wt, key: k}
	}
	var lookup map[string]*pos.Voucher = map[string]*pos.Voucher{}
	for m, c := range codes {
		v, err := voucher.Decode(c)
		if err != nil {
			t.Fatal(err)
		}
		lookup[m] = v
	}
	seal := func(name string, r *pos.Record) pos.Entry {
		x := terms[name]
		x.seq++
		at = at.Add(time.Minute)
		r.Seq, r.Prev, r.Time, r.Store, r.Terminal, r.Receipt, r.Cashier = x.seq, x.prev, at, x.t.Store, name, pos.ReceiptNumber(name, x.seq), "1001"
		e, err := pos.Seal(r, x.key)
		if err != nil {
			t.Fatal(err)
		}
		x.prev = e.Hash
		return e
	}
	sale := func(name, member string) pos.Entry {
		v := lookup[member]
		r := &pos.Record{Kind: pos.KindSale, Method: pos.PayWeChat, Total: 7980, Eligible: 7980,
			Lines: []pos.Line{{SKU: "DS-PEAR-5", Name: "砀山酥梨 5斤装", County: "砀山县", Price: 3990, Qty: 2, Eligible: true}}}
		applied := min(v.Value, r.Total)
		r.Vouchers = []pos.AppliedVoucher{{ID: v.ID(), Campaign: v.Campaign, KeyID: v.KeyID, Holder: v.Holder, Unit: v.Unit,
			Face: v.Value, Applied: applied, Forfeited: v.Value - applied, Code: codes[member]}}
		r.VoucherAmount, r.Forfeited, r.SelfPaid = applied, v.Value-applied, r.Total-applied
		return seal(name, r)
	}
	upload := func(name string, want string, es ...pos.Entry) {
		res, err := srv.Upload(terms[name].t, es)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range res {
			got = append(got, string(r.Result))
		}
		if strings.Join(got, ",") != want {
			t.Fatalf("%s upload: %v, want %s (%+v)", name, got, want, res)
		}
	}
	upload("T1", "accepted,accepted,accepted", sale("T1", "S-1"), sale("T1", "S-2"),
		seal("T1", &pos.Record{Kind: pos.KindVoid, Voids: 2, Manager: "9001", Reason: "customer"}))
	upload("T3", "accepted", sale("T3", "S-3"))
	upload("T2", "accepted", sale("T2", "S-4"))
	upload("T3", "conflict", sale("T3", "S-4"))
	page, _, err := st.ListIncidents(server.IncidentQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range page {
		if in.Kind == wire.IncidentDoubleSpend {
			return in.ID, day
		}
	}
	t.Fatalf("no double spend among %+v", page)
	return 0, ""
}

// readSettleCSV reads a settlement CSV: it must start with the UTF-8 BOM.
func readSettleCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte(report.BOM)) {
		t.Fatalf("%s: no UTF-8 BOM", path)
	}
	rows, err := csv.NewReader(bytes.NewReader(b[len(report.BOM):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestSettleBolt(t *testing.T) { testSettle(t, "") }

func TestSettlePostgres(t *testing.T) {
	url := pgtest.NewDatabase(t)
	mustRun(t, 0, "migrate", "--db", url)
	testSettle(t, url)
}

// testSettle: voucherd settle writes the .xlsx, the CSV files and a signed
// MANIFEST; the double spend is withheld until `incidents resolve --keep A`,
// then paid to T2's store; settle verify passes, and fails with exit 1
// (naming the file) once a byte of a CSV file changes.
func testSettle(t *testing.T, url string) {
	t.Setenv("LANG", "zh_CN.UTF-8")
	data := filepath.Join(t.TempDir(), "server")
	mustRun(t, 0, "init", "--data", data, "--db", url, "--demo")
	id, day := settleFixture(t, data, url)
	out := filepath.Join(t.TempDir(), "day")
	// The day is settled once it is over: today is refused, as is a store
	// no terminal belongs to, and a --now without its zone is a usage error.
	d, _ := pos.ParseDay(day)
	over := d.AddDate(0, 0, 1).Format(time.RFC3339)
	for _, tc := range []struct {
		args []string
		exit int
		want string
	}{
		{[]string{"--day", day}, 1, "营业日 " + day + " 尚未结束"},
		{[]string{"--day", day, "--now", over, "--store", "NOPE"}, 1, "没有门店 NOPE 的终端"},
		{[]string{"--day", day, "--now", strings.TrimSuffix(over, "+08:00")}, 2, "选项 --now 的值"},
	} {
		msg := mustRun(t, tc.exit, append([]string{"settle", "--data", data, "--db", url, "--out", out}, tc.args...)...)
		if !strings.Contains(msg, tc.want) {
			t.Errorf("settle %v: %s", tc.args, msg)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Fatalf("refused settle %v wrote %s", tc.args, out)
		}
	}
	msg := mustRun(t, 0, "settle", "--data", data, "--db", url, "--day", day, "--now", over, "--out", out)
	if !strings.Contains(msg, "￥129.80") || !strings.Contains(msg, "暂不支付 2 笔") {
		t.Errorf("settle said %q", msg)
	}
	rows := readSettleCSV(t, filepath.Join(out, "settlement-"+day+".csv"))
	want := [][]string{
		{"门店", "单位编号", "工作单位", "销售笔数", "撤销笔数", "退货笔数", "券数", "券面值", "应付金额（券实际抵扣）", "券余额作废"},
		{"HF-001", "1001", "合肥市总工会机关", "1", "0", "0", "1", "50.00", "50.00", "0.00"},
		{"HF-001", "1002", "安徽省电力公司合肥供电公司", "1", "1", "0", "0", "0.00", "0.00", "0.00"},
		{"HF-001", "", "合计", "2", "1", "0", "1", "50.00", "50.00", "0.00"},
		{"HF-002", "1003", "合肥市第一人民医院", "1", "0", "0", "1", "100.00", "79.80", "20.20"},
		{"HF-002", "", "合计", "1", "0", "0", "1", "100.00", "79.80", "20.20"},
		{"合计", "", "", "3", "1", "0", "2", "150.00", "129.80", "20.20"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("settlement CSV\n got %q\nwant %q", rows, want)
	}
	withheld := readSettleCSV(t, filepath.Join(out, "settlement-"+day+"-withheld.csv"))
	if len(withheld) != 3 || withheld[1][1] != "T2" || withheld[1][9] != "争议待裁定" || withheld[2][1] != "T3" ||
		withheld[2][7] != "conflict" || withheld[2][10] != fmt.Sprint(id) {
		t.Errorf("withheld CSV %q", withheld)
	}
	// The workbook: two sheets, Chinese headers, amounts as numbers in ￥.
	f, err := excelize.OpenFile(filepath.Join(out, "settlement-"+day+".xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"应付结算", "暂不支付"}) {
		t.Errorf("sheets %v", got)
	}
	if v, _ := f.GetCellValue("应付结算", "C2"); v != "合肥市总工会机关" {
		t.Errorf("C2 %q", v)
	}
	if v, _ := f.GetCellValue("应付结算", "I5", excelize.Options{RawCellValue: true}); v != "79.8" {
		t.Errorf("I5 raw %q, want the number 79.8", v)
	}
	if st, _ := f.GetCellStyle("应付结算", "I5"); st == 0 {
		t.Error("I5 has no money style")
	} else if s, _ := f.GetStyle(st); s.CustomNumFmt == nil || *s.CustomNumFmt != "￥#,##0.00" {
		t.Errorf("I5 style %+v", s)
	}
	if v, _ := f.GetCellValue("暂不支付", "B3"); v != "T3" {
		t.Errorf("withheld B3 %q", v)
	}
	f.Close()
	if got := mustRun(t, 0, "settle", "verify", out, "--data", data); !strings.Contains(got, "结算文件完整") || !strings.Contains(got, "3 个文件") {
		t.Errorf("verify: %s", got)
	}
	// Decide: pay A (T2, the first). Audited: who, when, what.
	// The table says which record is A (T2's, accepted first) and which B.
	table := mustRun(t, 0, "incidents", "--data", data, "--db", url)
	if !strings.Contains(table, "记录 A（先）/B（后）") || !regexp.MustCompile(`A=T2-\d{6} B=T3#\d+`).MatchString(table) {
		t.Errorf("incidents table:\n%s", table)
	}
	dec := mustRun(t, 0, "incidents", "resolve", fmt.Sprint(id), "--data", data, "--db", url, "--keep", "A", "--note", "T3 的小票为重复使用", "--by", "auditor@hq")
	if !regexp.MustCompile(`支付 A，裁定人 auditor@hq，时间 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d：T3 的小票为重复使用`).MatchString(dec) {
		t.Errorf("resolve said %q", dec)
	}
	list := mustRun(t, 0, "incidents", "--data", data, "--db", url, "--status", "resolved", "--json")
	if !strings.Contains(list, "[keep=A by=auditor@hq] T3 的小票为重复使用") {
		t.Errorf("resolved incidents: %s", list)
	}
	mustRun(t, 1, "incidents", "resolve", fmt.Sprint(id), "--data", data, "--db", url, "--keep", "B", "--note", "again")
	mustRun(t, 2, "incidents", "resolve", fmt.Sprint(id), "--data", data, "--db", url, "--note", "no keep")
	out2 := filepath.Join(t.TempDir(), "day2")
	mustRun(t, 0, "settle", "--data", data, "--db", url, "--day", day, "--now", over, "--out", out2)
	rows = readSettleCSV(t, filepath.Join(out2, "settlement-"+day+".csv"))
	if rows[1][0] != "HF-001" || rows[1][1] != "1001" || rows[1][3] != "2" || rows[1][8] != "70.00" || rows[len(rows)-1][8] != "149.80" {
		t.Errorf("after keep A: %q", rows)
	}
	withheld = readSettleCSV(t, filepath.Join(out2, "settlement-"+day+"-withheld.csv"))
	if len(withheld) != 2 || withheld[1][1] != "T3" || withheld[1][9] != "已裁定不付" {
		t.Errorf("after keep A, withheld %q", withheld)
	}
	// --store, and an existing folder is refused.
	out3 := filepath.Join(t.TempDir(), "hf2")
	mustRun(t, 0, "settle", "--data", data, "--db", url, "--day", day, "--now", over, "--store", "HF-002", "--out", out3)
	if rows := readSettleCSV(t, filepath.Join(out3, "settlement-"+day+"-HF-002.csv")); len(rows) != 4 || rows[1][0] != "HF-002" {
		t.Errorf("--store HF-002: %q", rows)
	}
	mustRun(t, 1, "settle", "--data", data, "--db", url, "--day", day, "--now", over, "--out", out2)

	// Tamper with one byte: verify fails with exit 1 and names the file.
	p := filepath.Join(out, "settlement-"+day+".csv")
	b, _ := os.ReadFile(p)
	b = bytes.Replace(b, []byte("79.80"), []byte("97.80"), 1)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := mustRun(t, 1, "settle", "verify", out, "--data", data); !strings.Contains(got, "结算文件未通过校验：文件 settlement-"+day+".csv 已被改动，与签名清单不符") ||
		strings.Contains(got, "券码") || strings.Contains(got, "was changed\n") {
		t.Errorf("tampered verify: %s", got)
	}
	// A file in a subfolder is extra too.
	mustRun(t, 0, "settle", "verify", out2, "--root-key", filepath.Join(data, server.RootPubFile))
	sub := filepath.Join(out2, "sub")
	os.Mkdir(sub, 0o755)
	os.WriteFile(filepath.Join(sub, "settlement-"+day+".csv"), []byte("x"), 0o644)
	if got := mustRun(t, 1, "settle", "verify", out2, "--data", data); !strings.Contains(got, "结算文件未通过校验：多出了清单中没有的 sub/") {
		t.Errorf("verify with a subfolder: %s", got)
	}
	os.RemoveAll(sub)
	mustRun(t, 1, "settle", "verify", out2, "--root-key", voucherHex(postest.Public(postest.Key(1))))
}

func voucherHex(k []byte) string { return fmt.Sprintf("%x", k) }

// TestAlertsCommand: voucherd alerts applies DIR/alerts.json to the day's
// accepted records: three identical baskets at HF-001 (threshold 2) are one
// alert naming its receipts; HF-002 has none (its second basket is in
// conflict, not accepted); a typo in alerts.json is refused.
func TestAlertsCommand(t *testing.T) {
	t.Setenv("LANG", "zh_CN.UTF-8")
	data := filepath.Join(t.TempDir(), "server")
	mustRun(t, 0, "init", "--data", data, "--demo")
	_, day := settleFixture(t, data, "")
	cfg := filepath.Join(data, server.AlertConfigFile)
	if err := os.WriteFile(cfg, []byte(`{"repeat_basket": 2, "default_hours": "00:00-24:00"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, 0, "alerts", "--data", data, "--day", day)
	for _, want := range []string{"[重复相同购物篮] HF-001 实测 3 / 阈值 2 (DS-PEAR-5*2) 涉及 3 笔", "T1-000001", "T1-000002", "T2-000001"} {
		if !strings.Contains(out, want) {
			t.Errorf("alerts output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "HF-002") {
		t.Errorf("HF-002 alerted:\n%s", out)
	}
	var resp wire.AlertsResponse
	if err := json.Unmarshal([]byte(mustRun(t, 0, "alerts", "--data", data, "--day", day, "--json")), &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.Alerts) != 1 || resp.Alerts[0].Rule != pos.AlertRepeatBasket || len(resp.Alerts[0].Records) != 3 {
		t.Errorf("alerts JSON %+v", resp)
	}
	if out := mustRun(t, 0, "alerts", "--data", data, "--day", day, "--store", "HF-002"); !strings.Contains(out, "无监督提示") {
		t.Errorf("--store HF-002: %s", out)
	}
	os.WriteFile(cfg, []byte(`{"repeat_baskets": 2}`), 0o644)
	if out := mustRun(t, 1, "alerts", "--data", data, "--day", day); !strings.Contains(out, pos.EINVALID) {
		t.Errorf("typo in alerts.json: %s", out)
	}
}
