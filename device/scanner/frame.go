package scanner

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"fupinpos/pos"
)

// Frame is one scan as the scanner sent it. A refused frame has Err set (a
// *pos.Error with code EPARTIALSCAN, ESCANTOOLONG or EUNKNOWNSCAN) and an
// empty Text, so a caller that forgets to check Err never acts on garbage.
type Frame struct {
	// Text is the code, without terminator or AIM identifier.
	Text string
	// Raw is every byte of the frame as received, terminator included, for
	// the technician's scan test.
	Raw []byte
	// AIM is the symbology identifier stripped from Text (e.g. "]Q1"), if any.
	AIM string
	// At is when the frame's last byte arrived.
	At time.Time
	// Err says why the frame was refused; nil for a good scan.
	Err error
}

// firstUnprintable returns the offset of the first byte outside 0x20–0x7E, or -1.
func firstUnprintable(b []byte) int {
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			return i
		}
	}
	return -1
}

// garbageError explains a frame holding bytes outside printable ASCII, and
// guesses what they are: a scanner in a Chinese keyboard or text mode sends
// UTF-8 or GBK, a wrong baud rate or parity sends noise.
func garbageError(b []byte, at int) error {
	// hint is the English hint, key the finer message's (error.unknown_scan.KEY).
	hint, key := "wrong baud rate, parity or interface mode?", "garbage"
	switch {
	case b[at] == stx || b[at] == etx:
		hint, key = "STX/ETX framing (0x02 … 0x03): the scanner wraps each code; a code wrapped whole is accepted, so check that its suffix (terminator) comes after the ETX", "stx_etx"
	case hasHigh(b) && utf8.Valid(b):
		hint, key = "looks like UTF-8 text, not a voucher or barcode", "utf8"
	case hasHigh(b) && looksGBK(b):
		hint, key = "looks like GBK text, not a voucher or barcode", "gbk"
	case b[at] == '\r' || b[at] == '\n' || b[at] == '\t':
		hint, key = "a line ending inside the code: check the terminator setting", "line_ending"
	}
	return pos.Errorf(pos.EUNKNOWNSCAN, "scan refused: byte 0x%02X at offset %d of %d is not printable ASCII (%s)", b[at], at, len(b), hint).
		Say(key, "byte", fmt.Sprintf("0x%02X", b[at]), "offset", strconv.Itoa(at))
}

func hasHigh(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// looksGBK reports whether every byte ≥ 0x80 in b starts a well-formed
// two-byte GBK character.
func looksGBK(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] < 0x80 {
			continue
		}
		if b[i] == 0x80 || b[i] == 0xff || i+1 == len(b) || b[i+1] < 0x40 || b[i+1] == 0x7f || b[i+1] == 0xff {
			return false
		}
		i++
	}
	return true
}

// STX and ETX, which some scanners send around each code.
const (
	stx = 0x02
	etx = 0x03
)

func partialError(raw []byte, t Terminator, wait time.Duration) error {
	hint, key := "", "no_term"
	if n := len(raw); n > 0 {
		switch raw[n-1] {
		case etx:
			hint, key = "; it ends with ETX (STX … ETX framing): set term=none, or give the scanner a CR suffix", "etx"
		case '\r':
			hint, key = "; it ends with CR: is the scanner set to cr?", "ends_cr"
		case '\n':
			hint, key = "; it ends with LF: is the scanner set to lf or crlf?", "ends_lf"
		case '\t':
			hint, key = "; it ends with TAB: is the scanner set to tab?", "ends_tab"
		}
	}
	return pos.Errorf(pos.EPARTIALSCAN, "scan of %d bytes refused: no %s terminator within %v of its last byte%s", len(raw), t, wait, hint).
		Say(key, "n", strconv.Itoa(len(raw)), "term", t.String(), "wait", wait.String())
}

func tooLongError(maxLen int) error {
	return pos.Errorf(pos.ESCANTOOLONG, "scan refused: longer than %d bytes (the rest up to the next terminator is discarded)", maxLen)
}

// String formats f for logs: the text, or the error and the raw bytes.
func (f Frame) String() string {
	if f.Err != nil {
		return fmt.Sprintf("refused %q: %v", f.Raw, f.Err)
	}
	return f.Text
}
