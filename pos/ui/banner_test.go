package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"fupinpos/pos/ui"
)

// A reason too long for one line is broken over two, every character
// kept and each line within the banner's width, without the banner
// growing; a short one stays one line at its full size.
func TestBannerBreaksALongReason(t *testing.T) {
	a := newApp(t)
	long := "扫码枪发来 13 个字符后 3s 内没有回车：请把扫码枪的后缀设为回车（CR），或在技术员页面把键盘扫码枪设置改为 wedge:?term=none"
	for _, tc := range []struct {
		width  float32
		reason string
		lines  int
	}{
		{1024, "已加入购物篮", 1},
		{1024, long, 2},
		{800, long, 2},
	} {
		b := ui.NewBanner()
		w := a.NewWindow("banner")
		w.SetContent(b.Object)
		w.Resize(fyne.NewSize(tc.width, 200))
		before := b.Object.MinSize().Height
		b.Show(ui.ColorRefused, "拒收", tc.reason)
		w.Resize(fyne.NewSize(tc.width, 201))
		lines := b.Lines()
		if len(lines) != tc.lines || b.Reason() != tc.reason {
			t.Errorf("%v wide: lines %q, reason %q", tc.width, lines, b.Reason())
		}
		if got := strings.ReplaceAll(strings.Join(lines, ""), " ", ""); got != strings.ReplaceAll(tc.reason, " ", "") {
			t.Errorf("%v wide: lines %q lose text of %q", tc.width, lines, tc.reason)
		}
		if len(lines) == 2 && strings.ContainsAny(lines[1][:3], "，：；。、）") {
			t.Errorf("%v wide: the second line starts with a punctuation mark: %q", tc.width, lines[1])
		}
		if h := b.Object.MinSize().Height; h != before {
			t.Errorf("%v wide: banner height %v, was %v", tc.width, h, before)
		}
		for _, o := range allTexts(b.Object) {
			if o.Text == "" {
				continue
			}
			if wd := fyne.MeasureText(o.Text, o.TextSize, o.TextStyle).Width; wd > tc.width-2*theme.Padding() {
				t.Errorf("%v wide: %q is %v wide at %v pt", tc.width, o.Text, wd, o.TextSize)
			}
		}
		w.Close()
	}
}

func allTexts(o fyne.CanvasObject) []*canvas.Text {
	return all[*canvas.Text](o)
}
