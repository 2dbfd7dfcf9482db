package scanner

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
)

// t0 is the fake clock's origin; steps give times as offsets from it.
var t0 = time.Date(2020, 9, 1, 10, 0, 0, 0, time.UTC)

func ms(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }

// step is one read: bytes arriving at a fake time (ms after t0).
type step struct {
	at int
	b  string
}

// want is one expected frame: its text, its raw bytes and its error code.
type want struct {
	text, raw, code string
}

// run feeds steps to a framer and ticks it at tick ms, returning what came out.
func run(cfg Config, steps []step, tick int) []Frame {
	f := NewFramer(cfg)
	var out []Frame
	for _, s := range steps {
		out = append(out, f.Feed([]byte(s.b), ms(s.at))...)
	}
	return append(out, f.Tick(ms(tick))...)
}

func check(t *testing.T, got []Frame, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("got %d frames %v, want %d %v", len(got), got, len(wants), wants)
	}
	for i, w := range wants {
		g := got[i]
		if g.Text != w.text || !bytes.Equal(g.Raw, []byte(w.raw)) || pos.ErrorCode(g.Err) != w.code {
			t.Errorf("frame %d: got text %q raw %q code %q (%v), want text %q raw %q code %q",
				i, g.Text, g.Raw, pos.ErrorCode(g.Err), g.Err, w.text, w.raw, w.code)
		}
		if g.Err != nil && g.Text != "" {
			t.Errorf("frame %d: refused frame carries text %q", i, g.Text)
		}
	}
}

