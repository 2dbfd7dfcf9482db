package ui

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png" // receipt previews are PNG
	"os"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos"
	"fupinpos/pos/report"
)

// Manager is the manager screen: a day's totals (today by default, any day
// on the ledger), certified against non-certified goods, split by work
// unit, product, county, origin kind, cashier, hour and self-paid method
// with bar charts; the day's sales with receipt preview
// and void; the users with their PIN lockouts and an unlock; the incidents
// the server reported; exports (.xlsx or CSV, to a USB stick or the home
// folder) and the Z report. The figures come from report.Builder, the same
// as the exports and the Z report, so they never disagree.
type Manager struct {
	tr      Tr
	store   Store
	dev     Devices
	win     fyne.Window
	user    *pos.User
	days    *widget.Select
	body    *fyne.Container
	Message *widget.Label
	// Paper warns that the receipt paper is running out (paper_near_end
	// from a printer that says how it stands: Devices with State); hidden
	// otherwise. Load refreshes it.
	Paper *widget.Label
	// OnDone, when set, is called on the UI goroutine once the outcome of
	// work done off it (a sale looked up at the server, a return sent, a
	// reconciliation) is shown; tests wait on it rather than polling.
	OnDone func()
	// Logout is the toolbar's log-out button (always visible, also at 800×600).
	Logout  *widget.Button
	day     *report.Day
	txs     []report.Tx
	records []*pos.Record
	voided  map[uint64]bool
	names   map[string]string
	users   []pos.User
	root    fyne.CanvasObject
	// Now is the clock (tests set it).
	Now func() time.Time
	// MountRoots are where USB sticks are looked for; Home is the home
	// folder offered after them; IsMount tells a mount point (nil: the
	// system's mount table). Tests point them at temp dirs.
	MountRoots []MountRoot
	Home       string
	IsMount    func(string) bool

	// Reconcile compares a day of this terminal with the server's record of
	// it, and StoreAlerts fetches the day's supervision alerts of the store
	// (the app wires them to sync/client's Client.Reconcile and
	// Client.Alerts); nil leaves the button saying the server is not set up.
	// Both run off the UI goroutine.
	Reconcile   func(day string) (*pos.Reconciliation, error)
	StoreAlerts func(day string) ([]pos.Alert, error)
	// Return takes back goods of a sale (退货) with the server's agreement
	// (see ReturnFunc); nil: the 退货 button says no server is configured.
	Return ReturnFunc
	// LookupSale finds a sale by receipt number at the central server (see
	// SaleLookupFunc), so goods sold at another terminal of the store can
	// come back here; nil: only this terminal's sales, from its ledger.
	LookupSale SaleLookupFunc
	// Reconciled shows the selected day's last reconciliation: 已对账, or
	// 差异 N 笔 (未对账 before one).
	Reconciled *widget.Label
	recons     map[string]*pos.Reconciliation
	alerts     map[string][]pos.Alert

	tab int
}

// NewManager builds the manager screen for u.
func NewManager(tr Tr, store Store, dev Devices, win fyne.Window, u *pos.User, logout func()) *Manager {
	m := &Manager{tr: tr, store: store, dev: dev, win: win, user: u, body: container.NewStack(), Message: widget.NewLabel(""),
		Now: time.Now, MountRoots: DefaultMountRoots}
	m.Message.Wrapping = fyne.TextWrapWord
	m.Paper = widget.NewLabel("")
	m.Paper.Importance = widget.WarningImportance
	m.Paper.Hide()
	m.Home, _ = os.UserHomeDir()
	m.days = widget.NewSelect(nil, func(string) { m.show() })
	refresh := widget.NewButtonWithIcon(tr.T("ui.manager.refresh"), theme.ViewRefreshIcon(), m.Load)
	export := widget.NewButtonWithIcon(tr.T("ui.manager.export"), theme.DocumentSaveIcon(), m.ExportDialog)
	z := widget.NewButtonWithIcon(tr.T("ui.manager.zreport"), theme.DocumentPrintIcon(), m.printZ)
	m.recons, m.alerts = map[string]*pos.Reconciliation{}, map[string][]pos.Alert{}
	m.Reconciled = widget.NewLabel(tr.T("ui.manager.not_reconciled"))
	recon := widget.NewButtonWithIcon(tr.T("ui.manager.reconcile"), theme.MediaReplayIcon(), func() { m.RunReconcile(nil) })
	m.Logout = widget.NewButtonWithIcon(tr.T("ui.cashier.lock"), theme.LogoutIcon(), logout)
	// Two short rows instead of one long one: at 800×600 everything,
	// the log-out button first of all, stays on screen.
	title := container.NewBorder(nil, nil, nil, container.NewHBox(m.Reconciled, m.Logout), heading(tr.T("ui.manager.title")+" · "+u.Name))
	tools := container.NewHBox(widget.NewLabel(tr.T("ui.manager.day")), m.days, refresh, export, z, recon)
	m.root = container.NewBorder(container.NewVBox(title, tools), container.NewVBox(m.Paper, m.Message), nil, nil, m.body)
	m.Load()
	return m
}

