package pos

import "testing"

func TestMoneyString(t *testing.T) {
	tests := []struct {
		m    Money
		want string
	}{
		{0, "￥0.00"}, {1, "￥0.01"}, {1234, "￥12.34"}, {30000, "￥300.00"}, {-250, "-￥2.50"}, {Yuan(50000), "￥50000.00"},
	}
	for _, tt := range tests {
		if got := tt.m.String(); got != tt.want {
			t.Errorf("Money(%d).String() = %q, want %q", int64(tt.m), got, tt.want)
		}
	}
	if got := Money(-250).Plain(); got != "-2.50" {
		t.Errorf("Plain = %q", got)
	}
}

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in   string
		want Money
		ok   bool
	}{
		{"12.34", 1234, true}, {"12", 1200, true}, {"￥12.3", 1230, true}, {"300元", 30000, true}, {" 0.01 ", 1, true},
		{"-5", -500, true}, {"12.345", 0, false}, {"12.", 0, false}, {".5", 0, false}, {"1e3", 0, false}, {"", 0, false},
		{"１２", 0, false}, {"99999999999999999999", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseMoney(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseMoney(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("ParseMoney(%q) code %s", tt.in, ErrorCode(err))
		}
	}
}