func TestFramer(t *testing.T) {
	const (
		partial = pos.EPARTIALSCAN
		long    = pos.ESCANTOOLONG
		unknown = pos.EUNKNOWNSCAN
	)
	cr := Config{}
	tests := []struct {
		name  string
		cfg   Config
		steps []step
		tick  int
		want  []want
	}{
		{"cr", cr, []step{{0, "6937777001005\r"}}, 1000, []want{{"6937777001005", "6937777001005\r", ""}}},
		{"cr split over reads", cr, []step{{0, "693"}, {10, "7777"}, {20, "001005"}, {30, "\r"}}, 1000,
			[]want{{"6937777001005", "6937777001005\r", ""}}},
		{"crlf", Config{Terminator: TermCRLF}, []step{{0, "96385074\r\n"}}, 1000, []want{{"96385074", "96385074\r\n", ""}}},
		{"crlf split between cr and lf", Config{Terminator: TermCRLF}, []step{{0, "96385074\r"}, {5, "\n"}}, 1000,
			[]want{{"96385074", "96385074\r\n", ""}}},
		{"lf", Config{Terminator: TermLF}, []step{{0, "ABC\n"}}, 1000, []want{{"ABC", "ABC\n", ""}}},
		{"lf setting accepts crlf", Config{Terminator: TermLF}, []step{{0, "ABC\r\n"}}, 1000, []want{{"ABC", "ABC\r\n", ""}}},
		{"tab", Config{Terminator: TermTAB}, []step{{0, "ABC\t"}}, 1000, []want{{"ABC", "ABC\t", ""}}},
		{"cr setting, scanner sends crlf", cr, []step{{0, "AB\r\nCD\r\n"}}, 1000,
			[]want{{"AB", "AB\r", ""}, {"CD", "CD\r", ""}}},
		{"none ends by idle", Config{Terminator: TermNone}, []step{{0, "ABC"}, {40, "DEF"}}, 91,
			[]want{{"ABCDEF", "ABCDEF", ""}}},
		{"none not yet idle", Config{Terminator: TermNone}, []step{{0, "ABC"}}, 50, nil},
		{"none two scans apart", Config{Terminator: TermNone}, []step{{0, "ABC"}, {200, "DEF"}}, 400,
			[]want{{"ABC", "ABC", ""}, {"DEF", "DEF", ""}}},
		{"two scans in one read", cr, []step{{0, "AAA\rBBB\r"}}, 1000, []want{{"AAA", "AAA\r", ""}, {"BBB", "BBB\r", ""}}},
		{"pause 120 ms inside a scan is one scan", cr, []step{{0, "123"}, {120, "456\r"}}, 5000,
			[]want{{"123456", "123456\r", ""}}},
		{"idle is not used with a terminator", Config{Idle: 20 * time.Millisecond}, []step{{0, "12"}, {300, "34"}, {900, "56\r"}}, 5000,
			[]want{{"123456", "123456\r", ""}}},
		{"partial then good", cr, []step{{0, "123"}, {1100, "456\r"}}, 5000,
			[]want{{"", "123", partial}, {"456", "456\r", ""}}},
		{"partial at tick", cr, []step{{0, "123"}}, 1001, []want{{"", "123", partial}}},
		{"not partial before term wait", cr, []step{{0, "123"}}, 1000, nil},
		{"term wait configurable", Config{TermWait: 200 * time.Millisecond}, []step{{0, "123"}}, 201, []want{{"", "123", partial}}},
		{"gap exactly term wait is not partial", cr, []step{{0, "123"}, {1000, "4\r"}}, 5000, []want{{"1234", "1234\r", ""}}},
		{"none idle per port", Config{Terminator: TermNone, Idle: 150 * time.Millisecond}, []step{{0, "ABC"}, {120, "DEF"}}, 271,
			[]want{{"ABCDEF", "ABCDEF", ""}}},
		{"stx etx stripped", cr, []step{{0, "\x026937777001005\x03\r"}}, 5000,
			[]want{{"6937777001005", "\x026937777001005\x03\r", ""}}},
		{"stx etx with none", Config{Terminator: TermNone}, []step{{0, "\x02AB\x03"}}, 100,
			[]want{{"AB", "\x02AB\x03", ""}}},
		{"lone stx is garbage", cr, []step{{0, "\x02AB\r"}}, 5000, []want{{"", "\x02AB\r", unknown}}},
		{"overlong", Config{MaxLen: 4}, []step{{0, "123456789\rOK\r"}}, 1000,
			[]want{{"", "12345", long}, {"OK", "OK\r", ""}}},
		{"max length fits", Config{MaxLen: 4}, []step{{0, "1234\r"}}, 1000, []want{{"1234", "1234\r", ""}}},
		{"overlong tail over reads", Config{MaxLen: 2}, []step{{0, "123"}, {10, "45"}, {20, "6\rOK\r"}}, 1000,
			[]want{{"", "123", long}, {"OK", "OK\r", ""}}},
		{"overlong with none ends by idle", Config{Terminator: TermNone, MaxLen: 2}, []step{{0, "12345"}, {200, "AB"}}, 400,
			[]want{{"", "123", long}, {"AB", "AB", ""}}},
		{"aim prefix stripped", Config{AIMPrefix: true}, []step{{0, "]Q19901\r"}}, 1000, []want{{"9901", "]Q19901\r", ""}}},
		{"aim off keeps prefix", cr, []step{{0, "]Q19901\r"}}, 1000, []want{{"]Q19901", "]Q19901\r", ""}}},
		{"aim on, code without one", Config{AIMPrefix: true}, []step{{0, "9901\r"}}, 1000, []want{{"9901", "9901\r", ""}}},
		{"aim only is no scan", Config{AIMPrefix: true}, []step{{0, "]Q1\r"}}, 1000, nil},
		{"blank lines ignored", cr, []step{{0, "\r\r\n\rX\r"}}, 1000, []want{{"X", "X\r", ""}}},
		{"control byte is garbage", cr, []step{{0, "12\x0034\r"}}, 1000, []want{{"", "12\x0034\r", unknown}}},
		{"utf-8 is garbage", cr, []step{{0, "扶贫\r"}}, 1000, []want{{"", "扶贫\r", unknown}}},
		{"gbk is garbage", cr, []step{{0, "\xb7\xf6\xc6\xb6\r"}}, 1000, []want{{"", "\xb7\xf6\xc6\xb6\r", unknown}}},
		{"lf inside cr frame is garbage", cr, []step{{0, "12\n34\r"}}, 1000, []want{{"", "12\n34\r", unknown}}},
		{"double read dropped", cr, []step{{0, "A\r"}, {40, "A\r"}, {120, "A\r"}}, 5000,
			[]want{{"A", "A\r", ""}}},
		// Issue 10 defect 1: the window ran from the last dropped read, so
		// a run of scans 0.7 s apart (three boxes of one product) became one.
		{"same product scanned again kept", cr, []step{{0, "A\r"}, {700, "A\r"}, {1400, "A\r"}, {2100, "A\r"}, {2800, "A\r"}}, 5000,
			[]want{{"A", "A\r", ""}, {"A", "A\r", ""}, {"A", "A\r", ""}, {"A", "A\r", ""}, {"A", "A\r", ""}}},
		{"double read window does not slide", cr, []step{{0, "A\r"}, {200, "A\r"}, {300, "A\r"}, {400, "A\r"}}, 5000,
			[]want{{"A", "A\r", ""}, {"A", "A\r", ""}}},
		{"duplicate after window kept", cr, []step{{0, "A\r"}, {250, "A\r"}}, 5000,
			[]want{{"A", "A\r", ""}, {"A", "A\r", ""}}},
		{"different code between", cr, []step{{0, "A\r"}, {100, "B\r"}, {200, "A\r"}}, 5000,
			[]want{{"A", "A\r", ""}, {"B", "B\r", ""}, {"A", "A\r", ""}}},
		{"dedup off", Config{DedupWindow: -1}, []step{{0, "A\rA\r"}}, 5000, []want{{"A", "A\r", ""}, {"A", "A\r", ""}}},
		{"refused frames not deduplicated", Config{MaxLen: 1}, []step{{0, "AB\rAB\r"}}, 5000,
			[]want{{"", "AB", long}, {"", "AB", long}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, run(tt.cfg, tt.steps, tt.tick), tt.want) })
	}
}

