package printer

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"fupinpos/device/escpos"
	"fupinpos/device/sim"
	"fupinpos/pos"
)

// TestProbeNoStatus probes a printer that never answers DLE EOT through
// each transport: it is remembered as "no status" for its device (a new
// Printer for the same URI knows it), and its jobs print at once without
// status queries.
func TestProbeNoStatus(t *testing.T) {
	for _, kind := range []string{"tcp", "pty"} {
		t.Run(kind, func(t *testing.T) {
			s := simulator(t, kind, sim.PrinterConfig{Faults: sim.PrinterFaults{NoAnswer: true}})
			uri := s.URI() + "&timeout=300ms"
			p, err := Open(uri)
			if err != nil {
				t.Fatal(err)
			}
			pr, err := p.Probe(context.Background())
			if err != nil || pr.Answers || pr.ModelID != -1 || !p.NoStatus() {
				t.Fatalf("probe %+v, %v; NoStatus %t", pr, err, p.NoStatus())
			}
			q, _ := Open(uri)
			if !q.NoStatus() {
				t.Fatal("a second Printer for the same device forgot the probe")
			}
			start := time.Now()
			for i := 0; i < 2; i++ {
				if err := q.PrintReceipt(context.Background(), testReceipt(), nil); err != nil {
					t.Fatal(err)
				}
			}
			if d := time.Since(start); d > 300*time.Millisecond {
				t.Errorf("two jobs took %s: status queries waited for answers", d)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			jobs, err := s.WaitJobs(ctx, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range jobs {
				if bytes.Contains(j.Data, []byte{escpos.DLE, escpos.EOT}) || !j.Cut {
					t.Errorf("job %d: cut %t, data % X", j.N, j.Cut, j.Data[:16])
				}
			}
			q.Forget()
			if q.NoStatus() || p.NoStatus() {
				t.Error("Forget left the device remembered")
			}
		})
	}
}

// TestProbeAnswers probes a healthy printer: it answers, its model id is
// read (GS I 1), a near-end paper shows in the status, and a printer
// without GS I is still one that answers.
func TestProbeAnswers(t *testing.T) {
	tests := []struct {
		name    string
		model   int
		wantID  int
		nearEnd bool
	}{
		{"model id", 0x42, 0x42, false},
		{"default id, paper near end", 0, sim.DefaultModelID, true},
		{"no GS I", -1, -1, false},
	}
	for _, kind := range []string{"tcp", "pty"} {
		for _, tc := range tests {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				s := simulator(t, kind, sim.PrinterConfig{ModelID: tc.model, Status: sim.PrinterStatus{PaperNearEnd: tc.nearEnd}})
				p, err := Open(s.URI() + "&timeout=300ms")
				if err != nil {
					t.Fatal(err)
				}
				pr, err := p.Probe(context.Background())
				if err != nil || !pr.Answers || pr.ModelID != tc.wantID || p.NoStatus() {
					t.Fatalf("probe %+v, %v", pr, err)
				}
				want := StateOnline
				if tc.nearEnd {
					want = StatePaperNearEnd
				}
				if pr.Status.State() != want || p.LastStatus().State() != want {
					t.Errorf("state %s / %s, want %s", pr.Status.State(), p.LastStatus().State(), want)
				}
				// the probe is no job
				s.Close()
				if jobs := s.Jobs(); len(jobs) != 0 {
					t.Errorf("the probe printed %d jobs", len(jobs))
				}
			})
		}
	}
}

