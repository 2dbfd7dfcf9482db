package ui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos"
	"fupinpos/pos/report"
)

// Manager is the manager screen: a day's totals (today by default, any day
// on the ledger), split by work unit, product, county, cashier and hour with
// bar charts; the day's sales with receipt preview and void; CSV export and
// the Z report.
type Manager struct {
	tr      Tr
	store   Store
	dev     Devices
	win     fyne.Window
	user    *pos.User
	days    *widget.Select
	body    *fyne.Container
	Message *widget.Label
	day     *report.Day
	records []*pos.Record
	root    fyne.CanvasObject
	// Now is the clock (tests set it).
	Now func() time.Time
	// ExportDir is where CSV exports go.
	ExportDir string
}

// NewManager builds the manager screen for u.
func NewManager(tr Tr, store Store, dev Devices, win fyne.Window, u *pos.User, logout func()) *Manager {
	m := &Manager{tr: tr, store: store, dev: dev, win: win, user: u, body: container.NewStack(), Message: widget.NewLabel(""), Now: time.Now}
	m.ExportDir, _ = os.UserHomeDir()
	m.days = widget.NewSelect(nil, func(string) { m.show() })
	refresh := widget.NewButtonWithIcon(tr.T("ui.manager.refresh"), theme.ViewRefreshIcon(), m.Load)
	csv := widget.NewButtonWithIcon(tr.T("ui.manager.csv"), theme.DocumentSaveIcon(), m.exportCSV)
	z := widget.NewButtonWithIcon(tr.T("ui.manager.zreport"), theme.DocumentPrintIcon(), m.printZ)
	lock := widget.NewButtonWithIcon(tr.T("ui.cashier.lock"), theme.LogoutIcon(), logout)
	top := container.NewHBox(heading(tr.T("ui.manager.title")+" · "+u.Name), widget.NewLabel(tr.T("ui.manager.day")), m.days, refresh, layout.NewSpacer(), csv, z, lock)
	m.root = container.NewBorder(top, m.Message, nil, nil, m.body)
	m.Load()
	return m
}

// Content returns the screen's root object.
func (m *Manager) Content() fyne.CanvasObject { return m.root }

// Load reads the ledger again and shows the selected day.
func (m *Manager) Load() {
	b := report.NewBuilder(report.Names{Unit: m.unitName, Cashier: func(id string) string { return id }})
	m.records = nil
	if err := m.store.Records(func(r *pos.Record) error {
		b.Add(r)
		m.records = append(m.records, r)
		return nil
	}); err != nil {
		m.Message.SetText(m.tr.Err(err))
	}
	today := pos.DayOf(m.Now())
	days := b.Days()
	has := false
	for _, d := range days {
		has = has || d == today
	}
	if !has {
		days = append(days, today)
	}
	sel := m.days.Selected
	m.days.Options = days
	if sel == "" {
		sel = today
	}
	m.days.Selected = sel
	m.days.Refresh()
	m.day = b.Day(sel)
	m.show()
}

func (m *Manager) unitName(id uint32) string {
	if t, err := m.store.Trust(); err == nil && t != nil {
		return t.UnitName(id)
	}
	return fmt.Sprint(id)
}

// Day returns the report shown.
func (m *Manager) Day() *report.Day { return m.day }

