package escpos

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// decodeQR finds and decodes the QR code in a PNG, as a phone would.
func decodeQR(t *testing.T, pngBytes []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code decodes from the rendered receipt (%dx%d): %v", img.Bounds().Dx(), img.Bounds().Dy(), err)
	}
	return res.GetText()
}

// TestQRDecodesFromPNG renders the receipt's PNG, native and raster QR at
// each width, and decodes the audit code back out of the pixels.
func TestQRDecodesFromPNG(t *testing.T) {
	for _, base := range profiles {
		for _, native := range []bool{true, false} {
			p := base
			p.NativeQR = native
			r := fixtureReceipt(3)
			b, err := Receipt(r, p, nil)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Interpret(b, p)
			if err != nil {
				t.Fatal(err)
			}
			if !native && len(doc.QRs) != 0 {
				t.Errorf("%s raster: the interpreter saw a native QR", p.Name)
			}
			pngBytes, err := doc.PNG()
			if err != nil {
				t.Fatal(err)
			}
			if got := decodeQR(t, pngBytes); got != r.AuditCode {
				t.Errorf("%s native=%t: QR decodes to %q, want %q", p.Name, native, got, r.AuditCode)
			}
		}
	}
}

// TestQRSizeFitsPaper checks the QR symbol at the profile's module size
// fits the paper with room for a quiet zone.
func TestQRSizeFitsPaper(t *testing.T) {
	for _, p := range profiles {
		img, err := qrImage("FPR1:T0007-000123:9f86d081884c7d65", ECMedium, qrModule(p))
		if err != nil {
			t.Fatal(err)
		}
		if w := img.Bounds().Dx(); w+8*qrModule(p) > p.Dots {
			t.Errorf("%s: QR %d dots wide leaves no quiet zone in %d dots", p.Name, w, p.Dots)
		}
	}
}

// TestRasterRoundTrip prints an image as GS v 0 and checks the interpreter
// draws the same dots.
func TestRasterRoundTrip(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 20, 3))
	for i := range src.Pix {
		src.Pix[i] = 0xff
	}
	dots := []image.Point{{0, 0}, {7, 0}, {8, 1}, {19, 2}}
	for _, d := range dots {
		src.Pix[d.Y*src.Stride+d.X] = 0
	}
	w := NewWriter(Paper58)
	w.Raster(src)
	b, err := w.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if want := 8 + 3*3; len(b) != want {
		t.Fatalf("%d bytes, want %d", len(b), want)
	}
	doc, err := Interpret(b, Paper58)
	if err != nil {
		t.Fatal(err)
	}
	black := 0
	for _, v := range doc.Image.Pix {
		if v == 0 {
			black++
		}
	}
	if black != len(dots) {
		t.Errorf("%d black dots, want %d", black, len(dots))
	}
	for _, d := range dots {
		if doc.Image.GrayAt(d.X, topMargin+d.Y).Y != 0 {
			t.Errorf("dot %v not drawn", d)
		}
	}
}
