package ui_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/uitest"
)

// techRec is the tech fake that records test prints and reports the
// device states it is given.
type techRec struct {
	tech
	mu       sync.Mutex
	printed  []string // "uri lang" of each test print
	printErr error    // what each test print returns
	states   []ui.DeviceState
	diags    []ui.Diag // what Diagnostics says, when set
}

func (x *techRec) Diagnostics() []ui.Diag {
	if x.diags != nil {
		return x.diags
	}
	return x.tech.Diagnostics()
}

func (x *techRec) TestPrint(uri, lang string) ([]byte, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.printed = append(x.printed, uri+" "+lang)
	return nil, x.printErr
}

func (x *techRec) DeviceStates() []ui.DeviceState { return x.states }

func (x *techRec) prints() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	return append([]string(nil), x.printed...)
}

// scanRouter is the shell's RouteScans as the technician screen sees it.
type scanRouter struct{ f func(string) }

func (r *scanRouter) RouteScans(f func(string)) { r.f = f }

type techFixture struct {
	store *uitest.Store
	rec   *techRec
	win   fyne.Window
	user  *pos.User
}

func newTechFixture(t *testing.T, cfg func(*pos.TerminalConfig)) *techFixture {
	t.Helper()
	a := newApp(t)
	store, _ := uitest.New(t)
	if cfg != nil {
		c, err := store.Config()
		if err != nil {
			t.Fatal(err)
		}
		cfg(c)
		if err := store.SetConfig(c, "test"); err != nil {
			t.Fatal(err)
		}
	}
	u, err := store.Login(uitest.TechnicianID, uitest.TechnicianPIN)
	if err != nil {
		t.Fatal(err)
	}
	w := a.NewWindow("tech")
	t.Cleanup(w.Close)
	return &techFixture{store: store, rec: &techRec{tech: tech{store}}, win: w, user: u}
}

func (f *techFixture) screen(lang string, r ui.Router) *ui.Technician {
	x := ui.NewTechnician(ui.NewTr(lang), f.rec, &devices{}, f.win, f.user, r, func() {})
	f.win.SetContent(x.Content())
	return x
}

// TestTechnicianTestPrintUsesField: "打印测试页" prints on the printer the
// field names, not the saved one, and saves nothing.
func TestTechnicianTestPrintUsesField(t *testing.T) {
	f := newTechFixture(t, func(c *pos.TerminalConfig) { c.Printer = "tcp://10.0.0.1:9100?paper=80&qr=native" })
	x := f.screen("zh_Hans", nil)
	done := make(chan error, 1)
	x.OnDone = func(err error) { done <- err }
	x.PrinterURI.SetText("tcp://10.0.0.2:9100")
	x.Paper.SetSelected("58")
	x.ReceiptLang.SetSelected("en")
	test.Tap(techButton(t, x.Content(), "打印测试页"))
	if err := outcome(t, done, "test page"); err != nil {
		t.Fatalf("test page: %v", err)
	}
	if got, want := f.rec.prints(), []string{"tcp://10.0.0.2:9100?paper=58&qr=native en"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("test print on %q, want %q", got, want)
	}
	if c, _ := f.store.Config(); c.Printer != "tcp://10.0.0.1:9100?paper=80&qr=native" {
		t.Errorf("a test print saved the printer: %q", c.Printer)
	}
	if x.Message.Importance != widget.SuccessImportance {
		t.Errorf("the printed test page is not shown as done: %q", x.Message.Text)
	}
	if x.Progress.Visible() {
		t.Error("a finished progress bar left showing beside the outcome")
	}
	// A URI the printer package refuses is not printed on, and the field is named.
	x.PrinterURI.SetText("usb://foo")
	test.Tap(techButton(t, x.Content(), "打印测试页"))
	if n := len(f.rec.prints()); n != 1 {
		t.Errorf("%d test prints after usb://foo, want 1", n)
	}
	if !strings.Contains(x.Message.Text, "打印机地址 设置无效") {
		t.Errorf("message %q does not name the printer field", x.Message.Text)
	}
}

