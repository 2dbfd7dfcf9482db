package printer

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
)

// testReceipt is a small sale with a voucher and a cash remainder.
func testReceipt() *pos.Receipt {
	r := &pos.Receipt{
		StoreName: "扶贫专区测试店", Counter: "1号柜台", Terminal: "T01", Number: "T01-000001",
		Time: time.Date(2025, 3, 14, 6, 0, 0, 0, time.UTC), Cashier: "张三", Kind: pos.KindSale,
		Lines: []pos.Line{
			{SKU: "1", Name: "富硒小米", Unit: "袋", County: "紫阳县", Price: 4580, Qty: 2, Eligible: true},
			{SKU: "2", Name: "高山核桃", Unit: "斤", County: "镇坪县", Price: 2850, Qty: 1, Eligible: true},
		},
		Vouchers:  []pos.ReceiptVoucher{{Masked: "****-****0042", Unit: "安康市总工会", Face: 10000, Applied: 10000}},
		Method:    pos.PayCash,
		AuditCode: "FPR1:T01-000001:0123456789abcdef",
	}
	r.Total = 4580*2 + 2850
	r.VoucherAmount = 10000
	r.SelfPaid = r.Total - 10000
	return r
}

// simulator starts a printer simulator of the given kind for a test.
func simulator(t *testing.T, kind string, cfg sim.PrinterConfig) *sim.PrinterSim {
	t.Helper()
	cfg.Profile = escpos.Paper58
	cfg.OutDir = t.TempDir()
	var s *sim.PrinterSim
	var err error
	switch kind {
	case "tcp":
		s, err = sim.NewPrinterTCP("127.0.0.1:0", cfg)
	case "pty":
		s, err = sim.NewPrinterPTY(filepath.Join(t.TempDir(), "ttyPRN"), cfg)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestPrintFaults prints a real receipt through the real transports — a
// TCP connection and a pty opened with go.bug.st/serial — to the printer
// simulator in each fault, and checks the error code the counter gets and
// what came out of the printer.
func TestPrintFaults(t *testing.T) {
	tests := []struct {
		name     string
		status   sim.PrinterStatus
		faults   sim.PrinterFaults
		code     string // "" : printed
		state    State
		printed  bool // a job reached the paper (whole or not)
		complete bool
		// answered: the printer was probed healthy before the fault (it
		// is known to answer DLE EOT); otherwise this job is the first
		// contact
		answered bool
		noStatus bool // remembered as a printer without status answers
	}{
		{name: "online", code: "", state: StateOnline, printed: true, complete: true},
		{name: "paper near end prints", status: sim.PrinterStatus{PaperNearEnd: true}, state: StatePaperNearEnd, printed: true, complete: true},
		{name: "paper out", status: sim.PrinterStatus{PaperOut: true}, code: pos.EPAPEROUT, state: StatePaperOut},
		{name: "cover open", status: sim.PrinterStatus{CoverOpen: true}, code: pos.ECOVEROPEN, state: StateCoverOpen},
		{name: "offline", status: sim.PrinterStatus{Offline: true}, code: pos.EPRINTEROFFLINE, state: StateOffline},
		{name: "paper runs out mid-job", faults: sim.PrinterFaults{PaperOutAfter: 5}, code: pos.EPAPEROUT, state: StatePaperOut, printed: true},
		{name: "never answers: prints without status", faults: sim.PrinterFaults{NoAnswer: true}, state: StateUnknown, printed: true, complete: true, noStatus: true},
		{name: "answered once, silent now", faults: sim.PrinterFaults{NoAnswer: true}, answered: true, code: pos.EPRINTEROFFLINE, state: StateUnknown},
		{name: "too slow to answer", faults: sim.PrinterFaults{Slow: time.Second}, answered: true, code: pos.EPRINTEROFFLINE, state: StateUnknown},
		{name: "connection dropped mid-job", faults: sim.PrinterFaults{DropAfter: 300}, code: pos.EPRINTEROFFLINE, state: StateUnknown, printed: true},
	}
	for _, kind := range []string{"tcp", "pty"} {
		for _, tc := range tests {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				cfg := sim.PrinterConfig{Status: tc.status, Faults: tc.faults}
				if tc.answered {
					cfg.Faults = sim.PrinterFaults{}
				}
				s := simulator(t, kind, cfg)
				p, err := Open(s.URI() + "&timeout=300ms")
				if err != nil {
					t.Fatal(err)
				}
				defer p.Close()
				if tc.answered {
					if pr, err := p.Probe(context.Background()); err != nil || !pr.Answers {
						t.Fatalf("probe %+v, %v", pr, err)
					}
					s.SetFaults(tc.faults)
				}
				r := testReceipt()
				err = p.PrintReceipt(context.Background(), r, nil)
				if got := pos.ErrorCode(err); got != tc.code {
					t.Fatalf("error %v (code %q), want code %q", err, got, tc.code)
				}
				if err != nil {
					var pe *pos.Error
					if !asPosError(err, &pe) {
						t.Fatalf("error %T is not a *pos.Error", err)
					}
				}
				if st := p.LastStatus().State(); st != tc.state {
					t.Errorf("last status %s, want %s", st, tc.state)
				}
				if p.NoStatus() != tc.noStatus {
					t.Errorf("NoStatus %t, want %t", p.NoStatus(), tc.noStatus)
				}
				// a job the printer took arrives by the time the client
				// finished; a refused job never does
				var jobs []sim.PrinterJob
				if tc.printed {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					defer cancel()
					if jobs, err = s.WaitJobs(ctx, 1); err != nil {
						t.Fatal(err)
					}
				} else {
					s.Close()
					jobs = s.Jobs()
				}
				if len(jobs) != b2i(tc.printed) {
					t.Fatalf("%d jobs printed, want %d", len(jobs), b2i(tc.printed))
				}
				if !tc.printed {
					return
				}
				j := jobs[0]
				if whole := j.Cut && !j.PaperOut && !j.Dropped; whole != tc.complete {
					t.Errorf("job cut=%t, want %t (paper out %t, dropped %t)", j.Cut, tc.complete, j.PaperOut, j.Dropped)
				}
				if tc.complete {
					if !strings.Contains(j.Doc.Text(), r.StoreName) || len(j.Doc.QRs) != 1 || j.Doc.QRs[0] != r.AuditCode {
						t.Errorf("printed:\n%s\nQR %q", j.Doc.Text(), j.Doc.QRs)
					}
					if _, err := os.Stat(j.PNG); err != nil {
						t.Error(err)
					}
					txt, err := os.ReadFile(j.TXT)
					if err != nil || !strings.Contains(string(txt), r.Number) {
						t.Errorf("text file %s: %v", j.TXT, err)
					}
				}
			})
		}
	}
}

