package report

import (
	"strings"
	"testing"
)

// TestTableAlign lays out Chinese and ASCII cells by display width, with
// the default alignment and with Align.
func TestTableAlign(t *testing.T) {
	for _, tc := range []struct {
		align string
		want  string
	}{
		{"", "编号     状态     金额\n7     pending   ￥1.00\n1234   待处理  ￥12.00\n"},
		{"lll", "编号  状态     金额\n7     pending  ￥1.00\n1234  待处理   ￥12.00\n"},
		{"lr", "编号     状态     金额\n7     pending   ￥1.00\n1234   待处理  ￥12.00\n"},
	} {
		tb := Table{Align: tc.align}
		tb.Row("编号", "状态", "金额")
		tb.Row("7", "pending", "￥1.00")
		tb.Row("1234", "待处理", "￥12.00")
		var sb strings.Builder
		if err := tb.Write(&sb); err != nil {
			t.Fatal(err)
		}
		if sb.String() != tc.want {
			t.Errorf("Align %q:\n%s\nwant:\n%s", tc.align, sb.String(), tc.want)
		}
	}
}
