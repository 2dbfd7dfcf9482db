package escpos

import (
	"fmt"
	"image"
	"strings"
	"unicode/utf8"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
)

// Limits that keep the interpreter bounded on any input: the simulator and
// the fuzzer feed it arbitrary bytes.
const (
	// MaxImageHeight is the longest paper the interpreter draws, in dots
	// (about 4 m at 203 dpi); text past it is still decoded.
	MaxImageHeight = 1 << 15
	maxLines       = 100000
	maxUnknown     = 200
	lineGap        = 6  // dots between the bottom of a line's characters and the next line
	defaultSpacing = 30 // ESC 2: line pitch in dots
	topMargin      = 12
)

// Interpret reads ESC/POS bytes as a printer with profile p would and
// returns what it would print. Commands outside the subset are listed in
// Document.Unknown and skipped; no input makes it fail, except a missing
// font (install the Debian package unifont).
func Interpret(data []byte, p Profile) (*Document, error) {
	ft, err := loadFont()
	if err != nil {
		return nil, err
	}
	if p.Dots <= 0 || p.Dots > 4096 {
		return nil, fmt.Errorf("escpos: profile %q: %d dots", p.Name, p.Dots)
	}
	in := &interp{p: p, ft: ft, doc: &Document{}, cv: canvas{w: p.Dots}, y: topMargin}
	in.reset()
	for off := 0; off < len(data); {
		c, n := next(data[off:])
		if n == 0 {
			in.unknown("truncated command % X at byte %d", head(data[off:]), off)
			break
		}
		in.off = off
		in.do(c)
		off += n
	}
	in.dropLead()
	if len(in.cells) > 0 {
		in.flush(-1)
	}
	in.doc.Image = in.cv.image(in.y + topMargin)
	return in.doc, nil
}

type cell struct {
	r          rune
	wide, bold bool
	w, h       int // dots
}

type interp struct {
	p   Profile
	ft  font
	doc *Document
	cv  canvas
	off int

	align      Alignment
	bold       bool
	wmul, hmul int
	kanji      bool
	kw, kh     int // FS ! magnification of Chinese characters
	spacing    int
	lead       byte
	hasLead    bool

	cells []cell
	x     int
	y     int

	qrData   []byte
	qrModule int
	qrEC     ECLevel
	qrKey    string
	qrSym    barcode.Barcode
}

func (in *interp) reset() {
	in.align, in.bold, in.wmul, in.hmul = AlignLeft, false, 1, 1
	in.kanji, in.kw, in.kh, in.spacing = false, 1, 1, defaultSpacing
	in.qrModule, in.qrEC = 3, ECLow
}

func (in *interp) unknown(format string, args ...any) {
	switch n := len(in.doc.Unknown); {
	case n < maxUnknown:
		in.doc.Unknown = append(in.doc.Unknown, fmt.Sprintf(format, args...))
	case n == maxUnknown:
		in.doc.Unknown = append(in.doc.Unknown, "… more unknown commands not listed")
	}
}

func (in *interp) event(k EventKind, n int) {
	if len(in.doc.Events) < maxLines {
		in.doc.Events = append(in.doc.Events, Event{Kind: k, N: n, Line: len(in.doc.Lines), Offset: in.off})
	}
}

func (in *interp) do(c Command) {
	b := c.Bytes
	if c.Kind != KindText {
		in.dropLead()
	}
	switch c.Kind {
	case KindText:
		for _, ch := range b {
			in.textByte(ch)
		}
	case KindLF:
		in.flush(-1)
	case KindInit:
		in.cells, in.x = in.cells[:0], 0
		in.reset()
		in.event(EventInit, 0)
	case KindAlign:
		in.align = Alignment(b[2] % 48)
		if in.align > AlignRight {
			in.align = AlignLeft
		}
	case KindBold:
		in.bold = b[2]&1 == 1
	case KindMode:
		in.bold = b[2]&0x08 != 0
		in.wmul, in.hmul = 1+int(b[2]>>5&1), 1+int(b[2]>>4&1)
	case KindSize:
		in.wmul, in.hmul = 1+int(b[2]>>4&7), 1+int(b[2]&7)
	case KindKanjiOn:
		in.kanji = true
	case KindKanjiOff:
		in.kanji = false
	case KindKanjiMode:
		in.kw, in.kh = 1+int(b[2]>>2&1), 1+int(b[2]>>3&1)
	case KindFeed:
		in.event(EventFeed, int(b[2]))
		in.feedLines(int(b[2]))
	case KindFeedDots:
		in.event(EventFeed, int(b[2]))
		in.doc.Events[len(in.doc.Events)-1].Dots = true
		if len(in.cells) > 0 {
			in.flush(int(b[2]))
		} else { // nothing to print: the paper only moves
			in.y += int(b[2])
		}
	case KindSpacing:
		in.spacing = defaultSpacing
		if len(b) == 3 {
			in.spacing = int(b[2])
		}
	case KindCut:
		in.cut(b)
	case KindDrawer:
		in.event(EventDrawer, int(b[2]))
	case KindStatus:
		in.event(EventStatus, int(b[2]))
		if b[2] < 1 || b[2] > 4 {
			in.unknown("DLE EOT %d at byte %d: no such status", b[2], in.off)
		}
	case KindQR:
		in.qr(b)
	case KindRaster:
		in.raster(b)
	case KindIgnored:
		if len(b) > 1 && b[0] == GS && b[1] == '(' {
			in.unknown("GS ( %c at byte %d: not supported", b[2], in.off)
		}
	default:
		in.unknown("command % X at byte %d", head(b), in.off)
	}
}

