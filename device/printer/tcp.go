package printer

import (
	"context"
	"errors"
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
	_, err := l.c.Write(p)
	return err
}

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
