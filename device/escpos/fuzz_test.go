package escpos

import (
	"slices"
	"testing"
)

// FuzzInterpret feeds arbitrary bytes to the interpreter, as the printer
// simulator does with whatever a client sends. It must never panic, the
// image must stay as wide as the paper and no taller than MaxImageHeight,
// and the streaming tokenizer must agree with the one-shot one.
func FuzzInterpret(f *testing.F) {
	for _, p := range []Profile{Paper58, {Name: "raster", Dots: 384, Columns: 32}} {
		b, err := Receipt(fixtureReceipt(2), p, nil)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{GS, 'v', '0', 0, 2, 0, 2, 0, 0xff, 0x00, 0x81, 0x18})
	f.Add([]byte{FS, '&', 0xD6, 0xD0, 0x81, LF, DLE, EOT, 2, GS, 'V', 65, 3})
	f.Add([]byte{GS, '(', 'k', 3, 0, 49, 67, 16, GS, '(', 'k', 5, 0, 49, 80, 48, 'a', 'b', GS, '(', 'k', 3, 0, 49, 81, 48})
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Interpret(data, Paper58)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Image.Bounds().Dx() != Paper58.Dots || doc.Image.Bounds().Dy() > MaxImageHeight {
			t.Fatalf("image %v", doc.Image.Bounds())
		}
		if len(doc.Lines) != len(doc.Widths) {
			t.Fatalf("%d lines, %d widths", len(doc.Lines), len(doc.Widths))
		}
		for _, piece := range []int{1, 3, 17} {
			if got, want := commands(data, piece), commands(data, len(data)+1); !slices.Equal(got, want) {
				t.Fatalf("pieces of %d: %d commands, one-shot %d", piece, len(got), len(want))
			}
		}
	})
}
