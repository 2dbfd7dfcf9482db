package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
)

// Banner is the verdict of the last scan: a full-width coloured band with a
// large headline (accepted / refused) and the reason in words beneath.
type Banner struct {
	bg       *canvas.Rectangle
	headline *canvas.Text
	reason   *canvas.Text
	Object   fyne.CanvasObject
}

// NewBanner returns an idle banner.
func NewBanner() *Banner {
	b := &Banner{
		bg:       canvas.NewRectangle(ColorIdle),
		headline: canvas.NewText("", color.White),
		reason:   canvas.NewText("", color.White),
	}
	b.headline.TextStyle.Bold = true
	b.headline.TextSize = theme.TextSize() * 2.6
	b.reason.TextSize = theme.TextSize() * 1.4
	text := container.NewVBox(b.headline, b.reason)
	b.Object = container.NewStack(b.bg, container.NewPadded(container.NewHBox(layout.NewSpacer(), text, layout.NewSpacer())))
	return b
}

// Show sets the colour, headline and reason.
func (b *Banner) Show(c color.Color, headline, reason string) {
	b.bg.FillColor = c
	b.headline.Text = headline
	b.reason.Text = reason
	b.bg.Refresh()
	b.headline.Refresh()
	b.reason.Refresh()
}

// Headline returns the headline text (for tests and the smoke run).
func (b *Banner) Headline() string { return b.headline.Text }

// Reason returns the reason text.
func (b *Banner) Reason() string { return b.reason.Text }
