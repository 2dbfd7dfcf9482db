package scanner

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fupinpos/pos"
)

// Key is a non-character key a keyboard-wedge scanner (or a person) presses.
type Key int

// Keys the wedge framer knows.
const (
	KeyEnter Key = iota + 1 // Return or keypad Enter
	KeyTab
	KeyOther // any other key (a function key, Esc): drops what is pending
	// KeyUnnamed is a key the toolkit gives no name: on X11, the Linefeed a
	// scanner set to an LF suffix types. It ends a scan-speed burst as
	// Enter does and is ignored while a person types.
	KeyUnnamed
)

// Burst is what a Wedge makes of a run of typed characters ended by Enter
// (or Tab, or silence when the scanner sends no suffix key).
//
// A scanner types a whole code in one fast burst; a person types slowly.
// Scan bursts have Typed false and their text in Frame.Text; a burst too
// slow to be a scanner has Typed true: the UI treats it as a code typed by
// hand (manual entry, which needs a manager), never as a scan. A refused
// burst has Frame.Err set and empty Text.
type Burst struct {
	Frame
	// Typed is true when the keys came from a person, not a scanner.
	Typed bool
	// Median is the median gap between the burst's keys (its Enter
	// included), the figure it was judged by.
	Median time.Duration
}

type stamped struct {
	r  rune
	at time.Time
}

// Wedge frames the input of a keyboard-wedge (HID) scanner, which types each
// code as key presses followed by Enter or Tab, and tells it from a person
// typing at the same keyboard.
//
// Fyne delivers key events in batches about 16.7 ms apart, so single gaps
// mean little: a burst is judged as a whole by the median gap between its
// keys. A scanner's median is at most ~17 ms as the UI sees it, a person's
// at least ~60 ms; WedgeConfig.Gap (35 ms) lies between. A few longer
// pauses (up to WedgeConfig.Pause, from a busy UI thread) do not break a
// scan. A gap longer than Pause starts a new segment: the keys before it
// are stray (a key knocked before a scan) and are dropped when the new
// segment is a scan. A configured Prefix (e.g. "]Q1") marks a burst as a
// scan when its timing is doubtful, and is stripped.
//
// Pending keys are forgotten after WedgeConfig.Forget without a key. With
// Term "none" a fast burst ends by Pause of silence; call Tick from a timer
// while Deadline reports one pending.
//
// A Wedge is not safe for concurrent use; call it from the UI goroutine.
type Wedge struct {
	cfg   WedgeConfig
	keys  []stamped // the segment in progress
	typed []stamped // earlier slow segments (a person typing)
	over  bool      // the segment passed MaxLen: refused at its end
}

// NewWedge returns a Wedge with cfg (zero fields take the defaults).
func NewWedge(cfg WedgeConfig) *Wedge {
	return &Wedge{cfg: cfg.withDefaults()}
}

// Config returns the wedge's settings with defaults applied.
func (w *Wedge) Config() WedgeConfig { return w.cfg }

// Pending reports whether keys are waiting for their Enter.
func (w *Wedge) Pending() bool { return len(w.keys) > 0 || len(w.typed) > 0 }

// Reset drops every pending key.
func (w *Wedge) Reset() { w.keys, w.typed, w.over = w.keys[:0], nil, false }

// TypeRune takes one typed character at now and returns the bursts it
// completes ('\r' and '\n' count as Enter, '\t' as Tab).
func (w *Wedge) TypeRune(r rune, now time.Time) []Burst {
	switch r {
	case '\r', '\n':
		return w.TypeKey(KeyEnter, now)
	case '\t':
		return w.TypeKey(KeyTab, now)
	}
	out := w.Tick(now)
	if n := len(w.keys); n > 0 && now.Sub(w.keys[n-1].at) > w.cfg.Pause {
		out = w.endSegment(out)
	}
	if len(w.keys) >= w.cfg.MaxLen {
		w.over = true
		return out
	}
	w.keys = append(w.keys, stamped{r, now})
	return out
}

// TypeString types each rune of s at now (a toolkit that delivers a paste
// or a key batch at once) and returns the bursts completed.
func (w *Wedge) TypeString(s string, now time.Time) []Burst {
	var out []Burst
	for _, r := range s {
		out = append(out, w.TypeRune(r, now)...)
	}
	return out
}

