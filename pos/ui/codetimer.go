package ui

import (
	"time"

	"fyne.io/fyne/v2"

	"fupinpos/device/scanner"
)

// codeTimer times the keys typed into a dialog's field with the window's
// wedge settings (device/scanner's framer: the router itself ignores keys
// while a dialog is open), so a voucher scanned into the field — the
// search box, the cash keypad — is told from one typed by hand.
type codeTimer struct {
	win   fyne.Window
	wedge *scanner.Wedge
}

func (t *codeTimer) now() time.Time {
	if rt := routerOf(t.win); rt != nil {
		return rt.now()
	}
	return time.Now()
}

// rune notes a key typed into the field (of the window win, set by the
// field's constructor).
func (t *codeTimer) rune(r rune) {
	if t.wedge == nil {
		var cfg scanner.WedgeConfig
		if rt := routerOf(t.win); rt != nil {
			cfg = rt.Wedge().Config()
		}
		t.wedge = scanner.NewWedge(cfg)
	}
	t.wedge.TypeRune(r, t.now())
}

// voucher ends the keys at Enter (or at the unnamed key of a scanner's LF
// suffix, scanner.KeyUnnamed) and returns the voucher code they spelled
// and whether it came at a scanner's pace; ok is false when they spelled
// no voucher code (the field keeps its own meaning of the key).
func (t *codeTimer) voucher(end scanner.Key) (code string, scanned, ok bool) {
	if t.wedge == nil {
		return "", false, false
	}
	for _, b := range t.wedge.TypeKey(end, t.now()) {
		if b.Err == nil && scanner.Classify(b.Text) == scanner.Voucher {
			code, scanned, ok = b.Text, !b.Typed, true
		}
	}
	return code, scanned, ok
}
