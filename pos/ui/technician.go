package ui

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fupinpos/device/escpos"
	"fupinpos/device/scanner"
	"fupinpos/pos"
)

// Diag is one line of the technician's diagnostics.
type Diag struct{ Name, Value string }

// Tech is what the technician screen needs besides the store: the terminal
// configuration, the serial ports, the sync client and the checks. cmd/fupinpos
// implements it over pos/bolt, device/* and sync/client.
type Tech interface {
	Config() (*pos.TerminalConfig, error)
	// SetConfig validates, saves and audits cfg under actor.
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
	VerifyLedger(ctx context.Context, progress func(done, total int)) (string, error)
	Diagnostics() []Diag
}

// Router lets the technician's live scan test take the scanner's output.
type Router interface {
	RouteScans(f func(text string))
}

// Technician is the technician screen: scanner (port, line settings, live
// scan test), printer (transport, paper, QR mode, test print with
// preview), server and enrollment, sync now, diagnostics, language. Every
// change is validated before it is saved, and saved through SetConfig,
// which audits it.
type Technician struct {
	tr      Tr
	tech    Tech
	dev     Devices
	win     fyne.Window
	user    *pos.User
	router  Router
	Message *widget.Label

	Port, Baud, Parity, Term *widget.SelectEntry
	ScanTest                 *widget.Label
	PrinterURI               *widget.Entry
	Paper, QRMode            *widget.Select
	Server, Code             *widget.Entry
	Lang                     *widget.Select
	Kiosk                    *widget.Check
	Progress                 *widget.ProgressBar
	diags                    *fyne.Container
	root                     fyne.CanvasObject
	// OnLanguage is called after the language setting was saved.
	OnLanguage func(code string)
}

// NewTechnician builds the technician screen for u.
func NewTechnician(tr Tr, tech Tech, dev Devices, win fyne.Window, u *pos.User, router Router, logout func()) *Technician {
	t := &Technician{tr: tr, tech: tech, dev: dev, win: win, user: u, router: router, Message: widget.NewLabel(""), Progress: widget.NewProgressBar()}
	t.Message.Wrapping = fyne.TextWrapWord
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
	t.ScanTest = widget.NewLabel(tr.T("ui.tech.scan_test_hint"))
	t.ScanTest.Wrapping = fyne.TextWrapBreak
	t.ScanTest.TextStyle.Monospace = true
	if router != nil {
		router.RouteScans(t.showScan)
	}

	t.PrinterURI = widget.NewEntry()
	t.PrinterURI.SetPlaceHolder("tcp://192.168.1.50:9100")
	t.Paper = widget.NewSelect([]string{"58", "80", "80-180"}, nil)
	t.QRMode = widget.NewSelect([]string{"native", "raster"}, nil)
	if pu, err := url.Parse(cfg.Printer); err == nil && cfg.Printer != "" {
		q := pu.Query()
		t.Paper.SetSelected(or(q.Get("paper"), "80"))
		t.QRMode.SetSelected(or(q.Get("qr"), "native"))
		q.Del("paper")
		q.Del("qr")
		pu.RawQuery = q.Encode()
		t.PrinterURI.SetText(pu.String())
	} else {
		t.Paper.SetSelected("80")
		t.QRMode.SetSelected("native")
	}
	t.Server = widget.NewEntry()
	t.Server.SetText(cfg.Server)
	t.Server.SetPlaceHolder("https://voucher.example.cn")
	t.Code = widget.NewEntry()
	t.Code.SetPlaceHolder(tr.T("ui.tech.enroll_code"))
	t.Lang = widget.NewSelect([]string{"中文", "English"}, nil)
	if cfg.Lang == "en" {
		t.Lang.SetSelected("English")
	} else {
		t.Lang.SetSelected("中文")
	}

	t.Kiosk = widget.NewCheck(tr.T("ui.tech.kiosk"), nil)
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
	)
	prn := widget.NewForm(
		widget.NewFormItem(tr.T("ui.tech.printer"), t.PrinterURI),
		widget.NewFormItem(tr.T("ui.tech.paper"), t.Paper),
		widget.NewFormItem(tr.T("ui.tech.qr"), t.QRMode),
	)
	srv := widget.NewForm(
		widget.NewFormItem(tr.T("ui.tech.server"), t.Server),
		widget.NewFormItem(tr.T("ui.tech.enroll_code"), t.Code),
		widget.NewFormItem(tr.T("ui.tech.lang"), t.Lang),
		widget.NewFormItem("", t.Kiosk),
	)
	t.diags = container.NewVBox()
	t.refreshDiags()
	tabs := container.NewAppTabs(
		container.NewTabItem(tr.T("ui.tech.scanner"), container.NewBorder(scan, nil, nil, nil,
			container.NewBorder(heading(tr.T("ui.tech.scan_test")), nil, nil, nil, container.NewVScroll(t.ScanTest)))),
		container.NewTabItem(tr.T("ui.tech.printer_tab"), container.NewVBox(prn, testPrint)),
		container.NewTabItem(tr.T("ui.tech.server_tab"), container.NewVBox(srv, container.NewHBox(enroll, syncNow))),
		container.NewTabItem(tr.T("ui.tech.diagnostics"), container.NewBorder(nil, verify, nil, nil, container.NewVScroll(t.diags))),
	)
	top := container.NewHBox(heading(tr.T("ui.tech.title")+" · "+u.Name), layout.NewSpacer(), save, lock)
	t.Progress.Hide()
	t.root = container.NewBorder(top, container.NewVBox(t.Progress, t.Message), nil, nil, tabs)
	return t
}

