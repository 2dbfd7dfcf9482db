package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos/ui"
	"fupinpos/pos/ui/uitest"
)

// TestBackspaceKeyIcon: the backspace keys of the keypad and the login PIN
// pad show BackspaceIcon and no text (the ⌫ glyph is not in the CJK font:
// under wine it drew as "�"), and tapping them still deletes one
// character; ui.KeypadBack stays the keypad key's name.
func TestBackspaceKeyIcon(t *testing.T) {
	a := newApp(t)
	w := a.NewWindow("keys")
	defer w.Close()
	icon := func(name string, b *widget.Button) {
		t.Helper()
		if b == nil {
			t.Fatalf("%s: no backspace button", name)
		}
		if b.Text != "" || b.Icon != ui.BackspaceIcon {
			t.Errorf("%s: backspace button text %q icon %v, want no text and BackspaceIcon", name, b.Text, b.Icon)
		}
	}

	k := ui.NewKeypad(zh, w, ui.KeypadAmount, "实收")
	w.SetContent(k)
	icon("keypad", k.Button(ui.KeypadBack))
	press(k, "1", "2", "3")
	test.Tap(k.Button(ui.KeypadBack))
	if k.Text() != "12" {
		t.Errorf("keypad after 1 2 3 and a tap on backspace: %q, want 12", k.Text())
	}

	store, _ := uitest.New(t)
	l := ui.NewLogin(zh, store, "扶贫专区")
	w.SetContent(l.Content())
	icon("login", l.Back)
	for _, d := range []string{"2", "4", "6"} {
		test.Tap(button(t, w, d))
	}
	test.Tap(l.Back)
	if l.PIN.Text != "24" {
		t.Errorf("PIN after 2 4 6 and a tap on backspace: %q, want 24", l.PIN.Text)
	}
	test.Tap(l.Back)
	test.Tap(l.Back)
	test.Tap(l.Back) // on an empty PIN: nothing
	if l.PIN.Text != "" {
		t.Errorf("PIN after more backspaces than digits: %q, want empty", l.PIN.Text)
	}
	if m := markup(w); strings.Contains(m, "⌫") {
		t.Errorf("the login screen still draws ⌫:\n%s", m)
	}
}

// markup is the window's canvas as test markup.
func markup(w fyne.Window) string {
	return test.RenderToMarkup(w.Canvas())
}
