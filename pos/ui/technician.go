package ui

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fupinpos/device/printer"
	"fupinpos/device/scanner"
	"fupinpos/pos"
)

// Diag is one line of the technician's diagnostics. Key names the fact
// (the screen shows it as translation ui.tech.diag.<Key>, so the tab speaks
// the screen's language); Value is the fact itself (a path, a count, a
// version); State, when set, is a device state word shown after Value as
// the status bar says it (ok, offline, ...); Err, when set, is shown
// translated with its detail.
type Diag struct {
	Key, Value, State string
	Err               error
}

// LedgerSummary is what a clean walk of the ledger found: the sale records,
// the audit events and the chain head (its first hex digits).
type LedgerSummary struct {
	Records, AuditEvents uint64
	Head                 string
}

// Settings named by DeviceState.Field.
const (
	FieldPrinter = "printer"
	FieldScanner = "scanner"
	FieldWedge   = "wedge"
	FieldServer  = "server"
	FieldLang    = "lang"
)

// DeviceState is how one device or setting of the terminal stands, for the
// technician: Field is FieldPrinter, FieldScanner, FieldWedge, FieldServer
// or FieldLang; State is the status bar's word (ok, offline, disconnected,
// unknown, bad_config, ...); Err says why a saved setting could not be used
// (nil when it could).
type DeviceState struct {
	Field string
	State string
	Err   error
}

// Tech is what the technician screen needs besides the store: the terminal
// configuration, the serial ports, the sync client and the checks. cmd/fupinpos
// implements it over pos/bolt, device/* and sync/client.
type Tech interface {
	Config() (*pos.TerminalConfig, error)
	// SetConfig validates, saves and audits cfg under actor, and applies
	// what can be applied at once (printer, receipt language).
	SetConfig(cfg *pos.TerminalConfig, actor string) error
	Ports() ([]scanner.PortInfo, error)
	// Enroll registers the terminal with the server at url using a
	// one-time code. confirm shows the server's root key fingerprint to the
	// technician, who compares it with the deployment sheet; enrollment
	// stops unless it returns true. It is called off the UI goroutine.
	Enroll(ctx context.Context, url, code string, confirm func(fingerprint string) bool) error
	// SyncNow uploads the queue and refreshes the cache, reporting
	// progress as done of total.
	SyncNow(ctx context.Context, progress func(done, total int)) error
	// VerifyLedger walks the ledger and says what it found.
	VerifyLedger(ctx context.Context, progress func(done, total int)) (LedgerSummary, error)
	// Diagnostics are the facts a technician reads out on the phone.
	Diagnostics() []Diag
	// TestPrint prints the test page on the printer named by uri (the
	// field's URI, saved or not) in language receiptLang and returns the
	// page's preview (PNG). It is called off the UI goroutine.
	TestPrint(uri, receiptLang string) ([]byte, error)
	// DeviceStates says how the printer, the scanner and the other saved
	// settings stand, including why a saved setting could not be used.
	DeviceStates() []DeviceState
}

// Router lets the technician's live scan test take the scanner's output.
type Router interface {
	RouteScans(f func(text string))
}

// Choice is a row of buttons of which one is selected: what a Select or a
// RadioGroup shows, without taking the keyboard focus when tapped (a
// focused widget gets every key, and scans would be lost, DESIGN §7).
type Choice struct {
	Options  []string // the values, as saved
	Labels   []string // what the buttons say (Options when nil)
	Selected string
	// OnChanged is called when a button changes the selection.
	OnChanged func(string)
	buttons   []*widget.Button
	box       *fyne.Container
}

// NewChoice returns a choice of options labelled labels (nil: the options).
func NewChoice(options, labels []string, selected string) *Choice {
	c := &Choice{Options: options, Labels: labels, Selected: selected, box: container.NewHBox()}
	for i, o := range options {
		text := o
		if i < len(labels) {
			text = labels[i]
		}
		b := widget.NewButton(text, func() {
			if c.Selected != o {
				c.SetSelected(o)
				if c.OnChanged != nil {
					c.OnChanged(o)
				}
			}
		})
		c.buttons = append(c.buttons, b)
		c.box.Add(b)
	}
	c.SetSelected(selected)
	return c
}

