package ui

import (
	"image/color"

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
	reason   *canvas.Text
	Object   fyne.CanvasObject
	// OnShow, when set, is called on the UI goroutine at the end of every
	// Show: the smoke run timestamps scan-to-verdict with it.
	OnShow func()
}

// NewBanner returns an idle banner.
func NewBanner() *Banner {
	b := &Banner{
		bg:       canvas.NewRectangle(ColorIdle),
		headline: canvas.NewText("", color.White),
		reason:   canvas.NewText("", color.White),
	}
	b.headline.TextStyle.Bold = true
	b.headline.Alignment = fyne.TextAlignCenter
	b.reason.Alignment = fyne.TextAlignCenter
	text := container.New(&fitLayout{texts: []*canvas.Text{b.headline, b.reason}, scale: []float32{2.6, 1.4}}, b.headline, b.reason)
	b.Object = container.NewStack(b.bg, container.NewPadded(text))
	return b
}

// fitLayout stacks centred lines of text, each at its scale of the theme's
// text size, shrunk as needed to fit the width: a long reason never widens
// the window past the screen (800×600 counters).
type fitLayout struct {
	texts []*canvas.Text
	scale []float32
}

func (l *fitLayout) size(i int, width float32) float32 {
	t := l.texts[i]
	full := theme.TextSize() * l.scale[i]
	if width <= 0 || t.Text == "" {
		return full
	}
	w := fyne.MeasureText(t.Text, full, t.TextStyle).Width
	if w <= width {
		return full
	}
	return max(theme.TextSize(), full*width/w)
}

func (l *fitLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for i, t := range l.texts {
		ts := l.size(i, size.Width)
		if t.TextSize != ts {
			t.TextSize = ts
			t.Refresh()
		}
		h := fyne.MeasureText("国", theme.TextSize()*l.scale[i], t.TextStyle).Height
		t.Move(fyne.NewPos(0, y+(h-t.MinSize().Height)/2))
		t.Resize(fyne.NewSize(size.Width, t.MinSize().Height))
		y += h
	}
}

func (l *fitLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for i, t := range l.texts {
		h += fyne.MeasureText("国", theme.TextSize()*l.scale[i], t.TextStyle).Height
	}
	return fyne.NewSize(0, h)
}

// Show sets the colour, headline and reason.
func (b *Banner) Show(c color.Color, headline, reason string) {
	if b.bg.FillColor == c && b.headline.Text == headline && b.reason.Text == reason {
		// Unchanged (the cashier screen refreshes on every basket change):
		// nothing to repaint.
		if b.OnShow != nil {
			b.OnShow()
		}
		return
	}
	b.bg.FillColor = c
	b.headline.Text = headline
	b.reason.Text = reason
	b.bg.Refresh()
	b.headline.Refresh()
	b.reason.Refresh()
	if c, ok := b.Object.(*fyne.Container); ok {
		c.Refresh() // re-fit the text sizes
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
func (b *Banner) Reason() string { return b.reason.Text }