// done tells OnDone that background work's outcome is shown.
func (m *Manager) done() {
	if m.OnDone != nil {
		m.OnDone()
	}
}

// Content returns the screen's root object.
func (m *Manager) Content() fyne.CanvasObject { return m.root }

// Notice shows text on the screen's message line (Shell: a scan the
// screen took no action on).
func (m *Manager) Notice(text string) { m.Message.SetText(text) }

// TakeScan takes a scan on the manager's screen: a receipt's QR code opens
// the return (退货) of that sale; anything else is told to be a cashier's.
func (m *Manager) TakeScan(text string) bool {
	if no, ok := pos.ReceiptOfAuditCode(text); ok {
		m.openReturn(no)
		return true
	}
	m.Notice(ignoredText(m.tr, "ui.scan.ignored", "ui.scan.manager_only_receipts"))
	return true
}

// refreshPaper shows the paper line when the printer reports paper near
// its end.
func (m *Manager) refreshPaper() {
	st := ""
	if ps, ok := m.dev.(interface{ State() string }); ok {
		st = ps.State()
	}
	if st == "paper_near_end" {
		m.Paper.SetText(m.tr.T("ui.manager.paper_near_end"))
		m.Paper.Show()
		return
	}
	m.Paper.Hide()
}

// Load lists the days again and reads the selected day's records (by the
// store's day index when it has one) to show its report.
func (m *Manager) Load() {
	m.refreshPaper()
	m.users, _ = m.store.Users()
	m.names = map[string]string{}
	for _, u := range m.users {
		m.names[u.ID] = u.Name
	}
	days, err := m.ledgerDays()
	if err != nil {
		m.Message.SetText(m.tr.Err(err))
	}
	today := pos.DayOf(m.Now())
	if i := sort.SearchStrings(days, today); i == len(days) || days[i] != today {
		days = append(days, today)
		sort.Strings(days)
	}
	sel := m.days.Selected
	if sel == "" {
		sel = today
	}
	m.days.Options = days
	m.days.Selected = sel
	m.days.Refresh()
	m.day = nil
	m.show()
}

// dayIndex is a Store that reads one CST day of the ledger by an index
// (boltstore.Store over pos/bolt): the manager screen then reads only the
// day it shows, however long the ledger. For a void, DayRecords passes the
// sale it cancels.
type dayIndex interface {
	Days() ([]string, error)
	DayRecords(day string, fn func(r, sale *pos.Record) error) error
}

// ledgerDays lists the days with records, oldest first.
func (m *Manager) ledgerDays() ([]string, error) {
	if ix, ok := m.store.(dayIndex); ok {
		return ix.Days()
	}
	seen := map[string]bool{}
	var days []string
	err := m.store.Records(func(r *pos.Record) error {
		if d := pos.DayOf(r.Time); !seen[d] {
			seen[d] = true
			days = append(days, d)
		}
		return nil
	})
	sort.Strings(days)
	return days, err
}