// TestReprintAfterPaperOut checks the counter's recovery: a receipt that
// failed for lack of paper prints, marked as a reprint, once paper is in.
func TestReprintAfterPaperOut(t *testing.T) {
	for _, kind := range []string{"tcp", "pty"} {
		t.Run(kind, func(t *testing.T) {
			s := simulator(t, kind, sim.PrinterConfig{Status: sim.PrinterStatus{PaperOut: true}})
			p, err := Open(s.URI() + "&timeout=500ms")
			if err != nil {
				t.Fatal(err)
			}
			r := testReceipt()
			if err := p.PrintReceipt(context.Background(), r, nil); pos.ErrorCode(err) != pos.EPAPEROUT {
				t.Fatalf("first print: %v, want %s", err, pos.EPAPEROUT)
			}
			s.SetStatus(sim.PrinterStatus{})
			r.Reprint = true
			if err := p.PrintReceipt(context.Background(), r, nil); err != nil {
				t.Fatalf("reprint: %v", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			jobs, err := s.WaitJobs(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(jobs) != 1 || !strings.Contains(jobs[0].Doc.Text(), "重印 REPRINT") {
				t.Errorf("jobs %d; printed:\n%s", len(jobs), jobs[0].Doc.Text())
			}
		})
	}
}

// TestUnreachable checks that a printer that is not there — nothing
// listening, no such device — fails with EPRINTEROFFLINE.
func TestUnreachable(t *testing.T) {
	s := simulator(t, "tcp", sim.PrinterConfig{})
	addr := s.Addr()
	s.Close()
	for _, uri := range []string{
		"tcp://" + addr + "?timeout=300ms",
		"serial://" + filepath.Join(t.TempDir(), "no-such-tty"),
		"file:///dev/usb/no-such-lp9",
	} {
		p, err := Open(uri)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Print(context.Background(), []byte("x\n")); pos.ErrorCode(err) != pos.EPRINTEROFFLINE {
			t.Errorf("%s: %v, want %s", uri, err, pos.EPRINTEROFFLINE)
		}
		if _, err := p.Status(context.Background()); pos.ErrorCode(err) != pos.EPRINTEROFFLINE {
			t.Errorf("%s status: %v, want %s", uri, err, pos.EPRINTEROFFLINE)
		}
	}
}

// TestFileTransport writes jobs to a plain file, as to /dev/usb/lp0: the
// bytes arrive unchanged and the status is unknown, not an error.
func TestFileTransport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lp0")
	p, err := Open("file://" + path + "?paper=58")
	if err != nil {
		t.Fatal(err)
	}
	b, err := escpos.Receipt(testReceipt(), p.Profile(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := p.Print(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != string(b)+string(b) {
		t.Fatalf("file holds %d bytes, want %d: %v", len(got), 2*len(b), err)
	}
	st, err := p.Status(context.Background())
	if err != nil || st.State() != StateUnknown {
		t.Errorf("status %s, %v; want unknown", st, err)
	}
}

// TestStatusQuery asks the simulator's status through each transport.
func TestStatusQuery(t *testing.T) {
	for _, kind := range []string{"tcp", "pty"} {
		s := simulator(t, kind, sim.PrinterConfig{Status: sim.PrinterStatus{PaperNearEnd: true}})
		p, err := Open(s.URI())
		if err != nil {
			t.Fatal(err)
		}
		st, err := p.Status(context.Background())
		if err != nil || st.State() != StatePaperNearEnd {
			t.Errorf("%s: %s, %v", kind, st, err)
		}
		s.SetStatus(sim.PrinterStatus{CoverOpen: true})
		if st, err = p.Status(context.Background()); err != nil || st.State() != StateCoverOpen {
			t.Errorf("%s: %s, %v", kind, st, err)
		}
	}
}

// TestTestPage prints the technicians' page and checks its parts.
func TestTestPage(t *testing.T) {
	s := simulator(t, "tcp", sim.PrinterConfig{})
	p, err := Open(s.URI())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.TestPage(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	jobs, err := s.WaitJobs(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	text := jobs[0].Doc.Text()
	for _, want := range []string{"打印机测试页", "384 点宽，每行 32 列", escpos.Ruler(32), "本券不找零", s.URI()[:20]} {
		if !strings.Contains(strings.ReplaceAll(text, "\n", ""), want) {
			t.Errorf("%q missing from\n%s", want, text)
		}
	}
	if len(jobs[0].Doc.QRs) != 1 {
		t.Errorf("QRs %q", jobs[0].Doc.QRs)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
