//go:build realx

package xtest

import (
	"image"
	"image/color"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Where the manager screen's return controls are on a 1024×768 screen,
// found from screenshots of the real app.
var (
	managerUser   = image.Pt(400, 327) // the login list's second entry (the manager, added second)
	txTab         = image.Pt(614, 247) // 交易明细
	returnReceipt = image.Pt(92, 296)  // 退货（按小票）
	managerBlank  = image.Pt(900, 650) // empty screen: white, grey under a dialog's shadow
	white         = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
)

// managerDialog reports whether a dialog's shadow greys the manager
// screen's empty area.
func managerDialog(img image.Image) bool {
	return !near(img.At(managerBlank.X, managerBlank.Y), white, 8)
}

// TestReturnAtAnotherCounter: a customer brings goods bought at counter T02
// back to counter T01 of the same store. The manager at T01 types T02's
// receipt number; the app asks the central server (voucherd serve on
// loopback) for the sale and opens the return dialog with what is left to
// take back; the manager enters two pears, a reason and the PIN; the
// return slip prints naming T02's receipt, the ledger holds the return of
// T02's sale, and T02 can no longer take the same pears back.
func TestReturnAtAnotherCounter(t *testing.T) {
	sc := screens["1024x768"]
	r := newRig(t, sc.w, sc.h)
	srv := filepath.Join(r.dir, "server")
	r.daemon("voucherd", filepath.Join(bin, "voucherd"), "serve", "--data", srv, "--listen", "127.0.0.1:0")
	url := strings.SplitN(string(waitFile(t, filepath.Join(srv, "serve.url"))), "\n", 2)[0]
	enroll := func(db, name string) {
		out := r.run("voucherd", "terminal", "add", "--data", srv, "--store", "HF-001", "--name", name)
		code := regexp.MustCompile(`\d{4}-\d{4}-\d{4}`).FindString(out)
		r.run("posctl", "enroll", "--db", db, "--server", url, "--code", code, "--yes")
		r.run("posctl", "user", "add", "--db", db, "--id", cashierID, "--name", "王芳", "--role", "cashier", "--pin", cashierPIN)
		r.run("posctl", "user", "add", "--db", db, "--id", managerID, "--name", "李经理", "--role", "manager", "--pin", managerPIN)
	}
	must(t, os.Remove(r.db)) // this counter is enrolled at the server instead of provisioned
	enroll(r.db, "T01")
	t2 := filepath.Join(r.dir, "t2.db")
	enroll(t2, "T02")
	// At T02: tea and two bags of pears (￥207.80), ￥100 by voucher, the
	// rest by WeChat; uploaded.
	r.run("posctl", "redeem", "--db", t2, "--cashier", cashierID, "--item", "YX-CUILAN-250:1", "--item", "DS-PEAR-5:2",
		"--method", "wechat", r.codes["M-100A"])
	r.run("posctl", "sync", "--db", t2)

	r.start()
	r.click(sc.userSelect.X, sc.userSelect.Y)
	r.click(managerUser.X, managerUser.Y)
	r.mustXdo("type", "--delay", "150", managerPIN)
	r.key("Return")
	r.click(txTab.X, txTab.Y)
	r.click(returnReceipt.X, returnReceipt.Y)
	if !managerDialog(r.shot("receipt-asked")) {
		t.Fatalf("退货（按小票） opened no dialog (screenshot in %s)", r.dir)
	}
	r.typeText("T02-000001")
	r.key("Return")
	// The lookup at the server runs off the UI thread; the return dialog
	// follows, its first quantity focused (the tea).
	if !managerDialog(r.shotUntil("return-dialog", managerDialog)) {
		t.Fatalf("no return dialog after the receipt number (screenshot in %s)", r.dir)
	}
	r.key("Tab")
	r.typeText("2") // the pears
	r.key("Tab")
	r.typeText("damaged") // xdotool drops characters it has to remap (Chinese) now and then
	r.key("Tab", "Tab")   // the manager's id is filled in: on to the PIN
	r.typeText(managerPIN)
	r.shot("return-filled")
	r.key("Return")
	img := r.shotUntil("returned", func(img image.Image) bool { return !managerDialog(img) })
	if managerDialog(img) {
		t.Fatalf("the return dialog stayed open (screenshot in %s)", r.dir)
	}

	// The slip reached the printer, naming the other counter's receipt
	// and the refund by the sale's method.
	printed := r.printed()
	for _, want := range []string{"退货单", "原小票: T02-000001", "T01-000001", "砀山酥梨", "退还自付 (微信)", "￥79.80", "券面金额不退现金"} {
		if !strings.Contains(printed, want) {
			t.Errorf("return slip lacks %q; printed:\n%s", want, printed)
		}
	}
	recs := r.ledger()
	if len(recs) != 1 || recs[0].Kind != "return" || recs[0].Returns != "T02-000001" || recs[0].Total != 7980 ||
		recs[0].SelfPaid != 7980 || recs[0].Method != "wechat" || recs[0].Manager != managerID {
		t.Fatalf("T01's ledger after the return: %+v", recs)
	}
	// T02 asks the server too: the pears are back already.
	out, code := r.exec("posctl", "ledger", "return", "--db", t2, "--receipt", "T02-000001", "--item", "DS-PEAR-5:1",
		"--manager", managerID, "--pin", managerPIN, "--reason", "再退")
	if code != 1 || !strings.Contains(out, "[conflict]") {
		t.Fatalf("T02 took back pears already returned at T01: exit %d\n%s", code, out)
	}
}
