package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"
)

type tcpListener = net.Listener

// simRecvBuffer is the simulated printer's socket receive buffer (the
// kernel doubles it and keeps a floor).
const simRecvBuffer = 2048

// NewPrinterTCP serves a simulated network printer on addr (such as
// "127.0.0.1:9100", or "127.0.0.1:0" for any free port; Addr tells which).
// Each connection is a stream of jobs, as with a real port-9100 printer.
func NewPrinterTCP(addr string, cfg PrinterConfig) (*PrinterSim, error) {
	s, err := newPrinterSim(cfg, "tcp")
	if err != nil {
		return nil, err
	}
	// A small receive buffer, as a printer has: a printer that takes no
	// bytes (NeverPrints) soon leaves the client's bytes unacknowledged.
	lc := net.ListenConfig{Control: func(network, address string, c syscall.RawConn) error {
		var serr error
		if err := c.Control(func(fd uintptr) { serr = setRecvBuffer(fd, simRecvBuffer) }); err != nil {
			return err
		}
		return serr
	}}
	ln, err := lc.Listen(context.Background(), "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("printer sim: %w", err)
	}
	s.ln, s.addr = ln, ln.Addr().String()
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

func (s *PrinterSim) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				s.logf("accept: %v", err)
			}
			return
		}
		s.wg.Add(1)
		go s.serveTCP(c)
	}
}

// serveTCP reads one connection until it ends; a job left without a cut is
// recorded as it stands.
func (s *PrinterSim) serveTCP(c net.Conn) {
	defer s.wg.Done()
	defer c.Close()
	ps := &printerSession{s: s, w: tcpAnswer{c}}
	buf := make([]byte, 4096)
	for {
		if s.faultsNow().NeverPrints {
			// hold the connection without reading, until it closes or
			// the fault is lifted
			if s.isClosed() {
				return
			}
			time.Sleep(20 * time.Millisecond)
			continue
		}
		if d := s.faultsNow().Slow; d > 0 {
			time.Sleep(d)
		}
		if s.isClosed() {
			// take what the client sent before the simulator closed
			c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
			for {
				n, err := c.Read(buf)
				if n > 0 && ps.feed(buf[:n]) {
					return
				}
				if err != nil {
					break
				}
			}
			ps.finish(false, false)
			return
		}
		c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		n, err := c.Read(buf)
		if n > 0 && ps.feed(buf[:n]) {
			return
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			ps.finish(false, false)
			return
		}
	}
}

func (s *PrinterSim) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// tcpAnswer gives each status answer a second to leave.
type tcpAnswer struct{ c net.Conn }

func (w tcpAnswer) Write(p []byte) (int, error) {
	w.c.SetWriteDeadline(time.Now().Add(time.Second))
	return w.c.Write(p)
}
