package printer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

// tcpLink is a raw TCP connection to port 9100, opened per job: network
// printers drop idle connections, and one connection per job means a
// printer restarted between sales needs nothing special.
type tcpLink struct{ c net.Conn }

func dialTCP(ctx context.Context, cfg Config) (link, error) {
	d := net.Dialer{Timeout: cfg.Timeout}
	c, err := d.DialContext(ctx, "tcp", cfg.Address)
	if err != nil {
		return nil, err
	}
	return &tcpLink{c: c}, nil
}

func (l *tcpLink) write(p []byte, deadline time.Time) error {
	if err := l.c.SetWriteDeadline(deadline); err != nil {
		return err
	}
	n, err := l.c.Write(p)
	if err != nil {
		return fmt.Errorf("printer took %d of %d bytes: %w", n, len(p), err)
	}
	return l.acked(len(p), deadline)
}

// acked waits until the printer has acknowledged every byte sent (the
// socket's send queue is empty) or deadline. Write returns once the bytes
// are in the local send buffer, so without this a printer that accepts a
// connection but never takes a byte looks like one that printed. Where the
// platform cannot tell (unsentBytes fails), the bytes count as taken.
func (l *tcpLink) acked(n int, deadline time.Time) error {
	for {
		q, err := unsentBytes(l.c)
		if err != nil || q == 0 {
			return nil
		}
		if !time.Now().Before(deadline) {
			return fmt.Errorf("%w: printer took %d of the last %d bytes sent", errNotTaken, max(n-q, 0), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// errNotTaken is a TCP printer that did not acknowledge the bytes in time.
var errNotTaken = errors.New("printer accepted the connection but not the bytes")

func (l *tcpLink) read(p []byte, deadline time.Time) (int, error) {
	if err := l.c.SetReadDeadline(deadline); err != nil {
		return 0, err
	}
	n, err := l.c.Read(p)
	if n > 0 {
		return n, nil
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return 0, errNoAnswer
	}
	return 0, err
}

func (l *tcpLink) canAnswer() bool { return true }

func (l *tcpLink) drain() {
	var buf [256]byte
	for {
		if n, err := l.read(buf[:], time.Now().Add(time.Millisecond)); n == 0 || err != nil {
			return
		}
	}
}

func (l *tcpLink) close() error { return l.c.Close() }
