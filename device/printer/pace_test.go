package printer

import (
	"testing"
	"time"

	"fupinpos/device/sim"
)

// TestPacer checks the pacing arithmetic with a fake sleep: every piece is
// written whole and in order, and each pause stretches the piece's time
// on the line (ten bits a byte) to PaceShare of the line speed.
func TestPacer(t *testing.T) {
	tests := []struct {
		baud, chunk, n int
		gaps           []time.Duration
	}{
		// 128 bytes at 9600 baud: 133.33 ms on the line, 166.67 ms paced
		{9600, 128, 300, []time.Duration{166666666, 166666666, 57291666}},
		{19200, 100, 100, []time.Duration{65104166}},
		{9600, 128, 0, nil},
	}
	for _, tc := range tests {
		var slept []time.Duration
		var got []byte
		var writes []int
		pc := pacer{baud: tc.baud, chunk: tc.chunk, sleep: func(d time.Duration) { slept = append(slept, d) }}
		data := make([]byte, tc.n)
		for i := range data {
			data[i] = byte(i)
		}
		err := pc.write(func(b []byte) (int, error) {
			k := min(len(b), 50) // a port that takes 50 bytes at a time
			got = append(got, b[:k]...)
			writes = append(writes, k)
			return k, nil
		}, data)
		if err != nil || string(got) != string(data) {
			t.Fatalf("%+v: wrote %d of %d bytes: %v", tc, len(got), tc.n, err)
		}
		if len(slept) != len(tc.gaps) {
			t.Fatalf("%+v: slept %v, want %v", tc, slept, tc.gaps)
		}
		var total time.Duration
		for i, d := range slept {
			if diff := d - tc.gaps[i]; diff < -time.Microsecond || diff > time.Microsecond {
				t.Errorf("%+v: pause %d = %s, want %s", tc, i, d, tc.gaps[i])
			}
			total += d
		}
		if dur := pc.duration(tc.n); dur != total {
			t.Errorf("%+v: duration %s, slept %s", tc, dur, total)
		}
	}
}

// TestPaced says which jobs are paced: raster jobs on serial lines of
// 19200 baud or less without flow control in effect.
func TestPaced(t *testing.T) {
	raster := []byte("\x1b@\x1dv0\x00\x01\x00\x01\x00\xff\n")
	text := []byte("\x1b@hello\n")
	tests := []struct {
		uri    string
		flowOK bool
		data   []byte
		want   bool
	}{
		{"serial:///dev/ttyS0?baud=9600", false, raster, true},
		{"serial:///dev/ttyS0?baud=19200", false, raster, true},
		{"serial:///dev/ttyS0?baud=9600", false, text, false},
		{"serial:///dev/ttyS0?baud=9600&rtscts=1", true, raster, false},
		{"serial:///dev/ttyS0?baud=9600&xonxoff=1", false, raster, true}, // flow asked, not in effect: paced
		{"serial:///dev/ttyS0?baud=38400", false, raster, false},
		{"tcp://printer:9100", false, raster, false},
	}
	for _, tc := range tests {
		c, err := ParseURI(tc.uri)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.paced(tc.data, tc.flowOK); got != tc.want {
			t.Errorf("%s (flow %t): paced %t, want %t", tc.uri, tc.flowOK, got, tc.want)
		}
	}
}

// TestSerialFlow opens the pty simulator with rtscts=1 and xonxoff=1 and
// reads back the line's termios: go.bug.st/serial clears both at open,
// setFlow sets them again.
func TestSerialFlow(t *testing.T) {
	s := simulator(t, "pty", sim.PrinterConfig{})
	for _, tc := range []struct {
		opt             string
		rtscts, xonxoff bool
	}{
		{"", false, false},
		{"&xonxoff=1", false, true},
		{"&rtscts=1&xonxoff=1", true, true},
	} {
		c, err := ParseURI(s.URI() + tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		l, err := openSerial(c)
		if err != nil {
			t.Fatal(err)
		}
		sl := l.(*serialLink)
		rts, xon, err := flowOf(sl.p)
		l.close()
		if err != nil || rts != tc.rtscts || xon != tc.xonxoff || sl.flowOK != (tc.rtscts || tc.xonxoff) {
			t.Errorf("%s: rtscts %t xonxoff %t flowOK %t, %v", tc.opt, rts, xon, sl.flowOK, err)
		}
	}
}
