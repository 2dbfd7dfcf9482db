package printer

import (
	"bytes"
	"time"
)

// Pacing of raster jobs on slow serial lines. A printer without flow
// control drops bytes when they come faster than it takes them; raster
// images (GS v 0) are the long jobs that do it. Such a job is written in
// PaceChunk-byte pieces with a pause after each, so the line carries them
// at PaceShare of its speed and the printer has slack to catch up.
const (
	PaceChunk    = 128   // bytes written at once
	PaceShare    = 0.8   // of the line speed used on average
	PaceMaxBaud  = 19200 // faster lines are not paced
	rasterPrefix = "\x1dv0"
)

// pacer writes a job in paced pieces. sleep is time.Sleep, or a fake in
// tests.
type pacer struct {
	baud  int
	chunk int
	sleep func(time.Duration)
}

// gap is the pause after a piece of n bytes: its time on the line
// (ten bits a byte, 8N1) stretched to PaceShare of the line speed.
func (pc pacer) gap(n int) time.Duration {
	wire := float64(n) * 10 / float64(pc.baud)
	return time.Duration(wire / PaceShare * float64(time.Second))
}

// duration is how long a paced job of n bytes takes, for its deadline.
func (pc pacer) duration(n int) time.Duration {
	var d time.Duration
	for n > 0 {
		k := min(n, pc.chunk)
		d += pc.gap(k)
		n -= k
	}
	return d
}

// write sends b through w piece by piece, pausing after each piece.
func (pc pacer) write(w func([]byte) (int, error), b []byte) error {
	for len(b) > 0 {
		k := min(len(b), pc.chunk)
		piece := b[:k]
		for len(piece) > 0 {
			n, err := w(piece)
			if err != nil {
				return err
			}
			piece = piece[n:]
		}
		b = b[k:]
		pc.sleep(pc.gap(k))
	}
	return nil
}

// paced reports whether a job of data goes paced over this configuration:
// a serial line at PaceMaxBaud or slower, without RTS/CTS or XON/XOFF in
// effect (flowOK), carrying a raster image.
func (c Config) paced(data []byte, flowOK bool) bool {
	return c.Scheme == SchemeSerial && c.Baud <= PaceMaxBaud && !flowOK && bytes.Contains(data, []byte(rasterPrefix))
}
