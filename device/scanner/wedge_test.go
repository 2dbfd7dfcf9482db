package scanner

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
)

// ev is one wedge input: a rune (key 0) or a key, at a time offset.
type ev struct {
	r   rune
	key Key
	at  time.Duration
}

// keys types text from start, each rune gap(i) after the previous, then
// Enter after enterGap; it returns the events and the time of the Enter.
func keys(text string, start time.Duration, gap func(i int) time.Duration, enterGap time.Duration) ([]ev, time.Duration) {
	var out []ev
	t := start
	for i, r := range text {
		if i > 0 {
			t += gap(i)
		}
		out = append(out, ev{r: r, at: t})
	}
	t += enterGap
	return append(out, ev{key: KeyEnter, at: t}), t
}

func every(d time.Duration) func(int) time.Duration { return func(int) time.Duration { return d } }

// fyneBatches is a scanner typing every perKey, as Fyne sees it: keys are
// delivered in 16.7 ms polls, so gaps are 0 or multiples of 16.7 ms, with
// a pause of pause every pauseEvery keys (a busy UI thread).
func fyneBatches(perKey time.Duration, pauseEvery int, pause time.Duration) func(int) time.Duration {
	const poll = 16700 * time.Microsecond
	var real, seen time.Duration
	return func(i int) time.Duration {
		real += perKey
		if pauseEvery > 0 && i%pauseEvery == 0 {
			real += pause
		}
		next := (real + poll - 1) / poll * poll
		g := next - seen
		seen = next
		return g
	}
}

func runWedge(w *Wedge, evs []ev) []Burst {
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	var out []Burst
	for _, e := range evs {
		if e.key != 0 {
			out = append(out, w.TypeKey(e.key, t0.Add(e.at))...)
		} else {
			out = append(out, w.TypeRune(e.r, t0.Add(e.at))...)
		}
	}
	return out
}

func code267() string {
	var sb strings.Builder
	for i := 0; i < 267; i++ {
		sb.WriteByte('0' + byte((i*7+3)%10))
	}
	return sb.String()
}

