package escpos

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"fupinpos/pos"
)

// extB is 𠮷 (U+20BB7, CJK Extension B): four bytes in GB18030, outside
// every receipt printer's font, and in no font Debian installs by default.
const extB = "𠮷"

// withTestGlyphs makes testdata/glyphs-test.hex (a hand-drawn 𠮷, the only
// glyph in it) the terminal's extra font for one test, so the images are
// the same on every machine whatever fonts it has.
func withTestGlyphs(t testing.TB) {
	t.Helper()
	saved := GlyphFonts
	GlyphFonts = []string{"testdata/glyphs-test.hex"}
	t.Cleanup(func() { GlyphFonts = saved })
}

// withoutGlyphs leaves Unifont as the only font: 𠮷 has no glyph.
func withoutGlyphs(t testing.TB) {
	t.Helper()
	saved := GlyphFonts
	GlyphFonts = nil
	t.Cleanup(func() { GlyphFonts = saved })
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func interpret(t *testing.T, b []byte, p Profile) *Document {
	t.Helper()
	doc, err := Interpret(b, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Unknown) > 0 || len(doc.Overflows) > 0 {
		t.Fatalf("unknown commands %v, overflowing lines %v", doc.Unknown, doc.Overflows)
	}
	return doc
}

// TestGoldenReceiptRasterLine pins a 58 mm receipt whose store name holds
// 𠮷: the store line (double height, centred) prints as a GS v 0 image of
// 376×54 dots — 30 columns of 12 dots centred in 384 (x 12…372, rounded up
// to whole bytes), 24×2 dots of characters and the 6-dot line gap — at
// line 0, and every other line reads back as the same text as the
// receipt without 𠮷.
func TestGoldenReceiptRasterLine(t *testing.T) {
	withTestGlyphs(t)
	plain := fixtureReceipt(3)
	r := fixtureReceipt(3)
	r.StoreName = extB + r.StoreName
	b, err := Receipt(r, Paper58, nil)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "receipt-58-glyph.bin", b)
	doc := interpret(t, b, Paper58)
	golden(t, "receipt-58-glyph.txt", []byte(doc.Transcript()))

	pb, err := Receipt(plain, Paper58, nil)
	if err != nil {
		t.Fatal(err)
	}
	pdoc := interpret(t, pb, Paper58)
	if pdoc.Lines[0] != plain.StoreName {
		t.Fatalf("plain receipt starts with %q", pdoc.Lines[0])
	}
	if !slices.Equal(doc.Lines, pdoc.Lines[1:]) {
		t.Errorf("lines besides the store name differ:\n%s\nwant\n%s", doc.Text(), strings.Join(pdoc.Lines[1:], "\n"))
	}
	var rasters []Image
	for _, im := range doc.Images {
		if im.Kind == "raster" {
			rasters = append(rasters, im)
		}
	}
	if len(rasters) != 1 {
		t.Fatalf("raster images %v, want one for the store line", doc.Images)
	}
	if got, want := rasters[0], (Image{Kind: "raster", Line: 0, X: 0, Y: topMargin, W: 376, H: 54}); got.Line != want.Line || got.W != want.W || got.H != want.H || got.X != want.X || got.Y != want.Y {
		t.Errorf("store line image %+v, want %+v", got, want)
	}
	// the rest of the paper is the same: the image takes the place (54
	// dots) of the double-height text line
	h := doc.Image.Bounds().Dy()
	if ph := pdoc.Image.Bounds().Dy(); h != ph {
		t.Errorf("paper %d dots long, %d without 𠮷", h, ph)
	}
	if !bytes.Equal(doc.Image.Pix[(topMargin+54)*384:], pdoc.Image.Pix[(topMargin+54)*384:]) {
		t.Error("paper below the store line differs from the receipt without 𠮷")
	}
}

