package scanner

import (
	"time"
	"unicode/utf8"
)

// Key is a non-character key a keyboard-wedge scanner presses.
type Key int

// Keys a wedge scanner ends a code with.
const (
	KeyEnter Key = iota + 1
	KeyTab
)

// Wedge frames the input of a keyboard-wedge (HID) scanner, which types each
// code into the focused entry followed by Enter or Tab. The UI forwards the
// entry's typed runes and keys; the same Framer rules apply as on a serial
// port, so a code typed too slowly (a person, not a scanner) is refused as
// partial, an overlong one as too long, and any non-ASCII rune (a keyboard
// layout or input method in the way) makes the frame garbage.
//
// A wedge has no bytes on a wire, only keys: Enter and Tab both end a code,
// whatever Terminator the configuration names, because a scanner set to
// either suffix is common and a person's stray Tab only moves the focus.
// With TermNone (a scanner that presses no key after a code) frames end by
// the idle timeout, and a key press ends the pending frame at once. Typed
// '\r', '\n' and '\t' runes count as the keys.
//
// A Wedge is not safe for concurrent use; call it from the UI goroutine.
type Wedge struct {
	f    *Framer
	none bool
}

// NewWedge returns a Wedge framing with cfg.
func NewWedge(cfg Config) *Wedge {
	none := cfg.Terminator == TermNone
	if !none {
		cfg.Terminator = TermCR
	}
	return &Wedge{f: NewFramer(cfg), none: none}
}

// TypeRune takes one typed character and returns the frames it completes.
func (w *Wedge) TypeRune(r rune, now time.Time) []Frame {
	switch r {
	case '\r', '\n':
		return w.TypeKey(KeyEnter, now)
	case '\t':
		return w.TypeKey(KeyTab, now)
	}
	var b [utf8.UTFMax]byte
	n := utf8.EncodeRune(b[:], r)
	return w.f.Feed(b[:n], now)
}

// TypeString types each rune of s, as a toolkit that delivers a whole
// paste or key burst at once does, and returns the frames completed.
func (w *Wedge) TypeString(s string, now time.Time) []Frame {
	var out []Frame
	for _, r := range s {
		out = append(out, w.TypeRune(r, now)...)
	}
	return out
}

// TypeKey takes a key press and returns the frames it completes.
func (w *Wedge) TypeKey(k Key, now time.Time) []Frame {
	if k != KeyEnter && k != KeyTab {
		return w.f.Tick(now)
	}
	if w.none {
		out := w.f.Tick(now)
		if _, pending := w.f.Deadline(); pending {
			out = w.f.Flush(out)
		}
		return out
	}
	return w.f.Feed([]byte{'\r'}, now)
}

// Tick ends a frame left pending for longer than the idle timeout; call it
// from a timer while Deadline reports one pending.
func (w *Wedge) Tick(now time.Time) []Frame { return w.f.Tick(now) }

// Deadline returns when the pending frame is due for Tick, and false when
// nothing is pending.
func (w *Wedge) Deadline() (time.Time, bool) { return w.f.Deadline() }
