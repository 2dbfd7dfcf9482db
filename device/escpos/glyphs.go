package escpos

import (
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	xfixed "golang.org/x/image/math/fixed"
)

// GlyphFonts are the fonts consulted, after the Unifont file FontPath,
// for a character the printer cannot print as text: a line holding one is
// printed as a raster image drawn with the first of these fonts that has
// the glyph. Unifont (.hex, 8×16 and 16×16 bitmaps) or TrueType/OpenType
// (.ttf, .otf, .ttc: first face), rasterised to 16×16 so every face looks
// like Unifont on paper. Missing files are skipped. Unifont covers the
// whole BMP (㐀 U+3400 and all of CJK Extension A); the faces below add
// the supplementary planes (𠮷 U+20BB7 is in Extension B) when their
// Debian packages are installed (fonts-hanazono, fonts-noto-cjk). The
// terminal appends its own UI font (the app's --font) at start.
var GlyphFonts = []string{
	"/usr/share/fonts/opentype/unifont/unifont_upper.otf",
	"/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
	"/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
}

// GlyphFontPackage is the Debian package whose font draws every CJK
// character of Extension B (𠮷 U+20BB7 and the rare characters of names):
// the terminal package recommends it and setup names it when a name holds
// a character no font on the machine has.
const GlyphFontPackage = "fonts-hanazono"

// Substitutes printed instead of a character the printer cannot print and
// no font draws, or when the profile has no raster images (NoRaster): the
// white square for a two-column character, "?" for a one-column one, so
// the layout keeps its columns.
const (
	SubstituteWide   = '□' // U+25A1, GB2312 0xA1F5
	SubstituteNarrow = '?'
)

// glyphFace is one font of the chain.
type glyphFace interface {
	glyph(r rune) *glyph
}

// hexFace is a Unifont .hex file.
type hexFace font

func (f hexFace) glyph(r rune) *glyph { return f[r] }

var faces sync.Map // path → glyphFace (nil when the file is unusable)

// faceAt returns the loaded font at path, or nil.
func faceAt(path string) glyphFace {
	if v, ok := faces.Load(path); ok {
		f, _ := v.(glyphFace)
		return f
	}
	var f glyphFace
	if strings.EqualFold(filepath.Ext(path), ".hex") {
		if ft, err := readHex(path); err == nil {
			f = hexFace(ft)
		}
	} else if sf := loadSFNT(path); sf != nil {
		f = sf
	}
	v, _ := faces.LoadOrStore(path, f)
	f, _ = v.(glyphFace)
	return f
}

// glyphOf returns the glyph of r from Unifont and then GlyphFonts, or nil
// when no font has it or r is a control character.
func glyphOf(r rune) *glyph {
	if r == utf8.RuneError || unicode.IsControl(r) {
		return nil // Unifont draws control codes as boxed hex digits: not a name
	}
	if ft, err := loadFont(); err == nil {
		if g := ft[r]; g != nil {
			return g
		}
	}
	for _, path := range GlyphFonts {
		if f := faceAt(path); f != nil {
			if g := f.glyph(r); g != nil {
				return g
			}
		}
	}
	return nil
}

// sfntFace rasterises TrueType/OpenType glyphs to 16×16 bitmaps.
type sfntFace struct {
	mu    sync.Mutex
	f     *sfnt.Font
	face  xfont.Face
	buf   sfnt.Buffer
	cache map[rune]*glyph
}

func loadSFNT(path string) *sfntFace {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var f *sfnt.Font
	if c, err := opentype.ParseCollection(data); err == nil && c.NumFonts() > 0 {
		f, err = c.Font(0)
		if err != nil {
			return nil
		}
	} else if f, err = opentype.Parse(data); err != nil {
		return nil
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 16, DPI: 72, Hinting: xfont.HintingNone})
	if err != nil {
		return nil
	}
	return &sfntFace{f: f, face: face, cache: map[rune]*glyph{}}
}

func (s *sfntFace) glyph(r rune) *glyph {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.cache[r]; ok {
		return g
	}
	var g *glyph
	if i, err := s.f.GlyphIndex(&s.buf, r); err == nil && i != 0 {
		g = s.render(r)
	}
	s.cache[r] = g
	return g
}