// TestTechnicianShowsTheRefusedField: 注册终端 on the server tab saves
// first; a setting refused on another tab switches to that tab, so the
// technician sees the field to correct rather than nothing happening.
func TestTechnicianShowsTheRefusedField(t *testing.T) {
	f := newTechFixture(t, nil)
	x := f.screen("zh_Hans", nil)
	x.Wedge.SetText("wedge:?gap=abc")
	x.Tabs.SelectIndex(2)
	x.Server.SetText("http://127.0.0.1:1")
	x.Code.SetText("1234-5678-9012")
	test.Tap(techButton(t, x.Content(), "注册终端"))
	if i := x.Tabs.SelectedIndex(); i != 0 {
		t.Errorf("tab %d shown after the refusal, want 0 (扫码枪, where the wedge setting is)", i)
	}
	if !strings.Contains(x.Message.Text, "键盘扫码枪设置") {
		t.Errorf("message %q does not name the field", x.Message.Text)
	}
}

// TestTechnicianSaysWhyInChinese: a setting refused is said in the
// screen's language, naming the parameter and what it wants — no English
// parser detail on a Chinese screen.
func TestTechnicianSaysWhyInChinese(t *testing.T) {
	f := newTechFixture(t, nil)
	x := f.screen("zh_Hans", nil)
	for _, tc := range []struct {
		set  func()
		want string
	}{
		{func() { x.Wedge.SetText("wedge:?gap=abc") }, "参数 gap=“abc” 无效：应为时长"},
		{func() { x.Wedge.SetText("wedge:?speed=3") }, "未知参数 speed"},
		{func() { x.Wedge.SetText("wedge:?gap=200ms") }, "gap=200ms 须小于 pause=150ms"},
		{func() { x.Wedge.SetText(""); x.PrinterURI.SetText("usb://foo") }, "无效：应为 tcp://IP:9100、file:///dev/usb/lp0"},
		{func() { x.PrinterURI.SetText("tcp://10.0.0.1:9100?paper=80&cut=maybe") }, "参数 cut=“maybe” 无效：可选 0, 1"},
	} {
		tc.set()
		if err := x.Save(); err == nil {
			t.Errorf("saved; want %q", tc.want)
		}
		m := x.Message.Text
		if !strings.Contains(m, tc.want) || strings.Contains(m, "want") {
			t.Errorf("message %q, want it to say %q (and no English)", m, tc.want)
		}
	}
}

// TestTechnicianTestPrintFails: a test page the printer does not take
// says so with the reason behind it (the address that refused), and no
// finished progress bar is left beside the error.
func TestTechnicianTestPrintFails(t *testing.T) {
	f := newTechFixture(t, nil)
	f.rec.printErr = pos.WrapError(pos.EPRINTEROFFLINE, errors.New("dial tcp 10.0.0.2:9100: connect: connection refused"),
		"open printer 10.0.0.2:9100")
	x := f.screen("zh_Hans", nil)
	done := make(chan error, 1)
	x.OnDone = func(err error) { done <- err }
	x.PrinterURI.SetText("tcp://10.0.0.2:9100")
	test.Tap(techButton(t, x.Content(), "打印测试页"))
	if err := outcome(t, done, "test page"); pos.ErrorCode(err) != pos.EPRINTEROFFLINE {
		t.Errorf("test page outcome %v, want printer_offline", err)
	}
	if x.Message.Importance != widget.DangerImportance {
		t.Error("the failure is not shown as an error")
	}
	if m := x.Message.Text; !strings.Contains(m, "打印机无响应") || !strings.Contains(m, "10.0.0.2:9100: connect: connection refused") {
		t.Errorf("message %q: want the translated error and the refused address", m)
	}
	if x.Progress.Visible() {
		t.Error("progress bar left showing beside the error")
	}
}