// TypeKey takes a key press at now and returns the bursts it completes.
// Enter and Tab end the pending burst; any other key drops it.
func (w *Wedge) TypeKey(k Key, now time.Time) []Burst {
	out := w.Tick(now)
	if k == KeyUnnamed {
		if !w.scanPending() {
			return out
		}
		k = KeyEnter
	}
	if k != KeyEnter && k != KeyTab {
		w.Reset()
		return out
	}
	if len(w.keys) == 0 && len(w.typed) == 0 {
		return out
	}
	keys := w.keys
	if n := len(keys); n > 0 && now.Sub(keys[n-1].at) > w.cfg.Pause {
		// Enter after a long pause: the segment was typed by a person (a
		// scanner presses its Enter at once).
		w.typed = append(w.typed, keys...)
		keys = nil
	}
	var b Burst
	if len(keys) > 0 {
		keys = w.trimStray(keys)
		b = w.judge(keys, now, true)
	}
	if len(keys) == 0 || b.Typed {
		// A person typing: everything they typed counts, pauses and all.
		all := append(append([]stamped(nil), w.typed...), keys...)
		b = w.judge(all, now, true)
		b.Typed = true
		b.Text, b.AIM = strings.TrimPrefix(runesOf(all), w.cfg.Prefix), ""
		if b.Err != nil || b.Text == "" {
			b.Text = ""
		}
	}
	over := w.over
	w.Reset()
	if over {
		return append(out, Burst{Frame: Frame{Raw: []byte(runesOf(keys)), At: now, Err: tooLongError(w.cfg.MaxLen)}})
	}
	if b.Text == "" && b.Err == nil {
		return out
	}
	return append(out, b)
}

// Tick ends what is pending once time has run out: keys left for Forget
// are dropped, and with Term "none" a fast segment silent for Pause is a
// scan. Call it from a timer while Deadline reports one pending.
func (w *Wedge) Tick(now time.Time) []Burst {
	last, ok := w.lastAt()
	if !ok {
		return nil
	}
	if now.Sub(last) > w.cfg.Forget {
		// A scan-speed burst whose Enter never came is a scan lost unless
		// said: the scanner's suffix is not Enter (set it, or term=none).
		var out []Burst
		if w.scanPending() || (w.over && len(w.keys) > 0) {
			raw := []byte(runesOf(w.keys))
			err := pos.Errorf(pos.EPARTIALSCAN, "keyboard scan of %d characters refused: no Enter within %v of its last key (set the scanner's suffix to Enter, or the wedge setting to term=none)", len(raw), w.cfg.Forget).
				Say("wedge_no_enter", "n", strconv.Itoa(len(raw)), "wait", w.cfg.Forget.String())
			out = []Burst{{Frame: Frame{Raw: raw, At: last, Err: err}}}
		}
		w.Reset()
		return out
	}
	if w.cfg.Term == "none" && len(w.keys) > 0 && now.Sub(last) > w.cfg.Pause {
		b := w.judge(w.keys, last, false)
		over := w.over
		if !b.Typed {
			w.Reset()
			if over {
				return []Burst{{Frame: Frame{At: last, Err: tooLongError(w.cfg.MaxLen)}}}
			}
			return []Burst{b}
		}
	}
	return nil
}

// Deadline returns when Tick has something to do, and false when nothing
// is pending.
func (w *Wedge) Deadline() (time.Time, bool) {
	last, ok := w.lastAt()
	if !ok {
		return time.Time{}, false
	}
	if w.cfg.Term == "none" && len(w.keys) > 0 {
		return last.Add(w.cfg.Pause + time.Millisecond), true
	}
	return last.Add(w.cfg.Forget + time.Millisecond), true
}

// scanPending reports whether the keys in progress are a scan waiting for
// its end: fast enough for a scanner and at least MinLen long.
func (w *Wedge) scanPending() bool {
	n := len(w.keys)
	return n > 0 && n >= w.cfg.MinLen && !w.judge(w.keys, w.keys[n-1].at, false).Typed
}

