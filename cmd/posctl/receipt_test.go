package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fupinpos/device/escpos"
	"fupinpos/device/sim"
	"fupinpos/pos"
	"fupinpos/pos/postest"
)

// TestRedeemPrintsAndReprints: a sale printed on the printer simulator
// (TCP), a reprint marked 重印, a printer out of paper failing the print but
// not the sale, and a preview image.
func TestRedeemPrintsAndReprints(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	s, err := sim.NewPrinterTCP("127.0.0.1:0", sim.PrinterConfig{Profile: escpos.Paper80})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "TH-HONEY-500:1", "--printer", s.URI(), dep.Code(t, "m1", pos.Yuan(100)))
	jobs, err := s.WaitJobs(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	text := jobs[0].Doc.Text()
	for _, want := range []string{"T01-000001", "太湖县", "本券不找零、不兑换现金", "￥32.00"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "重印") {
		t.Errorf("first print marked as a reprint:\n%s", text)
	}

	mustPosctl(t, "receipt", "--db", db, "--no", "T01-000001", "--printer", s.URI())
	jobs, err = s.WaitJobs(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(jobs[1].Doc.Text(), "重印") {
		t.Errorf("reprint not marked:\n%s", jobs[1].Doc.Text())
	}

	s.SetStatus(sim.PrinterStatus{PaperOut: true})
	code, _, errOut := posctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:1", "--method", "cash", "--self-paid", "--printer", s.URI())
	if code != exitNotPrinted || !strings.Contains(errOut, "["+pos.EPAPEROUT+"]") || !strings.Contains(errOut, "T01-000002") {
		t.Fatalf("paper out: exit %d (want %d: recorded, not printed) %s", code, exitNotPrinted, errOut)
	}
	if out := mustPosctl(t, "status", "--db", db); !strings.Contains(out, "ledger 2 records") {
		t.Fatalf("the sale was lost with the paper:\n%s", out)
	}

	// The cash sale's first copy to reach the paper is not a reprint
	// and opens the drawer; the next is a reprint and does not. (A
	// printer simulator per copy: the drawer kick may follow the cut, and
	// closing the simulator collects every job of the copy.)
	for i, want := range []struct{ reprint, drawer bool }{{false, true}, {true, false}} {
		ps, err := sim.NewPrinterTCP("127.0.0.1:0", sim.PrinterConfig{Profile: escpos.Paper80})
		if err != nil {
			t.Fatal(err)
		}
		mustPosctl(t, "receipt", "--db", db, "--no", "T01-000002", "--printer", ps.URI()+"&drawer=1")
		ps.Close()
		text, drawer := "", false
		for _, j := range ps.Jobs() {
			text += j.Doc.Text()
			for _, e := range j.Doc.Events {
				drawer = drawer || e.Kind == escpos.EventDrawer
			}
		}
		if strings.Contains(text, "重印") != want.reprint || drawer != want.drawer || !strings.Contains(text, "T01-000002") {
			t.Errorf("copy %d after the failed print: 重印 %t drawer %t, want %t %t:\n%s", i+1,
				strings.Contains(text, "重印"), drawer, want.reprint, want.drawer, text)
		}
	}

	png := filepath.Join(t.TempDir(), "r.png")
	mustPosctl(t, "receipt", "--db", db, "--no", "2", "--png", png, "--paper", "58")
	if b, err := os.ReadFile(png); err != nil || len(b) < 1000 {
		t.Fatalf("preview: %d bytes, %v", len(b), err)
	}
}

// TestRedeemHelpExitStatus: posctl redeem --help names its exit statuses,
// 3 among them.
func TestRedeemHelpExitStatus(t *testing.T) {
	code, out, _ := posctl(t, "redeem", "--help")
	if code != 0 || !strings.Contains(out, "3 已记录，但小票没有打印出来") || !strings.Contains(out, "--printer") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestReceiptOfVoidedSale is issue 10 defect 5: a copy of a sale voided
// since prints marked 已作废 (head and foot) with the void's number and "no
// proof of purchase"; the copy printed before the void was a clean receipt.
func TestReceiptOfVoidedSale(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:1", "--method", "cash", "--self-paid")
	copyText := func() (string, bool) {
		ps, err := sim.NewPrinterTCP("127.0.0.1:0", sim.PrinterConfig{Profile: escpos.Paper80})
		if err != nil {
			t.Fatal(err)
		}
		mustPosctl(t, "receipt", "--db", db, "--no", "T01-000001", "--printer", ps.URI()+"&drawer=1")
		ps.Close()
		text, drawer := "", false
		for _, j := range ps.Jobs() {
			text += j.Doc.Text()
			for _, e := range j.Doc.Events {
				drawer = drawer || e.Kind == escpos.EventDrawer
			}
		}
		return text, drawer
	}
	if text, _ := copyText(); strings.Contains(text, "作废") {
		t.Fatalf("a sale not voided printed as void:\n%s", text)
	}
	mustPosctl(t, "ledger", "void", "--db", db, "--receipt", "T01-000001", "--manager", "9001", "--pin", "8642", "--reason", "顾客取消")
	text, drawer := copyText()
	for _, want := range []string{"** 已作废 VOIDED **", "不作购物凭证", "T01-000002", "T01-000001"} {
		if !strings.Contains(text, want) {
			t.Errorf("voided sale's copy lacks %q:\n%s", want, text)
		}
	}
	if strings.Count(text, "已作废 VOIDED") != 2 {
		t.Errorf("void mark at head and foot: %d times\n%s", strings.Count(text, "已作废 VOIDED"), text)
	}
	if drawer {
		t.Error("a voided sale's copy opened the drawer")
	}
}

// TestVoidedReceiptFirstCopyNoDrawer: the first copy of a cash sale voided
// before it ever printed is marked and does not open the drawer.
func TestVoidedReceiptFirstCopyNoDrawer(t *testing.T) {
	r := &pos.Receipt{StoreName: "店", Number: "T01-000001", Kind: pos.KindSale, Total: 500, SelfPaid: 500, Method: pos.PayCash, VoidedBy: "T01-000002"}
	prof := escpos.Paper80
	prof.Drawer = true
	b, err := escpos.Receipt(r, prof, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := escpos.Interpret(b, prof)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range doc.Events {
		if e.Kind == escpos.EventDrawer {
			t.Error("drawer kicked for a voided sale")
		}
	}
	r.VoidedBy = ""
	b, _ = escpos.Receipt(r, prof, nil)
	doc, _ = escpos.Interpret(b, prof)
	kicked := false
	for _, e := range doc.Events {
		kicked = kicked || e.Kind == escpos.EventDrawer
	}
	if !kicked {
		t.Error("the same sale not voided kicks no drawer: the test proves nothing")
	}
}

// TestReceiptMessagesMatchPaper is issue 10 defects 7 and 8: posctl receipt
// says "printed" for the first paper copy (not marked 重印 on paper) and
// "reprinted" for a later one, and redeem and receipt warn after printing
// when the printer reports its paper near its end.
func TestReceiptMessagesMatchPaper(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	t.Setenv("LANG", "zh_CN.UTF-8")
	s, err := sim.NewPrinterTCP("127.0.0.1:0", sim.PrinterConfig{Profile: escpos.Paper80})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:1", "--method", "cash", "--self-paid")
	const nearEnd = "注意：打印纸将用完"
	steps := []struct {
		near      bool
		args      []string
		want, not string
	}{
		{false, []string{"receipt", "--db", db, "--no", "T01-000001", "--printer", s.URI()}, "已在 " + s.URI() + " 打印（首份纸质小票", "重印\n"},
		{false, []string{"receipt", "--db", db, "--no", "T01-000001", "--printer", s.URI()}, "已在 " + s.URI() + " 重印", "首份"},
		{true, []string{"receipt", "--db", db, "--no", "T01-000001", "--printer", s.URI()}, nearEnd, ""},
		{true, []string{"redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:1", "--method", "card", "--self-paid", "--printer", s.URI()}, nearEnd, ""},
		{false, []string{"redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:1", "--method", "card", "--self-paid", "--printer", s.URI()}, "T01-000003", nearEnd},
	}
	for i, st := range steps {
		s.SetStatus(sim.PrinterStatus{PaperNearEnd: st.near})
		out := mustPosctl(t, st.args...)
		if !strings.Contains(out, st.want) || st.not != "" && strings.Contains(out, st.not) {
			t.Errorf("step %d (%s): want %q, not %q:\n%s", i+1, strings.Join(st.args[:1], " "), st.want, st.not, out)
		}
	}
}
