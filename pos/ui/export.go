package ui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos/report"
	"fupinpos/pos/report/xlsx"
)

// Export formats.
const (
	FormatXLSX = "xlsx" // one workbook: summary and transactions sheets
	FormatCSV  = "csv"  // two files: summary and transactions, UTF-8 with a BOM
)

// Export writes the shown day's report to dir in format and returns the
// full paths written. Files are written to a temporary name, synced and
// renamed, so a USB stick pulled out early never holds half a report under
// the final name.
func (m *Manager) Export(dir, format string) ([]string, error) {
	if m.day == nil {
		return nil, fmt.Errorf("no day loaded")
	}
	t := report.Translate(func(k string) string { return m.tr.T(k) })
	base := filepath.Join(dir, "fupinpos-"+m.day.Day)
	var files []struct {
		name string
		data []byte
	}
	add := func(name string, write func(*bytes.Buffer) error) error {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			return err
		}
		files = append(files, struct {
			name string
			data []byte
		}{name, b.Bytes()})
		return nil
	}
	var err error
	switch format {
	case FormatXLSX:
		err = add(base+".xlsx", func(b *bytes.Buffer) error { return xlsx.Write(b, m.day, m.txs, t) })
	case FormatCSV:
		err = add(base+"-"+m.tr.T("report.summary")+".csv", func(b *bytes.Buffer) error { return report.WriteSummaryCSV(b, m.day, t) })
		if err == nil {
			err = add(base+"-"+m.tr.T("report.transactions")+".csv", func(b *bytes.Buffer) error { return report.WriteTransactionsCSV(b, m.txs, t) })
		}
	default:
		err = fmt.Errorf("unknown export format %q", format)
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range files {
		if err := writeFileSynced(f.name, f.data); err != nil {
			return out, err
		}
		out = append(out, f.name)
	}
	return out, nil
}

func writeFileSynced(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".fupinpos-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// Folders returns the export destinations offered now: mounted USB sticks
// under m.MountRoots, then m.Home.
func (m *Manager) Folders() []Folder { return Folders(m.MountRoots, m.Home, m.IsMount) }

// ExportDialog asks where (a USB stick or the home folder) and in which
// format to export the shown day, then writes it and shows the full path.
// Nothing is written before the manager confirms a folder.
func (m *Manager) ExportDialog() {
	folders := m.Folders()
	var chosen *Folder
	format := FormatXLSX
	list := container.NewVBox()
	var buttons []*widget.Button
	// The export button waits for a folder: with no stick, the home folder
	// is offered but never chosen for the manager.
	exportBtn := widget.NewButtonWithIcon(m.tr.T("ui.manager.export"), theme.ConfirmIcon(), nil)
	exportBtn.Importance = widget.HighImportance
	exportBtn.Disable()
	pick := func(i int) {
		chosen = &folders[i]
		exportBtn.Enable()
		for j, b := range buttons {
			if j == i {
				b.Importance = widget.HighImportance
				b.SetIcon(theme.ConfirmIcon())
			} else {
				b.Importance = widget.MediumImportance
				b.SetIcon(folderIcon(folders[j]))
			}
			b.Refresh()
		}
	}
	hasUSB := false
	for i, f := range folders {
		hasUSB = hasUSB || f.USB
		i := i
		b := widget.NewButtonWithIcon(m.folderLabel(f), folderIcon(f), func() { pick(i) })
		b.Alignment = widget.ButtonAlignLeading
		buttons = append(buttons, b)
		list.Add(b)
	}
	if !hasUSB {
		note := widget.NewLabel(m.tr.T("ui.manager.no_usb"))
		note.Wrapping = fyne.TextWrapWord
		list.Objects = append([]fyne.CanvasObject{note}, list.Objects...)
	}
	if hasUSB {
		pick(0) // the first stick; home is never preselected
	}
	var fmtButtons []*widget.Button
	setFormat := func(f string) {
		format = f
		for _, b := range fmtButtons {
			b.Importance = widget.MediumImportance
			if (b.Text == m.tr.T("ui.manager.format_xlsx")) == (f == FormatXLSX) {
				b.Importance = widget.HighImportance
			}
			b.Refresh()
		}
	}
	fmtButtons = []*widget.Button{
		widget.NewButton(m.tr.T("ui.manager.format_xlsx"), func() { setFormat(FormatXLSX) }),
		widget.NewButton(m.tr.T("ui.manager.format_csv"), func() { setFormat(FormatCSV) }),
	}
	setFormat(FormatXLSX)
	content := container.NewVBox(
		widget.NewLabelWithStyle(m.tr.T("ui.manager.export_folder"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		list,
		widget.NewLabelWithStyle(m.tr.T("ui.manager.format"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewGridWithColumns(2, fmtButtons[0], fmtButtons[1]),
	)
	d := dialog.NewCustomWithoutButtons(m.tr.T("ui.manager.export")+" "+m.day.Day, container.NewVScroll(content), m.win)
	export := func() {
		if chosen == nil {
			return
		}
		d.Hide()
		m.exportTo(chosen.Path, format)
	}
	exportBtn.OnTapped = export
	d.SetButtons([]fyne.CanvasObject{widget.NewButtonWithIcon(m.tr.T("ui.cashier.cancel"), theme.CancelIcon(), d.Hide), exportBtn})
	d.Resize(dialogSize(m.win, fyne.NewSize(520, 420)))
	ShowModal(m.win, "manager-export", d, export)
}

func folderIcon(f Folder) fyne.Resource {
	if f.USB {
		return theme.StorageIcon()
	}
	return theme.HomeIcon()
}

func (m *Manager) folderLabel(f Folder) string {
	if f.USB {
		return m.tr.T("ui.manager.usb", "name", f.Name) + "  " + f.Path
	}
	return m.tr.T("ui.manager.home") + "  " + f.Path
}

// exportTo writes the export and tells the manager every full path written.
func (m *Manager) exportTo(dir, format string) {
	files, err := m.Export(dir, format)
	if err != nil {
		m.Message.SetText(m.tr.T("ui.manager.export_failed", "dir", dir, "err", err.Error()))
		return
	}
	m.Message.SetText(m.tr.T("ui.manager.exported", "file", strings.Join(files, "、")))
}

// dialogSize is want, shrunk to fit inside win with a margin.
func dialogSize(win fyne.Window, want fyne.Size) fyne.Size {
	if win == nil {
		return want
	}
	s := win.Canvas().Size()
	if s.Width <= 0 || s.Height <= 0 {
		return want
	}
	return fyne.NewSize(min(want.Width, s.Width-24), min(want.Height, s.Height-24))
}