// render draws r at 16 pixels per em with the baseline placed so that
// ascent and descent fill the 16 rows; a pixel at least half covered is on.
func (s *sfntFace) render(r rune) *glyph {
	m := s.face.Metrics()
	dst := image.NewAlpha(image.Rect(0, 0, 16, 16))
	base := xfixed.Int26_6(16 * 64)
	if h := m.Ascent + m.Descent; h > 0 {
		base = xfixed.Int26_6(int64(16*64) * int64(m.Ascent) / int64(h))
	}
	adv, ok := s.face.GlyphAdvance(r)
	if !ok {
		return nil
	}
	g := &glyph{wide: adv.Ceil() > 10}
	x := xfixed.Int26_6(0)
	if !g.wide {
		x = (xfixed.I(8) - adv) / 2
	}
	d := xfont.Drawer{Dst: dst, Src: image.Opaque, Face: s.face, Dot: xfixed.Point26_6{X: x, Y: base}}
	d.DrawString(string(r))
	for y := 0; y < 16; y++ {
		for xx := 0; xx < g.width(); xx++ {
			if dst.AlphaAt(xx, y).A >= 0x80 {
				g.rows[y] |= 1 << (g.width() - 1 - xx)
			}
		}
	}
	return g
}

// Unprintable returns the distinct characters of s, in order of first
// appearance, that the printer cannot print as text: outside GB18030's
// two-byte (GBK) repertoire, control or private-use characters. Setup
// (posctl provision --store-name, user add --name) warns with them; the
// receipt prints their lines as images (see Writer.Line).
func Unprintable(s string) []rune {
	var out []rune
	var enc transform.Transformer
	for _, r := range Normalize(s) {
		if r == '\n' || r >= 0x20 && r < 0x7f {
			continue
		}
		if enc == nil {
			enc = simplifiedchinese.GB18030.NewEncoder()
		}
		if _, err := encodeRune(nil, r, enc); err == nil || slices.Contains(out, r) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// HasGlyph reports whether a font of the terminal (Unifont, GlyphFonts)
// draws r, so a line holding it prints as an image rather than with the
// substitute.
func HasGlyph(r rune) bool { return glyphOf(r) != nil }

// Substitute returns s with every character the printer cannot print as
// text replaced by SubstituteWide or SubstituteNarrow (same columns).
func Substitute(s string) string {
	s = Normalize(s)
	bad := Unprintable(s)
	if len(bad) == 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case !slices.Contains(bad, r):
			return r
		case RuneWidth(r) == 2:
			return SubstituteWide
		}
		return SubstituteNarrow
	}, s)
}

// bitmap is a one-bit image being drawn for GS v 0.
type bitmap struct {
	w, h int
	pix  []bool
}

func newBitmap(w, h int) *bitmap { return &bitmap{w: w, h: h, pix: make([]bool, w*h)} }

func (b *bitmap) set(x, y int) {
	if x >= 0 && x < b.w && y >= 0 && y < b.h {
		b.pix[y*b.w+x] = true
	}
}

// rasterText lays out s as one printed line would be: each character in
// its Font A cell (12×24, 24×24 for a two-column character) times the
// magnification, bold smeared, placed by alignment within dots, with the
// blank rows of the line pitch below. It returns the bitmap at 1/sx by
// 1/sy scale (GS v 0 doubles it back) and sx, sy; false when a character
// has no glyph at all.
func rasterText(s string, dots int, align Alignment, wmul, hmul int, bold bool) (*bitmap, int, int) {
	sx, sy := 1, 1
	if wmul%2 == 0 {
		sx, wmul = 2, wmul/2
	}
	if hmul%2 == 0 {
		sy, hmul = 2, hmul/2
	}
	textW := 0
	for _, r := range s {
		textW += RuneWidth(r) * CellWidth * wmul
	}
	lineH := CellHeight * hmul * sy
	pitch := defaultSpacing
	if lineH > CellHeight {
		pitch = max(defaultSpacing, lineH+lineGap)
	}
	width := dots / sx
	x0 := 0
	switch align {
	case AlignCenter:
		x0 = max(0, (width-textW)/2)
	case AlignRight:
		x0 = max(0, width-textW)
	}
	w := min(width, (x0+textW+7)/8*8)
	bm := newBitmap(w, pitch/sy)
	x := x0
	for _, r := range s {
		wide := RuneWidth(r) == 2
		cw := CellWidth * wmul
		if wide {
			cw *= 2
		}
		g := glyphOf(r)
		if g == nil {
			sub := SubstituteNarrow
			if wide {
				sub = SubstituteWide
			}
			g = glyphOf(sub)
		}
		if g != nil {
			drawGlyph(g, bm.set, x, 0, cw, CellHeight*hmul, wide, bold)
		}
		x += cw
	}
	return bm, sx, sy
}
