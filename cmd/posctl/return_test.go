package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fupinpos/device/escpos"
	"fupinpos/device/sim"
	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/sync/wire"
)

// TestReturnCommand: posctl ledger return exits 0 with the server's
// agreement (the sale uploaded first), also for a sale of another
// terminal of the store; 1 for an over-return, for a sale of another store
// (named: 只能在售出商品的门店退货) and for an unreachable server (nothing
// recorded), 2 for missing flags; the JSON states the refund, the
// reinstated voucher and the manager's name.
func TestReturnCommand(t *testing.T) {
	t.Setenv("LANG", "zh_CN.UTF-8")
	dep := postest.NewDeployment(t, time.Now())
	url, srv := reconcileServer(t, dep)
	add, err := srv.AddTerminal(wire.AddTerminalRequest{Store: "HF-001", Name: "T01"})
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "terminal.db")
	mustPosctl(t, "enroll", "--db", db, "--server", url, "--code", add.Code, "--yes")
	mustPosctl(t, "user", "add", "--db", db, "--id", "1001", "--name", "王芳", "--role", "cashier", "--pin", "2468")
	mustPosctl(t, "user", "add", "--db", db, "--id", "9001", "--name", "李经理", "--role", "manager", "--pin", "8642")
	mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:2", "--item", "BAG-ECO:1", "--method", "wechat",
		dep.Code(t, "m1", pos.Yuan(50)))
	ret := func(extra ...string) (int, string, string) {
		return posctl(t, append([]string{"ledger", "return", "--db", db, "--receipt", "T01-000001", "--manager", "9001", "--pin", "8642", "--reason", "顾客退货"}, extra...)...)
	}

	if code, out, errOut := posctl(t, "ledger", "return", "--db", db, "--receipt", "T01-000001"); code != 2 {
		t.Fatalf("missing flags: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut := ret("--item", "DS-PEAR-5:2", "--json")
	if code != 0 {
		t.Fatalf("return: exit %d\n%s%s", code, out, errOut)
	}
	var res ReturnResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	// ¥79.80 of pears, ¥50 paid by the voucher (now not needed: reinstated),
	// ¥29.80 of the ¥31.80 self-paid refunded by WeChat; the bag stays.
	if res.Receipt != "T01-000002" || res.Returns != "T01-000001" || res.Result != "accepted" || res.Total != 7980 ||
		res.Refund != 2980 || res.Method != pos.PayWeChat || res.Reinstated != pos.Yuan(50) || len(res.Vouchers) != 1 ||
		!rfc3339CST.MatchString(res.Vouchers[0]+"|2020-08-20T14:30:00+08:00") {
		t.Fatalf("return JSON %+v", res)
	}
	if res.Manager != "9001" || res.ManagerName != "李经理" {
		t.Fatalf("return JSON names the manager %q %q, want 9001 李经理", res.Manager, res.ManagerName)
	}
	// A sale of another terminal of the store comes back here: the server
	// holds it; at a terminal of another store it is refused.
	other := func(store, name string) string {
		t.Helper()
		a, err := srv.AddTerminal(wire.AddTerminalRequest{Store: store, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "terminal.db")
		mustPosctl(t, "enroll", "--db", p, "--server", url, "--code", a.Code, "--yes")
		mustPosctl(t, "user", "add", "--db", p, "--id", "1002", "--name", "钱敏", "--role", "cashier", "--pin", "2468")
		mustPosctl(t, "user", "add", "--db", p, "--id", "9002", "--name", "赵经理", "--role", "manager", "--pin", "8642")
		return p
	}
	db2, db3 := other("HF-001", "T02"), other("HF-002", "T03")
	mustPosctl(t, "redeem", "--db", db2, "--cashier", "1002", "--item", "BAG-ECO:2", "--method", "cash", "--self-paid")
	mustPosctl(t, "sync", "--db", db2)
	// Its slip goes to a printer whose paper is near its end: said.
	ps, err := sim.NewPrinterTCP("127.0.0.1:0", sim.PrinterConfig{Profile: escpos.Paper80})
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	ps.SetStatus(sim.PrinterStatus{PaperNearEnd: true})
	code, out, errOut = posctl(t, "ledger", "return", "--db", db, "--receipt", "T02-000001", "--item", "BAG-ECO:1", "--manager", "9001",
		"--pin", "8642", "--reason", "顾客退货", "--json", "--printer", ps.URI())
	if code != 0 {
		t.Fatalf("return of another terminal's sale: exit %d\n%s%s", code, out, errOut)
	}
	res = ReturnResult{}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Receipt != "T01-000003" || res.Returns != "T02-000001" || res.Result != "accepted" || res.Total != res.Refund || res.Refund == 0 || res.Method != pos.PayCash ||
		res.Printed == "" || !res.PaperNearEnd {
		t.Fatalf("return of T02's sale at T01: %+v", res)
	}
	var listed []ListedRecord
	if err := json.Unmarshal([]byte(mustPosctl(t, "ledger", "list", "--db", db, "--json")), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 3 || listed[1].Kind != "return" || listed[1].Returns != "T01-000001" || listed[2].Returns != "T02-000001" || listed[0].Returns != "" {
		t.Fatalf("ledger list after the returns: %+v", listed)
	}
	if code, out, errOut := posctl(t, "ledger", "return", "--db", db3, "--receipt", "T02-000001", "--item", "BAG-ECO:1", "--manager", "9002",
		"--pin", "8642", "--reason", "顾客退货"); code != 1 || !strings.Contains(errOut, "只能在售出商品的门店退货：T02-000001 是门店 HF-001 的销售") || !strings.Contains(errOut, "[return_elsewhere]") {
		t.Fatalf("return at another store: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := posctl(t, "ledger", "return", "--db", db, "--receipt", "T02-000001", "--item", "BAG-ECO:2", "--manager", "9001",
		"--pin", "8642", "--reason", "顾客退货"); code != 1 || !strings.Contains(errOut, "[conflict]") {
		t.Fatalf("over-return of T02's sale: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := ret("--item", "DS-PEAR-5:1"); code != 1 || !strings.Contains(errOut, "[conflict]") {
		t.Fatalf("over-return: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := posctl(t, "ledger", "return", "--db", db, "--resume"); code != 1 || !strings.Contains(errOut, "[not_found]") {
		t.Fatalf("resume with nothing waiting: exit %d\n%s%s", code, out, errOut)
	}
	list := mustPosctl(t, "ledger", "verify", "--db", db)
	srv.Store.Close()
	if code, out, errOut := ret("--item", "BAG-ECO:1", "--timeout", "5s"); code != 1 {
		t.Fatalf("server down: exit %d\n%s%s", code, out, errOut)
	}
	if again := mustPosctl(t, "ledger", "verify", "--db", db); !strings.Contains(again, "3 条交易记录") || !strings.Contains(list, "3 条交易记录") ||
		again[strings.Index(again, "链头"):][:len("链头 ")+16] != list[strings.Index(list, "链头"):][:len("链头 ")+16] {
		t.Fatalf("the ledger changed with the server down:\n%s\n%s", list, again)
	}
}

// TestReturnServerDown: with the central server unreachable a return is
// refused (exit 1) and says, in the language of LANG, that nothing was
// recorded and returns need the server — not the sale's "kept on this
// terminal, retried later"; the ledger is unchanged.
func TestReturnServerDown(t *testing.T) {
	for _, tc := range []struct{ lang, want, not string }{
		{"zh_CN.UTF-8", "posctl ledger return: 连不上中心服务器：退货未办理，未记录任何内容（退货须联网，由服务器核对原销售）：请在能连上服务器时再办 [server_offline]\n", "交易已保存在本机"},
		{"en_US.UTF-8", "posctl ledger return: The central server cannot be reached: the return was NOT recorded (returns are online only: the server checks the sale); take it when the server answers [server_offline]\n", "sales are kept"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			dep := postest.NewDeployment(t, time.Now())
			db, stop := enrolled(t, dep)
			t.Setenv("LANG", tc.lang)
			mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:2", "--method", "wechat", dep.Code(t, "m1", pos.Yuan(50)))
			mustPosctl(t, "sync", "--db", db)
			stop()
			code, out, errOut := posctl(t, "ledger", "return", "--db", db, "--receipt", "T01-000001", "--item", "DS-PEAR-5:1", "--manager", "9001",
				"--pin", "8642", "--reason", "顾客退货", "--timeout", "5s")
			if code != 1 || !strings.HasPrefix(errOut, tc.want) || strings.Contains(errOut, tc.not) {
				t.Fatalf("server down: exit %d\n%s%s\nwant exit 1 and stderr starting %q", code, out, errOut, tc.want)
			}
			var listed []ListedRecord
			if err := json.Unmarshal([]byte(mustPosctl(t, "ledger", "list", "--db", db, "--json")), &listed); err != nil || len(listed) != 1 {
				t.Fatalf("ledger after the refused return: %+v %v", listed, err)
			}
		})
	}
}