// loadDay builds the report of day from that day's records (and, for each
// void, the sale it cancels), and keeps the day's records for its list.
func (m *Manager) loadDay(day string) {
	b := report.NewDayBuilder(report.Names{Unit: m.unitName, Cashier: m.userName}, day)
	m.records = nil
	m.voided = map[uint64]bool{}
	add := func(r, sale *pos.Record) error {
		b.AddRecord(r, sale)
		if r.Kind == pos.KindVoid {
			m.voided[r.Voids] = true
		}
		m.records = append(m.records, r)
		return nil
	}
	var err error
	if ix, ok := m.store.(dayIndex); ok {
		err = ix.DayRecords(day, add)
	} else { // a store without the index: one pass over the whole ledger
		sales := map[uint64]*pos.Record{}
		err = m.store.Records(func(r *pos.Record) error {
			if r.Kind == pos.KindSale {
				sales[r.Seq] = r
			}
			if pos.DayOf(r.Time) != day {
				return nil
			}
			return add(r, sales[r.Voids])
		})
	}
	if err != nil {
		m.Message.SetText(m.tr.Err(err))
	}
	m.day, m.txs = b.Day(day), b.Transactions(day)
	if c, ok := m.store.(configured); ok {
		if cfg, err := c.Config(); err == nil && cfg != nil {
			// The exports name the store as the receipts do.
			m.day.StoreName = cfg.StoreName
			if m.day.Store == "" {
				m.day.Store, m.day.Terminal = cfg.Store, cfg.Terminal
			}
		}
	}
}

// configured is a store that holds the terminal's configuration (*bolt.DB
// does): the report names the store by it.
type configured interface {
	Config() (*pos.TerminalConfig, error)
}

func (m *Manager) unitName(id uint32) string {
	if t, err := m.store.Trust(); err == nil && t != nil {
		return t.UnitName(id)
	}
	return fmt.Sprint(id)
}

func (m *Manager) userName(id string) string {
	if n := m.names[id]; n != "" {
		return n
	}
	return id
}

// Day returns the report shown.
func (m *Manager) Day() *report.Day { return m.day }

// Transactions returns the records of the day shown, as the export's
// transactions sheet lists them.
func (m *Manager) Transactions() []report.Tx { return m.txs }

// Figures are the day's headline numbers in screen order, as label/value
// pairs: sales, voids, net count, total, voucher amount, forfeited,
// self-paid (the same as the exports and the Z report).
func (m *Manager) Figures() [][2]string {
	d := m.day
	if d == nil {
		return nil
	}
	return [][2]string{
		{m.tr.T("report.sales"), fmt.Sprint(d.Sales)}, {m.tr.T("report.voids"), fmt.Sprint(d.Voids)},
		{m.tr.T("report.net"), fmt.Sprint(d.Net)},
		{m.tr.T("label.total"), d.Total.String()}, {m.tr.T("label.voucher_amount"), d.VoucherAmount.String()},
		{m.tr.T("label.forfeited"), d.Forfeited.String()}, {m.tr.T("label.self_paid"), d.SelfPaid.String()},
	}
}

