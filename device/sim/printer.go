package sim

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"fupinpos/device/escpos"
)

// PrinterStatus is the condition the simulated printer reports to DLE EOT.
type PrinterStatus struct {
	Offline      bool
	CoverOpen    bool
	PaperNearEnd bool
	PaperOut     bool
	Error        bool
}

// PrinterFaults are the failures the simulator produces on demand.
type PrinterFaults struct {
	// PaperOutAfter runs the paper out after this many printed lines
	// (counted from when the faults were set; 0: never). Bytes after that
	// are dropped, as a printer stops printing, and the status says paper
	// out until SetStatus reloads it.
	PaperOutAfter int
	// NoAnswer ignores DLE EOT: a printer that takes bytes but never
	// answers (switched to the wrong mode, a one-way cable).
	NoAnswer bool
	// Slow waits this long before each read and each status answer.
	Slow time.Duration
	// NeverPrints accepts the connection (TCP) or the line (pty) but never
	// takes a byte: a printer whose buffer is stuck, or that is busy with
	// something else. Over TCP the simulator's small receive buffer fills
	// and the client's bytes stay unacknowledged.
	NeverPrints bool
	// DropAfter cuts the connection after this many bytes of a job
	// (0: never): a cable pulled or a printer rebooting mid-receipt. In pty
	// mode the pty is closed and a new one put behind the same path.
	DropAfter int
}

// PrinterConfig sets up a printer simulator.
type PrinterConfig struct {
	Profile escpos.Profile // interprets jobs at this width (zero: 80 mm)
	OutDir  string         // where each job's PNG and .txt go ("" : kept in memory only)
	Status  PrinterStatus
	Faults  PrinterFaults
	Log     io.Writer // one line per job and per fault (nil: silent)
	// ModelID is the answer to GS I 1 (printer model id): 0 answers
	// DefaultModelID, -1 does not answer (a printer without GS I).
	ModelID int
}

// JobIdle ends a job on a pty printer that was not ended by a cut: a
// serial line has no end of connection between jobs, so a receipt of a
// printer without cutter ends after this long without a byte.
const JobIdle = time.Second

// DefaultModelID is the simulator's answer to GS I 1 unless configured:
// an id no profile is known by (set ModelID 0x20, Epson TM-T88, to have
// the probe choose a profile).
const DefaultModelID = 0x01

// PrinterJob is one receipt as the simulator printed it: the bytes between
// two cuts (status queries left out), what the interpreter made of them,
// and where its files went.
type PrinterJob struct {
	N        int
	Data     []byte
	Doc      *escpos.Document
	Cut      bool // ended by a cut; false: the connection ended, dropped or the paper ran out first
	PaperOut bool // the paper ran out during the job
	Dropped  bool // the simulator cut the connection during the job
	PNG, TXT string
}

// PrinterSim is an ESC/POS receipt printer on TCP (port 9100 style) or on
// a pty (a serial printer): it feeds what it receives to the escpos
// interpreter, answers DLE EOT with the configured status, produces faults
// on demand and keeps each job, split at cuts, as a PNG and a text file.
type PrinterSim struct {
	cfg  PrinterConfig
	kind string // "tcp" or "pty"
	addr string

	ln  tcpListener
	pty *printerPTY

	mu      sync.Mutex
	status  PrinterStatus
	faults  PrinterFaults
	lines   int // printed since the faults were set
	next    int // number of the last job begun
	jobs    []PrinterJob
	changed chan struct{}
	closed  bool
	wg      sync.WaitGroup // serving goroutines

	render   chan PrinterJob // jobs cut, waiting to be interpreted
	renderWG sync.WaitGroup
}

func newPrinterSim(cfg PrinterConfig, kind string) (*PrinterSim, error) {
	if cfg.Profile.Dots == 0 {
		cfg.Profile = escpos.Paper80
	}
	if err := cfg.Profile.Validate(); err != nil {
		return nil, fmt.Errorf("printer sim: %w", err)
	}
	if cfg.OutDir != "" {
		if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
			return nil, fmt.Errorf("printer sim: %w", err)
		}
	}
	s := &PrinterSim{cfg: cfg, kind: kind, status: cfg.Status, faults: cfg.Faults, changed: make(chan struct{}), render: make(chan PrinterJob, 256)}
	s.renderWG.Add(1)
	go s.renderer()
	return s, nil
}