// SetSelected selects option s (ignored when s is not an option).
func (c *Choice) SetSelected(s string) {
	found := false
	for i, o := range c.Options {
		imp := widget.MediumImportance
		if o == s {
			imp, found = widget.HighImportance, true
		}
		c.buttons[i].Importance = imp
		c.buttons[i].Refresh()
	}
	if found {
		c.Selected = s
	}
}

// Content returns the row of buttons.
func (c *Choice) Content() fyne.CanvasObject { return c.box }

// Technician is the technician screen: scanner (port, line settings,
// keyboard-wedge setting, live scan test), printer (URI, paper, QR mode,
// receipt language, test print with preview), server and enrollment, sync
// now, diagnostics, language. Every change is validated before it is saved
// (with the same parsers the app uses at start), and saved through
// SetConfig, which audits it. The state of each device is shown, with the
// reason when a saved setting could not be used.
type Technician struct {
	tr      Tr
	tech    Tech
	dev     Devices
	win     fyne.Window
	user    *pos.User
	router  Router
	Message *widget.Label
	// OnDone, when set, is called on the UI goroutine once the outcome of
	// a job run in the background (test page, sync, enrollment) is shown;
	// tests wait on it rather than polling the widgets.
	OnDone func(err error)
	// Tabs are the screen's tabs (扫码枪, 打印机, 服务器, 诊断); a setting
	// refused shows its tab, so a refusal by a button on another tab
	// (注册终端 saves first) points at the field to correct.
	Tabs     *container.AppTabs
	fieldTab map[string]int // tab index by field label
	// States shows the printer's and the scanner's current state and any
	// saved setting the terminal could not use.
	States *widget.Label

	Port, Baud, Parity, Term *widget.SelectEntry
	Wedge                    *widget.Entry
	ScanTest                 *widget.Label
	PrinterURI               *widget.Entry
	Paper, QRMode            *Choice
	ReceiptLang              *Choice
	Server, Code             *widget.Entry
	Lang                     *Choice
	Kiosk                    *widget.Check
	Progress                 *widget.ProgressBar
	diags                    *fyne.Container
	root                     fyne.CanvasObject
	// OnLanguage is called after a new screen language was saved.
	OnLanguage func(code string)
}

