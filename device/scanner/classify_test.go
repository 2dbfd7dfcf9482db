package scanner

import (
	"strings"
	"testing"

	"fupinpos/pos"
)

func TestClassify(t *testing.T) {
	v267 := "9901" + strings.Repeat("0123456789", 26) + "123"
	tests := []struct {
		text string
		want Kind
	}{
		{v267, Voucher},
		{"9902" + strings.Repeat("7", 300), Voucher}, // a newer format version is still a voucher
		{"99" + strings.Repeat("1", 62), Voucher},    // shortest voucher-looking text
		{"99" + strings.Repeat("1", 61), Unknown},    // one digit short: a cut-off code
		{"99" + strings.Repeat("1", 511), Unknown},   // beyond any voucher
		{"98" + strings.Repeat("1", 265), Unknown},
		{v267[:266] + "x", Unknown},
		{"6937777001005", EAN13},
		{"4006381333931", EAN13},
		{"9900000000004", EAN13}, // an EAN-13 coupon starts 99 too
		{"6937777001006", Unknown},
		{"96385074", EAN8},
		{"96385075", Unknown},
		{"693777700100", Unknown},
		{"]Q1" + v267, Unknown},
		{"", Unknown},
		{"扶贫", Unknown},
	}
	for _, tt := range tests {
		k, err := Check(tt.text)
		if k != tt.want || Classify(tt.text) != tt.want {
			t.Errorf("Classify(%.20q…) = %v, want %v", tt.text, k, tt.want)
		}
		if wantCode := map[bool]string{true: pos.EUNKNOWNSCAN, false: ""}[tt.want == Unknown]; pos.ErrorCode(err) != wantCode {
			t.Errorf("Check(%.20q…) error %v, want code %q", tt.text, err, wantCode)
		}
	}
}

func TestKindNames(t *testing.T) {
	for k, want := range map[Kind][2]string{
		Unknown: {"unknown", "scan.kind.unknown"}, Voucher: {"voucher", "scan.kind.voucher"},
		EAN13: {"EAN-13", "scan.kind.ean13"}, EAN8: {"EAN-8", "scan.kind.ean8"},
	} {
		if k.String() != want[0] || k.Key() != want[1] {
			t.Errorf("%d: %q %q, want %q", int(k), k.String(), k.Key(), want)
		}
	}
}

func TestCheckHintsAIM(t *testing.T) {
	v267 := "9901" + strings.Repeat("0123456789", 26) + "123"
	tests := []struct {
		text, hint string
	}{
		{"]Q1" + v267, "AIM identifier ]Q1: set aim=1"},
		{"]E06937777001005", "AIM identifier ]E0: set aim=1"},
		{"]E06937777001006", "not digits only"}, // a bad check digit behind the prefix: no AIM hint
		{"]Q", "not digits only"},
		{"ABC", "not digits only"},
	}
	for _, tt := range tests {
		_, err := Check(tt.text)
		if err == nil || !strings.Contains(err.Error(), tt.hint) {
			t.Errorf("Check(%.24q) = %v, want %q", tt.text, err, tt.hint)
		}
	}
}
