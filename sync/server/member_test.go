package server

import (
	"strings"
	"testing"

	"fupinpos/pos"
)

func TestNormalizeMember(t *testing.T) {
	tests := []struct {
		in, want string // want "" means refused with EINVALID
	}{
		{"M-A", "M-A"},
		{"M-A ", "M-A"},
		{" M-A", "M-A"},
		{"\tM-A\r\n", "M-A"},
		{"Ｍ－Ａ", "M-A"},             // full width, as a Chinese input method types it
		{"\u3000Ｍ－Ａ\u3000", "M-A"}, // ideographic spaces around
		{"m-a", "M-A"},
		{"３４０１０４１９９００１０１１２３ｘ", "34010419900101123X"},
		{"合肥  总工会 0042", "合肥 总工会 0042"},
		{"M\u3000A", "M A"},
		{"", ""},
		{"   ", ""},
		{"\t", ""},
		{"\u3000", ""},
		{"M\x00A", ""},
		{"M\tA", ""},
		{"M\x7fA", ""},
		{"M\u0085A", ""},
		{"M-A\u200b", ""}, // zero-width space: invisible, refused
		{"\ufeffM-A", ""}, // byte order mark
		{"M\xffA", ""},    // not UTF-8
		{strings.Repeat("9", MaxMemberLen), strings.Repeat("9", MaxMemberLen)},
		{strings.Repeat("9", MaxMemberLen+1), ""},
	}
	for _, tt := range tests {
		got, err := NormalizeMember(tt.in)
		if tt.want == "" {
			if pos.ErrorCode(err) != pos.EINVALID || got != "" {
				t.Errorf("NormalizeMember(%q) = %q, %v; want refused with %s", tt.in, got, err, pos.EINVALID)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeMember(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if again, err := NormalizeMember(got); err != nil || again != got {
			t.Errorf("NormalizeMember is not idempotent on %q: %q, %v", got, again, err)
		}
	}
}