// NewTechnician builds the technician screen for u.
func NewTechnician(tr Tr, tech Tech, dev Devices, win fyne.Window, u *pos.User, router Router, logout func()) *Technician {
	t := &Technician{tr: tr, tech: tech, dev: dev, win: win, user: u, router: router, Message: widget.NewLabel(""), States: widget.NewLabel(""), Progress: widget.NewProgressBar()}
	t.Message.Wrapping = fyne.TextWrapWord
	t.States.Wrapping = fyne.TextWrapWord
	cfg, err := tech.Config()
	if err != nil || cfg == nil {
		cfg = &pos.TerminalConfig{}
		t.Message.SetText(tr.Err(err))
	}
	sc, _ := scanner.ParseURI(cfg.Scanner)
	var ports []string
	if ps, err := tech.Ports(); err == nil {
		for _, p := range ps {
			path := p.Path
			if len(p.ByID) > 0 {
				path = p.ByID[0]
			}
			ports = append(ports, path)
		}
	}
	t.Port = widget.NewSelectEntry(ports)
	t.Port.SetText(sc.Path)
	t.Port.SetPlaceHolder("/dev/ttyUSB0")
	t.Baud = widget.NewSelectEntry([]string{"9600", "19200", "38400", "57600", "115200"})
	t.Baud.SetText(strconv.Itoa(max(sc.Baud, scanner.DefaultBaud)))
	t.Parity = widget.NewSelectEntry([]string{"none", "odd", "even", "mark", "space"})
	t.Parity.SetText(sc.Parity.String())
	t.Term = widget.NewSelectEntry([]string{"cr", "crlf", "lf", "tab", "none"})
	t.Term.SetText(sc.Framing.Terminator.String())
	t.Wedge = widget.NewEntry()
	t.Wedge.SetText(cfg.Wedge)
	t.Wedge.SetPlaceHolder("wedge:?prefix=%5DQ1")
	t.ScanTest = widget.NewLabel(tr.T("ui.tech.scan_test_hint"))
	t.ScanTest.Wrapping = fyne.TextWrapBreak
	t.ScanTest.TextStyle.Monospace = true
	if router != nil {
		router.RouteScans(t.showScan)
	}

	t.PrinterURI = widget.NewEntry()
	t.PrinterURI.SetPlaceHolder("tcp://192.168.1.50:9100")
	paper, qr := printer.DefaultPaper, "native"
	if pu, err := url.Parse(cfg.Printer); err == nil && cfg.Printer != "" {
		q := pu.Query()
		paper, qr = or(q.Get("paper"), paper), or(q.Get("qr"), qr)
		q.Del("paper")
		q.Del("qr")
		pu.RawQuery = q.Encode()
		t.PrinterURI.SetText(pu.String())
	} else {
		t.PrinterURI.SetText(cfg.Printer)
	}
	unfocus := func(string) { t.unfocus() }
	t.Paper = NewChoice([]string{"58", "80", "80-180"}, []string{"58 mm", "80 mm", "80 mm/180 dpi"}, paper)
	t.QRMode = NewChoice([]string{"native", "raster"}, []string{tr.T("ui.tech.qr_native"), tr.T("ui.tech.qr_raster")}, qr)
	t.ReceiptLang = NewChoice([]string{"zh_Hans", "en"}, []string{"中文", "English"}, or(cfg.ReceiptLang, "zh_Hans"))
	t.Server = widget.NewEntry()
	t.Server.SetText(cfg.Server)
	t.Server.SetPlaceHolder("https://voucher.example.cn")
	t.Code = widget.NewEntry()
	t.Code.SetPlaceHolder(tr.T("ui.tech.enroll_code"))
	t.Lang = NewChoice([]string{"zh_Hans", "en"}, []string{"中文", "English"}, or(cfg.Lang, "zh_Hans"))
	for _, c := range []*Choice{t.Paper, t.QRMode, t.ReceiptLang, t.Lang} {
		c.OnChanged = unfocus
	}
	// A tapped Check takes the focus; give it back to the window at once.
	t.Kiosk = widget.NewCheck(tr.T("ui.tech.kiosk"), func(bool) { t.unfocus() })
	t.Kiosk.SetChecked(cfg.Kiosk)

	save := widget.NewButtonWithIcon(tr.T("ui.save"), theme.DocumentSaveIcon(), func() { t.Save() })
	save.Importance = widget.HighImportance
	testPrint := widget.NewButtonWithIcon(tr.T("ui.tech.test_print"), theme.DocumentPrintIcon(), t.testPrint)
	enroll := widget.NewButtonWithIcon(tr.T("ui.tech.enroll"), theme.LoginIcon(), t.enroll)
	syncNow := widget.NewButtonWithIcon(tr.T("ui.tech.sync_now"), theme.ViewRefreshIcon(), t.syncNow)
	verify := widget.NewButtonWithIcon(tr.T("ui.tech.verify_ledger"), theme.ConfirmIcon(), t.verify)
	lock := widget.NewButtonWithIcon(tr.T("ui.cashier.lock"), theme.LogoutIcon(), func() {
		if router != nil {
			router.RouteScans(nil)
		}
		logout()
	})

	scan := widget.NewForm(
		widget.NewFormItem(tr.T("ui.tech.port"), t.Port),
		widget.NewFormItem(tr.T("ui.tech.baud"), t.Baud),
		widget.NewFormItem(tr.T("ui.tech.parity"), t.Parity),
		widget.NewFormItem(tr.T("ui.tech.term"), t.Term),
		widget.NewFormItem(tr.T("ui.tech.wedge"), t.Wedge),
	)
	prn := widget.NewForm(
		widget.NewFormItem(tr.T("ui.tech.printer"), t.PrinterURI),
		widget.NewFormItem(tr.T("ui.tech.paper"), t.Paper.Content()),
		widget.NewFormItem(tr.T("ui.tech.qr"), t.QRMode.Content()),
		widget.NewFormItem(tr.T("ui.tech.receipt_lang"), t.ReceiptLang.Content()),
	)
	srv := widget.NewForm(
		widget.NewFormItem(tr.T("ui.tech.server"), t.Server),
		widget.NewFormItem(tr.T("ui.tech.enroll_code"), t.Code),
		widget.NewFormItem(tr.T("ui.tech.lang"), t.Lang.Content()),
		widget.NewFormItem("", t.Kiosk),
	)
	t.diags = container.NewVBox()
	t.refreshDiags()
	tabs := container.NewAppTabs(
		container.NewTabItem(tr.T("ui.tech.scanner"), container.NewBorder(scan, nil, nil, nil,
			container.NewBorder(heading(tr.T("ui.tech.scan_test")), nil, nil, nil, container.NewVScroll(t.ScanTest)))),
		container.NewTabItem(tr.T("ui.tech.printer_tab"), container.NewVScroll(container.NewVBox(prn, container.NewHBox(testPrint)))),
		container.NewTabItem(tr.T("ui.tech.server_tab"), container.NewVScroll(container.NewVBox(srv, container.NewHBox(enroll, syncNow)))),
		container.NewTabItem(tr.T("ui.tech.diagnostics"), container.NewBorder(nil, container.NewHBox(verify), nil, nil, container.NewVScroll(t.diags))),
	)
	// Switching tabs leaves no entry focused, so the live scan test sees a
	// keyboard-wedge scanner's keys.
	tabs.OnSelected = func(*container.TabItem) { t.unfocus() }
	t.Tabs = tabs
	t.fieldTab = map[string]int{tr.T("ui.tech.port"): 0, tr.T("ui.tech.scanner"): 0, tr.T("ui.tech.wedge"): 0,
		tr.T("ui.tech.printer"): 1, tr.T("ui.tech.server"): 2}
	title := heading(tr.T("ui.tech.title") + " · " + u.Name)
	top := container.NewBorder(nil, nil, nil, container.NewHBox(save, lock), title)
	t.Progress.Hide()
	t.refreshStates()
	t.root = container.NewBorder(container.NewVBox(top, t.States), container.NewVBox(t.Progress, t.Message), nil, nil, tabs)
	return t
}

