package sim

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/creack/pty"
)

// printerPTY is the serial side of a simulated printer: a pty whose slave
// a stable symlink points at. The simulator keeps its own slave descriptor
// open, so the master never sees EIO between the client's jobs.
type printerPTY struct {
	link string

	mu            sync.Mutex
	master, slave *os.File
	closed        bool
	done          chan struct{}
}

// NewPrinterPTY serves a simulated serial printer on a pty behind the
// symlink link; open it with go.bug.st/serial (serial://LINK) like a real
// /dev/ttyS0. A pty has no baud rate: bytes arrive as fast as written.
func NewPrinterPTY(link string, cfg PrinterConfig) (*PrinterSim, error) {
	s, err := newPrinterSim(cfg, "pty")
	if err != nil {
		return nil, err
	}
	s.pty = &printerPTY{link: link, done: make(chan struct{})}
	s.addr = link
	if err := s.pty.plug(); err != nil {
		return nil, err
	}
	s.wg.Add(1)
	go s.servePTY()
	return s, nil
}

func (p *printerPTY) plug() error {
	master, slave, err := pty.Open()
	if err != nil {
		return fmt.Errorf("printer sim: open pty: %w", err)
	}
	if err := rawMode(slave, "printer sim"); err != nil {
		master.Close()
		slave.Close()
		return err
	}
	polled, err := pollable(master)
	if err != nil {
		master.Close()
		slave.Close()
		return fmt.Errorf("printer sim: pty: %w", err)
	}
	master = polled
	if err := relink(slave.Name(), p.link, "printer sim"); err != nil {
		master.Close()
		slave.Close()
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		master.Close()
		slave.Close()
		return errPrinterClosed
	}
	p.master, p.slave = master, slave
	return nil
}

// errPrinterClosed stops a replug racing with Close.
var errPrinterClosed = errors.New("printer sim: closed")

// unplug closes the pty: the client's next write or read fails, as when a
// cable is pulled.
func (p *printerPTY) unplug() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.master != nil {
		p.master.Close()
		p.slave.Close()
		p.master, p.slave = nil, nil
	}
}

// close stops the simulator's reader: it wakes it, and the reader takes
// what the client wrote before, then ends (release then drops the pty).
func (p *printerPTY) close() error {
	p.mu.Lock()
	p.closed = true
	if p.master != nil {
		p.master.SetReadDeadline(time.Now())
	}
	p.mu.Unlock()
	close(p.done)
	return nil
}

// release drops the pty and its link, once the reader has ended.
func (p *printerPTY) release() {
	p.unplug()
	os.Remove(p.link)
}

// setDeadline sets the master's read deadline to t, or to now once the
// simulator is closing, so a closing reader never blocks again.
func (p *printerPTY) setDeadline(master *os.File, t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		t = time.Now()
	}
	master.SetReadDeadline(t)
}

// closing reports whether close was called.
func (p *printerPTY) closing() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// drain reads what is left in master for a moment (the end of a job the
// client wrote just before the simulator closed) into ps, and ends its job.
func (p *printerPTY) drain(master *os.File, ps *printerSession, buf []byte) {
	for {
		master.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		n, err := master.Read(buf)
		if n > 0 {
			ps.feed(buf[:n])
		}
		if err != nil {
			break
		}
	}
	ps.finish(false, false)
}

func (p *printerPTY) current() *os.File {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.master
}

// servePTY reads the master until the simulator closes. A drop fault
// unplugs the pty and plugs a new one behind the same link.
func (s *PrinterSim) servePTY() {
	defer s.wg.Done()
	buf := make([]byte, 4096)
	for {
		master := s.pty.current()
		if master == nil {
			return
		}
		ps := &printerSession{s: s, w: deadlineWriter{master}}
		for {
			if d := s.faultsNow().Slow; d > 0 {
				time.Sleep(d)
			}
			if s.faultsNow().NeverPrints {
				select {
				case <-s.pty.done:
					return
				case <-time.After(20 * time.Millisecond):
				}
				continue
			}
			// A serial printer sees no end of connection between jobs: a
			// job without a cut (a printer without cutter) ends after
			// JobIdle without a byte, not in the next job.
			var idle time.Time
			if ps.content {
				idle = time.Now().Add(JobIdle)
			}
			s.pty.setDeadline(master, idle)
			n, err := master.Read(buf)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				if n > 0 {
					ps.feed(buf[:n])
				}
				if s.pty.closing() {
					s.pty.drain(master, ps, buf)
					return
				}
				if n == 0 {
					ps.finish(false, false)
				}
				continue
			}
			if n > 0 && ps.feed(buf[:n]) {
				s.pty.unplug()
				select {
				case <-s.pty.done:
					return
				default:
				}
				if err := s.pty.plug(); err != nil {
					if !errors.Is(err, errPrinterClosed) {
						s.logf("replug: %v", err)
					}
					return
				}
				break
			}
			if err != nil {
				ps.finish(false, false)
				select {
				case <-s.pty.done:
					return
				default:
				}
				if errors.Is(err, os.ErrClosed) {
					return
				}
				// EIO without a slave open: wait for the next client
				time.Sleep(10 * time.Millisecond)
			}
		}
	}
}

// deadlineWriter gives each status answer a second to leave: with nobody
// reading the slave, a full queue must not block the simulator forever.
type deadlineWriter struct{ f *os.File }

func (w deadlineWriter) Write(p []byte) (int, error) {
	w.f.SetWriteDeadline(time.Now().Add(time.Second))
	return w.f.Write(p)
}
