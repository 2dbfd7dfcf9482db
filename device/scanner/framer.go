package scanner

import "time"

// Framer cuts the byte stream of one scanner into frames. One Read is never
// one scan (a 270-digit code arrives at 9600 baud in many reads over 0.3 s),
// so frames end at the terminator alone (a pause inside a scan, common with
// wireless scanners, does not cut it), or with TermNone after an idle gap;
// a frame whose terminator never comes is refused after TermWait. It does no I/O and reads no clock:
// the caller passes the time of each call, which makes every rule testable.
//
// A Framer is not safe for concurrent use.
type Framer struct {
	cfg        Config
	buf        []byte    // bytes of the frame in progress, terminator excluded
	last       time.Time // arrival of the latest byte of the frame in progress
	active     bool      // a frame (or a discarded overlong tail) is in progress
	discarding bool

	lastText string
	lastAt   time.Time
	haveLast bool
}

// NewFramer returns a Framer for cfg, with defaults for zero fields.
func NewFramer(cfg Config) *Framer {
	return &Framer{cfg: cfg.withDefaults()}
}

// Config returns the framer's settings with defaults applied.
func (f *Framer) Config() Config { return f.cfg }

// Feed takes the bytes of one read, received at now, and returns the frames
// they complete. A frame left pending for longer than its wait (see Tick) before these
// bytes is ended first.
func (f *Framer) Feed(b []byte, now time.Time) []Frame {
	out := f.Tick(now)
	for _, c := range b {
		out = f.push(c, now, out)
	}
	return out
}

// Tick ends the pending frame if no byte has arrived for longer than its
// wait (Idle with TermNone, TermWait with a terminator). Call it when a
// read times out.
func (f *Framer) Tick(now time.Time) []Frame {
	if f.active && now.Sub(f.last) > f.wait() {
		return f.Flush(nil)
	}
	return nil
}

// wait is how long a pending frame lasts without a byte: Idle frames scans
// with TermNone; with a terminator, TermWait only catches a terminator that
// never comes.
func (f *Framer) wait() time.Duration {
	if f.cfg.Terminator == TermNone {
		return f.cfg.Idle
	}
	return f.cfg.TermWait
}

// Deadline returns when the pending frame will be ended by Tick, and false
// when nothing is pending. A reader uses it as its read timeout.
func (f *Framer) Deadline() (time.Time, bool) {
	if !f.active {
		return time.Time{}, false
	}
	return f.last.Add(f.wait()), true
}

// Flush ends the pending frame now, as the idle timeout would: with a
// terminator configured it is partial and refused. A reader flushes when the
// port goes away mid-scan. Frames are appended to out.
func (f *Framer) Flush(out []Frame) []Frame {
	if !f.active {
		return out
	}
	at := f.last
	raw := f.buf
	wasDiscarding := f.discarding
	f.reset()
	switch {
	case wasDiscarding:
		return out
	case f.cfg.Terminator == TermNone:
		return f.emit(raw, raw, at, out)
	default:
		return append(out, Frame{Raw: clone(raw), At: at, Err: partialError(raw, f.cfg.Terminator, f.cfg.TermWait)})
	}
}

func (f *Framer) reset() {
	f.buf = f.buf[:0]
	f.active = false
	f.discarding = false
}

func (f *Framer) push(c byte, now time.Time, out []Frame) []Frame {
	t := f.cfg.Terminator
	if f.discarding {
		f.last = now
		if t != TermNone && c == t.Bytes()[len(t.Bytes())-1] {
			f.reset()
		}
		return out
	}
	if len(f.buf) == 0 && t != TermNone && (c == '\r' || c == '\n') {
		// The rest of a line ending the scanner sends beyond the configured
		// one (LF after CR), or a blank line: not a frame.
		return out
	}
	switch {
	case t == TermCR && c == '\r', t == TermTAB && c == '\t':
		return f.complete(append(f.buf, c), len(f.buf), now, out)
	case (t == TermLF || t == TermCRLF) && c == '\n':
		// LF and CRLF both end at LF and drop one CR before it, so either
		// line ending works with either setting.
		n := len(f.buf)
		if n > 0 && f.buf[n-1] == '\r' {
			n--
		}
		return f.complete(append(f.buf, c), n, now, out)
	}
	f.buf = append(f.buf, c)
	f.last = now
	f.active = true
	if len(f.buf) > f.cfg.MaxLen {
		out = append(out, Frame{Raw: clone(f.buf), At: now, Err: tooLongError(f.cfg.MaxLen)})
		f.buf = f.buf[:0]
		f.discarding = true
	}
	return out
}

// complete ends the frame whose bytes with terminator are raw, of which the
// first n are its content.
func (f *Framer) complete(raw []byte, n int, now time.Time, out []Frame) []Frame {
	f.buf = raw
	defer f.reset()
	if n == 0 {
		return out
	}
	return f.emit(raw, raw[:n], now, out)
}

// emit checks a frame's content and appends it, refused or accepted, unless
// it repeats the last delivered one within the dedup window of that delivery.
func (f *Framer) emit(raw, content []byte, at time.Time, out []Frame) []Frame {
	fr := Frame{Raw: clone(raw), At: at}
	if n := len(content); n >= 2 && content[0] == stx && content[n-1] == etx {
		// STX … ETX framing, which some scanners add around each code.
		content = content[1 : n-1]
	}
	if i := firstUnprintable(content); i >= 0 {
		fr.Err = garbageError(content, i)
		return append(out, fr)
	}
	text := string(content)
	if f.cfg.AIMPrefix && len(text) >= 3 && text[0] == ']' {
		fr.AIM, text = text[:3], text[3:]
	}
	if text == "" {
		return out
	}
	if f.haveLast && text == f.lastText && f.cfg.DedupWindow > 0 && at.Sub(f.lastAt) < f.cfg.DedupWindow {
		// A double read: the window stays where the delivered frame put it.
		return out
	}
	f.lastText, f.lastAt, f.haveLast = text, at, true
	fr.Text = text
	return append(out, fr)
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }
