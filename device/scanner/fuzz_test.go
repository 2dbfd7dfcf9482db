package scanner

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"fupinpos/pos"
)

// FuzzFramer feeds arbitrary bytes, cut into reads of arbitrary sizes at
// arbitrary times, and checks what every frame must satisfy: no panic, an
// accepted frame is printable ASCII within MaxLen and comes whole from the
// input, a refused one carries a scan code and no text, and with all bytes
// at one instant the cut into reads changes nothing.
func FuzzFramer(f *testing.F) {
	f.Add([]byte("6937777001005\r96385074\r"), []byte{3, 0, 200}, uint8(0), uint16(0), false)
	f.Add([]byte("]Q19901234\r\n99\r\n"), []byte{1, 1, 1}, uint8(1), uint16(8), true)
	f.Add([]byte("abc\x00\xff\xb7\xf6扶贫\tx\t"), []byte{255, 7}, uint8(3), uint16(4), false)
	f.Add([]byte("1234567890"), []byte{0x85, 0x10}, uint8(4), uint16(5), false)
	f.Add([]byte("\r\n\r\n\n\r"), []byte{}, uint8(2), uint16(1), true)
	f.Fuzz(func(t *testing.T, data, cuts []byte, term uint8, maxLen uint16, aim bool) {
		cfg := Config{Terminator: Terminator(term % 5), MaxLen: int(maxLen % 600), AIMPrefix: aim, Idle: 50 * time.Millisecond}
		fr := NewFramer(cfg)
		maxL := fr.Config().MaxLen
		// Each cut byte: low 4 bits + 1 = read size, high 4 bits × 10 ms = gap before it.
		var got []Frame
		now := t0
		rest := data
		for i := 0; len(rest) > 0; i++ {
			n, gap := len(rest), 0
			if i < len(cuts) {
				n, gap = min(int(cuts[i]&0x0f)+1, len(rest)), int(cuts[i]>>4)*10
			}
			now = now.Add(time.Duration(gap) * time.Millisecond)
			got = append(got, fr.Feed(rest[:n], now)...)
			rest = rest[n:]
		}
		got = append(got, fr.Tick(now.Add(time.Hour))...)
		for _, g := range got {
			if !bytes.Contains(data, g.Raw) || len(g.Raw) == 0 {
				t.Fatalf("raw % x is not a run of the input", g.Raw)
			}
			if g.Err != nil {
				switch pos.ErrorCode(g.Err) {
				case pos.EPARTIALSCAN, pos.ESCANTOOLONG, pos.EUNKNOWNSCAN:
				default:
					t.Fatalf("refusal code %v", g.Err)
				}
				if g.Text != "" {
					t.Fatalf("refused frame with text %q", g.Text)
				}
				continue
			}
			if g.Text == "" || len(g.Text) > maxL || firstUnprintable([]byte(g.Text)) >= 0 || !bytes.Contains(g.Raw, []byte(g.Text)) {
				t.Fatalf("accepted frame %q from % x", g.Text, g.Raw)
			}
			if cfg.Terminator != TermNone && !bytes.HasSuffix(g.Raw, cfg.Terminator.Bytes()[len(cfg.Terminator.Bytes())-1:]) {
				t.Fatalf("accepted frame % x without its terminator", g.Raw)
			}
		}
		// All at one instant: the cut into reads must not matter.
		whole := NewFramer(cfg).Feed(data, t0)
		var split []Frame
		one := NewFramer(cfg)
		for i := range data {
			split = append(split, one.Feed(data[i:i+1], t0)...)
		}
		if !reflect.DeepEqual(whole, split) {
			t.Fatalf("one read gives %v, byte by byte %v", whole, split)
		}
	})
}