func TestWedgeClassifiesBursts(t *testing.T) {
	long := code267()
	ean := "6937777001005"
	rng := rand.New(rand.NewPCG(1, 2))
	jitter := func(i int) time.Duration { // 2–15 ms per key, a 100 ms pause every 40 keys
		d := time.Duration(2+rng.IntN(14)) * time.Millisecond
		if i%40 == 0 {
			d = 100 * time.Millisecond
		}
		return d
	}
	person := func(i int) time.Duration { return time.Duration(90+(i*37)%200) * time.Millisecond }
	concat := func(parts ...[]ev) []ev {
		var out []ev
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	scanAt := func(text string, start time.Duration) []ev {
		e, _ := keys(text, start, every(2*time.Millisecond), 2*time.Millisecond)
		return e
	}
	strayThenScan := concat([]ev{{r: '7', at: 0}}, scanAt(ean, 400*time.Millisecond))
	strayClose := concat([]ev{{r: '7', at: 0}}, scanAt(ean, 90*time.Millisecond))
	slowEAN, _ := keys(ean, 0, person, 150*time.Millisecond)
	slowShort, _ := keys("1234", 0, every(300*time.Millisecond), 400*time.Millisecond)
	raw267, _ := keys(long, 0, jitter, 3*time.Millisecond)
	fyne267, _ := keys(long, 0, fyneBatches(3*time.Millisecond, 50, 100*time.Millisecond), 0)
	fyne267slow, _ := keys(long, 0, fyneBatches(15*time.Millisecond, 30, 100*time.Millisecond), 16700*time.Microsecond)
	prefixed, _ := keys("]Q1"+ean, 0, every(45*time.Millisecond), 45*time.Millisecond)
	doubtful, _ := keys(ean, 0, every(45*time.Millisecond), 45*time.Millisecond)
	cut := concat(func() []ev { e, _ := keys(ean, 0, every(2*time.Millisecond), 0); return e[:len(e)-1] }(),
		scanAt("96385074", time.Second))

	tests := []struct {
		name string
		cfg  WedgeConfig
		evs  []ev
		want []string // text of each burst; "typed:" prefix for Typed, "err:CODE" for refused
		aim  string
	}{
		{"ean at 2 ms", WedgeConfig{}, scanAt(ean, 0), []string{ean}, ""},
		{"267 digits at 2-15 ms with 100 ms pauses", WedgeConfig{}, raw267, []string{long}, ""},
		{"267 digits fast in fyne batches", WedgeConfig{}, fyne267, []string{long}, ""},
		{"267 digits at 15 ms in fyne batches", WedgeConfig{}, fyne267slow, []string{long}, ""},
		{"person typing ean", WedgeConfig{}, slowEAN, []string{"typed:" + ean}, ""},
		{"person typing 4 digits at 300 ms", WedgeConfig{}, slowShort, []string{"typed:1234"}, ""},
		{"stray key, pause, scan", WedgeConfig{}, strayThenScan, []string{ean}, ""},
		{"stray key 90 ms before scan", WedgeConfig{}, strayClose, []string{ean}, ""},
		{"doubtful timing without prefix is typing", WedgeConfig{}, doubtful, []string{"typed:" + ean}, ""},
		{"doubtful timing with prefix is a scan", WedgeConfig{Prefix: "]Q1"}, prefixed, []string{ean}, "]Q1"},
		{"scan without enter then another scan", WedgeConfig{}, cut, []string{"err:" + pos.EPARTIALSCAN, "96385074"}, ""},
		{"tab ends a scan", WedgeConfig{}, []ev{{r: '9', at: 0}, {r: '6', at: 1}, {r: '3', at: 2}, {r: '8', at: 3}, {key: KeyTab, at: 4}}, []string{"9638"}, ""},
		{"function key drops pending", WedgeConfig{}, []ev{{r: '9', at: 0}, {r: '6', at: 1}, {key: KeyOther, at: 2}, {key: KeyEnter, at: 3}}, nil, ""},
		{"enter alone", WedgeConfig{}, []ev{{key: KeyEnter, at: 0}}, nil, ""},
		{"forgotten keys", WedgeConfig{}, []ev{{r: '1', at: 0}, {r: '2', at: 200 * time.Millisecond}, {key: KeyEnter, at: 5 * time.Second}}, nil, ""},
		{"non-ascii scan refused", WedgeConfig{}, scanAt("中文条码内容", 0), []string{"err:" + pos.EUNKNOWNSCAN}, ""},
		{"too long", WedgeConfig{MaxLen: 8}, scanAt(ean, 0), []string{"err:" + pos.ESCANTOOLONG}, ""},
		{"suffix stripped", WedgeConfig{Suffix: "#"}, scanAt(ean+"#", 0), []string{ean}, ""},
		{"unnamed key (LF suffix) ends a scan", WedgeConfig{}, append(scanAt(ean, 0)[:13], ev{key: KeyUnnamed, at: 30 * time.Millisecond}), []string{ean}, ""},
		{"unnamed key while a person types is ignored", WedgeConfig{}, concat(slowShort[:4], []ev{{key: KeyUnnamed, at: 1000 * time.Millisecond}, {key: KeyEnter, at: 1300 * time.Millisecond}}), []string{"typed:1234"}, ""},
		{"a scan whose Enter never comes is refused when forgotten", WedgeConfig{}, append(scanAt(ean, 0)[:13], ev{r: '5', at: 4 * time.Second}), []string{"err:" + pos.EPARTIALSCAN}, ""},
		{"a person's keys are forgotten without a word", WedgeConfig{}, concat(slowShort[:4], []ev{{r: '5', at: 5 * time.Second}}), nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := runWedge(NewWedge(tc.cfg), tc.evs)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d bursts %v, want %q", len(got), got, tc.want)
			}
			for i, b := range got {
				var s string
				switch {
				case b.Err != nil:
					s = "err:" + pos.ErrorCode(b.Err)
					if b.Text != "" {
						t.Errorf("refused burst has text %q", b.Text)
					}
				case b.Typed:
					s = "typed:" + b.Text
				default:
					s = b.Text
				}
				if s != tc.want[i] {
					t.Errorf("burst %d = %.40q (median %v), want %.40q", i, s, b.Median, tc.want[i])
				}
				if b.AIM != tc.aim && b.Err == nil {
					t.Errorf("burst %d AIM = %q, want %q", i, b.AIM, tc.aim)
				}
			}
		})
	}
}

