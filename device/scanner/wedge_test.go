package scanner

import (
	"testing"
	"time"

	"fupinpos/pos"
)

// typed is a wedge input: runes typed 2 ms apart, then a key.
type typed struct {
	text string
	key  Key
}

func TestWedge(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		input []typed
		gap   time.Duration // between runes
		want  []want
	}{
		{"enter", Config{}, []typed{{"6937777001005", KeyEnter}}, 2 * time.Millisecond,
			[]want{{"6937777001005", "6937777001005\r", ""}}},
		{"tab", Config{}, []typed{{"96385074", KeyTab}}, 2 * time.Millisecond, []want{{"96385074", "96385074\r", ""}}},
		{"enter with tab setting", Config{Terminator: TermTAB}, []typed{{"96385074", KeyEnter}}, 2 * time.Millisecond,
			[]want{{"96385074", "96385074\r", ""}}},
		{"enter with crlf setting", Config{Terminator: TermCRLF}, []typed{{"96385074", KeyEnter}}, 2 * time.Millisecond,
			[]want{{"96385074", "96385074\r", ""}}},
		{"typed newline rune", Config{}, []typed{{"96385074\n", 0}}, 2 * time.Millisecond, []want{{"96385074", "96385074\r", ""}}},
		{"none ended by key", Config{Terminator: TermNone}, []typed{{"96385074", KeyEnter}}, 2 * time.Millisecond,
			[]want{{"96385074", "96385074", ""}}},
		{"person typing is partial", Config{}, []typed{{"9638", KeyEnter}}, 300 * time.Millisecond,
			[]want{{"", "9", pos.EPARTIALSCAN}, {"", "6", pos.EPARTIALSCAN}, {"", "3", pos.EPARTIALSCAN}, {"", "8", pos.EPARTIALSCAN}}},
		{"input method in the way", Config{}, []typed{{"扶贫", KeyEnter}}, 2 * time.Millisecond,
			[]want{{"", "扶贫\r", pos.EUNKNOWNSCAN}}},
		{"two codes", Config{}, []typed{{"AB", KeyEnter}, {"CD", KeyTab}}, 2 * time.Millisecond,
			[]want{{"AB", "AB\r", ""}, {"CD", "CD\r", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWedge(tt.cfg)
			now := t0
			var got []Frame
			for _, in := range tt.input {
				for _, r := range in.text {
					got = append(got, w.TypeRune(r, now)...)
					now = now.Add(tt.gap)
				}
				if in.key != 0 {
					got = append(got, w.TypeKey(in.key, now)...)
				}
				now = now.Add(tt.gap)
			}
			got = append(got, w.Tick(now.Add(time.Hour))...)
			check(t, got, tt.want)
		})
	}
}

func TestWedgeTypeString(t *testing.T) {
	w := NewWedge(Config{})
	check(t, w.TypeString("AB\rCD\t", t0), []want{{"AB", "AB\r", ""}, {"CD", "CD\r", ""}})
	if _, ok := w.Deadline(); ok {
		t.Fatal("pending frame after complete codes")
	}
}