// Addr returns what the simulator serves: host:port in TCP mode, the
// symlink path in pty mode.
func (s *PrinterSim) Addr() string { return s.addr }

// URI returns the printer URI that reaches the simulator, with its paper.
func (s *PrinterSim) URI() string {
	if s.kind == "pty" {
		return fmt.Sprintf("serial://%s?paper=%s", s.addr, s.cfg.Profile.Name)
	}
	return fmt.Sprintf("tcp://%s?paper=%s", s.addr, s.cfg.Profile.Name)
}

// SetStatus changes what DLE EOT answers. Setting PaperOut false reloads
// the paper.
func (s *PrinterSim) SetStatus(st PrinterStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = st
	if !st.PaperOut {
		s.lines = 0
	}
}

// Status returns the current status.
func (s *PrinterSim) Status() PrinterStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// SetFaults changes the faults and restarts the line count of PaperOutAfter.
func (s *PrinterSim) SetFaults(f PrinterFaults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
	s.lines = 0
}

// Jobs returns the jobs printed so far.
func (s *PrinterSim) Jobs() []PrinterJob {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]PrinterJob(nil), s.jobs...)
}

// WaitJobs waits until n jobs were printed, or ctx ends.
func (s *PrinterSim) WaitJobs(ctx context.Context, n int) ([]PrinterJob, error) {
	for {
		s.mu.Lock()
		if len(s.jobs) >= n {
			jobs := append([]PrinterJob(nil), s.jobs...)
			s.mu.Unlock()
			return jobs, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return s.Jobs(), fmt.Errorf("printer sim: %d of %d jobs: %w", len(s.Jobs()), n, ctx.Err())
		}
	}
}

// Close stops serving and waits for the connections to end.
func (s *PrinterSim) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	if s.pty != nil {
		err = s.pty.close()
	}
	s.wg.Wait()
	if s.pty != nil {
		s.pty.release()
	}
	close(s.render)
	s.renderWG.Wait()
	return err
}

func (s *PrinterSim) logf(format string, args ...any) {
	if s.cfg.Log != nil {
		fmt.Fprintf(s.cfg.Log, "printer sim: "+format+"\n", args...)
	}
}

// answer returns the byte a printer answers to DLE EOT n, or false when
// it does not answer.
func (s *PrinterSim) answer(n byte) (byte, bool) {
	s.mu.Lock()
	st, f := s.status, s.faults
	s.mu.Unlock()
	if f.NoAnswer {
		return 0, false
	}
	if f.Slow > 0 {
		time.Sleep(f.Slow)
	}
	b := byte(escpos.StatusFixedValue)
	switch n {
	case escpos.StatusPrinter:
		if st.Offline || st.CoverOpen || st.PaperOut || st.Error {
			b |= escpos.StatusBitOffline
		}
	case escpos.StatusOffline:
		if st.CoverOpen {
			b |= escpos.StatusBitCoverOpen
		}
		if st.PaperOut {
			b |= escpos.StatusBitPaperStop
		}
		if st.Error {
			b |= escpos.StatusBitError
		}
	case escpos.StatusPaper:
		if st.PaperNearEnd {
			b |= escpos.StatusBitNearEnd
		}
		if st.PaperOut {
			b |= escpos.StatusBitPaperOut
		}
	case escpos.StatusError:
	default:
		return 0, false
	}
	return b, true
}

// modelID returns the answer to GS I n, or false when there is none.
// Only n = 1 (the model id) is answered.
func (s *PrinterSim) modelID(n byte) (byte, bool) {
	if s.faultsNow().NoAnswer || n != 1 && n != '1' || s.cfg.ModelID < 0 {
		return 0, false
	}
	if s.cfg.ModelID == 0 {
		return DefaultModelID, true
	}
	return byte(s.cfg.ModelID), true
}

// printLine counts one printed line against PaperOutAfter.
func (s *PrinterSim) printLine() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lines++
	if s.faults.PaperOutAfter > 0 && s.lines >= s.faults.PaperOutAfter && !s.status.PaperOut {
		s.status.PaperOut = true
		s.logf("paper out after %d lines", s.lines)
	}
}

func (s *PrinterSim) paperOut() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status.PaperOut
}

func (s *PrinterSim) faultsNow() PrinterFaults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}