// TestRasterLineMatchesText checks the image of a line pixel by pixel: a
// normal-size, left-aligned cashier line "收银员: 王小红𠮷" is the
// interpreter's own drawing of "收银员: 王小红" followed by the test font's
// 𠮷 in the next two-column cell — the interpreter reads it back as the
// same text, up to the character it has no code for.
func TestRasterLineMatchesText(t *testing.T) {
	withTestGlyphs(t)
	for _, bold := range []bool{false, true} {
		w, pw := NewWriter(Paper80), NewWriter(Paper80)
		for _, x := range []*Writer{w, pw} {
			x.Init()
			x.Bold(bold)
		}
		w.Line("收银员: 王小红" + extB)
		pw.Line("收银员: 王小红")
		b, _ := w.Bytes()
		pb, _ := pw.Bytes()
		doc, pdoc := interpret(t, b, Paper80), interpret(t, pb, Paper80)
		if len(doc.Images) != 1 || len(doc.Lines) != 0 || doc.Images[0].H != 30 {
			t.Fatalf("bold=%t: images %v, lines %q; want one 30-dot image", bold, doc.Images, doc.Lines)
		}
		cols := Width("收银员: 王小红")
		if want := (cols*CellWidth + 2*CellWidth + 7) / 8 * 8; doc.Images[0].W != want {
			t.Errorf("bold=%t: image %d dots wide, want %d", bold, doc.Images[0].W, want)
		}
		textW := cols * CellWidth
		for y := topMargin; y < topMargin+30; y++ {
			row, prow := doc.Image.Pix[y*576:], pdoc.Image.Pix[y*576:]
			if !bytes.Equal(row[:textW], prow[:textW]) {
				t.Fatalf("bold=%t: row %d of the image differs from the text", bold, y-topMargin)
			}
		}
		// the 𠮷 cell: the test glyph drawn as the interpreter draws
		cell := newBitmap(24, 24)
		g := glyphOf([]rune(extB)[0])
		if g == nil {
			t.Fatal("test glyph not loaded")
		}
		drawGlyph(g, cell.set, 0, 0, 24, 24, true, bold)
		for y := 0; y < 24; y++ {
			for x := 0; x < 24; x++ {
				if dark := doc.Image.Pix[(topMargin+y)*576+textW+x] == 0; dark != cell.pix[y*24+x] {
					t.Fatalf("bold=%t: 𠮷 cell differs at (%d,%d)", bold, x, y)
				}
			}
		}
	}
}

// TestNoCharacterFailsAReceipt: names with characters outside the
// printer's font (store, cashier, product, Z report store, test page info)
// never fail a receipt, reprint, void, Z report or test page, on any
// profile. With a glyph the line is an image; without one, or on a profile
// with NoRaster, the character prints as □ (two columns) or ? (one) and
// the line stays text of the same width.
func TestNoCharacterFailsAReceipt(t *testing.T) {
	noRaster := Paper58
	noRaster.Name, noRaster.NoRaster, noRaster.NativeQR = "58-noraster", true, false
	for _, tc := range []struct {
		name      string
		glyphs    func(testing.TB)
		p         Profile
		image     bool
		substText string // the cashier line as text when it is not an image
	}{
		{"glyph", withTestGlyphs, Paper80, true, ""},
		{"no glyph", withoutGlyphs, Paper80, false, "收银员: 王□红"},
		{"no raster", withTestGlyphs, noRaster, false, "收银员: 王□红"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.glyphs(t)
			for _, kind := range []string{"sale", "reprint", "void"} {
				r := fixtureReceipt(3)
				r.StoreName = "㐀" + r.StoreName
				r.Cashier = "王" + extB + "红"
				r.Lines[0].Name = "富硒" + extB + "米\x01"
				switch kind {
				case "reprint":
					r.Reprint = true
				case "void":
					r.Kind, r.Voids = pos.KindVoid, "T0007-000122"
				}
				b, err := Receipt(r, tc.p, nil)
				if err != nil {
					t.Fatalf("%s: %v", kind, err)
				}
				doc := interpret(t, b, tc.p)
				hasLine := tc.substText != "" && slices.Contains(doc.Lines, tc.substText)
				rasters := 0
				for _, im := range doc.Images {
					if im.Kind == "raster" && (tc.p.NativeQR || im.Line < len(doc.Lines)-3) {
						rasters++
					}
				}
				if tc.image {
					// store (㐀 is in Unifont), cashier, product name
					if want := 3; strings.Contains(doc.Text(), "□") || rasters != want {
						t.Errorf("%s: %d line images, want %d\n%s", kind, rasters, want, doc.Transcript())
					}
				} else {
					if !hasLine {
						t.Errorf("%s: no line %q in\n%s", kind, tc.substText, doc.Text())
					}
					if !strings.Contains(doc.Text(), "富硒□米?") {
						t.Errorf("%s: product not substituted\n%s", kind, doc.Text())
					}
				}
			}
			d := fixtureDay()
			d.Store = extB + "店"
			if _, err := ZReport(d, tc.p, nil); err != nil {
				t.Errorf("Z report: %v", err)
			}
			if _, err := TestPage(tc.p, "serial:///dev/"+extB, nil); err != nil {
				t.Errorf("test page: %v", err)
			}
		})
	}
}

// TestUnprintableList names what setup warns about.
func TestUnprintableList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []rune
	}{
		{"安康市工会扶贫专区", nil},
		{"¥12 ￥", nil},
		{"𠮷野家㐀𠮷", []rune{0x20BB7, 0x3400}},
		{"王\x07", []rune{7}},
	} {
		if got := Unprintable(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Unprintable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := Substitute("a𠮷\x01b"); got != "a□?b" {
		t.Errorf("Substitute = %q", got)
	}
	if !HasGlyph(0x3400) {
		t.Error("Unifont has no 㐀")
	}
}