func (m *Manager) show() {
	sel := m.days.Selected
	if sel == "" {
		return
	}
	if m.day == nil || m.day.Day != sel {
		m.loadDay(sel)
	}
	d := m.day
	// One row of seven compact figures: fits 800 px, and is the same
	// height at every width.
	sum := container.NewGridWithColumns(7)
	for _, kv := range m.Figures() {
		k := canvas.NewText(kv[0], theme.Color(theme.ColorNamePlaceHolder))
		k.TextSize = theme.TextSize() * 0.9
		v := canvas.NewText(kv[1], theme.Color(theme.ColorNameForeground))
		v.TextSize = theme.TextSize() * 1.25
		v.TextStyle.Bold = true
		sum.Add(container.NewVBox(k, v))
	}
	methods := make([]report.Row, len(d.ByMethod))
	for i, r := range d.ByMethod {
		r.Label = report.MethodName(func(k string) string { return m.tr.T(k) }, r.Key)
		methods[i] = r
	}
	// Certified against non-certified goods, and the goods by origin kind.
	certified := widget.NewLabel(m.tr.T("ui.manager.certified", "certified", d.Certified.String(), "other", d.NonCertified.String()))
	origins := make([]report.Row, len(d.ByOrigin))
	for i, r := range d.ByOrigin {
		r.Label = report.OriginName(func(k string) string { return m.tr.T(k) }, r.Key)
		origins[i] = r
	}
	none := m.tr.T("ui.manager.none")
	tabs := container.NewAppTabs(
		container.NewTabItem(m.tr.T("report.by_unit"), container.NewVScroll(BarChart(d.ByUnit, none))),
		container.NewTabItem(m.tr.T("report.by_product"), container.NewVScroll(BarChart(d.ByProduct, none))),
		// The origin kinds above the counties: one more tab would push the
		// day's sales out of sight at 800×600.
		container.NewTabItem(m.tr.T("report.by_county"), container.NewVScroll(container.NewVBox(
			heading(m.tr.T("report.by_origin")), BarChart(origins, none), heading(m.tr.T("report.by_county")), BarChart(d.ByCounty, none)))),
		container.NewTabItem(m.tr.T("report.by_cashier"), container.NewVScroll(BarChart(d.ByCashier, none))),
		container.NewTabItem(m.tr.T("report.by_hour"), container.NewVScroll(BarChart(d.ByHour, none))),
		container.NewTabItem(m.tr.T("report.by_method"), container.NewVScroll(BarChart(methods, none))),
		container.NewTabItem(m.tr.T("ui.manager.sales"), container.NewBorder(
			container.NewHBox(widget.NewButtonWithIcon(m.tr.T("ui.manager.return_by_receipt"), theme.ContentUndoIcon(), m.AskReturnByReceipt)),
			nil, nil, nil, container.NewVScroll(m.salesList()))),
		container.NewTabItem(m.incidentsTitle(), container.NewVScroll(m.incidentsList())),
		container.NewTabItem(m.tr.T("ui.manager.users"), container.NewVScroll(m.usersList())),
		container.NewTabItem(m.alertsTitle(sel), container.NewVScroll(m.alertsList(sel))),
	)
	m.showReconciled(sel)
	// Keep the tab the manager was on across a reload (a void, an unlock).
	if m.tab > 0 && m.tab < len(tabs.Items) {
		tabs.SelectIndex(m.tab)
	}
	tabs.OnSelected = func(*container.TabItem) { m.tab = tabs.SelectedIndex() }
	m.body.Objects = []fyne.CanvasObject{container.NewBorder(container.NewVBox(container.NewPadded(sum), certified), nil, nil, nil, tabs)}
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
		if r := m.tr.Resolution(x.Resolution); r != "" {
			reason += "\n" + r
		}
		detail := widget.NewLabel(reason)
		detail.Wrapping = fyne.TextWrapWord
		rec := x.Seq
		preview := widget.NewButtonWithIcon(m.tr.T("ui.manager.preview"), theme.VisibilityIcon(), func() { m.Preview(rec) })
		list.Add(container.NewBorder(nil, nil, nil, preview, container.NewVBox(widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), detail)))
		list.Add(widget.NewSeparator())
	}
	return list
}

// salesList shows the day's records (the transactions sheet's rows) with
// preview and void.
func (m *Manager) salesList() fyne.CanvasObject {
	list := container.NewVBox()
	byseq := map[uint64]*pos.Record{}
	for _, r := range m.records {
		byseq[r.Seq] = r
	}
	for _, x := range m.txs {
		r := byseq[x.Seq]
		if r == nil {
			continue
		}
		text := fmt.Sprintf("%s  %s  %s  %s  %s  %s %s", x.Time.In(pos.CST).Format("15:04:05"), x.Receipt,
			m.tr.T("report.kind."+string(x.Kind)), x.CashierName, x.Total, m.tr.T("label.voucher_amount"), x.VoucherAmount)
		switch x.Kind {
		case pos.KindVoid:
			text += "  " + m.tr.T("receipt.voids") + " " + x.Voids
		case pos.KindReturn:
			text += "  " + m.tr.T("receipt.returns") + " " + x.Returns
		}
		label := widget.NewLabel(text)
		label.Truncation = fyne.TextTruncateEllipsis
		preview := widget.NewButtonWithIcon(m.tr.T("ui.manager.preview"), theme.VisibilityIcon(), func() { m.Preview(r.Seq) })
		void := widget.NewButtonWithIcon(m.tr.T("ui.manager.void"), theme.DeleteIcon(), func() { m.askVoid(r) })
		void.Importance = widget.DangerImportance
		if r.Kind != pos.KindSale || m.voided[r.Seq] {
			void.Disable()
		}
		back := widget.NewButtonWithIcon(m.tr.T("ui.manager.return"), theme.ContentUndoIcon(), func() { m.openReturn(r.Receipt) })
		if r.Kind != pos.KindSale || m.voided[r.Seq] {
			back.Disable()
		}
		list.Add(container.NewBorder(nil, nil, nil, container.NewHBox(preview, back, void), label))
	}
	if len(list.Objects) == 0 {
		list.Add(widget.NewLabel(m.tr.T("ui.manager.none")))
	}
	return list
}