// What is pending ends at the wedge's deadline: with term=none a fast
// burst silent for Pause is a scan; with a terminator, a scan whose Enter
// never comes (a scanner without Enter suffix) is refused when its keys are
// forgotten, with the reason, not lost unseen.
func TestWedgeEndsAtDeadline(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  WedgeConfig
		want func(b Burst) bool
	}{
		{"term none: silence ends a scan", WedgeConfig{Term: "none"}, func(b Burst) bool { return b.Text == "96385074" && !b.Typed && b.Err == nil }},
		{"no Enter: refused when forgotten", WedgeConfig{}, func(b Burst) bool {
			return pos.ErrorCode(b.Err) == pos.EPARTIALSCAN && pos.ErrorKey(b.Err) == "wedge_no_enter" && string(b.Raw) == "96385074"
		}},
	} {
		w := NewWedge(tc.cfg)
		t0 := time.Unix(1000, 0)
		for i, r := range "96385074" {
			if got := w.TypeRune(r, t0.Add(time.Duration(i)*2*time.Millisecond)); len(got) != 0 {
				t.Fatalf("%s: burst before the deadline: %v", tc.name, got)
			}
		}
		dl, ok := w.Deadline()
		if !ok {
			t.Fatalf("%s: nothing pending", tc.name)
		}
		if got := w.Tick(dl.Add(-2 * time.Millisecond)); len(got) != 0 {
			t.Fatalf("%s: burst before the deadline: %v", tc.name, got)
		}
		if got := w.Tick(dl); len(got) != 1 || !tc.want(got[0]) {
			t.Errorf("%s: Tick = %v", tc.name, got)
		}
		if w.Pending() {
			t.Errorf("%s: still pending", tc.name)
		}
	}
}

func TestParseWedge(t *testing.T) {
	def := WedgeConfig{}.withDefaults()
	tests := []struct {
		in   string
		want WedgeConfig
		err  bool
	}{
		{"", def, false},
		{"wedge:", def, false},
		{"wedge:?prefix=%5DQ1&gap=35ms&pause=150ms", func() WedgeConfig { c := def; c.Prefix = "]Q1"; return c }(), false},
		{"wedge:?gap=20ms&pause=100ms&forget=2s&minlen=8&maxlen=300&term=none&suffix=%23",
			WedgeConfig{Gap: 20 * time.Millisecond, Pause: 100 * time.Millisecond, Forget: 2 * time.Second, MinLen: 8, MaxLen: 300, Term: "none", Suffix: "#"}, false},
		{"wedge:?gap=abc", WedgeConfig{}, true},
		{"wedge:?gap=200ms", WedgeConfig{}, true},
		{"wedge:?colour=red", WedgeConfig{}, true},
		{"serial:///dev/ttyUSB0", WedgeConfig{}, true},
		{"wedge:?term=tab", WedgeConfig{}, true},
		{"wedge:?minlen=0", WedgeConfig{}, true},
	}
	for _, tc := range tests {
		got, err := ParseWedge(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("ParseWedge(%q) error = %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if err != nil {
			if pos.ErrorCode(err) != pos.EINVALID {
				t.Errorf("ParseWedge(%q) code = %s", tc.in, pos.ErrorCode(err))
			}
			continue
		}
		if got != tc.want {
			t.Errorf("ParseWedge(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
		back, err := ParseWedge(got.String())
		if err != nil || back != got {
			t.Errorf("round trip %q -> %q -> %+v, %v", tc.in, got.String(), back, err)
		}
	}
}
