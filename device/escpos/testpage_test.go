package escpos

import (
	"strings"
	"testing"
)

// TestWrapKeepsPrices is issue 10 defect 10: a line is not broken inside a
// price or another run of ASCII (￥300.00 stays whole), unless the run
// alone is wider than the line.
func TestWrapKeepsPrices(t *testing.T) {
	tests := []struct {
		s    string
		w    int
		want []string
	}{
		{testSample, 32, []string{"扶贫专区 消费券 产地县 合计", "￥300.00。本券不找零、不兑换现金"}},
		{"合计￥12.50元", 8, []string{"合计", "￥12.50", "元"}},
		{"ABCDEFGHIJ", 4, []string{"ABCD", "EFGH", "IJ"}},
		{"产地 1234567", 6, []string{"产地", "123456", "7"}},
	}
	for _, tc := range tests {
		if got := Wrap(tc.s, tc.w); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Wrap(%q, %d) = %q, want %q", tc.s, tc.w, got, tc.want)
		}
	}
}

// TestTestPageChinese: the 58 mm test page describes its profile in
// Chinese and keeps the sample's price on one line.
func TestTestPageChinese(t *testing.T) {
	b, err := TestPage(Paper58, "tcp://127.0.0.1:9100", nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Interpret(b, Paper58)
	if err != nil {
		t.Fatal(err)
	}
	text := doc.Text()
	for _, want := range []string{"￥300.00。", "每行 32 列"} {
		if !strings.Contains(text, want) {
			t.Errorf("test page lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "columns") || strings.Contains(text, "dots") {
		t.Errorf("English profile line on a Chinese test page:\n%s", text)
	}
}