// TestNeverPrintsTCP: a network printer that accepts the connection but
// takes no bytes fails the job (EPRINTEROFFLINE) instead of counting as
// printed, with status queries off and on.
func TestNeverPrintsTCP(t *testing.T) {
	for _, opt := range []string{"&status=0", ""} {
		t.Run("opt"+opt, func(t *testing.T) {
			s := simulator(t, "tcp", sim.PrinterConfig{Faults: sim.PrinterFaults{NeverPrints: true}})
			p, err := Open(s.URI() + "&qr=raster&timeout=300ms" + opt)
			if err != nil {
				t.Fatal(err)
			}
			err = p.PrintReceipt(context.Background(), testReceipt(), nil)
			if pos.ErrorCode(err) != pos.EPRINTEROFFLINE || !strings.Contains(err.Error(), "not the bytes") {
				t.Fatalf("print: %v, want %s (bytes not taken)", err, pos.EPRINTEROFFLINE)
			}
		})
	}
}

// TestProbeModelProfile: a URI without paper= takes the profile the
// model id names (0x20: Epson TM-T88, 512 dots); one with paper= keeps it.
func TestProbeModelProfile(t *testing.T) {
	for _, kind := range []string{"tcp", "pty"} {
		s := simulator(t, kind, sim.PrinterConfig{ModelID: 0x20})
		base := strings.SplitN(s.URI(), "?", 2)[0]
		for _, tc := range []struct {
			uri  string
			dots int
		}{{base + "?timeout=300ms", 512}, {s.URI(), escpos.Paper58.Dots}} {
			p, err := Open(tc.uri)
			if err != nil {
				t.Fatal(err)
			}
			p.Forget()
			pr, err := p.Probe(context.Background())
			if err != nil || pr.ModelID != 0x20 || p.Profile().Dots != tc.dots {
				t.Errorf("%s: probe %+v, %v; profile %s", tc.uri, pr, err, p.Profile())
			}
			if q, _ := Open(tc.uri); q.Profile().Dots != tc.dots {
				t.Errorf("%s: a new Printer for the device has %s", tc.uri, q.Profile())
			}
		}
	}
}

// TestFirstReceiptLayout is issue 10 defect 2: the first receipt to a
// printer whose URI names no paper is laid out after the probe, for the
// model it names (0x20: TM-T88, 42 columns), with the URI's options on top;
// a printer that names no model (or does not answer at all) gets the safe
// 32-column profile, never 80 mm's 48 columns.
func TestFirstReceiptLayout(t *testing.T) {
	tm, _ := escpos.ProfileByName("tm-t88")
	tmRaster := tm
	tmRaster.NativeQR = false
	tests := []struct {
		name    string
		cfg     sim.PrinterConfig
		opts    string
		want    escpos.Profile
		guessed bool
	}{
		{"model tm-t88", sim.PrinterConfig{ModelID: 0x20}, "", tm, false},
		{"model tm-t88, qr=raster", sim.PrinterConfig{ModelID: 0x20}, "&qr=raster", tmRaster, false},
		{"unknown model", sim.PrinterConfig{}, "", escpos.SafeProfile, true},
		{"no status", sim.PrinterConfig{Faults: sim.PrinterFaults{NoAnswer: true}}, "", escpos.SafeProfile, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := simulator(t, "tcp", tc.cfg)
			uri := strings.SplitN(s.URI(), "?", 2)[0] + "?timeout=300ms" + tc.opts
			p, err := Open(uri)
			if err != nil {
				t.Fatal(err)
			}
			p.Forget()
			t.Cleanup(p.Forget)
			if err := p.PrintReceipt(context.Background(), testReceipt(), nil); err != nil {
				t.Fatal(err)
			}
			want, err := escpos.Receipt(testReceipt(), tc.want, nil)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			s.Close()
			jobs, err := s.WaitJobs(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			var got []byte
			for _, j := range s.Jobs() {
				got = append(got, j.Data...)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("printed %d bytes (%d jobs), want the receipt laid out for %s (%d bytes)", len(got), len(jobs), tc.want, len(want))
			}
			if p.Guessed() != tc.guessed || p.Profile().Columns != tc.want.Columns {
				t.Errorf("Guessed %t, profile %s; want %t, %s", p.Guessed(), p.Profile(), tc.guessed, tc.want)
			}
		})
	}
}
