package scanner

import (
	"strconv"
	"strings"
	"time"

	"fupinpos/pos"
)

// Terminator is the byte sequence a scanner sends after each code. Scanners
// are configured per model, so it is a setting; the zero value is CR, the
// most common factory default.
type Terminator int

// Terminators a scanner can be set to send.
const (
	TermCR   Terminator = iota // carriage return, 0x0D
	TermCRLF                   // CR LF (Honeywell's RS-232 preset)
	TermLF                     // line feed, 0x0A
	TermTAB                    // horizontal tab, 0x09
	TermNone                   // nothing: a frame ends after Idle without bytes
)

var terminatorNames = [...]string{TermCR: "cr", TermCRLF: "crlf", TermLF: "lf", TermTAB: "tab", TermNone: "none"}

// String returns the name used in scanner URIs and flags: cr, crlf, lf, tab, none.
func (t Terminator) String() string {
	if t < 0 || int(t) >= len(terminatorNames) {
		return "Terminator(" + strconv.Itoa(int(t)) + ")"
	}
	return terminatorNames[t]
}

// Bytes returns what a scanner set to t sends after each code.
func (t Terminator) Bytes() []byte {
	switch t {
	case TermCR:
		return []byte{'\r'}
	case TermCRLF:
		return []byte{'\r', '\n'}
	case TermLF:
		return []byte{'\n'}
	case TermTAB:
		return []byte{'\t'}
	}
	return nil
}

// ParseTerminator reads a terminator name as written in a scanner URI or a
// flag (cr, crlf, lf, tab, none; any case).
func ParseTerminator(s string) (Terminator, error) {
	for i, n := range terminatorNames {
		if strings.EqualFold(s, n) {
			return Terminator(i), nil
		}
	}
	return 0, pos.Errorf(pos.EINVALID, "terminator %q: want cr, crlf, lf, tab or none", s).Say("setting_choice", "name", "term", "value", s, "known", "cr, crlf, lf, tab, none")
}

// Framing defaults, chosen for a 270-digit voucher at 9600 baud (about 1 ms
// per byte, 0.3 s per code). DefaultDedupWindow catches a scanner reading
// one code twice (tens of milliseconds apart) and is shorter than a person
// takes to present the next box of the same product (0.5 s and more), so
// three identical boxes are three scans.
const (
	DefaultIdle        = 50 * time.Millisecond
	DefaultTermWait    = time.Second
	DefaultMaxLen      = 1024
	DefaultDedupWindow = 250 * time.Millisecond
)

// Config is how a Framer cuts bytes into frames. Zero fields take the
// defaults above; a negative DedupWindow turns deduplication off.
type Config struct {
	// Terminator ends each frame.
	Terminator Terminator
	// Idle is how frames end with TermNone: a gap longer than Idle after
	// a byte ends the frame. It is a per-port setting (idle=80ms in the
	// URI) and is not used with a terminator, where the terminator alone
	// frames a scan: Bluetooth, 2.4 GHz and wireless-base scanners pause
	// 100 ms and more inside one code.
	Idle time.Duration
	// TermWait is, with a terminator, how long a frame may go without a
	// byte before it is refused as partial (its terminator never came: a
	// wrong terminator setting, a cut line). It is far longer than any
	// pause inside one scan.
	TermWait time.Duration
	// MaxLen caps a frame's length in bytes, terminator excluded.
	MaxLen int
	// AIMPrefix strips a leading 3-character AIM symbology identifier
	// (such as "]Q1" for QR or "]E0" for EAN-13) when the scanner sends one.
	AIMPrefix bool
	// DedupWindow drops a frame identical to the last delivered one when it
	// arrives within this time of that delivered frame: a scanner's double
	// read of one code. The window runs from the delivered frame and does not
	// slide with the dropped ones, so repeated scans a person makes of the
	// same product are never lost.
	DedupWindow time.Duration
}

func (c Config) withDefaults() Config {
	if c.Idle <= 0 {
		c.Idle = DefaultIdle
	}
	if c.TermWait <= 0 {
		c.TermWait = DefaultTermWait
	}
	if c.MaxLen <= 0 {
		c.MaxLen = DefaultMaxLen
	}
	if c.DedupWindow == 0 {
		c.DedupWindow = DefaultDedupWindow
	}
	return c
}
