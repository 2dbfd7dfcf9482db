package ui

import (
	"image/color"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// Banner is the verdict of the last scan: a full-width coloured band with a
// large headline (accepted / refused) and the reason in words beneath.
type Banner struct {
	bg       *canvas.Rectangle
	headline *canvas.Text
	lines    [2]*canvas.Text // the reason, on one line or broken over two
	reason   string
	fit      *fitLayout
	Object   fyne.CanvasObject
	// OnShow, when set, is called on the UI goroutine at the end of every
	// Show: the smoke run timestamps scan-to-verdict with it.
	OnShow func()
}

// NewBanner returns an idle banner.
func NewBanner() *Banner {
	b := &Banner{bg: canvas.NewRectangle(ColorIdle), headline: canvas.NewText("", color.White)}
	b.headline.TextStyle.Bold = true
	b.headline.Alignment = fyne.TextAlignCenter
	for i := range b.lines {
		b.lines[i] = canvas.NewText("", color.White)
		b.lines[i].Alignment = fyne.TextAlignCenter
	}
	b.fit = &fitLayout{headline: b.headline, lines: b.lines}
	text := container.New(b.fit, b.headline, b.lines[0], b.lines[1])
	b.Object = container.NewStack(b.bg, container.NewPadded(text))
	return b
}

// fitLayout lays out the banner's text in a fixed height: the headline at
// 2.6 times the theme's text size over the reason at 1.4, each shrunk as
// needed to fit the width, so a long reason never widens the window past
// the screen (800×600 counters). A reason too long for one line even at the
// text size is broken at the punctuation nearest its middle into two lines
// at the text size, under a headline at 2.0: the same height, every word
// readable.
type fitLayout struct {
	headline *canvas.Text
	lines    [2]*canvas.Text
	reason   string
}

// Scales of the theme's text size: headline over one line of reason, or
// over two. Each pair adds up to the same height.
const (
	headScale, reasonScale = 2.6, 1.4
	headScale2, lineScale2 = 2.0, 1.0
	minLineScale           = 0.8 // the smallest a broken reason is drawn
)

// shrunk is the size at most full that fits text in width, at least floor.
func shrunk(t *canvas.Text, text string, full, floor, width float32) float32 {
	if width <= 0 || text == "" {
		return full
	}
	w := fyne.MeasureText(text, full, t.TextStyle).Width
	if w <= width {
		return full
	}
	return max(floor, full*width/w)
}

// lineHeight is the height of one line of text at scale.
func lineHeight(scale float32, style fyne.TextStyle) float32 {
	return fyne.MeasureText("国", theme.TextSize()*scale, style).Height
}

func (l *fitLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	ts := theme.TextSize()
	first, second := l.reason, ""
	hs, rs := float32(headScale), float32(reasonScale)
	if fyne.MeasureText(l.reason, ts, l.lines[0].TextStyle).Width > size.Width {
		if a, b, ok := breakLine(l.reason, l.lines[0].TextStyle); ok {
			first, second, hs, rs = a, b, headScale2, lineScale2
		}
	}
	place := func(t *canvas.Text, text string, size0, floor float32, y *float32, slot float32) {
		t.Text = text
		if sz := shrunk(t, text, size0, floor, size.Width); t.TextSize != sz {
			t.TextSize = sz
		}
		t.Refresh()
		t.Move(fyne.NewPos(0, *y+(slot-t.MinSize().Height)/2))
		t.Resize(fyne.NewSize(size.Width, t.MinSize().Height))
		*y += slot
	}
	y := float32(0)
	place(l.headline, l.headline.Text, ts*hs, ts, &y, lineHeight(hs, l.headline.TextStyle))
	if second == "" {
		place(l.lines[0], first, ts*rs, ts, &y, lineHeight(rs, l.lines[0].TextStyle))
		l.lines[1].Text = ""
		l.lines[1].Refresh()
		return
	}
	slot := lineHeight(rs, l.lines[0].TextStyle)
	floor := ts * minLineScale
	sz := min(shrunk(l.lines[0], first, ts*rs, floor, size.Width), shrunk(l.lines[1], second, ts*rs, floor, size.Width))
	place(l.lines[0], first, sz, sz, &y, slot)
	place(l.lines[1], second, sz, sz, &y, slot)
}

func (l *fitLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(0, lineHeight(headScale, l.headline.TextStyle)+lineHeight(reasonScale, l.lines[0].TextStyle))
}

// breakLine breaks s into two lines after the punctuation mark or space
// that makes the wider of the two narrowest; false when s has none.
func breakLine(s string, style fyne.TextStyle) (a, b string, ok bool) {
	ts := theme.TextSize()
	const marks = "：，；。、:;,.)）"
	best := float32(-1)
	for i, r := range s {
		if !strings.ContainsRune(marks+" ", r) {
			continue
		}
		cut := i + utf8.RuneLen(r)
		x, y := strings.TrimSpace(s[:cut]), strings.TrimSpace(s[cut:])
		if first, _ := utf8.DecodeRuneInString(y); x == "" || y == "" || strings.ContainsRune(marks, first) {
			continue // no line starts with a punctuation mark
		}
		w := max(fyne.MeasureText(x, ts, style).Width, fyne.MeasureText(y, ts, style).Width)
		if best < 0 || w < best {
			best, a, b = w, x, y
		}
	}
	return a, b, best >= 0
}

// Show sets the colour, headline and reason.
func (b *Banner) Show(c color.Color, headline, reason string) {
	if b.bg.FillColor == c && b.headline.Text == headline && b.reason == reason {
		// Unchanged (the cashier screen refreshes on every basket change):
		// nothing to repaint.
		if b.OnShow != nil {
			b.OnShow()
		}
		return
	}
	b.bg.FillColor = c
	b.headline.Text = headline
	b.reason, b.fit.reason = reason, reason
	b.lines[0].Text, b.lines[1].Text = reason, ""
	b.bg.Refresh()
	b.headline.Refresh()
	if c, ok := b.Object.(*fyne.Container); ok {
		c.Refresh() // re-fit the text sizes and lines
	}
	if b.OnShow != nil {
		b.OnShow()
	}
}

// Headline returns the headline text (for tests and the smoke run).
func (b *Banner) Headline() string { return b.headline.Text }

// Color returns the banner's colour.
func (b *Banner) Color() color.Color { return b.bg.FillColor }

// Reason returns the reason text.
func (b *Banner) Reason() string { return b.reason }

// Lines returns the reason as drawn: one line, or two when it was broken
// to fit the width.
func (b *Banner) Lines() []string {
	if b.lines[1].Text == "" {
		return []string{b.lines[0].Text}
	}
	return []string{b.lines[0].Text, b.lines[1].Text}
}