func (w *Wedge) lastAt() (time.Time, bool) {
	if n := len(w.keys); n > 0 {
		return w.keys[n-1].at, true
	}
	if n := len(w.typed); n > 0 {
		return w.typed[n-1].at, true
	}
	return time.Time{}, false
}

// endSegment closes the segment in progress at a pause longer than Pause:
// a slow one is kept as typing, a fast one without its Enter is a partial
// scan (refused), a lone key is stray and dropped.
func (w *Wedge) endSegment(out []Burst) []Burst {
	keys := w.keys
	w.keys = nil
	over := w.over
	w.over = false
	switch {
	case len(keys) < 2:
		// A lone key followed by a pause: stray if a scan follows, the
		// start of a person's typing if Enter ends slow keys.
		w.typed = append(w.typed, keys...)
	case over:
		out = append(out, Burst{Frame: Frame{Raw: []byte(runesOf(keys)), At: keys[len(keys)-1].at, Err: tooLongError(w.cfg.MaxLen)}})
	default:
		b := w.judge(keys, keys[len(keys)-1].at, false)
		if b.Typed {
			w.typed = append(w.typed, keys...)
		} else if w.cfg.Term == "none" {
			w.typed = nil
			out = append(out, b)
		} else {
			w.typed = nil
			raw := []byte(runesOf(keys))
			out = append(out, Burst{Frame: Frame{Raw: raw, At: keys[len(keys)-1].at,
				Err: partialError(raw, TermCR, w.cfg.Pause)}, Median: b.Median})
		}
	}
	return out
}

// trimStray drops keys before the start of a fast burst: the text before
// the configured prefix, or one leading key followed by a gap longer than
// twice Gap when the rest is fast.
func (w *Wedge) trimStray(keys []stamped) []stamped {
	if p := w.cfg.Prefix; p != "" {
		text := runesOf(keys)
		if i := strings.LastIndex(text, p); i > 0 {
			return keys[utf8.RuneCountInString(text[:i]):]
		}
	}
	if len(keys) > 2 && keys[1].at.Sub(keys[0].at) > 2*w.cfg.Gap {
		rest := keys[1:]
		gaps := make([]time.Duration, 0, len(rest))
		for i := 1; i < len(rest); i++ {
			gaps = append(gaps, rest[i].at.Sub(rest[i-1].at))
		}
		if median(gaps) <= w.cfg.Gap && len(rest) >= w.cfg.MinLen {
			return rest
		}
	}
	return keys
}

// judge classifies keys ended at end (by Enter when withEnter).
func (w *Wedge) judge(keys []stamped, end time.Time, withEnter bool) Burst {
	gaps := make([]time.Duration, 0, len(keys))
	for i := 1; i < len(keys); i++ {
		gaps = append(gaps, keys[i].at.Sub(keys[i-1].at))
	}
	if withEnter && len(keys) > 0 {
		gaps = append(gaps, end.Sub(keys[len(keys)-1].at))
	}
	med := median(gaps)
	text := runesOf(keys)
	prefixed := w.cfg.Prefix != "" && strings.HasPrefix(text, w.cfg.Prefix)
	scan := len(gaps) > 0 && med <= w.cfg.Gap && utf8.RuneCountInString(text) >= w.cfg.MinLen
	if !scan && prefixed && med <= w.cfg.Pause {
		scan = true // doubtful timing, settled by the scanner's prefix
	}
	b := Burst{Frame: Frame{Raw: append([]byte(text), '\r'), At: end}, Median: med, Typed: !scan}
	if prefixed {
		b.AIM, text = w.cfg.Prefix, text[len(w.cfg.Prefix):]
	}
	if w.cfg.Suffix != "" && !b.Typed {
		text = strings.TrimSuffix(text, w.cfg.Suffix)
	}
	if i := firstUnprintable([]byte(text)); i >= 0 {
		b.Err = garbageError([]byte(text), i)
		return b
	}
	b.Text = text
	return b
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func runesOf(keys []stamped) string {
	var sb strings.Builder
	for _, k := range keys {
		sb.WriteRune(k.r)
	}
	return sb.String()
}

// ErrTyped is the reason a burst typed by a person is not taken as a scan.
var ErrTyped = pos.Errorf(pos.EUNKNOWNSCAN, "typed by hand, not scanned")
