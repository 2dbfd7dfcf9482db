package main

import (
	"net/http/httptest"
	"net/http/httputil"
	neturl "net/url"
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

// enrolled is a terminal enrolled at a central server on loopback, with
// cashier 1001 and manager 9001 (PIN 8642); it returns the database path
// and stop, which takes the server off the network (connections refused).
func enrolled(t *testing.T, dep *postest.Deployment) (db string, stop func()) {
	t.Helper()
	backend, srv := reconcileServer(t, dep)
	target, err := neturl.Parse(backend)
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
	t.Cleanup(front.Close)
	url := front.URL
	add, err := srv.AddTerminal(wire.AddTerminalRequest{Store: "HF-001", Name: "T01"})
	if err != nil {
		t.Fatal(err)
	}
	db = filepath.Join(t.TempDir(), "terminal.db")
	mustPosctl(t, "enroll", "--db", db, "--server", url, "--code", add.Code, "--yes")
	mustPosctl(t, "user", "add", "--db", db, "--id", "1001", "--name", "王芳", "--role", "cashier", "--pin", "2468")
	mustPosctl(t, "user", "add", "--db", db, "--id", "9001", "--name", "李经理", "--role", "manager", "--pin", "8642")
	return db, front.Close
}

// TestNotPrintedSaysWhatToDo: when the sale (or return) is recorded but
// its paper does not print — printer unreachable, out of paper — posctl
// exits 3 and says, in the language of LANG and right under the reason,
// that it is recorded, must not be done again, and how to reprint it.
func TestNotPrintedSaysWhatToDo(t *testing.T) {
	for _, tc := range []struct {
		lang string
		want map[string]string // command → the line under the reason
	}{
		{"zh_CN.UTF-8", map[string]string{
			"offline": "  交易 T01-000001 已记录，但小票没有打印出来：不要再次核销这些券，请用 posctl receipt --no T01-000001 补打小票\n",
			"paper":   "  交易 T01-000002 已记录，但小票没有打印出来：不要再次核销这些券，请用 posctl receipt --no T01-000002 补打小票\n",
			"return":  "  退货 T01-000003 已记录，但退货单没有打印出来：不要再次办理这笔退货，请用 posctl receipt --no T01-000003 补打退货单\n",
		}},
		{"en_US.UTF-8", map[string]string{
			"offline": "  sale T01-000001 is recorded, but its receipt did not print: do not redeem these vouchers again; reprint it with posctl receipt --no T01-000001\n",
			"paper":   "  sale T01-000002 is recorded, but its receipt did not print: do not redeem these vouchers again; reprint it with posctl receipt --no T01-000002\n",
			"return":  "  return T01-000003 is recorded, but its slip did not print: do not take this return again; reprint it with posctl receipt --no T01-000003\n",
		}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			dep := postest.NewDeployment(t, time.Now())
			db, _ := enrolled(t, dep)
			t.Setenv("LANG", tc.lang)
			s, err := sim.NewPrinterTCP("127.0.0.1:0", sim.PrinterConfig{Profile: escpos.Paper80})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			s.SetStatus(sim.PrinterStatus{PaperOut: true})
			for _, step := range []struct {
				name, code string
				args       []string
			}{
				{"offline", pos.EPRINTEROFFLINE, []string{"redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:2", "--method", "cash",
					"--printer", "tcp://127.0.0.1:1", dep.Code(t, "m1", pos.Yuan(50))}},
				{"paper", pos.EPAPEROUT, []string{"redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:2", "--method", "wechat",
					"--printer", s.URI(), dep.Code(t, "m2", pos.Yuan(50))}},
				{"return", pos.EPAPEROUT, []string{"ledger", "return", "--db", db, "--receipt", "T01-000002", "--item", "DS-PEAR-5:1",
					"--manager", "9001", "--pin", "8642", "--reason", "顾客退货", "--printer", s.URI()}},
			} {
				code, _, errOut := posctl(t, step.args...)
				lines := strings.SplitAfter(errOut, "\n")
				if code != exitNotPrinted || len(lines) < 3 || !strings.HasSuffix(lines[0], "["+step.code+"]\n") || lines[1] != tc.want[step.name] {
					t.Errorf("%s: exit %d (want %d), stderr:\n%s\nwant its second line %q", step.name, code, exitNotPrinted, errOut, tc.want[step.name])
				}
			}
		})
	}
}
