package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos"
	"fupinpos/pos/report"
)

// BarChart draws a breakdown as horizontal bars, one per row, longest
// amount full width: drawn with canvas rectangles so it needs no image
// library and scales with the window. Each bar is the row's Amount, the
// figure report.Row defines for its breakdown (applied voucher value for
// work units, as the Z report prints), net of the day's voids.
func BarChart(rows []report.Row, empty string) fyne.CanvasObject {
	if len(rows) == 0 {
		return widget.NewLabel(empty)
	}
	var max pos.Money
	for _, r := range rows {
		if r.Amount > max {
			max = r.Amount
		}
	}
	list := container.NewVBox()
	for _, r := range rows {
		frac := float32(0)
		if max > 0 && r.Amount > 0 {
			frac = float32(r.Amount) / float32(max)
		}
		label := r.Label
		if label == "" {
			label = r.Key
		}
		name := widget.NewLabel(label)
		name.Truncation = fyne.TextTruncateEllipsis
		amount := widget.NewLabelWithStyle(r.Amount.String(), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		bar := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
		list.Add(container.NewGridWithColumns(3, name, container.New(&barLayout{frac: frac}, bar), amount))
	}
	return list
}

// barLayout sizes its one object to frac of the available width.
type barLayout struct{ frac float32 }

func (l *barLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	h := size.Height * 0.6
	for _, o := range objs {
		o.Resize(fyne.NewSize(size.Width*l.frac, h))
		o.Move(fyne.NewPos(0, (size.Height-h)/2))
	}
}

func (l *barLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(40, 20) }