func head(b []byte) []byte {
	if len(b) > 4 {
		return b[:4]
	}
	return b
}

func (in *interp) dropLead() {
	if in.hasLead {
		in.hasLead = false
		in.unknown("lone GB18030 lead byte 0x%02X before byte %d", in.lead, in.off)
		in.addCell('?', false)
	}
}

func (in *interp) textByte(ch byte) {
	switch {
	case in.hasLead:
		in.hasLead = false
		r := utf8.RuneError
		if ch >= 0x40 && ch != 0x7f && ch != 0xff {
			r = decodeGB(in.lead, ch)
		}
		if r == utf8.RuneError {
			in.unknown("invalid GB18030 pair %02X %02X at byte %d", in.lead, ch, in.off)
			in.addCell('?', true)
			return
		}
		in.addCell(r, true)
	case in.kanji && ch >= 0x81 && ch <= 0xfe:
		in.lead, in.hasLead = ch, true
	case ch < 0x80:
		in.addCell(rune(ch), false)
	default:
		in.unknown("byte 0x%02X outside Chinese mode at byte %d (prints from the code page)", ch, in.off)
		in.addCell('?', false)
	}
}

func (in *interp) addCell(r rune, wide bool) {
	wm, hm := in.wmul, in.hmul
	w := CellWidth * wm
	if wide {
		wm, hm = max(wm, in.kw), max(hm, in.kh)
		w = 2 * CellWidth * wm
	}
	if in.x+w > in.p.Dots {
		if len(in.cells) == 0 {
			return
		}
		if len(in.doc.Overflows) < maxLines {
			in.doc.Overflows = append(in.doc.Overflows, len(in.doc.Lines))
		}
		in.flush(-1)
	}
	in.cells = append(in.cells, cell{r: r, wide: wide, bold: in.bold, w: w, h: CellHeight * hm})
	in.x += w
}

// flush prints the pending line and advances the paper by the line pitch,
// or by adv dots when adv >= 0.
func (in *interp) flush(adv int) {
	var text strings.Builder
	lineH := 0
	for _, c := range in.cells {
		text.WriteRune(c.r)
		lineH = max(lineH, c.h)
	}
	if adv < 0 {
		adv = max(in.spacing, lineH+lineGap)
		if lineH <= CellHeight {
			adv = in.spacing
		}
	}
	x0 := 0
	switch in.align {
	case AlignCenter:
		x0 = (in.p.Dots - in.x) / 2
	case AlignRight:
		x0 = in.p.Dots - in.x
	}
	if in.cv.grow(in.y+max(adv, lineH)) && lineH > 0 {
		for _, c := range in.cells {
			in.drawCell(c, x0, in.y+lineH-c.h)
			x0 += c.w
		}
	}
	in.y += adv
	if len(in.doc.Lines) < maxLines {
		in.doc.Lines = append(in.doc.Lines, strings.TrimRight(text.String(), " "))
		in.doc.Widths = append(in.doc.Widths, in.x/CellWidth)
	}
	in.cells, in.x = in.cells[:0], 0
}

func (in *interp) feedLines(n int) {
	if len(in.cells) > 0 {
		in.flush(-1)
		n--
	}
	for ; n > 0; n-- {
		in.flush(-1)
	}
}

func (in *interp) cut(b []byte) {
	if len(in.cells) > 0 {
		in.flush(-1)
	}
	if len(b) == 4 {
		in.y += int(b[3])
	}
	in.event(EventCut, int(b[2]))
	in.y += 24
	if in.cv.grow(in.y + 2) {
		for x := 0; x < in.cv.w; x++ {
			if x%12 < 6 {
				in.cv.set(x, in.y)
			}
		}
	}
	in.y += 24
}

// qr handles GS ( k for cn = 49: model, module size, error correction,
// store, print.
func (in *interp) qr(b []byte) {
	if len(b) < 7 || b[5] != 49 {
		in.unknown("GS ( k % X at byte %d: not a QR function", head(b[3:]), in.off)
		return
	}
	fn := b[6]
	switch {
	case fn == 65 || fn == 82:
	case fn == 67 && len(b) >= 8:
		in.qrModule = clamp(int(b[7]), 1, 16)
	case fn == 69 && len(b) >= 8:
		in.qrEC = ECLevel(b[7])
	case fn == 80 && len(b) >= 8:
		in.qrData = append(in.qrData[:0], b[8:]...)
	case fn == 81:
		in.qrPrint()
	default:
		in.unknown("GS ( k QR function %d at byte %d", fn, in.off)
	}
}

