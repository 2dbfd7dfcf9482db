package voucher

import (
	"strings"

	"fupinpos/pos"
)

// Text form: "99", the format version as two digits, then the code bytes in
// groups of seven, each group written as a fixed-width decimal number. Seven
// bytes (2^56-1) take 17 digits, which is within 1% of the best density
// decimal allows; the last, shorter group takes the width of its own largest
// value. Every group must be within its byte range, so each byte string has
// exactly one text.
const (
	prefix      = "99"
	prefixLen   = len(prefix) + 2
	groupBytes  = 7
	maxTextLen  = 512 // longer scans are refused before any parsing
	minLooksLen = 64  // shorter digit strings are product barcodes or partial scans
)

// TextLen is the length in digits of a format version 1 code: 267.
var TextLen = textLen(CodeSize)

// groupWidth[n] is the number of digits of 2^(8n)-1: the width of a group of n bytes.
var groupWidth = [groupBytes + 1]int{0, 3, 5, 8, 10, 13, 15, 17}

func textLen(n int) int {
	return prefixLen + n/groupBytes*groupWidth[groupBytes] + groupWidth[n%groupBytes]
}

// encodeText writes raw bytes as a format version 1 text.
func encodeText(raw []byte) string {
	var sb strings.Builder
	sb.Grow(textLen(len(raw)))
	sb.WriteString(prefix)
	sb.WriteString("01")
	var digits [20]byte
	for len(raw) > 0 {
		n := min(groupBytes, len(raw))
		var g uint64
		for _, c := range raw[:n] {
			g = g<<8 | uint64(c)
		}
		w := groupWidth[n]
		for i := w - 1; i >= 0; i-- {
			digits[i] = byte('0' + g%10)
			g /= 10
		}
		sb.Write(digits[:w])
		raw = raw[n:]
	}
	return sb.String()
}

// decodeText applies the cheap checks in order (characters and length,
// prefix, version, exact length, canonical groups) and returns the code bytes.
// Only what Looks classifies as a voucher can ask for an update: a 13-digit
// EAN coupon starting with 99 is malformed, not a newer format.
func decodeText(text string) ([CodeSize]byte, error) {
	var raw [CodeSize]byte
	s := trimASCIISpace(text)
	if len(s) > maxTextLen {
		return raw, pos.Errorf(pos.EMALFORMED, "scan of %d characters is too long for a voucher code", len(s))
	}
	if s == "" || !allDigits(s) {
		return raw, pos.Errorf(pos.EMALFORMED, "voucher code must be digits only")
	}
	if len(s) < minLooksLen || !strings.HasPrefix(s, prefix) {
		return raw, pos.Errorf(pos.EMALFORMED, "not a voucher code")
	}
	if ver := s[len(prefix):prefixLen]; ver != "01" {
		return raw, pos.Errorf(pos.EUPDATE, "voucher format %s is newer than this terminal knows", ver).With("version", ver)
	}
	if len(s) != TextLen {
		return raw, pos.Errorf(pos.EMALFORMED, "voucher code has %d digits, want %d", len(s), TextLen)
	}
	s = s[prefixLen:]
	out := raw[:]
	for len(out) > 0 {
		n := min(groupBytes, len(out))
		w := groupWidth[n]
		var g uint64
		for i := 0; i < w; i++ {
			g = g*10 + uint64(s[i]-'0')
		}
		if g>>(8*n) != 0 {
			return raw, pos.Errorf(pos.EMALFORMED, "voucher code group %q is out of range", s[:w])
		}
		for i := n - 1; i >= 0; i-- {
			out[i] = byte(g)
			g >>= 8
		}
		s, out = s[w:], out[n:]
	}
	return raw, nil
}

// Looks reports whether a scan is meant to be a voucher code rather than a
// product barcode: digits only, the "99" prefix, and a length between 64 and
// 512 digits. It does not look at the version, so that a code of a newer
// format is classified as a voucher and Verify answers "update required".
// EAN-13 coupons also start with 99 but have 13 digits.
func Looks(text string) bool {
	s := trimASCIISpace(text)
	return len(s) >= minLooksLen && len(s) <= maxTextLen && strings.HasPrefix(s, prefix) && allDigits(s)
}

// QRContent returns what a QR symbol of the code should hold: the digits
// themselves, without surrounding whitespace, to be encoded in QR numeric
// mode. 267 digits fit QR version 7 (45×45 modules) at error correction
// level M, the smallest symbol for screens; paper, which gets creased and
// smudged, should use level Q, which needs version 9 (53×53 modules).
func QRContent(text string) string {
	return trimASCIISpace(text)
}

func trimASCIISpace(s string) string {
	return strings.Trim(s, " \t\r\n\v\f")
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
