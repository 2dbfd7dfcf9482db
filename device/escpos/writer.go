package escpos

import (
	"image"
	"strings"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"

	"fupinpos/pos"
)

// Writer builds ESC/POS bytes for one profile. Its methods append commands;
// the first error (a QR too large, an image wider than the paper) sticks
// and is returned by Bytes, so layout code reads as a straight list of
// lines. No character makes it fail: see Line.
type Writer struct {
	p   Profile
	buf []byte
	err error

	// the printer state the Writer has set, for lines drawn as images
	align      Alignment
	bold       bool
	wmul, hmul int
}

// NewWriter returns an empty Writer for profile p.
func NewWriter(p Profile) *Writer {
	return &Writer{p: p, buf: make([]byte, 0, 1024), wmul: 1, hmul: 1}
}

// Profile returns the profile the Writer lays out for.
func (w *Writer) Profile() Profile { return w.p }

// Bytes returns the commands written so far, or the first error.
func (w *Writer) Bytes() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	return w.buf, nil
}

// Err returns the first error, if any.
func (w *Writer) Err() error { return w.err }

// Raw appends b unchanged.
func (w *Writer) Raw(b ...byte) { w.buf = append(w.buf, b...) }

// Init resets the printer (ESC @): alignment, sizes, bold and line spacing
// back to defaults, Chinese mode off.
func (w *Writer) Init() {
	w.Raw(ESC, '@')
	w.align, w.bold, w.wmul, w.hmul = AlignLeft, false, 1, 1
}

// Align sets the justification of the following lines and images (ESC a).
func (w *Writer) Align(a Alignment) {
	w.Raw(ESC, 'a', byte(a))
	w.align = a
}

// Bold turns emphasis on or off (ESC E).
func (w *Writer) Bold(on bool) {
	w.Raw(ESC, 'E', b2b(on))
	w.bold = on
}

// Size sets the character magnification, 1–8 each way (GS !). A
// double-width character takes two columns per column.
func (w *Writer) Size(width, height int) {
	width, height = clamp(width, 1, 8), clamp(height, 1, 8)
	w.Raw(GS, '!', byte((width-1)<<4|(height-1)))
	w.wmul, w.hmul = width, height
}

// Text appends s, GB18030-encoded with Chinese runs in FS & … FS . (per
// the profile's Chinese mode), without a line feed. A character the
// printer cannot print as text is replaced by its Substitute.
func (w *Writer) Text(s string) {
	w.text(Substitute(s))
}

// text appends s, which holds only printable characters.
func (w *Writer) text(s string) {
	if w.err != nil {
		return
	}
	out, err := appendText(w.buf, s, w.p.Chinese == ChineseFS)
	if err != nil { // cannot happen after Unprintable/Substitute; keep the guard
		w.err = err
		return
	}
	w.buf = out
}

// Line appends s and a line feed. A line holding a character the printer
// cannot print as text (outside GB18030's two-byte repertoire, e.g. 𠮷
// U+20BB7 or 㐀 U+3400) is printed as a GS v 0 raster image of the text
// instead, drawn in the Font A cells, magnification, bold and alignment
// the line would have had, with the terminal's fonts (Unifont, then
// GlyphFonts) — unless the profile has NoRaster or no font has any of the
// line's unprintable characters: then those characters print as the
// substitute □ (two columns) or ? (one column) and the line stays text.
// Either way the line prints; no character fails a receipt.
func (w *Writer) Line(s string) {
	s = Normalize(s)
	for seg := range strings.SplitSeq(s, "\n") {
		switch bad := Unprintable(seg); {
		case len(bad) == 0:
			w.text(seg)
		case !w.p.NoRaster && anyGlyph(bad):
			w.rasterLine(seg)
			continue
		default:
			w.text(Substitute(seg))
		}
		w.Raw(LF)
	}
}

// anyGlyph reports whether a font draws at least one of rs.
func anyGlyph(rs []rune) bool {
	for _, r := range rs {
		if HasGlyph(r) {
			return true
		}
	}
	return false
}

// rasterLine prints s as an image of one text line: left-aligned with the
// alignment's offset drawn into the image (printers differ on whether
// ESC a moves raster images), GS v 0 doubling width and height for the
// magnifications the Writer set, the line pitch below included.
func (w *Writer) rasterLine(s string) {
	bm, sx, sy := rasterText(s, w.p.Dots, w.align, w.wmul, w.hmul, w.bold)
	if w.align != AlignLeft {
		w.Raw(ESC, 'a', byte(AlignLeft))
	}
	w.rasterBits(bm, byte(sx-1)|byte(sy-1)<<1)
	if w.align != AlignLeft {
		w.Raw(ESC, 'a', byte(w.align))
	}
}

// rasterBits appends GS v 0 m with the bits of bm.
func (w *Writer) rasterBits(bm *bitmap, m byte) {
	xb := (bm.w + 7) / 8
	w.Raw(GS, 'v', '0', m, byte(xb), byte(xb>>8), byte(bm.h), byte(bm.h>>8))
	row := make([]byte, xb)
	for y := 0; y < bm.h; y++ {
		clear(row)
		for x := 0; x < bm.w; x++ {
			if bm.pix[y*bm.w+x] {
				row[x/8] |= 0x80 >> (x % 8)
			}
		}
		w.buf = append(w.buf, row...)
	}
}

// Lines appends each of lines with a line feed.
func (w *Writer) Lines(lines []string) {
	for _, l := range lines {
		w.Line(l)
	}
}

// Feed prints the buffer and feeds n lines (ESC d).
func (w *Writer) Feed(n int) { w.Raw(ESC, 'd', byte(clamp(n, 0, 255))) }