func (m *Manager) show() {
	if m.day == nil || m.day.Day != m.days.Selected {
		if m.days.Selected != "" && m.day != nil {
			m.reload(m.days.Selected)
		}
	}
	d := m.day
	if d == nil {
		return
	}
	sum := container.NewGridWithColumns(6)
	for _, kv := range [][2]string{
		{m.tr.T("report.sales"), fmt.Sprint(d.Sales)}, {m.tr.T("report.voids"), fmt.Sprint(d.Voids)},
		{m.tr.T("label.total"), d.Total.String()}, {m.tr.T("label.voucher_amount"), d.VoucherAmount.String()},
		{m.tr.T("label.forfeited"), d.Forfeited.String()}, {m.tr.T("label.self_paid"), d.SelfPaid.String()},
	} {
		v := canvas.NewText(kv[1], theme.Color(theme.ColorNameForeground))
		v.TextSize = theme.TextSize() * 1.6
		v.TextStyle.Bold = true
		sum.Add(container.NewVBox(widget.NewLabel(kv[0]), v))
	}
	none := m.tr.T("ui.manager.none")
	tabs := container.NewAppTabs(
		container.NewTabItem(m.tr.T("report.by_unit"), container.NewVScroll(BarChart(d.ByUnit, none))),
		container.NewTabItem(m.tr.T("report.by_product"), container.NewVScroll(BarChart(d.ByProduct, none))),
		container.NewTabItem(m.tr.T("report.by_county"), container.NewVScroll(BarChart(d.ByCounty, none))),
		container.NewTabItem(m.tr.T("report.by_cashier"), container.NewVScroll(BarChart(d.ByCashier, none))),
		container.NewTabItem(m.tr.T("report.by_hour"), container.NewVScroll(BarChart(d.ByHour, none))),
		container.NewTabItem(m.tr.T("ui.manager.sales"), container.NewVScroll(m.salesList(d.Day))),
		container.NewTabItem(m.incidentsTitle(), container.NewVScroll(m.incidentsList())),
	)
	m.body.Objects = []fyne.CanvasObject{container.NewBorder(sum, nil, nil, nil, tabs)}
	m.body.Refresh()
}

// incidentsTitle names the tab with the number of incidents, so a manager
// sees there is something to review without opening it.
func (m *Manager) incidentsTitle() string {
	in, _ := m.store.Incidents()
	if len(in) == 0 {
		return m.tr.T("ui.manager.incidents")
	}
	return fmt.Sprintf("%s (%d)", m.tr.T("ui.manager.incidents"), len(in))
}

// incidentsList shows every incident, newest first, with the reason in words.
func (m *Manager) incidentsList() fyne.CanvasObject {
	in, err := m.store.Incidents()
	if err != nil {
		return widget.NewLabel(m.tr.Err(err))
	}
	if len(in) == 0 {
		return widget.NewLabel(m.tr.T("ui.manager.no_incidents"))
	}
	list := container.NewVBox()
	for i := len(in) - 1; i >= 0; i-- {
		x := in[i]
		reason := m.tr.Incident(x.Reason)
		head := fmt.Sprintf("%s  %s  %s", x.Time.In(pos.CST).Format("01-02 15:04"), x.Receipt, m.tr.T("ui.incident."+string(x.Result)))
		detail := widget.NewLabel(reason)
		detail.Wrapping = fyne.TextWrapWord
		rec := x.Seq
		preview := widget.NewButtonWithIcon(m.tr.T("ui.manager.preview"), theme.VisibilityIcon(), func() { m.Preview(rec) })
		list.Add(container.NewBorder(nil, nil, nil, preview, container.NewVBox(widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), detail)))
		list.Add(widget.NewSeparator())
	}
	return list
}

func (m *Manager) reload(day string) {
	b := report.NewBuilder(report.Names{Unit: m.unitName, Cashier: func(id string) string { return id }})
	for _, r := range m.records {
		b.Add(r)
	}
	m.day = b.Day(day)
}

func (m *Manager) salesList(day string) fyne.CanvasObject {
	list := container.NewVBox()
	voided := map[uint64]bool{}
	for _, r := range m.records {
		if r.Kind == pos.KindVoid {
			voided[r.Voids] = true
		}
	}
	for _, r := range m.records {
		if pos.DayOf(r.Time) != day {
			continue
		}
		r := r
		text := fmt.Sprintf("%s  %s  %s  %s %s", r.Time.In(pos.CST).Format("15:04:05"), r.Receipt, r.Total, m.tr.T("label.voucher_amount"), r.VoucherAmount)
		if r.Kind == pos.KindVoid {
			text += "  " + m.tr.T("ui.manager.void_record")
		}
		preview := widget.NewButtonWithIcon(m.tr.T("ui.manager.preview"), theme.VisibilityIcon(), func() { m.Preview(r.Seq) })
		void := widget.NewButtonWithIcon(m.tr.T("ui.manager.void"), theme.DeleteIcon(), func() { m.askVoid(r) })
		void.Importance = widget.DangerImportance
		if r.Kind != pos.KindSale || voided[r.Seq] {
			void.Disable()
		}
		list.Add(container.NewBorder(nil, nil, nil, container.NewHBox(preview, void), widget.NewLabel(text)))
	}
	if len(list.Objects) == 0 {
		list.Add(widget.NewLabel(m.tr.T("ui.manager.none")))
	}
	return list
}

