package escpos

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"sync"
)

// FontPath is the GNU Unifont .hex file the interpreter draws text with:
// 8×16 glyphs for ASCII, 16×16 for Chinese, so rendered receipts are the
// same pixels on every machine. It comes from the Debian package unifont
// and is never committed to the repository.
var FontPath = "/usr/share/unifont/unifont.hex"

// Cell sizes of Font A in dots: a half-width cell is 12×24, a Chinese
// character takes two half-width cells.
const (
	CellWidth  = 12
	CellHeight = 24
)

// glyph is one Unifont bitmap: 16 rows of 8 or 16 bits, most significant
// bit on the left.
type glyph struct {
	wide bool
	rows [16]uint16
}

func (g *glyph) width() int {
	if g.wide {
		return 16
	}
	return 8
}

func (g *glyph) on(x, y int) bool {
	return g.rows[y]&(1<<(g.width()-1-x)) != 0
}

type font map[rune]*glyph

var (
	fontOnce sync.Once
	fontVal  font
	fontErr  error
)

// loadFont reads FontPath once per process.
func loadFont() (font, error) {
	fontOnce.Do(func() { fontVal, fontErr = readFont(FontPath) })
	return fontVal, fontErr
}

func readFont(path string) (font, error) {
	ft, err := readHex(path)
	if err != nil {
		return nil, err
	}
	if len(ft) < 1000 || ft['A'] == nil || ft['中'] == nil {
		return nil, fmt.Errorf("escpos: %s is not a Unifont .hex file (install the Debian package unifont)", path)
	}
	return ft, nil
}

// readHex reads a file in Unifont's .hex format: one glyph a line,
// "CODEPOINT:BITS" with 32 or 64 hex digits of bits.
func readHex(path string) (font, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("escpos: receipt font %s: %w (install the Debian package unifont: apt-get install -y unifont)", path, err)
	}
	defer f.Close()
	ft := make(font, 1024)
	sc := bufio.NewScanner(bufio.NewReaderSize(f, 1<<16))
	for sc.Scan() {
		line := sc.Bytes()
		code, bits, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			continue
		}
		r, err := strconv.ParseUint(string(code), 16, 32)
		if err != nil || (len(bits) != 32 && len(bits) != 64) {
			continue
		}
		raw := make([]byte, len(bits)/2)
		if _, err := hex.Decode(raw, bits); err != nil {
			continue
		}
		g := &glyph{wide: len(bits) == 64}
		for y := 0; y < 16; y++ {
			if g.wide {
				g.rows[y] = uint16(raw[2*y])<<8 | uint16(raw[2*y+1])
			} else {
				g.rows[y] = uint16(raw[y])
			}
		}
		ft[rune(r)] = g
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("escpos: read receipt font %s: %w", path, err)
	}
	return ft, nil
}