// TestTechnicianShowsDeviceStates: the printer's and the scanner's states
// are shown, and a saved setting the app could not use is named with the
// reason.
func TestTechnicianShowsDeviceStates(t *testing.T) {
	f := newTechFixture(t, nil)
	f.rec.states = []ui.DeviceState{
		{Field: ui.FieldPrinter, State: "bad_config", Err: pos.Errorf(pos.EINVALID, `printer URI "usb://foo": scheme "usb": want tcp, serial or file`)},
		{Field: ui.FieldScanner, State: "disconnected"},
		{Field: ui.FieldWedge, State: "bad_config", Err: pos.Errorf(pos.EINVALID, "wedge setting")},
	}
	x := f.screen("zh_Hans", nil)
	for _, want := range []string{"打印机：设置有误", "扫码枪：未连接", "打印机地址 设置无效", `scheme "usb": want tcp, serial or file`, "键盘扫码枪设置 设置无效"} {
		if !strings.Contains(x.States.Text, want) {
			t.Errorf("states %q lack %q", x.States.Text, want)
		}
	}
	if x.States.Importance != widget.DangerImportance {
		t.Error("a bad setting is not shown as an error")
	}
	f.rec.states = []ui.DeviceState{{Field: ui.FieldPrinter, State: "ok"}, {Field: ui.FieldScanner, State: "ok"}}
	x = f.screen("en", nil)
	if got, want := x.States.Text, "Printer: OK　Scanner: OK"; got != want {
		t.Errorf("states %q, want %q", got, want)
	}
}

// TestStatusBarShowsBadConfig: a device whose saved setting is wrong reads
// "设置有误" on the cashier's status bar.
func TestStatusBarShowsBadConfig(t *testing.T) {
	for _, tc := range []struct {
		lang string
		st   ui.Status
		want []string
	}{
		{"zh_Hans", ui.Status{Printer: "bad_config", Scanner: "ok"}, []string{"打印机：设置有误", "扫码枪：正常"}},
		{"zh_Hans", ui.Status{Printer: "ok", Scanner: "bad_config"}, []string{"打印机：正常", "扫码枪：设置有误"}},
		{"en", ui.Status{Printer: "bad_config", Scanner: "bad_config"}, []string{"printer: setting is wrong", "scanner: setting is wrong"}},
	} {
		sb := ui.NewStatusBar(ui.NewTr(tc.lang))
		sb.Set(tc.st)
		for _, w := range tc.want {
			if !strings.Contains(sb.Text(), w) {
				t.Errorf("%s %+v: status bar %q lacks %q", tc.lang, tc.st, sb.Text(), w)
			}
		}
	}
}

// TestTechnicianLanguage: a new screen language is saved and handed to
// OnLanguage (which rebuilds the screens); the receipt language is its own
// setting and does not change the screens.
func TestTechnicianLanguage(t *testing.T) {
	f := newTechFixture(t, nil)
	var changed []string
	x := f.screen("zh_Hans", nil)
	x.OnLanguage = func(code string) { changed = append(changed, code) }
	x.ReceiptLang.SetSelected("en")
	if err := x.Save(); err != nil {
		t.Fatal(err)
	}
	if len(changed) != 0 {
		t.Errorf("receipt language changed the screens: %v", changed)
	}
	x.Lang.SetSelected("en")
	if err := x.Save(); err != nil {
		t.Fatal(err)
	}
	c, _ := f.store.Config()
	if c.Lang != "en" || c.ReceiptLang != "en" || fmt.Sprint(changed) != "[en]" {
		t.Errorf("lang %q receipt %q, OnLanguage %v", c.Lang, c.ReceiptLang, changed)
	}
	// The screen opens with the saved choices.
	x = f.screen("en", nil)
	if x.Lang.Selected != "en" || x.ReceiptLang.Selected != "en" {
		t.Errorf("reopened with lang %q receipt %q", x.Lang.Selected, x.ReceiptLang.Selected)
	}
}

