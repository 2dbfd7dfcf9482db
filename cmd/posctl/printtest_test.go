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

// TestPrintTestSafeProfile is issue 10 defects 2 and 10: a printer that
// names no model, with no paper= in its URI, is laid out in the safe
// 32-column profile and print-test says so in Chinese; one that names its
// model gets the model's profile; a URI of an unknown scheme is a usage
// error with the help hint.
func TestPrintTestSafeProfile(t *testing.T) {
	tests := []struct {
		name      string
		cfg       sim.PrinterConfig
		want, not []string
	}{
		{"no answer", sim.PrinterConfig{Profile: escpos.Paper58, Faults: sim.PrinterFaults{NoAnswer: true}},
			[]string{"纸张配置：safe（型号不明，安全版式），384 点宽，每行 32 列，二维码按图像打印，切刀：无", "按安全版式（每行 32 列"}, []string{"dots", "columns"}},
		{"model tm-t88", sim.PrinterConfig{Profile: escpos.Paper80, ModelID: 0x20},
			[]string{"纸张配置：tm-t88（Epson TM-T88），512 点宽，每行 42 列"}, []string{"安全版式", "dots"}},
	}
	for _, tc := range tests {
		s, err := sim.NewPrinterTCP("127.0.0.1:0", tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		uri := strings.SplitN(s.URI(), "?", 2)[0] + "?timeout=300ms"
		var out, errb bytes.Buffer
		if code := cmdPrintTest([]string{"--printer", uri}, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s%s", tc.name, code, out.String(), errb.String())
		}
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: no %q in\n%s", tc.name, w, out.String())
			}
		}
		for _, w := range tc.not {
			if strings.Contains(out.String(), w) {
				t.Errorf("%s: %q in\n%s", tc.name, w, out.String())
			}
		}
		s.Close()
	}
	var out, errb bytes.Buffer
	if code := cmdPrintTest([]string{"--printer", "usb://foo"}, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), "打印机地址“usb://foo”无效") || !strings.Contains(errb.String(), "运行 posctl print-test --help") {
		t.Errorf("usb://foo: exit %d: %s", code, errb.String())
	}
}