func (in *interp) qrPrint() {
	if len(in.cells) > 0 {
		in.flush(-1)
	}
	if len(in.qrData) == 0 {
		in.unknown("QR print with no stored data at byte %d", in.off)
		return
	}
	payload := string(in.qrData)
	if len(in.doc.QRs) < maxLines {
		in.doc.QRs = append(in.doc.QRs, payload)
	}
	if in.cv.truncated {
		return
	}
	key := fmt.Sprintf("%d:%s", in.qrEC, payload)
	if key != in.qrKey {
		sym, err := qr.Encode(payload, qrLevel(in.qrEC), qr.Auto)
		if err != nil {
			in.unknown("QR at byte %d: %v", in.off, err)
			return
		}
		in.qrKey, in.qrSym = key, sym
	}
	n := in.qrSym.Bounds().Dx()
	size := n * in.qrModule
	if size > in.p.Dots {
		in.unknown("QR of %d dots at byte %d is wider than the paper", size, in.off)
	}
	x0 := in.alignX(size)
	in.image("qr", x0, size, size)
	if in.cv.grow(in.y + size) {
		for my := 0; my < n; my++ {
			for mx := 0; mx < n; mx++ {
				if isDark(in.qrSym.At(mx, my)) {
					in.cv.fill(x0+mx*in.qrModule, in.y+my*in.qrModule, in.qrModule, in.qrModule)
				}
			}
		}
	}
	in.y += size
}

// image records a QR code or raster image about to be drawn at in.y.
func (in *interp) image(kind string, x, w, h int) {
	if len(in.doc.Images) < maxLines {
		in.doc.Images = append(in.doc.Images, Image{Kind: kind, Line: len(in.doc.Lines), X: x, Y: in.y, W: w, H: h, Offset: in.off})
	}
}

func (in *interp) alignX(w int) int {
	switch in.align {
	case AlignCenter:
		return max(0, (in.p.Dots-w)/2)
	case AlignRight:
		return max(0, in.p.Dots-w)
	}
	return 0
}

// raster draws GS v 0 m xL xH yL yH d…; m bit 0 doubles width, bit 1 height.
func (in *interp) raster(b []byte) {
	if len(in.cells) > 0 {
		in.flush(-1)
	}
	m := b[3] % 48
	if m > 3 {
		in.unknown("GS v 0 mode %d at byte %d", b[3], in.off)
		m = 0
	}
	sx, sy := 1+int(m&1), 1+int(m>>1&1)
	xb := int(b[4]) | int(b[5])<<8
	yl := int(b[6]) | int(b[7])<<8
	w := xb * 8 * sx
	if w > in.p.Dots {
		in.unknown("raster image of %d dots at byte %d is wider than the paper", w, in.off)
	}
	x0 := in.alignX(w)
	in.image("raster", x0, w, yl*sy)
	data := b[8:]
	if in.cv.grow(in.y + yl*sy) {
		for y := 0; y < yl; y++ {
			for i, v := range data[y*xb : (y+1)*xb] {
				for bit := 0; bit < 8 && v != 0; bit++ {
					if v&(0x80>>bit) != 0 {
						in.cv.fill(x0+(i*8+bit)*sx, in.y+y*sy, sx, sy)
					}
				}
			}
		}
	}
	in.y += yl * sy
}

func isDark(c interface{ RGBA() (r, g, b, a uint32) }) bool {
	r, _, _, _ := c.RGBA()
	return r < 0x8000
}

// canvas is the paper: white rows added as the print advances, black dots
// set by drawing, never taller than MaxImageHeight.
type canvas struct {
	w, h      int
	pix       []uint8
	truncated bool
}

// grow makes the paper at least h dots long; false when that passes
// MaxImageHeight (the paper is cut short and drawing stops).
func (c *canvas) grow(h int) bool {
	if h > MaxImageHeight {
		c.truncated = true
		return false
	}
	if h <= c.h {
		return true
	}
	n := (h - c.h) * c.w
	c.pix = append(c.pix, make([]uint8, n)...)
	for i := len(c.pix) - n; i < len(c.pix); i++ {
		c.pix[i] = 0xff
	}
	c.h = h
	return true
}

func (c *canvas) set(x, y int) {
	if x >= 0 && x < c.w && y >= 0 && y < c.h {
		c.pix[y*c.w+x] = 0
	}
}

func (c *canvas) fill(x, y, w, h int) {
	for dy := 0; dy < h; dy++ {
		for dx := 0; dx < w; dx++ {
			c.set(x+dx, y+dy)
		}
	}
}

func (c *canvas) image(h int) *image.Gray {
	h = min(max(h, 1), MaxImageHeight)
	c.grow(h)
	return &image.Gray{Pix: c.pix[:h*c.w], Stride: c.w, Rect: image.Rect(0, 0, c.w, h)}
}
