package printer

import (
	"errors"
	"os"
	"strings"
	"time"
)

// fileLink is a USB line printer device (/dev/usb/lp0) or, for tests and
// the demo, a plain file the bytes are appended to. A missing /dev path is
// an unplugged printer, never created as a file.
type fileLink struct {
	f      *os.File
	answer bool
}

func openFile(cfg Config) (link, error) {
	flags := os.O_WRONLY | os.O_APPEND
	if cfg.Status {
		flags = os.O_RDWR
	}
	if !strings.HasPrefix(cfg.Address, "/dev/") {
		flags |= os.O_CREATE
	}
	f, err := os.OpenFile(cfg.Address, flags, 0o644)
	if err != nil {
		return nil, err
	}
	return &fileLink{f: f, answer: cfg.Status}, nil
}

func (l *fileLink) write(p []byte, deadline time.Time) error {
	if err := l.f.SetWriteDeadline(deadline); err == nil {
		_, err := l.f.Write(p)
		return err
	}
	return writeAsync(func() error { _, err := l.f.Write(p); return err }, deadline, func() { l.f.Close() })
}

func (l *fileLink) read(p []byte, deadline time.Time) (int, error) {
	if err := l.f.SetReadDeadline(deadline); err != nil {
		// not pollable: a blocking read could hang the counter
		return 0, errNoAnswer
	}
	n, err := l.f.Read(p)
	if n > 0 {
		return n, nil
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return 0, errNoAnswer
	}
	return 0, err
}

func (l *fileLink) canAnswer() bool { return l.answer }

func (l *fileLink) drain() {}

func (l *fileLink) close() error { return l.f.Close() }
