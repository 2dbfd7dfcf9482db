package sim

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/creack/pty"

	"fupinpos/device/scanner"
)

// ScannerSim is a serial scanner on a pseudo-terminal. The code under test
// opens the slave side by path with go.bug.st/serial, exactly as it opens a
// real /dev/ttyUSB0; the simulator writes scans into the master side, paced
// at the configured baud rate because a pty itself has none. The path is a
// stable symlink that follows the pty across Unplug and Replug, as a
// /dev/serial/by-id link follows a real scanner.
//
// Methods are safe for concurrent use; Unplug during a Scan cuts it short.
type ScannerSim struct {
	link string
	baud int
	term scanner.Terminator

	mu     sync.Mutex
	pause  time.Duration // inside every scan, see SetPause
	master *os.File
	slave  *os.File
	tty    string
}

// NewScannerSim creates a pty, puts it in raw mode and points link at it.
// baud paces writes (0 writes at full speed); term is what Scan appends.
// An existing symlink at link is replaced; any other file there is an error.
func NewScannerSim(link string, baud int, term scanner.Terminator) (*ScannerSim, error) {
	if baud < 0 {
		return nil, fmt.Errorf("scanner sim: baud %d: must not be negative", baud)
	}
	if term < scanner.TermCR || term > scanner.TermNone {
		return nil, fmt.Errorf("scanner sim: invalid terminator %v", term)
	}
	s := &ScannerSim{link: link, baud: baud, term: term}
	if err := s.plug(); err != nil {
		return nil, err
	}
	return s, nil
}

// Path returns the symlink the reader should open.
func (s *ScannerSim) Path() string { return s.link }

// TTY returns the pty slave the symlink currently points at (/dev/pts/N),
// or "" while unplugged.
func (s *ScannerSim) TTY() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tty
}

func (s *ScannerSim) plug() error {
	master, slave, err := pty.Open()
	if err != nil {
		return fmt.Errorf("scanner sim: open pty: %w", err)
	}
	if err := rawMode(slave, "scanner sim"); err != nil {
		master.Close()
		slave.Close()
		return err
	}
	tty := slave.Name()
	if err := relink(tty, s.link, "scanner sim"); err != nil {
		master.Close()
		slave.Close()
		return err
	}
	s.mu.Lock()
	s.master, s.slave, s.tty = master, slave, tty
	s.mu.Unlock()
	return nil
}

// ErrScannerUnplugged is returned by writes while the simulated scanner is
// unplugged.
var ErrScannerUnplugged = errors.New("scanner sim: unplugged")

// NoneGap is how long Scan stays quiet after a scan when the terminator is
// TermNone: such a scanner's codes are told apart only by the pause
// between them, which must exceed the reader's idle timeout (by default
// scanner.DefaultIdle).
const NoneGap = 3 * scanner.DefaultIdle

// Scan sends text followed by the terminator, paced at the baud rate (with
// the pause SetPause gave halfway through). With TermNone it then waits
// NoneGap, as a real scanner cannot scan again sooner, so that consecutive
// scans stay separate frames.
func (s *ScannerSim) Scan(text string) error {
	s.mu.Lock()
	pause := s.pause
	s.mu.Unlock()
	return s.ScanPaused(text, pause)
}

// SetPause makes every later Scan stop for d halfway through its code (0:
// no pause), as Bluetooth, 2.4 GHz and wireless-base scanners do when
// their radio link stalls: 100 ms and more inside one scan.
func (s *ScannerSim) SetPause(d time.Duration) {
	s.mu.Lock()
	s.pause = max(d, 0)
	s.mu.Unlock()
}

// ScanPaused sends text and the terminator like Scan, stopping for pause
// after the first half of text (no pause if pause ≤ 0 or text is shorter
// than two bytes).
func (s *ScannerSim) ScanPaused(text string, pause time.Duration) error {
	b := append([]byte(text), s.term.Bytes()...)
	if half := len(text) / 2; pause > 0 && half > 0 {
		if err := s.WriteRaw(b[:half]); err != nil {
			return err
		}
		time.Sleep(pause)
		b = b[half:]
	}
	if err := s.WriteRaw(b); err != nil {
		return err
	}
	if s.term == scanner.TermNone {
		time.Sleep(NoneGap)
	}
	return nil
}

// Baud returns the rate writes are paced at (0: full speed).
func (s *ScannerSim) Baud() int { return s.baud }

// Terminator returns what Scan appends to each code.
func (s *ScannerSim) Terminator() scanner.Terminator { return s.term }

// ByteTime returns how long one byte takes on the simulated line: ten bit
// times (8N1), or 0 at full speed.
func (s *ScannerSim) ByteTime() time.Duration {
	if s.baud == 0 {
		return 0
	}
	return time.Duration(10 * float64(time.Second) / float64(s.baud))
}

// WriteRaw sends b exactly as given, paced at the baud rate: one byte takes
// ten bit times (8N1). Bytes go out in chunks of about a millisecond's worth
// (one byte at a time up to 9600 baud), each at its due time measured from
// the start, so sleep overshoot never accumulates.
func (s *ScannerSim) WriteRaw(b []byte) error {
	if s.baud == 0 {
		return s.write(b)
	}
	bytesPerSec := float64(s.baud) / 10
	chunk := max(1, int(bytesPerSec/1000))
	start := time.Now()
	for i := 0; i < len(b); i += chunk {
		due := start.Add(time.Duration(float64(i) / bytesPerSec * float64(time.Second)))
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		if err := s.write(b[i:min(i+chunk, len(b))]); err != nil {
			return err
		}
	}
	return nil
}

// write sends b to the master without holding the lock, so that Unplug can
// close the pty under a write blocked on a full buffer (nobody reading).
func (s *ScannerSim) write(b []byte) error {
	s.mu.Lock()
	master, tty := s.master, s.tty
	s.mu.Unlock()
	if master == nil {
		return ErrScannerUnplugged
	}
	if _, err := master.Write(b); err != nil {
		if errors.Is(err, os.ErrClosed) {
			return ErrScannerUnplugged
		}
		return fmt.Errorf("scanner sim: write %s: %w", tty, err)
	}
	return nil
}

// Pending returns how many written bytes wait unread in the pty: a test
// waits for it to fall to 0 to know the reader has taken everything, or for
// it to reach a count to know bytes have arrived (a pty moves written bytes
// to the reading side asynchronously).
func (s *ScannerSim) Pending() (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.slave == nil {
		return 0, ErrScannerUnplugged
	}
	n, err := pendingBytes(s.slave)
	if err != nil {
		return 0, fmt.Errorf("scanner sim: pending bytes of %s: %w", s.tty, err)
	}
	return n, nil
}

// Unplug closes the pty and removes the symlink: to the reader it looks like
// a USB scanner pulled out (its reads fail, the path is gone).
func (s *ScannerSim) Unplug() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.master == nil {
		return nil
	}
	// The link goes first, so that once the reader sees the port fail it
	// never finds the path still pointing at the dying pty.
	var err error
	if rerr := os.Remove(s.link); rerr != nil && !os.IsNotExist(rerr) {
		err = rerr
	}
	err = errors.Join(err, s.master.Close(), s.slave.Close())
	s.master, s.slave, s.tty = nil, nil, ""
	return err
}

// Replug plugs the scanner back in: a new pty, the symlink pointed at it.
func (s *ScannerSim) Replug() error {
	if err := s.Unplug(); err != nil {
		return err
	}
	return s.plug()
}

// Close unplugs the scanner for good.
func (s *ScannerSim) Close() error { return s.Unplug() }
