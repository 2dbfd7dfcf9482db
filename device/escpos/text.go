package escpos

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"fupinpos/pos"
)

// normalise maps characters that have a printable twin: the half-width
// yen sign (four bytes in GB18030, not in GBK) becomes the full-width ￥
// that Chinese printers carry, and a tab becomes a space.
var normalise = strings.NewReplacer("¥", "￥", "\t", " ", "\r\n", "\n")

// Normalize returns s with characters replaced by their printable twins
// (¥ → ￥, tab → space). Encode applies it; layout code applies it before
// measuring.
func Normalize(s string) string { return normalise.Replace(s) }

// RuneWidth returns the columns r takes on the printer: 1 for ASCII, 2 for
// a two-byte GB18030 character. Callers check printability separately.
func RuneWidth(r rune) int {
	if r < utf8.RuneSelf {
		return 1
	}
	return 2
}

// Width returns the display width of s in columns.
func Width(s string) int {
	n := 0
	for _, r := range s {
		n += RuneWidth(r)
	}
	return n
}

// encodeRune appends the printer bytes of r: one byte for printable ASCII,
// two for a character of the GBK repertoire (the two-byte part of
// GB18030, which every Chinese receipt printer carries). Four-byte GB18030
// characters, private-use and control characters are EUNPRINTABLE: a
// printer would print them as garbage. enc may be nil; passing one
// encoder for a whole string saves an allocation per character.
func encodeRune(dst []byte, r rune, enc transform.Transformer) ([]byte, error) {
	if r >= 0x20 && r < 0x7f {
		return append(dst, byte(r)), nil
	}
	if r < utf8.RuneSelf || r == utf8.RuneError || unicode.Is(unicode.Co, r) || unicode.Is(unicode.Cc, r) {
		return dst, unprintable(r)
	}
	if enc == nil {
		enc = simplifiedchinese.GB18030.NewEncoder()
	}
	enc.Reset()
	var buf [8]byte
	var src [4]byte
	n := utf8.EncodeRune(src[:], r)
	nDst, _, err := enc.Transform(buf[:], src[:n], true)
	if err != nil || nDst != 2 || buf[0] < 0x81 || buf[1] < 0x40 || buf[1] == 0x7f {
		return dst, unprintable(r)
	}
	return append(dst, buf[0], buf[1]), nil
}

func unprintable(r rune) error {
	return pos.Errorf(pos.EUNPRINTABLE, "character %q (U+%04X) is not in the printer's GB18030 two-byte repertoire", r, r).
		With("char", fmt.Sprintf("%c", r)).With("code", fmt.Sprintf("U+%04X", r))
}

// Printable returns an EUNPRINTABLE error naming the first character of s
// that the printer cannot print, or nil.
func Printable(s string) error {
	enc := simplifiedchinese.GB18030.NewEncoder()
	for _, r := range Normalize(s) {
		if r == '\n' {
			continue
		}
		if _, err := encodeRune(nil, r, enc); err != nil {
			return err
		}
	}
	return nil
}

// Encode returns s as printer bytes: ASCII as is, each run of two-byte
// characters in GB18030 wrapped in FS & … FS . (Chinese character mode on,
// off), so printers whose default code page is not Chinese still print
// Chinese and never garble the ASCII around it.
func Encode(s string) ([]byte, error) {
	return appendText(nil, Normalize(s), true)
}

// appendText appends s as printer bytes; fs wraps Chinese runs in
// FS & … FS . (ChineseFS).
func appendText(dst []byte, s string, fs bool) ([]byte, error) {
	kanji := false
	var err error
	var enc transform.Transformer
	for _, r := range s {
		wide := r >= utf8.RuneSelf
		if wide != kanji && fs {
			if wide {
				dst = append(dst, FS, '&')
			} else {
				dst = append(dst, FS, '.')
			}
			kanji = wide
		}
		if r == '\n' {
			dst = append(dst, LF)
			continue
		}
		if r >= utf8.RuneSelf && enc == nil {
			enc = simplifiedchinese.GB18030.NewEncoder()
		}
		if dst, err = encodeRune(dst, r, enc); err != nil {
			return dst, err
		}
	}
	if kanji && fs {
		dst = append(dst, FS, '.')
	}
	return dst, nil
}

// decodeGB returns the character of a two-byte GB18030 sequence, or
// utf8.RuneError.
func decodeGB(b0, b1 byte) rune {
	out, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), []byte{b0, b1})
	if err != nil {
		return utf8.RuneError
	}
	r, _ := utf8.DecodeRune(out)
	return r
}
