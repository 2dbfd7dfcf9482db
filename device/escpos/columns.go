package escpos

import "strings"

// Truncate returns the longest prefix of s that fits w columns.
func Truncate(s string, w int) string {
	n := 0
	for i, r := range s {
		n += RuneWidth(r)
		if n > w {
			return s[:i]
		}
	}
	return s
}

// Pad returns s truncated or padded with spaces on the right to exactly w
// columns.
func Pad(s string, w int) string {
	s = Truncate(s, w)
	return s + strings.Repeat(" ", w-Width(s))
}

// PadLeft returns s truncated or padded with spaces on the left to exactly
// w columns: a right-aligned amount.
func PadLeft(s string, w int) string {
	s = Truncate(s, w)
	return strings.Repeat(" ", w-Width(s)) + s
}

// Center returns s padded on both sides to w columns (left-biased).
func Center(s string, w int) string {
	s = Truncate(s, w)
	left := (w - Width(s)) / 2
	return strings.Repeat(" ", left) + s + strings.Repeat(" ", w-Width(s)-left)
}

// Wrap breaks s into lines of at most w columns. Chinese breaks between any
// two characters; an ASCII word breaks at a space when one is on the line,
// and is cut only when it is longer than a line. Newlines in s are kept.
func Wrap(s string, w int) []string {
	if w < 2 {
		w = 2
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, wrapLine(para, w)...)
	}
	return out
}

func wrapLine(s string, w int) []string {
	var out []string
	for Width(s) > w {
		cut := len(Truncate(s, w))
		if sp := strings.LastIndexByte(s[:cut], ' '); sp > 0 && cut < len(s) && s[cut] != ' ' && isASCIIWord(s[sp+1:cut]) {
			cut = sp
		} else if k := tokenStart(s, cut); k > 0 {
			cut = k
		}
		out = append(out, strings.TrimRight(s[:cut], " "))
		s = strings.TrimLeft(s[cut:], " ")
	}
	return append(out, s)
}

// tokenStart returns where the run of ASCII letters, digits and
// punctuation that the cut at byte cut would split begins (with a ￥ or ¥
// just before it: a price), so a line breaks before ￥300.00 rather than
// inside it; 0 when the cut splits no such run.
func tokenStart(s string, cut int) int {
	if cut <= 0 || cut >= len(s) || !isToken(s[cut]) || !isToken(s[cut-1]) {
		return 0
	}
	k := cut - 1
	for k > 0 && isToken(s[k-1]) {
		k--
	}
	for _, sign := range []string{"￥", "¥"} {
		if strings.HasSuffix(s[:k], sign) {
			k -= len(sign)
		}
	}
	return k
}

// isToken reports whether c is a printable ASCII character other than a
// space.
func isToken(c byte) bool { return c > ' ' && c < 0x7f }

func isASCIIWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return s != ""
}

// Indent wraps s to w columns with prefix (spaces) before every line, so
// a long continuation stays under its heading instead of starting at the
// left edge.
func Indent(prefix, s string, w int) []string {
	lines := Wrap(s, w-Width(prefix))
	for i := range lines {
		lines[i] = prefix + lines[i]
	}
	return lines
}

// LeftRight returns left wrapped to w columns with right right-aligned on
// the last line, or on a line of its own when it does not fit beside the
// last part of left: an item name and its amount.
func LeftRight(left, right string, w int) []string {
	rw := Width(right)
	if rw >= w {
		return append(padAll(Wrap(left, w), w), PadLeft(right, w))
	}
	lines := Wrap(left, w)
	last := lines[len(lines)-1]
	if Width(last)+1+rw <= w {
		lines[len(lines)-1] = Pad(last, w-rw) + right
		return padAll(lines, w)
	}
	return append(padAll(lines, w), PadLeft(right, w))
}

// padAll trims the lines that carry no right part: trailing spaces cost
// bytes on a slow serial line and print nothing.
func padAll(lines []string, _ int) []string {
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}
