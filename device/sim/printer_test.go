package sim

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.bug.st/serial"

	"fupinpos/device/escpos"
)

func receiptBytes(t *testing.T, text string) []byte {
	t.Helper()
	w := escpos.NewWriter(escpos.Paper58)
	w.Init()
	w.Line(text)
	w.Line("合计 ￥12.00")
	w.QR("FPR1:"+text, escpos.ECMedium)
	w.Cut()
	b, err := w.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func waitJobs(t *testing.T, s *PrinterSim, n int) []PrinterJob {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	jobs, err := s.WaitJobs(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

// TestPrinterTCPJobs sends two receipts and status queries on one TCP
// connection and checks the simulator splits them at the cut, answers
// the queries, and writes a PNG and a text file per receipt.
func TestPrinterTCPJobs(t *testing.T) {
	dir := t.TempDir()
	s, err := NewPrinterTCP("127.0.0.1:0", PrinterConfig{Profile: escpos.Paper58, OutDir: dir, Status: PrinterStatus{PaperNearEnd: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	data := append(receiptBytes(t, "第一张 first"), escpos.StatusQuery(4)...)
	data = append(data, receiptBytes(t, "第二张 second")...)
	if _, err := c.Write(data); err != nil {
		t.Fatal(err)
	}
	ans := make([]byte, 1)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(ans); err != nil || ans[0] != 0x12|escpos.StatusBitNearEnd {
		t.Fatalf("DLE EOT 4 answered % X, %v", ans, err)
	}
	jobs := waitJobs(t, s, 2)
	for i, want := range []string{"第一张 first", "第二张 second"} {
		j := jobs[i]
		if !j.Cut || j.Doc.Lines[0] != want || len(j.Doc.QRs) != 1 || j.Doc.QRs[0] != "FPR1:"+want {
			t.Errorf("job %d: cut=%t lines %q QRs %q", i+1, j.Cut, j.Doc.Lines, j.Doc.QRs)
		}
		f, err := os.Open(j.PNG)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil || img.Bounds().Dx() != escpos.Paper58.Dots {
			t.Errorf("job %d PNG: %v", i+1, err)
		}
		txt, err := os.ReadFile(j.TXT)
		if err != nil || !strings.Contains(string(txt), want) {
			t.Errorf("job %d text %q: %v", i+1, txt, err)
		}
		if bytes.Contains(j.Data, escpos.StatusQuery(4)) {
			t.Errorf("job %d keeps the status query in its bytes", i+1)
		}
	}
	if got, _ := filepath.Glob(filepath.Join(dir, "receipt-*")); len(got) != 4 {
		t.Errorf("files %v, want 2 PNG and 2 txt", got)
	}
}

// TestPrinterStatusAnswers checks each configured status gives the bytes
// an Epson-compatible printer sends.
func TestPrinterStatusAnswers(t *testing.T) {
	tests := []struct {
		st         PrinterStatus
		n1, n2, n4 byte
	}{
		{PrinterStatus{}, 0x12, 0x12, 0x12},
		{PrinterStatus{PaperNearEnd: true}, 0x12, 0x12, 0x1E},
		{PrinterStatus{PaperOut: true}, 0x1A, 0x32, 0x72},
		{PrinterStatus{CoverOpen: true}, 0x1A, 0x16, 0x12},
		{PrinterStatus{Offline: true}, 0x1A, 0x12, 0x12},
		{PrinterStatus{Error: true}, 0x1A, 0x52, 0x12},
	}
	s, err := NewPrinterTCP("127.0.0.1:0", PrinterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, tc := range tests {
		s.SetStatus(tc.st)
		c.Write([]byte{escpos.DLE, escpos.EOT, 1, escpos.DLE, escpos.EOT, 2, escpos.DLE, escpos.EOT, 4})
		got := make([]byte, 3)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatal(err)
		}
		if want := []byte{tc.n1, tc.n2, tc.n4}; !bytes.Equal(got, want) {
			t.Errorf("%+v: % X, want % X", tc.st, got, want)
		}
	}
}

// TestPrinterPTY prints through a real go.bug.st/serial port on the pty,
// runs the paper out after a few lines, drops the connection mid-job and
// checks a new pty comes up behind the same path.
func TestPrinterPTY(t *testing.T) {
	link := filepath.Join(t.TempDir(), "ttyPRN")
	s, err := NewPrinterPTY(link, PrinterConfig{Profile: escpos.Paper58})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	open := func() serial.Port {
		p, err := serial.Open(link, &serial.Mode{BaudRate: 9600})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := open()
	if _, err := p.Write(receiptBytes(t, "串口 serial")); err != nil {
		t.Fatal(err)
	}
	jobs := waitJobs(t, s, 1)
	if jobs[0].Doc.Lines[0] != "串口 serial" || !jobs[0].Cut {
		t.Errorf("job 1: %q", jobs[0].Doc.Lines)
	}

	s.SetFaults(PrinterFaults{PaperOutAfter: 1})
	p.Write(receiptBytes(t, "一行 one line"))
	jobs = waitJobs(t, s, 2)
	if !jobs[1].PaperOut || len(jobs[1].Doc.Lines) != 1 || !s.Status().PaperOut {
		t.Errorf("job 2: paper out %t, lines %q", jobs[1].PaperOut, jobs[1].Doc.Lines)
	}
	s.SetStatus(PrinterStatus{})

	before, _ := os.Readlink(link)
	s.SetFaults(PrinterFaults{DropAfter: 10})
	p.Write(receiptBytes(t, "断线 dropped"))
	jobs = waitJobs(t, s, 3)
	if !jobs[2].Dropped || jobs[2].Cut {
		t.Errorf("job 3: dropped %t cut %t", jobs[2].Dropped, jobs[2].Cut)
	}
	p.Close()
	s.SetFaults(PrinterFaults{})
	// The job is reported as dropped before the new pty is behind the link:
	// wait for the link to name a new, live device, as a reopening port
	// would (the old link may still stand for a moment).
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if now, err := os.Readlink(link); err == nil && now != before {
			if _, err := os.Stat(link); err == nil {
				break
			}
		}
	}
	p = open()
	defer p.Close()
	if _, err := p.Write(receiptBytes(t, "重连 replugged")); err != nil {
		t.Fatal(err)
	}
	jobs = waitJobs(t, s, 4)
	if jobs[3].Doc.Lines[0] != "重连 replugged" {
		t.Errorf("job 4 after replug: %q", jobs[3].Doc.Lines)
	}
}

// TestPTYJobEndsOnIdle is issue 10 defect 12: on a pty a receipt of a
// printer without cutter (no cut command) is a job of its own once the
// line is idle for JobIdle, not the head of the next job.
func TestPTYJobEndsOnIdle(t *testing.T) {
	xp58, _ := escpos.ProfileByName("xp-58")
	link := filepath.Join(t.TempDir(), "ttyPRN")
	s, err := NewPrinterPTY(link, PrinterConfig{Profile: xp58})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i, text := range []string{"第一张", "第二张"} {
		w := escpos.NewWriter(xp58)
		w.Init()
		w.Line(text)
		w.Feed(3)
		w.Cut() // xp-58 has no cutter: no cut command
		b, err := w.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		p, err := serial.Open(link, &serial.Mode{BaudRate: 9600})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Write(b); err != nil {
			t.Fatal(err)
		}
		p.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		jobs, err := s.WaitJobs(ctx, i+1)
		cancel()
		if err != nil {
			t.Fatalf("receipt %d: %v (jobs %d)", i+1, err, len(s.Jobs()))
		}
		if got := jobs[i].Doc.Text(); !strings.Contains(got, text) || jobs[i].Cut || i > 0 && strings.Contains(got, "第一张") {
			t.Errorf("job %d: cut %t, text %q", i+1, jobs[i].Cut, got)
		}
	}
}
