package escpos

import (
	"testing"
)

// BenchmarkReceipt encodes a 10-line receipt with two vouchers on 58 mm
// and 80 mm paper, with a native and a raster QR code, as is ("plain") and
// with one line printed as an image ("glyph-line": 𠮷 in the cashier's
// name), and reports the bytes sent and how long they take on the wire at
// 9600 and 115200 baud (8N1: ten bits a byte). The goal is at most 2 KB
// with a native QR code and no image line.
func BenchmarkReceipt(b *testing.B) {
	withTestGlyphs(b)
	for _, line := range []string{"plain", "glyph-line"} {
		r := fixtureReceipt(10)
		if line == "glyph-line" {
			r.Cashier = "王" + extB + "红"
		}
		for _, tc := range []struct {
			name   string
			native bool
		}{{"native-qr", true}, {"raster-qr", false}} {
			for _, base := range []Profile{Paper58, Paper80} {
				p := base
				p.NativeQR = tc.native
				b.Run(line+"/"+tc.name+"/"+p.Name, func(b *testing.B) {
					var n int
					for b.Loop() {
						out, err := Receipt(r, p, nil)
						if err != nil {
							b.Fatal(err)
						}
						n = len(out)
					}
					b.ReportMetric(float64(n), "bytes/receipt")
					b.ReportMetric(float64(n)*10/9600*1000, "ms@9600baud")
					b.ReportMetric(float64(n)*10/115200*1000, "ms@115200baud")
				})
			}
		}
	}
}

// TestReceiptSizeGoal keeps a 10-line receipt with a native QR code within
// 2 KB, so it prints in about two seconds on a 9600-baud serial printer.
func TestReceiptSizeGoal(t *testing.T) {
	for _, p := range profiles {
		out, err := Receipt(fixtureReceipt(10), p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) > 2048 {
			t.Errorf("%s: 10-line receipt is %d bytes, goal 2048", p.Name, len(out))
		}
	}
}

// BenchmarkInterpret measures rendering a receipt to lines and an image,
// which the app's preview and the printer simulator do per receipt.
func BenchmarkInterpret(b *testing.B) {
	data, err := Receipt(fixtureReceipt(10), Paper80, nil)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Interpret(data, Paper80); err != nil {
			b.Fatal(err)
		}
	}
}