// UserState says in words whether u can log in now: locked until when,
// how many wrong PINs so far, disabled, or fine.
func (m *Manager) UserState(u pos.User) string {
	switch {
	case u.Disabled:
		return m.tr.T("ui.manager.user_disabled")
	case u.LockedUntil.After(m.Now()):
		return m.tr.T("ui.manager.locked_until", "time", pos.UnlockClock(u.LockedUntil))
	case u.Failures > 0:
		return m.tr.T("ui.manager.failures", "n", fmt.Sprint(u.Failures))
	}
	return m.tr.T("ui.manager.user_ok")
}

// usersList shows every user with role and lock state, and an unlock
// button for a user locked out or with wrong PINs counted.
func (m *Manager) usersList() fyne.CanvasObject {
	list := container.NewVBox()
	for _, u := range m.users {
		u := u
		state := m.UserState(u)
		text := fmt.Sprintf("%s (%s)  %s  %s", u.Name, u.ID, m.tr.T("ui.role."+string(u.Role)), state)
		label := widget.NewLabel(text)
		label.Truncation = fyne.TextTruncateEllipsis
		unlock := widget.NewButtonWithIcon(m.tr.T("ui.manager.unlock"), theme.AccountIcon(), func() { m.askUnlock(u) })
		if u.Failures == 0 && u.LockedUntil.IsZero() {
			unlock.Disable()
		}
		list.Add(container.NewBorder(nil, nil, nil, unlock, label))
	}
	if len(list.Objects) == 0 {
		list.Add(widget.NewLabel(m.tr.T("ui.manager.none")))
	}
	return list
}

func (m *Manager) askUnlock(u pos.User) {
	id, pin, items := approval(m.tr, m.win, m.user.ID)
	d := FormModal(m.tr, m.win, "manager-unlock", m.tr.T("ui.manager.unlock")+" "+u.Name, items, func() string {
		if err := m.Unlock(u.ID, id.Text, pin.Text); err != nil {
			return m.Message.Text
		}
		return ""
	})
	if d != nil && m.win != nil {
		m.win.Canvas().Focus(pin)
	}
}

// Unlock clears userID's PIN lockout with a manager's approval (id + PIN),
// says so and reloads the users.
func (m *Manager) Unlock(userID, managerID, managerPIN string) error {
	if err := m.store.Unlock(userID, managerID, managerPIN); err != nil {
		m.Message.SetText(m.tr.Err(err))
		return err
	}
	m.Load()
	m.Message.SetText(m.tr.T("ui.manager.unlocked", "user", m.userName(userID)))
	return nil
}

// Preview shows record seq's receipt as the printer would print it, in a
// dialog sized to the window (at most 480×640), scrollable.
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
	showImage(m.win, "manager-preview", m.tr.T("ui.manager.preview")+" "+rc.Number, png, m.tr.T("ui.close"))
}

// PreviewSize is the largest receipt preview dialog.
var PreviewSize = fyne.NewSize(480, 640)

func showImage(win fyne.Window, key, title string, png []byte, closeText string) {
	size := dialogSize(win, PreviewSize)
	var content fyne.CanvasObject
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(png)); err == nil && cfg.Width > 0 {
		img := canvas.NewImageFromReader(bytes.NewReader(png), title+".png")
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScalePixels
		// Full dialog width (the receipt's own width when narrower), the
		// height that keeps the aspect: long receipts scroll.
		w := min(float32(cfg.Width), size.Width-2*theme.Padding()-24)
		img.SetMinSize(fyne.NewSize(w, w*float32(cfg.Height)/float32(cfg.Width)))
		content = container.NewCenter(img)
	} else {
		content = widget.NewLabel("-")
	}
	d := dialog.NewCustom(title, closeText, container.NewVScroll(content), win)
	d.Resize(size)
	ShowModal(win, key, d, d.Hide)
}

