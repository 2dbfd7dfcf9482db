//go:build demo

package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos/ui"
)

// panel opens the demo panel: buttons that "scan" real demo vouchers (from
// voucherd's codes.csv) and products through the simulated scanner, and a
// switch that unplugs the network.
func (t *terminal) panel(a fyne.App, tr ui.Tr) {
	w := a.NewWindow(tr.T("ui.demo.title"))
	cat, _ := t.db.Catalogue()
	box := container.NewVBox(widget.NewLabel(tr.T("ui.demo.hint")))
	btn := func(label string, code func() string) {
		box.Add(widget.NewButton(label, func() {
			if c := code(); c != "" {
				go demo.scan(c)
			}
		}))
	}
	if demo.codes != nil {
		for _, v := range demo.codes.Values() {
			btn(tr.T("ui.demo.valid", "value", v.String()), func() string { return demo.codes.Next(v) })
		}
		btn(tr.T("ui.demo.forged"), demo.codes.Forge)
		btn(tr.T("ui.demo.again"), demo.codes.Last)
	}
	btn(tr.T("ui.demo.garbage"), func() string { return "HELLO-123" })
	for i := 0; cat != nil && i < len(cat.Products) && i < 6; i++ {
		p := cat.Products[i]
		btn(tr.T("ui.demo.product", "name", tr.ProductName(&p)), func() string { return p.EAN })
	}
	box.Add(widget.NewCheck(tr.T("ui.demo.offline"), func(on bool) { demo.net.down.Store(on); t.wake() }))
	w.SetContent(container.NewVScroll(box))
	w.Resize(fyne.NewSize(360, 640))
	w.Show()
}