// TestTechnicianLiveScanTest: a scan routed to the screen (serial, or a
// keyboard wedge through the shell's router, on the UI goroutine) shows
// its kind and length; leaving the screen stops the routing.
func TestTechnicianLiveScanTest(t *testing.T) {
	f := newTechFixture(t, nil)
	r := &scanRouter{}
	x := f.screen("zh_Hans", r)
	if r.f == nil {
		t.Fatal("the screen did not ask for scans")
	}
	r.f("6901234567892")
	if !strings.Contains(x.ScanTest.Text, "长度：13") || !strings.Contains(x.ScanTest.Text, "6901234567892") {
		t.Errorf("scan test shows %q", x.ScanTest.Text)
	}
	done := make(chan bool)
	go func() { r.f("HELLO-123"); done <- true }() // from the serial reader's goroutine
	<-done
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(x.ScanTest.Text, "HELLO-123") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(x.ScanTest.Text, "长度：9") {
		t.Errorf("scan test shows %q", x.ScanTest.Text)
	}
	test.Tap(techButton(t, x.Content(), "锁屏"))
	if r.f != nil {
		t.Error("scans still routed to the technician after leaving")
	}
}

// TestTechnicianKeepsNoFocus: tapping the kiosk check or a choice leaves no
// widget focused, so keys and wedge scans still reach the window (DESIGN §7).
func TestTechnicianKeepsNoFocus(t *testing.T) {
	f := newTechFixture(t, nil)
	x := f.screen("zh_Hans", nil)
	f.win.Resize(fyne.NewSize(1024, 768))
	for _, tc := range []struct {
		name string
		tap  fyne.Tappable
	}{
		{"kiosk", x.Kiosk},
		{"paper", techButton(t, x.Content(), "58 mm")},
		{"receipt language", techButton(t, x.Content(), "English")},
	} {
		test.Tap(tc.tap)
		if fo := f.win.Canvas().Focused(); fo != nil {
			t.Errorf("%s: %T keeps the focus", tc.name, fo)
		}
	}
	if !x.Kiosk.Checked || x.Paper.Selected != "58" || x.ReceiptLang.Selected != "en" {
		t.Errorf("taps not taken: kiosk %v paper %q receipt %q", x.Kiosk.Checked, x.Paper.Selected, x.ReceiptLang.Selected)
	}
}

// TestTechnicianFits: the screen's minimum size fits an 800×600 screen, in
// both languages, and renders as the goldens at the four screen sizes.
func TestTechnicianFits(t *testing.T) {
	f := newTechFixture(t, func(c *pos.TerminalConfig) {
		c.Printer = "tcp://192.168.1.50:9100?paper=80&qr=native"
		c.Scanner = "serial:///dev/ttyUSB0?baud=9600&term=cr"
	})
	f.rec.states = []ui.DeviceState{{Field: ui.FieldPrinter, State: "ok"}, {Field: ui.FieldScanner, State: "disconnected"}}
	for _, lang := range []string{"zh_Hans", "en"} {
		x := f.screen(lang, nil)
		if m := x.Content().MinSize(); m.Width > 800 || m.Height > 600 {
			t.Errorf("%s: minimum size %v does not fit 800×600", lang, m)
		}
	}
	f.screen("zh_Hans", nil)
	for _, s := range []fyne.Size{{Width: 800, Height: 600}, {Width: 1024, Height: 768}, {Width: 1366, Height: 768}, {Width: 1920, Height: 1080}} {
		f.win.Resize(s)
		test.AssertRendersToMarkup(t, fmt.Sprintf("technician_%.0fx%.0f.xml", s.Width, s.Height), f.win.Canvas())
	}
}

