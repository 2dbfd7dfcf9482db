package escpos

import (
	"bytes"
	"testing"

	"fupinpos/pos"
)

func TestEncode(t *testing.T) {
	tests := []struct {
		in   string
		want []byte
	}{
		{"Total 12", []byte("Total 12")},
		{"中", []byte{FS, '&', 0xD6, 0xD0, FS, '.'}},
		{"合计 ￥1", []byte{FS, '&', 0xBA, 0xCF, 0xBC, 0xC6, FS, '.', ' ', FS, '&', 0xA3, 0xA4, FS, '.', '1'}},
		{"¥5", []byte{FS, '&', 0xA3, 0xA4, FS, '.', '5'}}, // half-width yen printed as ￥
		{"a\tb", []byte("a b")},
		{"中\nA", []byte{FS, '&', 0xD6, 0xD0, FS, '.', LF, 'A'}},
		{"×·", []byte{FS, '&', 0xA1, 0xC1, 0xA1, 0xA4, FS, '.'}},
		{"", nil},
	}
	for _, tc := range tests {
		got, err := Encode(tc.in)
		if err != nil {
			t.Errorf("Encode(%q): %v", tc.in, err)
			continue
		}
		if !bytes.Equal(got, tc.want) {
			t.Errorf("Encode(%q) = % X, want % X", tc.in, got, tc.want)
		}
	}
}

// TestUnprintable checks that characters outside the two-byte GB18030
// repertoire are refused with EUNPRINTABLE by Encode and Printable and
// listed by Unprintable, instead of reaching the paper as garbage.
func TestUnprintable(t *testing.T) {
	for _, s := range []string{
		"苹果😀",      // emoji: four bytes in GB18030
		"𠀀",        // CJK extension B: four bytes
		"한국",       // Hangul syllables: four bytes
		"bell\x07", // control character
		"\uE000",   // private use
		"\xff",     // invalid UTF-8
	} {
		if _, err := Encode(s); pos.ErrorCode(err) != pos.EUNPRINTABLE {
			t.Errorf("Encode(%q): error %v, want %s", s, err, pos.EUNPRINTABLE)
		}
		if err := Printable(s); pos.ErrorCode(err) != pos.EUNPRINTABLE {
			t.Errorf("Printable(%q): error %v, want %s", s, err, pos.EUNPRINTABLE)
		}
		if got := Unprintable("核桃" + s); len(got) == 0 {
			t.Errorf("Unprintable(%q) is empty", "核桃"+s)
		}
		// a receipt never fails for a character (TestNoCharacterFailsAReceipt)
		r := fixtureReceipt(2)
		r.Lines[1].Name = "核桃" + s
		if b, err := Receipt(r, Paper80, nil); err != nil || len(b) == 0 {
			t.Errorf("receipt with %q: %d bytes, error %v", s, len(b), err)
		}
	}
	for _, s := range []string{"扶贫专区 ￥12.34 ×3", "Ａ～：（）【】《》", "镕", "ABC xyz 0-9"} {
		if err := Printable(s); err != nil {
			t.Errorf("Printable(%q): %v", s, err)
		}
	}
}

func TestWidthAndColumns(t *testing.T) {
	tests := []struct {
		fn   string
		got  string
		want string
	}{
		{"Pad", Pad("合计", 6), "合计  "},
		{"Pad odd", Pad("合计额", 5), "合计 "},
		{"PadLeft", PadLeft("￥1.00", 8), "  ￥1.00"},
		{"Center", Center("中", 6), "  中  "},
		{"Truncate wide", Truncate("一二三", 5), "一二"},
		{"Ruler", Ruler(12), "123456789012"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.fn, tc.got, tc.want)
		}
	}
	if Width("合计 ￥1.00") != 4+1+2+4 {
		t.Errorf("Width = %d", Width("合计 ￥1.00"))
	}
}

func TestLeftRight(t *testing.T) {
	tests := []struct {
		left, right string
		w           int
		want        []string
	}{
		{"合计", "￥1.00", 16, []string{"合计      ￥1.00"}},
		{"富硒小米礼盒装特级", "￥45.80", 16, []string{"富硒小米礼盒装特", "级       ￥45.80"}},
		{"一二三四五六七", "￥45.80", 16, []string{"一二三四五六七", "         ￥45.80"}},
		{"walnut kernels hand picked", "￥9.00", 16, []string{"walnut kernels", "hand picked", "          ￥9.00"}},
	}
	for _, tc := range tests {
		got := LeftRight(tc.left, tc.right, tc.w)
		if len(got) != len(tc.want) {
			t.Errorf("LeftRight(%q, %q) = %q, want %q", tc.left, tc.right, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] || Width(got[i]) > tc.w {
				t.Errorf("LeftRight(%q, %q)[%d] = %q, want %q", tc.left, tc.right, i, got[i], tc.want[i])
			}
		}
	}
}

func TestProfiles(t *testing.T) {
	tests := []struct {
		name        string
		dots, cols  int
		wantInvalid bool
	}{
		{"58", 384, 32, false}, {"80", 576, 48, false}, {"80-180", 512, 42, false}, {"80mm", 576, 48, false},
		{"76", 0, 0, true}, {"", 0, 0, true},
	}
	for _, tc := range tests {
		p, err := ProfileByName(tc.name)
		if tc.wantInvalid {
			if pos.ErrorCode(err) != pos.EINVALID {
				t.Errorf("ProfileByName(%q): %v, want %s", tc.name, err, pos.EINVALID)
			}
			continue
		}
		if err != nil || p.Dots != tc.dots || p.Columns != tc.cols || p.Validate() != nil {
			t.Errorf("ProfileByName(%q) = %+v, %v", tc.name, p, err)
		}
	}
}