// Content returns the screen's root object.
func (t *Technician) Content() fyne.CanvasObject { return t.root }

// Notice shows text on the screen's message line (Shell: a scan the
// screen took no action on, or one the scan test's framer refused).
func (t *Technician) Notice(text string) { t.Message.SetText(text) }

func (t *Technician) unfocus() {
	if t.win != nil {
		t.win.Canvas().Unfocus()
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// showScan shows a scan in the live scan test; safe from any goroutine
// (serial scans arrive on the reader's, wedge scans on the UI goroutine).
func (t *Technician) showScan(text string) {
	kind := t.tr.T(scanner.Classify(text).Key())
	if no, ok := pos.ReceiptOfAuditCode(text); ok {
		kind = t.tr.T("scan.kind.receipt", "receipt", no)
	}
	show := text
	if r := []rune(show); len(r) > 80 {
		show = string(r[:40]) + "…" + string(r[len(r)-20:])
	}
	msg := t.tr.T("ui.tech.scan_result", "kind", kind, "len", strconv.Itoa(len(text)), "text", show)
	fyne.Do(func() { t.ScanTest.SetText(msg) })
}

// refreshStates shows the printer's and the scanner's state, and names
// each saved setting the terminal could not use, with the reason.
func (t *Technician) refreshStates() {
	states := t.tech.DeviceStates()
	var dev, bad []string
	for _, s := range states {
		switch s.Field {
		case FieldPrinter, FieldScanner:
			dev = append(dev, t.tr.T("ui.tech.state", "device", t.deviceName(s.Field), "state", t.tr.T("ui.status.dev."+or(s.State, "unknown"))))
		}
		if s.Err != nil {
			bad = append(bad, t.tr.T("ui.tech.invalid", "field", t.fieldName(s.Field), "reason", t.reason(s.Err)))
		}
	}
	text := strings.Join(dev, "　")
	if len(bad) > 0 {
		text += "\n" + strings.Join(bad, "\n")
		t.States.Importance = widget.DangerImportance
	} else {
		t.States.Importance = widget.MediumImportance
	}
	t.States.SetText(text)
}

// deviceName names the printer or the scanner as the status bar does.
func (t *Technician) deviceName(f string) string {
	if f == FieldPrinter {
		return t.tr.T("ui.tech.printer_tab")
	}
	return t.fieldName(f)
}

// fieldName names the setting f as its field on this screen.
func (t *Technician) fieldName(f string) string {
	switch f {
	case FieldPrinter:
		return t.tr.T("ui.tech.printer")
	case FieldScanner:
		return t.tr.T("ui.tech.scanner")
	case FieldWedge:
		return t.tr.T("ui.tech.wedge")
	case FieldServer:
		return t.tr.T("ui.tech.server")
	case FieldLang:
		return t.tr.T("ui.tech.lang")
	}
	return f
}

// printerURI is the printer field's URI with the paper and QR choices, checked
// by device/printer's parser (the one the app opens the printer with);
// "" when the field is empty.
func (t *Technician) printerURI() (string, error) {
	p := strings.TrimSpace(t.PrinterURI.Text)
	if p == "" {
		return "", nil
	}
	field := t.tr.T("ui.tech.printer")
	u, err := url.Parse(p)
	if err != nil {
		return "", pos.WrapError(pos.EINVALID, err, "printer URI %q", p).With("field", field)
	}
	q := u.Query()
	q.Set("paper", t.Paper.Selected)
	q.Set("qr", t.QRMode.Selected)
	u.RawQuery = q.Encode()
	if _, err := printer.ParseURI(u.String()); err != nil {
		return "", withField(err, field)
	}
	return u.String(), nil
}

// Form builds the configuration the fields describe, validating every
// value with the parsers the app uses at start; the error names the first
// bad field.
func (t *Technician) Form() (*pos.TerminalConfig, error) {
	cfg, err := t.tech.Config()
	if err != nil {
		return nil, err
	}
	c := *cfg
	if p := strings.TrimSpace(t.Port.Text); p != "" {
		if !strings.HasPrefix(p, "/dev/") {
			return nil, pos.Errorf(pos.EINVALID, "port %q", p).With("field", t.tr.T("ui.tech.port"))
		}
		u := url.URL{Scheme: "serial", Path: p, RawQuery: url.Values{"baud": {t.Baud.Text}, "parity": {t.Parity.Text}, "term": {t.Term.Text}}.Encode()}
		if _, err := scanner.ParseURI(u.String()); err != nil {
			return nil, withField(err, t.tr.T("ui.tech.scanner"))
		}
		c.Scanner = u.String()
	} else {
		c.Scanner = ""
	}
	w := strings.TrimSpace(t.Wedge.Text)
	if w != "" {
		if _, err := scanner.ParseWedge(w); err != nil {
			return nil, withField(err, t.tr.T("ui.tech.wedge"))
		}
	}
	c.Wedge = w
	if c.Printer, err = t.printerURI(); err != nil {
		return nil, err
	}
	if s := strings.TrimSpace(t.Server.Text); s != "" {
		if _, err := pos.ParseServers(s); err != nil {
			return nil, withField(err, t.tr.T("ui.tech.server"))
		}
		c.Server = s
	}
	c.Lang = t.Lang.Selected
	c.ReceiptLang = t.ReceiptLang.Selected
	c.Kiosk = t.Kiosk.Checked
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

func withField(err error, field string) error {
	if e, ok := err.(*pos.Error); ok {
		return e.With("field", field)
	}
	return pos.WrapError(pos.EINVALID, err, "%s", field).With("field", field)
}

// fail shows err in the message line, naming its field.
func (t *Technician) fail(err error) {
	field := pos.ErrorParams(err)["field"]
	t.Message.Importance = widget.DangerImportance
	if field == "" {
		t.Message.SetText(t.reason(err))
		return
	}
	t.Message.SetText(t.tr.T("ui.tech.invalid", "field", field, "reason", t.reason(err)))
	if i, ok := t.fieldTab[field]; ok && t.Tabs != nil && t.Tabs.SelectedIndex() != i {
		t.Tabs.SelectIndex(i)
	}
}

// reason says why: the translated error and, for a technician, the detail
// behind it (which address refused the connection) unless the error has a
// finer translated message (which part of a URI and what it wants).
func (t *Technician) reason(err error) string {
	var pe *pos.Error
	if !errors.As(err, &pe) || pe.Message == "" || pe.Key != "" {
		return t.tr.Err(err) // a finer message says it all in the screen's language
	}
	detail := pe.Message
	if pe.Err != nil && pe.Code != pos.EINVALID {
		detail += ": " + pe.Err.Error()
	}
	return t.tr.Err(err) + "（" + detail + "）"
}

// Save validates and saves the settings; the store audits the change. A new
// screen language is applied through OnLanguage.
func (t *Technician) Save() error {
	t.unfocus()
	old, _ := t.tech.Config()
	c, err := t.Form()
	if err == nil {
		err = t.tech.SetConfig(c, t.user.ID)
	}
	if err != nil {
		t.fail(err)
		return err
	}
	t.Message.Importance = widget.SuccessImportance
	t.Message.SetText(t.tr.T("ui.saved"))
	t.refreshStates()
	if old != nil && or(old.Lang, "zh_Hans") != c.Lang && t.OnLanguage != nil {
		t.OnLanguage(c.Lang)
	}
	return nil
}

// TestPrint prints the test page on the printer the field names (saved or
// not) and shows its preview; off the UI goroutine.
func (t *Technician) testPrint() {
	t.unfocus()
	uri, err := t.printerURI()
	if err == nil && uri == "" {
		err = pos.Errorf(pos.EINVALID, "no printer URI").With("field", t.tr.T("ui.tech.printer"))
	}
	if err != nil {
		t.fail(err)
		return
	}
	rl := t.ReceiptLang.Selected
	t.busy(func(ctx context.Context) (string, error) {
		png, err := t.tech.TestPrint(uri, rl)
		if err != nil {
			return "", err
		}
		fyne.Do(func() { t.showPreview(png) })
		return t.tr.T("ui.tech.printed"), nil
	})
}

// showPreview shows the test page's image in a dialog that fits 800×600.
func (t *Technician) showPreview(png []byte) {
	if len(png) == 0 {
		return
	}
	title := t.tr.T("ui.tech.test_print")
	img := canvas.NewImageFromReader(bytes.NewReader(png), "test.png")
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(320, 400))
	d := dialog.NewCustom(title, t.tr.T("ui.close"), container.NewVScroll(img), t.win)
	ShowModal(t.win, "tech-test-print", d, d.Hide)
}

func (t *Technician) enroll() {
	if err := t.Save(); err != nil {
		return
	}
	url, code := t.Server.Text, strings.TrimSpace(t.Code.Text)
	if code == "" {
		t.Message.SetText(t.tr.T("ui.tech.invalid", "field", t.tr.T("ui.tech.enroll_code"), "reason", t.tr.T("error.invalid")))
		return
	}
	t.busy(func(ctx context.Context) (string, error) {
		if err := t.tech.Enroll(ctx, url, code, t.confirmRoot); err != nil {
			return "", err
		}
		return t.tr.T("ui.tech.enrolled"), nil
	})
}

// confirmRoot asks the technician whether fp is the root key fingerprint
// on the deployment sheet, and waits for the answer. Esc says no.
func (t *Technician) confirmRoot(fp string) bool {
	answer := make(chan bool, 1)
	fyne.Do(func() {
		d := dialog.NewConfirm(t.tr.T("ui.tech.confirm_root_title"), t.tr.T("ui.tech.confirm_root", "fingerprint", fp),
			func(ok bool) { answer <- ok }, t.win)
		d.SetConfirmText(t.tr.T("ui.yes"))
		d.SetDismissText(t.tr.T("ui.no"))
		if !ShowModal(t.win, "tech-confirm-root", d, d.Confirm) {
			answer <- false
		}
	})
	return <-answer
}

func (t *Technician) syncNow() {
	t.busy(func(ctx context.Context) (string, error) {
		if err := t.tech.SyncNow(ctx, t.progress); err != nil {
			return "", err
		}
		return t.tr.T("ui.tech.synced"), nil
	})
}

func (t *Technician) verify() {
	t.busy(func(ctx context.Context) (string, error) {
		lc, err := t.tech.VerifyLedger(ctx, t.progress)
		if err != nil {
			return "", err
		}
		return t.tr.T("ledger.ok", "records", strconv.FormatUint(lc.Records, 10),
			"audit", strconv.FormatUint(lc.AuditEvents, 10), "head", lc.Head), nil
	})
}

func (t *Technician) progress(done, total int) {
	if total <= 0 {
		return
	}
	v := float64(done) / float64(total)
	fyne.Do(func() { t.Progress.SetValue(v) })
}

// busy runs f off the UI goroutine, showing progress and the outcome.
func (t *Technician) busy(f func(ctx context.Context) (string, error)) {
	t.Progress.SetValue(0)
	t.Progress.Show()
	t.Message.Importance = widget.MediumImportance
	t.Message.SetText(t.tr.T("ui.tech.working"))
	go func() {
		msg, err := f(context.Background())
		fyne.Do(func() {
			// The outcome is the message; a finished bar beside it says
			// nothing more.
			t.Progress.Hide()
			if err != nil {
				t.fail(err)
			} else {
				t.Message.Importance = widget.SuccessImportance
				t.Message.SetText(msg)
			}
			t.refreshDiags()
			t.refreshStates()
			if t.OnDone != nil {
				t.OnDone(err)
			}
		})
	}()
}

func (t *Technician) refreshDiags() {
	t.diags.RemoveAll()
	for _, d := range t.tech.Diagnostics() {
		name, value := t.DiagLine(d)
		v := widget.NewLabel(value)
		v.Wrapping = fyne.TextWrapBreak
		t.diags.Add(container.NewBorder(nil, nil, widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, v))
	}
	t.diags.Refresh()
}

// DiagLine is a diagnostics line as the screen shows it: the fact's name
// and its value, in the screen's language ("-" for a fact not known).
func (t *Technician) DiagLine(d Diag) (name, value string) {
	var parts []string
	if d.Value != "" {
		parts = append(parts, d.Value)
	}
	if d.State != "" {
		parts = append(parts, t.tr.T("ui.status.dev."+d.State))
	}
	if d.Err != nil {
		parts = append(parts, t.reason(d.Err))
	}
	if len(parts) == 0 {
		parts = append(parts, "-")
	}
	return t.tr.T("ui.tech.diag." + d.Key), strings.Join(parts, " · ")
}