func (m *Manager) askVoid(r *pos.Record) {
	reason := NewKeyEntry(m.win)
	reason.SetPlaceHolder(m.tr.T("ui.manager.void_reason"))
	id, pin, items := approval(m.tr, m.win, m.user.ID)
	items = append([]*widget.FormItem{widget.NewFormItem(m.tr.T("ui.manager.void_reason"), reason)}, items...)
	d := FormModal(m.tr, m.win, "manager-void", m.tr.T("ui.manager.void")+" "+r.Receipt, items, func() string {
		if err := m.Void(r.Seq, id.Text, pin.Text, reason.Text); err != nil {
			return m.Message.Text
		}
		return ""
	})
	if d != nil && m.win != nil {
		m.win.Canvas().Focus(reason)
	}
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
	key := "ui.manager.voided"
	if len(rc.Vouchers) == 0 {
		key = "ui.manager.voided_no_vouchers" // nothing to release: say nothing of vouchers
	}
	msg := m.tr.T(key, "receipt", rc.Voids)
	if m.dev != nil {
		if err := m.dev.PrintReceipt(rc); err != nil {
			msg += " · " + m.tr.Err(err)
		}
	}
	m.Load()
	m.Message.SetText(msg)
	return nil
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

// RunReconcile reconciles the selected day with the server and fetches the
// store's alerts, off the UI goroutine; the label and the alerts tab follow
// on the UI goroutine, then done (tests) is called there.
func (m *Manager) RunReconcile(done func()) {
	day := m.days.Selected
	if day == "" {
		return
	}
	if m.Reconcile == nil {
		// Not enrolled: the server that holds the other side of the
		// comparison is not known here (the error says what to do).
		m.Message.SetText(m.tr.Err(pos.Errorf(pos.ENOTPROVISIONED, "no central server configured").Say("no_server")))
		return
	}
	m.Reconciled.SetText(m.tr.T("ui.manager.reconciling"))
	rec, alerts := m.Reconcile, m.StoreAlerts
	go func() {
		r, err := rec(day)
		var as []pos.Alert
		var aerr error
		if alerts != nil && err == nil {
			as, aerr = alerts(day)
		}
		fyne.Do(func() {
			defer m.done()
			switch {
			case err != nil:
				m.Message.SetText(m.tr.Err(err))
			case aerr != nil:
				m.Message.SetText(m.tr.Err(aerr))
			}
			if err == nil {
				m.recons[day] = r
			}
			if aerr == nil && alerts != nil && err == nil {
				m.alerts[day] = as
			}
			if m.days.Selected == day {
				m.show()
			}
			if done != nil {
				done()
			}
		})
	}()
}

// showReconciled sets the label from day's last reconciliation.
func (m *Manager) showReconciled(day string) {
	r := m.recons[day]
	switch {
	case r == nil:
		m.Reconciled.SetText(m.tr.T("ui.manager.not_reconciled"))
		m.Reconciled.Importance = widget.MediumImportance
	case len(r.Diffs) == 0:
		m.Reconciled.SetText(m.tr.T("ui.manager.reconciled"))
		m.Reconciled.Importance = widget.SuccessImportance
	default:
		m.Reconciled.SetText(m.tr.T("ui.manager.differences", "n", fmt.Sprint(r.Differences())))
		m.Reconciled.Importance = widget.WarningImportance
	}
	m.Reconciled.Refresh()
}

// alertsTitle names the alerts tab with their number.
func (m *Manager) alertsTitle(day string) string {
	if n := len(m.alerts[day]); n > 0 {
		return fmt.Sprintf("%s (%d)", m.tr.T("ui.manager.alerts"), n)
	}
	return m.tr.T("ui.manager.alerts")
}

// alertsList shows the store's alerts of day from the server: the rule in
// words, what was measured against which threshold, and the receipts.
func (m *Manager) alertsList(day string) fyne.CanvasObject {
	as := m.alerts[day]
	if len(as) == 0 {
		return widget.NewLabel(m.tr.T("ui.manager.no_alerts"))
	}
	list := container.NewVBox()
	for _, a := range as {
		head := m.tr.T("alert.rule." + string(a.Rule))
		if a.Cashier != "" {
			head += "  " + m.tr.T("alert.cashier", "cashier", m.userName(a.Cashier))
		} else if a.Unit != 0 {
			head += "  " + m.tr.T("alert.unit", "unit", m.unitName(a.Unit))
		}
		value := fmt.Sprint(a.Value)
		if a.Value < 0 {
			value = "∞"
		}
		head += "  " + m.tr.T("alert.measure", "value", value, "threshold", fmt.Sprint(a.Threshold))
		receipts := make([]string, 0, len(a.Records))
		for _, r := range a.Records {
			receipts = append(receipts, r.Time.In(pos.CST).Format("15:04")+" "+r.Receipt)
		}
		detail := widget.NewLabel(m.tr.T("alert.records", "n", fmt.Sprint(len(a.Records))) + ": " + strings.Join(receipts, ", "))
		detail.Wrapping = fyne.TextWrapWord
		list.Add(container.NewVBox(widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), detail))
		list.Add(widget.NewSeparator())
	}
	return list
}