func TestFramerEveryByte(t *testing.T) {
	for _, term := range []Terminator{TermCR, TermCRLF, TermLF, TermTAB} {
		var sent []byte
		for c := 0; c < 256; c++ {
			if !bytes.ContainsRune(term.Bytes(), rune(c)) {
				sent = append(sent, byte(c))
			}
		}
		f := NewFramer(Config{Terminator: term})
		got := f.Feed(append(append([]byte(nil), sent...), term.Bytes()...), t0)
		if len(got) != 1 || !bytes.Equal(got[0].Raw, append(sent, term.Bytes()...)) || pos.ErrorCode(got[0].Err) != pos.EUNKNOWNSCAN {
			t.Errorf("%v: got %v", term, got)
		}
	}
}

func TestFramerDeadline(t *testing.T) {
	f := NewFramer(Config{TermWait: 20 * time.Millisecond, Idle: time.Hour})
	if _, ok := f.Deadline(); ok {
		t.Fatal("deadline with nothing pending")
	}
	f.Feed([]byte("12"), ms(5))
	if d, ok := f.Deadline(); !ok || !d.Equal(ms(25)) {
		t.Fatalf("deadline %v %v, want %v", d, ok, ms(25))
	}
	if got := f.Tick(ms(25)); got != nil {
		t.Fatalf("tick at the deadline ended the frame: %v", got)
	}
	got := f.Tick(ms(26))
	check(t, got, []want{{"", "12", pos.EPARTIALSCAN}})
	if !got[0].At.Equal(ms(5)) {
		t.Errorf("partial frame At %v, want its last byte's time %v", got[0].At, ms(5))
	}
	if _, ok := f.Deadline(); ok {
		t.Fatal("deadline after the frame ended")
	}
	// With TermNone the deadline is Idle's.
	f = NewFramer(Config{Terminator: TermNone, Idle: 80 * time.Millisecond, TermWait: time.Hour})
	f.Feed([]byte("12"), ms(5))
	if d, ok := f.Deadline(); !ok || !d.Equal(ms(85)) {
		t.Fatalf("none: deadline %v %v, want %v", d, ok, ms(85))
	}
	check(t, f.Tick(ms(86)), []want{{"12", "12", ""}})
}

func TestFramerFlush(t *testing.T) {
	f := NewFramer(Config{})
	f.Feed([]byte("99"), t0)
	check(t, f.Flush(nil), []want{{"", "99", pos.EPARTIALSCAN}})
	check(t, f.Flush(nil), nil)
}

func TestFramerAt(t *testing.T) {
	got := run(Config{}, []step{{0, "12"}, {7, "3\r"}}, 1000)
	if len(got) != 1 || !got[0].At.Equal(ms(7)) {
		t.Fatalf("At %v, want the terminator's time %v", got, ms(7))
	}
}

func TestRefusalHints(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		steps []step
		hint  string
	}{
		{"utf-8", Config{}, []step{{0, "扶贫\r"}}, "UTF-8"},
		{"gbk", Config{}, []step{{0, "\xb7\xf6\xc6\xb6\r"}}, "GBK"},
		{"noise", Config{}, []step{{0, "\x80\x80\r"}}, "baud rate"},
		{"line ending inside", Config{}, []step{{0, "12\n34\r"}}, "terminator"},
		{"lf setting, cr sent", Config{Terminator: TermLF}, []step{{0, "1234\r"}}, "ends with CR"},
		{"cr setting, tab sent", Config{}, []step{{0, "1234\t"}}, "ends with TAB"},
		{"stx etx, no terminator", Config{}, []step{{0, "\x021234\x03"}}, "ends with ETX (STX … ETX framing): set term=none"},
		{"stx, terminator before etx", Config{}, []step{{0, "\x021234\r"}}, "STX/ETX framing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(tt.cfg, tt.steps, 5000)
			if len(got) != 1 || got[0].Err == nil || !strings.Contains(got[0].Err.Error(), tt.hint) {
				t.Fatalf("got %v, want a refusal mentioning %q", got, tt.hint)
			}
		})
	}
}