// techButton finds the button labelled text in o, or fails.
func techButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || o == nil {
			return
		}
		switch w := o.(type) {
		case *widget.Button:
			if w.Text == text {
				found = w
			}
		case *container.AppTabs:
			for _, it := range w.Items {
				walk(it.Content)
			}
		case *container.Scroll:
			walk(w.Content)
		case *widget.Form:
			for _, it := range w.Items {
				walk(it.Widget)
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}

// The live scan test names each scan's kind in the screen's language, a
// receipt's QR code included.
func TestTechnicianScanTestKinds(t *testing.T) {
	f := newTechFixture(t, nil)
	r := &scanRouter{}
	x := f.screen("zh_Hans", r)
	for scan, want := range map[string]string{
		"6937777001005":                    "类型：商品条码 EAN-13",
		"FPR1:T01-000001:0123456789abcdef": "类型：小票 T01-000001 的二维码",
		"abc123":                           "类型：无法识别",
	} {
		r.f(scan)
		if !strings.HasPrefix(x.ScanTest.Text, want) {
			t.Errorf("scan %q: %q, want it to start %q", scan, x.ScanTest.Text, want)
		}
	}
}

// TestTechnicianDiagnosticsInLanguage: the 诊断 tab names every fact in the
// screen's language (it showed terminal, database, queue ... on a Chinese
// screen), with device states and errors translated, and the ledger walk
// says what it found in that language too.
func TestTechnicianDiagnosticsInLanguage(t *testing.T) {
	f := newTechFixture(t, nil)
	f.rec.diags = []ui.Diag{
		{Key: "terminal", Value: "HF-001/T01"},
		{Key: "queue", Value: "2 (￥12.00)"},
		{Key: "last_sync"},
		{Key: "root_key", Value: "ab12"},
		{Key: "scanner", Value: "serial:///dev/ttyUSB0", State: "disconnected"},
		{Key: "last_sync_error", Err: pos.WrapError(pos.ESERVEROFFLINE, errors.New("dial tcp 10.0.0.9:443: connect: connection refused"), "sync")},
	}
	for _, tc := range []struct {
		lang   string
		want   []string
		ledger string
	}{
		{"zh_Hans", []string{"门店/终端", "HF-001/T01", "待上传", "上次同步", "根密钥指纹", "扫码枪", "serial:///dev/ttyUSB0 · 未连接", "上次同步错误", "10.0.0.9:443"},
			"账本完整：3 条交易记录，5 条审计记录，链头 0123456789abcdef"},
		{"en", []string{"Store/terminal", "Queued for upload", "Last sync", "Root key fingerprint", "serial:///dev/ttyUSB0 · disconnected", "Last sync error"},
			"Ledger intact: 3 sale records, 5 audit records, head 0123456789abcdef"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			x := f.screen(tc.lang, nil)
			x.Tabs.SelectIndex(3) // 诊断
			got := texts(f.win)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("diagnostics lack %q:\n%s", w, got)
				}
			}
			for _, d := range f.rec.diags {
				if name, _ := x.DiagLine(d); strings.Contains(got, "\n"+d.Key+"\n") || strings.HasPrefix(name, "ui.") {
					t.Errorf("fact %q shown as %q, untranslated", d.Key, name)
				}
			}
			if _, v := x.DiagLine(ui.Diag{Key: "server"}); v != "-" {
				t.Errorf("a fact not known reads %q, want -", v)
			}
			done := make(chan error, 1)
			x.OnDone = func(err error) { done <- err }
			test.Tap(techButton(t, x.Content(), map[string]string{"zh_Hans": "校验账本", "en": "Verify ledger"}[tc.lang]))
			if err := outcome(t, done, "verify"); err != nil {
				t.Fatal(err)
			}
			if x.Message.Text != tc.ledger {
				t.Errorf("ledger walk says %q, want %q", x.Message.Text, tc.ledger)
			}
		})
	}
}