// Cut feeds the paper to the cutter and cuts it, leaving a hinge (GS V 66 0).
// Without an autocutter it feeds the paper out to the tear bar instead.
// The profile's CutMode picks GS V 66 0 (feed and cut) or, after ESC d 4,
// GS V 1 (partial) or GS V 0 (full).
func (w *Writer) Cut() {
	if !w.p.Cut {
		w.Feed(4)
		return
	}
	switch w.p.CutMode {
	case CutPartial:
		w.Feed(4)
		w.Raw(GS, 'V', 1)
	case CutFull:
		w.Feed(4)
		w.Raw(GS, 'V', 0)
	default:
		w.Raw(GS, 'V', 66, 0)
	}
}

// Drawer pulses the cash drawer kick connector (ESC p) with the profile's
// DrawerPulse: by default pin 2 for 50 ms.
func (w *Writer) Drawer() { w.Raw(w.p.DrawerPulse.bytes()...) }

// QR prints payload as a QR code centred on its own lines, natively when
// the profile says the printer knows GS ( k, else as a raster image (left
// out when the profile has NoRaster: the caller prints the payload as
// text anyway). The quiet zone the symbol needs — four modules of white —
// is fed above and below it (ESC J), so no text touches it.
func (w *Writer) QR(payload string, ec ECLevel) {
	if !w.p.NativeQR && w.p.NoRaster {
		return
	}
	m := qrModule(w.p)
	w.Raw(ESC, 'J', byte(QuietZone*m))
	if w.p.NativeQR {
		w.QRNative(payload, m, ec)
	} else {
		w.QRRaster(payload, m, ec)
	}
	w.Raw(ESC, 'J', byte(QuietZone*m))
}

// QuietZone is the white margin a QR symbol needs on each side, in
// modules (ISO/IEC 18004).
const QuietZone = 4

// qrModule is the module size in dots: about 1/96 of the paper width
// (4 dots = 0.5 mm on 58 mm paper, 6 on 80 mm), so the audit code of about
// 25 modules is 12–19 mm wide and scans from a phone, while a raster QR
// stays near 3 KB for slow serial printers.
func qrModule(p Profile) int { return clamp(p.Dots/96, 3, 6) }

// QRNative stores payload in the printer's QR buffer and prints it:
// GS ( k functions 165 (model 2), 167 (module size), 169 (error
// correction), 180 (store) and 181 (print).
func (w *Writer) QRNative(payload string, module int, ec ECLevel) {
	if len(payload) == 0 || len(payload) > 7089 {
		w.fail(pos.Errorf(pos.EINVALID, "QR payload of %d bytes", len(payload)))
		return
	}
	w.Raw(GS, '(', 'k', 4, 0, 49, 65, 50, 0)
	w.Raw(GS, '(', 'k', 3, 0, 49, 67, byte(clamp(module, 1, 16)))
	w.Raw(GS, '(', 'k', 3, 0, 49, 69, byte(ec))
	n := len(payload) + 3
	w.Raw(GS, '(', 'k', byte(n), byte(n>>8), 49, 80, 48)
	w.buf = append(w.buf, payload...)
	w.Raw(GS, '(', 'k', 3, 0, 49, 81, 48)
}

// QRRaster renders payload with boombuler/barcode and prints it as a
// GS v 0 raster image, for printers without native QR.
func (w *Writer) QRRaster(payload string, module int, ec ECLevel) {
	img, err := qrImage(payload, ec, module)
	if err != nil {
		w.fail(err)
		return
	}
	w.Raster(img)
}

// Raster prints img as a GS v 0 raster image: dark pixels (luminance below
// half) become dots. Images wider than the paper are an error.
func (w *Writer) Raster(img image.Image) {
	b := img.Bounds()
	if b.Dx() > w.p.Dots || b.Dx() == 0 || b.Dy() == 0 || b.Dy() > 0xffff {
		w.fail(pos.Errorf(pos.EINVALID, "raster image %dx%d does not fit %d dots", b.Dx(), b.Dy(), w.p.Dots))
		return
	}
	xb := (b.Dx() + 7) / 8
	w.Raw(GS, 'v', '0', 0, byte(xb), byte(xb>>8), byte(b.Dy()), byte(b.Dy()>>8))
	row := make([]byte, xb)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		clear(row)
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if (r*299+g*587+bl*114)/1000 < 0x8000 {
				i := x - b.Min.X
				row[i/8] |= 0x80 >> (i % 8)
			}
		}
		w.buf = append(w.buf, row...)
	}
}

// StatusQuery appends DLE EOT n.
func (w *Writer) StatusQuery(n byte) { w.Raw(DLE, EOT, n) }

func (w *Writer) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

// qrImage returns the QR symbol of payload scaled to module dots per
// module, without a quiet zone: the paper around it is the quiet zone.
func qrImage(payload string, ec ECLevel, module int) (image.Image, error) {
	code, err := qr.Encode(payload, qrLevel(ec), qr.Auto)
	if err != nil {
		return nil, pos.WrapError(pos.EINVALID, err, "QR code of %d bytes", len(payload))
	}
	n := code.Bounds().Dx()
	return barcode.Scale(code, n*module, n*module)
}

func qrLevel(ec ECLevel) qr.ErrorCorrectionLevel {
	switch ec {
	case ECLow:
		return qr.L
	case ECQuartile:
		return qr.Q
	case ECHigh:
		return qr.H
	}
	return qr.M
}

func b2b(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func clamp(v, lo, hi int) int {
	return max(lo, min(v, hi))
}