// Content returns the screen's root object.
func (t *Technician) Content() fyne.CanvasObject { return t.root }

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (t *Technician) showScan(text string) {
	kind := scanner.Classify(text)
	show := text
	if len(show) > 80 {
		show = show[:40] + "…" + show[len(show)-20:]
	}
	fyne.Do(func() {
		t.ScanTest.SetText(t.tr.T("ui.tech.scan_result", "kind", kind.String(), "len", strconv.Itoa(len(text)), "text", show))
	})
}

// Form builds the configuration the fields describe, validating every
// value; the error names the first bad field.
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
	}
	if p := strings.TrimSpace(t.PrinterURI.Text); p != "" {
		u, err := url.Parse(p)
		if err != nil || u.Scheme == "" || (u.Scheme == "tcp" && u.Port() == "") || (u.Scheme != "tcp" && u.Scheme != "serial" && u.Scheme != "usb" && u.Scheme != "file") {
			return nil, pos.Errorf(pos.EINVALID, "printer %q", p).With("field", t.tr.T("ui.tech.printer"))
		}
		if _, err := escpos.ProfileByName(t.Paper.Selected); err != nil {
			return nil, withField(err, t.tr.T("ui.tech.paper"))
		}
		q := u.Query()
		q.Set("paper", t.Paper.Selected)
		q.Set("qr", t.QRMode.Selected)
		u.RawQuery = q.Encode()
		c.Printer = u.String()
	}
	if s := strings.TrimSpace(t.Server.Text); s != "" {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, pos.Errorf(pos.EINVALID, "server %q", s).With("field", t.tr.T("ui.tech.server"))
		}
		c.Server = s
	}
	c.Lang = "zh_Hans"
	if t.Lang.Selected == "English" {
		c.Lang = "en"
	}
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

// Save validates and saves the settings; the store audits the change.
func (t *Technician) Save() error {
	old, _ := t.tech.Config()
	c, err := t.Form()
	if err == nil {
		err = t.tech.SetConfig(c, t.user.ID)
	}
	if err != nil {
		field := pos.ErrorParams(err)["field"]
		t.Message.Importance = widget.DangerImportance
		t.Message.SetText(t.tr.T("ui.tech.invalid", "field", field, "reason", t.tr.Err(err)))
		return err
	}
	t.Message.Importance = widget.SuccessImportance
	t.Message.SetText(t.tr.T("ui.saved"))
	if old != nil && old.Lang != c.Lang && t.OnLanguage != nil {
		t.OnLanguage(c.Lang)
	}
	return nil
}

func (t *Technician) testPrint() {
	if err := t.Save(); err != nil {
		return
	}
	t.busy(func(ctx context.Context) (string, error) {
		png, err := t.dev.TestPrint()
		if err != nil {
			return "", err
		}
		fyne.Do(func() { showImage(t.win, t.tr.T("ui.tech.test_print"), png, t.tr.T("ui.close")) })
		return t.tr.T("ui.tech.printed"), nil
	})
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
// on the deployment sheet, and waits for the answer.
func (t *Technician) confirmRoot(fp string) bool {
	answer := make(chan bool, 1)
	fyne.Do(func() {
		dialog.ShowConfirm(t.tr.T("ui.tech.confirm_root_title"), t.tr.T("ui.tech.confirm_root", "fingerprint", fp),
			func(ok bool) { answer <- ok }, t.win)
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
	t.busy(func(ctx context.Context) (string, error) { return t.tech.VerifyLedger(ctx, t.progress) })
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
			t.Progress.SetValue(1)
			if err != nil {
				t.Message.Importance = widget.DangerImportance
				t.Message.SetText(t.tr.Err(err))
			} else {
				t.Message.Importance = widget.SuccessImportance
				t.Message.SetText(msg)
			}
			t.refreshDiags()
		})
	}()
}

func (t *Technician) refreshDiags() {
	t.diags.RemoveAll()
	for _, d := range t.tech.Diagnostics() {
		t.diags.Add(container.NewGridWithColumns(2, widget.NewLabelWithStyle(d.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), widget.NewLabel(d.Value)))
	}
	t.diags.Refresh()
}
