package printer

import (
	"time"

	"go.bug.st/serial"
)

// serialLink is an RS-232 or USB virtual COM port. Modem lines are never
// touched (ptys and some adapters refuse them); the write deadline comes
// from writeAsync, since go.bug.st/serial has none for writes.
//
// go.bug.st/serial v1.8.0 has no flow control in its Mode and clears
// CRTSCTS, IXON and IXOFF when it opens a port; the URI's flow control is
// set on the open line afterwards (setFlow: rtscts=1 and xonxoff=1 on
// Linux, all three on Windows; ParseURI refuses what the platform cannot
// set). When no flow control is in effect, raster jobs are paced.
type serialLink struct {
	p      serial.Port
	cfg    Config
	flowOK bool // RTS/CTS or XON/XOFF is in effect on the line
	sleep  func(time.Duration)
}

func openSerial(cfg Config) (link, error) {
	p, err := serial.Open(cfg.Address, &serial.Mode{BaudRate: cfg.Baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit})
	if err != nil {
		return nil, err
	}
	if err := p.ResetInputBuffer(); err != nil {
		p.Close()
		return nil, err
	}
	l := &serialLink{p: p, cfg: cfg, sleep: time.Sleep}
	if cfg.RTSCTS || cfg.XonXoff || cfg.DSRDTR {
		l.flowOK = setFlow(p, cfg) == nil
	}
	return l, nil
}

// jobTime is how long data takes on this line, paced or not.
func (l *serialLink) jobTime(data []byte) time.Duration {
	if l.cfg.paced(data, l.flowOK) {
		return l.pacer().duration(len(data))
	}
	return l.cfg.wireTime(len(data))
}

func (l *serialLink) pacer() pacer { return pacer{baud: l.cfg.Baud, chunk: PaceChunk, sleep: l.sleep} }

func (l *serialLink) write(b []byte, deadline time.Time) error {
	paced := l.cfg.paced(b, l.flowOK)
	return writeAsync(func() error {
		if paced {
			return l.pacer().write(l.p.Write, b)
		}
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
