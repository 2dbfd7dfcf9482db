package escpos

import "fmt"

// Kind classifies one command of an ESC/POS byte stream.
type Kind int

// Command kinds the tokenizer recognises.
const (
	KindText      Kind = iota // a run of printable bytes (ASCII or GB18030 halves)
	KindLF                    // LF: print the line
	KindInit                  // ESC @
	KindAlign                 // ESC a n
	KindBold                  // ESC E n / ESC G n
	KindMode                  // ESC ! n (bold, double height and width)
	KindSize                  // GS ! n
	KindKanjiOn               // FS &
	KindKanjiOff              // FS .
	KindKanjiMode             // FS ! n (double width and height of Chinese)
	KindFeed                  // ESC d n: print and feed n lines
	KindFeedDots              // ESC J n: print and feed n dots
	KindSpacing               // ESC 2 / ESC 3 n: line spacing
	KindCut                   // GS V m [n]
	KindDrawer                // ESC p m t1 t2
	KindStatus                // DLE EOT n
	KindQR                    // GS ( k … with cn = 49 (QR)
	KindRaster                // GS v 0 m xL xH yL yH d…
	KindIgnored               // known commands that change nothing drawn (code page, margins …)
	KindUnknown               // not in the subset: reported, skipped
)

// Command is one tokenized command: its kind and all its bytes, parameters
// and data included.
type Command struct {
	Kind  Kind
	Bytes []byte
}

// String describes c for reports: the mnemonic and the leading bytes.
func (c Command) String() string {
	b := c.Bytes
	if len(b) > 8 {
		b = b[:8]
	}
	return fmt.Sprintf("% X", b)
}

// fixed lengths of the commands whose length depends only on their first
// two bytes.
var escLen = map[byte]struct {
	n    int
	kind Kind
}{
	'@': {2, KindInit}, 'a': {3, KindAlign}, 'E': {3, KindBold}, 'G': {3, KindBold}, '!': {3, KindMode},
	'd': {3, KindFeed}, 'J': {3, KindFeedDots}, '2': {2, KindSpacing}, '3': {3, KindSpacing},
	'p': {5, KindDrawer}, 't': {3, KindIgnored}, 'M': {3, KindIgnored}, '-': {3, KindIgnored},
	'R': {3, KindIgnored}, 'c': {4, KindIgnored}, '{': {3, KindIgnored}, 'V': {3, KindIgnored},
}

var gsLen = map[byte]struct {
	n    int
	kind Kind
}{
	'!': {3, KindSize}, 'B': {3, KindIgnored}, 'L': {4, KindIgnored}, 'W': {4, KindIgnored},
	'H': {3, KindIgnored}, 'h': {3, KindIgnored}, 'w': {3, KindIgnored}, 'f': {3, KindIgnored},
	'a': {3, KindIgnored}, 'r': {3, KindIgnored}, 'I': {3, KindIgnored}, // GS I n: model id query
}

var fsLen = map[byte]struct {
	n    int
	kind Kind
}{
	'&': {2, KindKanjiOn}, '.': {2, KindKanjiOff}, '!': {3, KindKanjiMode}, 'C': {3, KindIgnored},
	'W': {3, KindIgnored}, '-': {3, KindIgnored}, 'S': {4, KindIgnored},
}

// next returns the command at the start of b and its length. n == 0 means
// b ends inside a command: more bytes are needed. b must not be empty.
func next(b []byte) (Command, int) {
	c := b[0]
	switch {
	case c == LF:
		return Command{KindLF, b[:1]}, 1
	case c == '\r' || c == 0:
		return Command{KindIgnored, b[:1]}, 1
	case c >= 0x20 && c != 0x7f:
		n := 1
		for n < len(b) && b[n] >= 0x20 && b[n] != 0x7f {
			n++
		}
		return Command{KindText, b[:n]}, n
	case c == ESC || c == GS || c == FS:
		if len(b) < 2 {
			return Command{}, 0
		}
		tab := escLen
		if c == GS {
			tab = gsLen
		} else if c == FS {
			tab = fsLen
		}
		if e, ok := tab[b[1]]; ok {
			return fixed(b, e.n, e.kind)
		}
		if c == GS {
			return gsVariable(b)
		}
		return Command{KindUnknown, b[:2]}, 2
	case c == DLE:
		if len(b) < 2 {
			return Command{}, 0
		}
		switch b[1] {
		case EOT:
			return fixed(b, 3, KindStatus)
		case 0x14: // DLE DC4 fn m t: real-time pulse and friends
			return fixed(b, 5, KindUnknown)
		}
		return Command{KindUnknown, b[:2]}, 2
	}
	return Command{KindUnknown, b[:1]}, 1
}

func fixed(b []byte, n int, k Kind) (Command, int) {
	if len(b) < n {
		return Command{}, 0
	}
	return Command{k, b[:n]}, n
}

// gsVariable reads the GS commands whose length is in their parameters.
func gsVariable(b []byte) (Command, int) {
	switch b[1] {
	case 'V':
		if len(b) < 3 {
			return Command{}, 0
		}
		if b[2] == 65 || b[2] == 66 || b[2] == 97 || b[2] == 98 || b[2] == 103 || b[2] == 104 {
			return fixed(b, 4, KindCut)
		}
		return fixed(b, 3, KindCut)
	case '(':
		if len(b) < 5 {
			return Command{}, 0
		}
		n := 5 + int(b[3]) + int(b[4])<<8
		k := KindIgnored
		if b[2] == 'k' {
			k = KindQR
		}
		return fixed(b, n, k)
	case 'v':
		if len(b) < 8 {
			return Command{}, 0
		}
		if b[2] != '0' {
			return Command{KindUnknown, b[:3]}, 3
		}
		n := 8 + (int(b[4])|int(b[5])<<8)*(int(b[6])|int(b[7])<<8)
		return fixed(b, n, KindRaster)
	}
	return Command{KindUnknown, b[:2]}, 2
}

// Stream tokenizes an ESC/POS byte stream that arrives in pieces, as it
// does from a socket or serial port: Write appends bytes, Next returns
// each complete command. The printer simulator uses it to find cuts and
// line feeds without mistaking image data for commands.
type Stream struct {
	buf []byte
	off int
}

// Write appends p to the stream.
func (s *Stream) Write(p []byte) (int, error) {
	if s.off > 0 {
		s.buf, s.off = append(s.buf[:0], s.buf[s.off:]...), 0
	}
	s.buf = append(s.buf, p...)
	return len(p), nil
}

// Next returns the next complete command, or false when the stream ends
// inside one (or is empty). The command's bytes stay valid until the next
// Write.
func (s *Stream) Next() (Command, bool) {
	if s.off >= len(s.buf) {
		return Command{}, false
	}
	c, n := next(s.buf[s.off:])
	if n == 0 {
		return Command{}, false
	}
	s.off += n
	return c, true
}

// Pending returns the bytes of an incomplete command at the end of the
// stream.
func (s *Stream) Pending() []byte { return s.buf[s.off:] }
