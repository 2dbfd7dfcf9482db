package voucher

import (
	"image"
	"image/color"
	"image/draw"
	"testing"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"
)

func TestQRContent(t *testing.T) {
	text := mustEncode(t, testVoucher(), keyA)
	if got := QRContent("\r\n " + text + "\t\r\n"); got != text {
		t.Fatalf("QRContent keeps whitespace: %q", got)
	}
	tests := []struct {
		level      qr.ErrorCorrectionLevel
		maxModules int // version v has 17+4v modules
	}{
		{qr.M, 17 + 4*7},
		{qr.Q, 17 + 4*9},
	}
	for _, tt := range tests {
		code, err := qr.Encode(QRContent(text), tt.level, qr.Numeric)
		if err != nil {
			t.Fatalf("qr.Encode level %v: %v", tt.level, err)
		}
		n := code.Bounds().Dx()
		if n > tt.maxModules {
			t.Fatalf("level %v: %d modules, want at most %d", tt.level, n, tt.maxModules)
		}
		t.Logf("level %v: %d×%d modules (version %d)", tt.level, n, n, (n-17)/4)
		if got := decodeQR(t, code); got != text {
			t.Fatalf("level %v: QR decodes to %q, want the code", tt.level, got)
		}
	}
}

// decodeQR renders a symbol at 4 pixels per module with a quiet zone and
// reads it back with gozxing, as a camera scanner would.
func decodeQR(t *testing.T, code barcode.Barcode) string {
	t.Helper()
	n := code.Bounds().Dx()
	scaled, err := barcode.Scale(code, 4*n, 4*n)
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, 4*n+32, 4*n+32))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(img, scaled.Bounds().Add(image.Pt(16, 16)), scaled, image.Point{}, draw.Src)
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gzqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("gozxing: %v", err)
	}
	return res.GetText()
}
