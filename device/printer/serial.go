package printer

import (
	"time"

	"go.bug.st/serial"
)

// serialLink is an RS-232 or USB virtual COM port. Modem lines are never
// touched (ptys and some adapters refuse them); the write deadline comes
// from writeAsync, since go.bug.st/serial has none for writes.
type serialLink struct{ p serial.Port }

func openSerial(cfg Config) (link, error) {
	p, err := serial.Open(cfg.Address, &serial.Mode{BaudRate: cfg.Baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit})
	if err != nil {
		return nil, err
	}
	if err := p.ResetInputBuffer(); err != nil {
		p.Close()
		return nil, err
	}
	return &serialLink{p: p}, nil
}

func (l *serialLink) write(b []byte, deadline time.Time) error {
	return writeAsync(func() error {
		for len(b) > 0 {
			n, err := l.p.Write(b)
			if err != nil {
				return err
			}
			b = b[n:]
		}
		return nil
	}, deadline, func() {
		// a write blocked on a full output queue wakes when it is flushed
		l.p.ResetOutputBuffer()
		l.p.Close()
	})
}

func (l *serialLink) read(b []byte, deadline time.Time) (int, error) {
	for {
		d := time.Until(deadline)
		if d <= 0 {
			return 0, errNoAnswer
		}
		if err := l.p.SetReadTimeout(d); err != nil {
			return 0, err
		}
		n, err := l.p.Read(b)
		if n > 0 || err != nil {
			return n, err
		}
	}
}

func (l *serialLink) canAnswer() bool { return true }

func (l *serialLink) drain() { l.p.ResetInputBuffer() }

func (l *serialLink) close() error { return l.p.Close() }