// Preview shows record seq's receipt as the printer would print it.
func (m *Manager) Preview(seq uint64) {
	rc, err := m.store.Receipt(seq, false, m.user.ID)
	if err != nil {
		m.Message.SetText(m.tr.Err(err))
		return
	}
	png, err := m.dev.PreviewReceipt(rc)
	if err != nil {
		m.Message.SetText(m.tr.Err(err))
		return
	}
	showImage(m.win, m.tr.T("ui.manager.preview")+" "+rc.Number, png, m.tr.T("ui.close"))
}

func showImage(win fyne.Window, title string, png []byte, closeText string) {
	img := canvas.NewImageFromReader(bytes.NewReader(png), title+".png")
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(420, 560))
	dialog.ShowCustom(title, closeText, container.NewVScroll(img), win)
}

func (m *Manager) askVoid(r *pos.Record) {
	reason := widget.NewEntry()
	reason.SetPlaceHolder(m.tr.T("ui.manager.void_reason"))
	id := widget.NewEntry()
	id.SetText(m.user.ID)
	pin := widget.NewPasswordEntry()
	dialog.ShowForm(m.tr.T("ui.manager.void")+" "+r.Receipt, m.tr.T("ui.manager.void"), m.tr.T("ui.cashier.cancel"), []*widget.FormItem{
		widget.NewFormItem(m.tr.T("ui.manager.void_reason"), reason),
		widget.NewFormItem(m.tr.T("ui.login.manager"), id),
		widget.NewFormItem(m.tr.T("ui.login.pin"), pin),
	}, func(ok bool) {
		if ok {
			m.Void(r.Seq, id.Text, pin.Text, reason.Text)
		}
	}, m.win)
}

// Void cancels sale seq after checking the manager's PIN, prints the void
// slip and reloads the day.
func (m *Manager) Void(seq uint64, id, pin, reason string) error {
	if reason == "" {
		err := pos.Errorf(pos.EINVALID, "a void needs a reason")
		m.Message.SetText(m.tr.T("ui.manager.void_reason_needed"))
		return err
	}
	rc, err := m.store.Void(seq, id, pin, reason)
	if err != nil {
		m.Message.SetText(m.tr.Err(err))
		return err
	}
	m.Message.SetText(m.tr.T("ui.manager.voided", "receipt", rc.Voids))
	if m.dev != nil {
		if err := m.dev.PrintReceipt(rc); err != nil {
			m.Message.SetText(m.tr.T("ui.manager.voided", "receipt", rc.Voids) + " · " + m.tr.Err(err))
		}
	}
	m.Load()
	return nil
}

// ExportCSV writes the day's report to dir and returns the file.
func (m *Manager) ExportCSV(dir string) (string, error) {
	var b bytes.Buffer
	if err := report.WriteCSV(&b, m.day); err != nil {
		return "", err
	}
	name := filepath.Join(dir, "fupinpos-"+m.day.Day+".csv")
	return name, os.WriteFile(name, b.Bytes(), 0o644)
}

func (m *Manager) exportCSV() {
	name, err := m.ExportCSV(m.ExportDir)
	if err != nil {
		m.Message.SetText(err.Error())
		return
	}
	m.Message.SetText(m.tr.T("ui.manager.exported", "file", name))
}

func (m *Manager) printZ() {
	if err := m.dev.PrintZReport(m.day); err != nil {
		m.Message.SetText(m.tr.Err(err))
		return
	}
	m.Message.SetText(m.tr.T("ui.manager.z_printed", "day", m.day.Day))
}

// SelectDay shows day ("2006-01-02", CST).
func (m *Manager) SelectDay(day string) {
	m.days.Selected = day
	m.days.Refresh()
	m.Load()
}
