package escpos

import (
	"strconv"
	"strings"
)

// testSample is the Chinese character set sample of the test page: the
// words a receipt uses, the full-width yuan sign and punctuation, so a
// technician sees at once whether the printer's Chinese font is there.
const testSample = "扶贫专区 消费券 产地县 合计￥300.00。本券不找零、不兑换现金"

// TestPage returns a page for technicians checking an installation: the
// profile (paper, dots, columns, QR mode, cutter, drawer), where it was
// sent (info, e.g. the printer URI), a Chinese character set sample, column
// rulers in ASCII and in Chinese (the last digit must sit at the right
// edge, nothing may wrap), bold and double-size text, and a QR code in the
// profile's QR mode. labels translates the headings (nil: Chinese).
func TestPage(p Profile, info string, labels Labels) ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	l := labelsOr(labels)
	cols := p.Columns
	w := NewWriter(p)
	w.Init()
	w.Align(AlignCenter)
	w.Bold(true)
	w.Size(1, 2)
	w.Lines(Wrap(tr(l, "receipt.test_page")+" TEST", cols))
	w.Size(1, 1)
	w.Bold(false)
	w.Align(AlignLeft)
	w.Lines(Wrap(label(l, "receipt.test_profile", ProfileLine(p, l)), cols))
	if info != "" {
		w.Lines(Wrap(info, cols))
	}
	w.Line(rule(cols))
	w.Line(tr(l, "receipt.test_charset") + ":")
	w.Lines(Wrap(testSample, cols))
	w.Lines(Wrap("ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789 !#$%&()*+,-./:;<=>?@[]_", cols))
	w.Line(rule(cols))
	w.Line(tr(l, "receipt.test_ruler") + ":")
	w.Line(Ruler(cols))
	w.Line(strings.Repeat("+----", cols/5+1)[:cols])
	w.Line(Truncate(strings.Repeat("一二三四五六七八九十", cols/20+1), cols))
	w.Lines(LeftRight("<", ">", cols))
	w.Bold(true)
	w.Line("Bold 粗体")
	w.Bold(false)
	w.Size(2, 2)
	w.Line(Truncate("2x 倍宽倍高", cols/2))
	w.Size(1, 1)
	w.Line(rule(cols))
	w.Line(tr(l, "receipt.test_qr") + ":")
	w.Align(AlignCenter)
	w.QR("FPTEST:"+p.Name, ECMedium)
	w.Line("FPTEST:" + p.Name)
	w.Align(AlignLeft)
	w.Feed(3)
	w.Cut()
	return w.Bytes()
}

// Ruler returns a column ruler cols wide: the units digit of each column
// number, so "1234567890" repeats and the last digit is the column count's.
func Ruler(cols int) string {
	var b strings.Builder
	for i := 1; i <= cols; i++ {
		b.WriteByte(byte('0' + i%10))
	}
	return b.String()
}

// ProfileLine describes p in the words of labels (nil: Chinese) for the
// technician: name and model, dots, columns, QR mode, cutter and drawer.
// The test page and posctl print-test print it.
func ProfileLine(p Profile, labels Labels) string {
	l := labelsOr(labels)
	qr := "receipt.test_qr_raster"
	switch {
	case p.NativeQR:
		qr = "receipt.test_qr_native"
	case p.NoRaster:
		qr = "receipt.test_qr_none"
	}
	yesNo := func(b bool) string {
		if b {
			return tr(l, "receipt.test_yes")
		}
		return tr(l, "receipt.test_no")
	}
	name, model := p.Name, p.Model
	if p.Name == SafeProfile.Name {
		model = tr(l, "receipt.test_safe_model")
	}
	if model != "" {
		name = l.T("receipt.test_profile_model", map[string]string{"name": p.Name, "model": model})
	}
	return l.T("receipt.test_profile_line", map[string]string{"name": name, "dots": strconv.Itoa(p.Dots),
		"columns": strconv.Itoa(p.Columns), "qr": tr(l, qr), "cut": yesNo(p.Cut), "drawer": yesNo(p.Drawer)})
}
