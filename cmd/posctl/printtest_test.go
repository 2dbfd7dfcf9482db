package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fupinpos/device/escpos"
	"fupinpos/device/sim"
)

// TestPrintTest runs print-test against the printer simulator: a test page
// printed and previewed, then a printer out of paper reported with exit 1.
func TestPrintTest(t *testing.T) {
	s, err := sim.NewPrinterTCP("127.0.0.1:0", sim.PrinterConfig{Profile: escpos.Paper58})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	png := filepath.Join(t.TempDir(), "page.png")
	var out, errb bytes.Buffer
	if code := cmdPrintTest([]string{"--printer", s.URI(), "--png", png}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "状态：正常（online (DLE EOT") || !strings.Contains(out.String(), "已打印测试页") {
		t.Errorf("output:\n%s", out.String())
	}
	if _, err := os.Stat(png); err != nil {
		t.Error(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.WaitJobs(ctx, 1); err != nil {
		t.Fatal(err)
	}

	s.SetStatus(sim.PrinterStatus{PaperOut: true})
	out.Reset()
	errb.Reset()
	if code := cmdPrintTest([]string{"--printer", s.URI()}, &out, &errb); code != 1 {
		t.Fatalf("paper out: exit %d: %s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "paper_out") || !strings.Contains(errb.String(), "paper_out") {
		t.Errorf("paper out not reported:\n%s%s", out.String(), errb.String())
	}
	if code := cmdPrintTest([]string{"--printer", "lpt://1"}, &out, &errb); code != 2 {
		t.Errorf("bad URI: exit %d", code)
	}
}

// TestPrintTestNoStatus: a printer that never answers DLE EOT is told as
// such ("no_status"), not as offline, and the test page prints (exit 0).
func TestPrintTestNoStatus(t *testing.T) {
	for _, kind := range []string{"tcp", "pty"} {
		cfg := sim.PrinterConfig{Profile: escpos.Paper58, Faults: sim.PrinterFaults{NoAnswer: true}}
		var s *sim.PrinterSim
		var err error
		if kind == "tcp" {
			s, err = sim.NewPrinterTCP("127.0.0.1:0", cfg)
		} else {
			s, err = sim.NewPrinterPTY(filepath.Join(t.TempDir(), "ttyPRN"), cfg)
		}
		if err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		if code := cmdPrintTest([]string{"--printer", s.URI() + "&timeout=300ms"}, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s%s", kind, code, out.String(), errb.String())
		}
		if !strings.Contains(out.String(), "状态：不回报状态 no_status") || strings.Contains(out.String(), "型号 ID") || !strings.Contains(out.String(), "已打印测试页") {
			t.Errorf("%s: output:\n%s", kind, out.String())
		}
		s.Close()
		if n := len(s.Jobs()); n != 1 {
			t.Errorf("%s: %d jobs printed", kind, n)
		}
	}
}
