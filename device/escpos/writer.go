package escpos

import (
	"image"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"

	"fupinpos/pos"
)

// Writer builds ESC/POS bytes for one profile. Its methods append commands;
// the first error (an unprintable character, a QR too large) sticks and is
// returned by Bytes, so layout code reads as a straight list of lines.
type Writer struct {
	p   Profile
	buf []byte
	err error
}

// NewWriter returns an empty Writer for profile p.
func NewWriter(p Profile) *Writer { return &Writer{p: p, buf: make([]byte, 0, 1024)} }

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
func (w *Writer) Init() { w.Raw(ESC, '@') }

// Align sets the justification of the following lines and images (ESC a).
func (w *Writer) Align(a Alignment) { w.Raw(ESC, 'a', byte(a)) }

// Bold turns emphasis on or off (ESC E).
func (w *Writer) Bold(on bool) { w.Raw(ESC, 'E', b2b(on)) }

// Size sets the character magnification, 1–8 each way (GS !). A
// double-width character takes two columns per column.
func (w *Writer) Size(width, height int) {
	width, height = clamp(width, 1, 8), clamp(height, 1, 8)
	w.Raw(GS, '!', byte((width-1)<<4|(height-1)))
}

// Text appends s, GB18030-encoded with Chinese runs in FS & … FS ., without
// a line feed. An unprintable character stops the Writer with EUNPRINTABLE.
func (w *Writer) Text(s string) {
	if w.err != nil {
		return
	}
	out, err := appendText(w.buf, Normalize(s))
	if err != nil {
		w.err = err
		return
	}
	w.buf = out
}

// Line appends s and a line feed.
func (w *Writer) Line(s string) {
	w.Text(s)
	w.Raw(LF)
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
func (w *Writer) Cut() {
	if w.p.Cut {
		w.Raw(GS, 'V', 66, 0)
		return
	}
	w.Feed(4)
}

// Drawer pulses the cash drawer kick connector pin 2 for 50 ms (ESC p).
func (w *Writer) Drawer() { w.Raw(ESC, 'p', 0, 25, 250) }

// QR prints payload as a QR code centred on its own lines, natively when
// the profile says the printer knows GS ( k, else as a raster image.
func (w *Writer) QR(payload string, ec ECLevel) {
	if w.p.NativeQR {
		w.QRNative(payload, qrModule(w.p), ec)
	} else {
		w.QRRaster(payload, qrModule(w.p), ec)
	}
}

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
