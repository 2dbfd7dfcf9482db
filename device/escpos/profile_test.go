package escpos

import (
	"bytes"
	"testing"
)

// TestProfileByModelID maps GS I answers to profiles; anything unknown
// gets the safe 32-column profile.
func TestProfileByModelID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want string
		ok   bool
	}{
		{"_TM-T88V\x00", "tm-t88", true},
		{"TM-T88VI", "tm-t88", true},
		{"\x20", "tm-t88", true},
		{"_TM-T20II\x00", "tm-t20", true},
		{"XP-58IIH", "xp-58", true},
		{"_XP-Q80A\x00", "xp-80", true},
		{"GP-L80160", "gp-80", true},
		{"gp-5890x", "gp-58", true},
		{"SUNMI T2", "sunmi-80", true},
		{"_SUNMI\x00", "sunmi-58", true},
		{"", "safe", false},
		{"\x00", "safe", false},
		{"\x42", "safe", false},
		{"_ACME POS-9000\x00", "safe", false},
	} {
		p, ok := ProfileByModelID([]byte(tc.id))
		if p.Name != tc.want || ok != tc.ok {
			t.Errorf("ProfileByModelID(%q) = %s, %t; want %s, %t", tc.id, p.Name, ok, tc.want, tc.ok)
		}
		if err := p.Validate(); err != nil {
			t.Errorf("%q: %v", tc.id, err)
		}
	}
	// the safe default has the fewest columns of the table: a wrong guess
	// leaves a margin, it never wraps a line
	for _, p := range Profiles {
		if p.Columns < SafeProfile.Columns {
			t.Errorf("%s has %d columns, fewer than the safe default's %d", p.Name, p.Columns, SafeProfile.Columns)
		}
	}
}

// TestProfileTable checks each model's receipt on its own paper: the
// TM-T88 draws 512 dots and 42 columns, each profile's widest line fills
// its columns exactly (no line wider, and the rules reach the edge), and
// the cut and drawer commands are the profile's.
func TestProfileTable(t *testing.T) {
	for _, name := range []string{"58", "80", "80-180", "tm-t88", "tm-t20", "xp-58", "xp-80", "gp-58", "gp-80", "sunmi-58", "sunmi-80", "safe", "TM-T88V", "epson", "XP80"} {
		if _, err := ProfileByName(name); err != nil {
			t.Errorf("ProfileByName(%q): %v", name, err)
		}
	}
	if _, err := ProfileByName("tm-t99"); err == nil {
		t.Error("an unknown model is accepted")
	}
	tm, _ := ProfileByName("tm-t88")
	if tm.Dots != 512 || tm.Columns != 42 {
		t.Errorf("tm-t88: %d dots, %d columns", tm.Dots, tm.Columns)
	}
	for _, base := range Profiles {
		p := base
		p.Drawer, p.Cut = true, true
		b, err := Receipt(fixtureReceipt(3), p, nil)
		if err != nil {
			t.Fatal(err)
		}
		doc := interpret(t, b, p)
		if doc.Image.Bounds().Dx() != p.Dots {
			t.Errorf("%s: paper %d dots wide, want %d", p.Name, doc.Image.Bounds().Dx(), p.Dots)
		}
		widest := 0
		for _, w := range doc.Widths {
			widest = max(widest, w)
		}
		if widest != p.Columns {
			t.Errorf("%s: widest line %d columns, want %d", p.Name, widest, p.Columns)
		}
		if doc.Count(EventCut) != 1 || doc.Count(EventDrawer) != 1 {
			t.Errorf("%s: %d cuts, %d drawer kicks", p.Name, doc.Count(EventCut), doc.Count(EventDrawer))
		}
		cut := map[CutMode][]byte{CutFeedPartial: {GS, 'V', 66, 0}, CutPartial: {ESC, 'd', 4, GS, 'V', 1}, CutFull: {ESC, 'd', 4, GS, 'V', 0}}[p.CutMode]
		if !bytes.Contains(b, cut) {
			t.Errorf("%s: no cut command % X", p.Name, cut)
		}
		if len(doc.QRs) != b2i(p.NativeQR) {
			t.Errorf("%s: native QR codes %q with NativeQR=%t", p.Name, doc.QRs, p.NativeQR)
		}
	}
}

// TestChineseNative: a profile with ChineseNative sends GB18030 bare.
func TestChineseNative(t *testing.T) {
	p := Paper58
	p.Chinese = ChineseNative
	w := NewWriter(p)
	w.Line("合计 ￥1.00")
	b, _ := w.Bytes()
	want := []byte{0xBA, 0xCF, 0xBC, 0xC6, ' ', 0xA3, 0xA4, '1', '.', '0', '0', LF}
	if !bytes.Equal(b, want) {
		t.Errorf("% X, want % X", b, want)
	}
}

// TestQRQuietZone: four modules of white paper above and below the QR
// code on every profile, native and raster, on receipts and the test
// page, so the audit text never sits in the quiet zone (issue 9, defect 9).
func TestQRQuietZone(t *testing.T) {
	for _, base := range Profiles {
		for _, native := range []bool{true, false} {
			p := base
			p.NativeQR = native
			b, err := Receipt(fixtureReceipt(3), p, nil)
			if err != nil {
				t.Fatal(err)
			}
			tp, err := TestPage(p, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			for name, data := range map[string][]byte{"receipt": b, "test page": tp} {
				doc := interpret(t, data, p)
				if len(doc.Images) == 0 {
					t.Fatalf("%s native=%t %s: no QR image in %v", p.Name, native, name, doc.Images)
				}
				qr := doc.Images[len(doc.Images)-1] // the QR code is the last image
				zone := 4 * qrModule(p)
				for _, rows := range [][2]int{{qr.Y - zone, qr.Y}, {qr.Y + qr.H, qr.Y + qr.H + zone}} {
					for y := rows[0]; y < rows[1]; y++ {
						if i := bytes.IndexByte(doc.Image.Pix[y*p.Dots:(y+1)*p.Dots], 0); i >= 0 {
							t.Errorf("%s native=%t %s: dot at (%d,%d) inside the QR's quiet zone (QR at y %d..%d)", p.Name, native, name, i, y, qr.Y, qr.Y+qr.H)
							break
						}
					}
				}
			}
		}
	}
}
