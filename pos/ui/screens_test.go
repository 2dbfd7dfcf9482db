package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fupinpos/device/scanner"
	"fupinpos/pos"
	"fupinpos/pos/report"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/uitest"
)

// devices is a ui.Devices that records what it printed.
type devices struct {
	uitest.Printer
	z int
}

func (d *devices) PrintZReport(*report.Day) error                { d.z++; return nil }
func (d *devices) PreviewReceipt(r *pos.Receipt) ([]byte, error) { return nil, nil }

// tech is a ui.Tech over the demo store.
type tech struct{ *uitest.Store }

func (tech) Ports() ([]scanner.PortInfo, error) {
	return []scanner.PortInfo{{Path: "/dev/ttyUSB0", USB: true, Product: "Honeywell 1900"}}, nil
}
func (tech) Enroll(context.Context, string, string, func(string) bool) error { return nil }
func (tech) SyncNow(context.Context, func(int, int)) error                   { return nil }
func (tech) VerifyLedger(context.Context, func(int, int)) (ui.LedgerSummary, error) {
	return ui.LedgerSummary{Records: 3, AuditEvents: 5, Head: "0123456789abcdef"}, nil
}
func (tech) Diagnostics() []ui.Diag                   { return []ui.Diag{{Key: "go", Value: "go1.26"}} }
func (tech) TestPrint(string, string) ([]byte, error) { return nil, nil }
func (tech) DeviceStates() []ui.DeviceState {
	return []ui.DeviceState{{Field: ui.FieldPrinter, State: "ok"}, {Field: ui.FieldScanner, State: "ok"}}
}

func TestVoidNeedsManagerPIN(t *testing.T) {
	f := newCashier(t, "zh_Hans")
	code := f.dep.Issue(pos.Yuan(30), "member-void")
	f.sess.Scan(f.ean(0))
	f.sess.Scan(code)
	if _, err := f.sess.Complete(); err != nil {
		t.Fatal(err)
	}
	_, seq := f.sess.Last()
	mgr, _ := f.store.Login(uitest.ManagerID, uitest.ManagerPIN)
	dev := &devices{}
	m := ui.NewManager(ui.NewTr("zh_Hans"), f.store, dev, f.win, mgr, func() {})
	m.Now = func() time.Time { return uitest.DemoNow }
	m.SelectDay(pos.DayOf(uitest.DemoNow))
	for _, tc := range []struct {
		name, id, pin, reason, code string
	}{
		{"no reason", uitest.ManagerID, uitest.ManagerPIN, "", pos.EINVALID},
		{"cashier PIN", uitest.CashierID, uitest.CashierPIN, "顾客退货", pos.EFORBIDDEN},
		{"wrong PIN", uitest.ManagerID, "1111", "顾客退货", pos.EBADPIN},
		{"manager", uitest.ManagerID, uitest.ManagerPIN, "顾客退货", ""},
		{"twice", uitest.ManagerID, uitest.ManagerPIN, "顾客退货", pos.ECONFLICT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := m.Void(seq, tc.id, tc.pin, tc.reason)
			if pos.ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
				t.Fatalf("err %v, want %q", err, tc.code)
			}
			if err != nil && m.Message.Text == "" {
				t.Error("refusal not shown")
			}
		})
	}
	if d := m.Day(); d.Voids != 1 || len(dev.Printed) != 1 {
		t.Errorf("voids %d, void slips printed %d", d.Voids, len(dev.Printed))
	}
	// The voucher is released: it can pay again.
	f.sess.Scan(f.ean(0))
	if v := f.sess.Scan(code); v.Kind != ui.VerdictOK {
		t.Errorf("voucher not released by the void: %+v", v)
	}
	dir := t.TempDir()
	names, err := m.Export(dir, ui.FormatCSV)
	if err != nil || len(names) != 2 || filepath.Dir(names[0]) != dir {
		t.Fatalf("export %v: %v", names, err)
	}
	if b, _ := os.ReadFile(names[0]); !strings.Contains(string(b), "作废笔数") {
		t.Errorf("summary CSV:\n%s", b)
	}
}

func TestTechnicianRefusesBadValues(t *testing.T) {
	a := newApp(t)
	store, _ := uitest.New(t)
	w := a.NewWindow("tech")
	defer w.Close()
	u, _ := store.Login(uitest.TechnicianID, uitest.TechnicianPIN)
	tr := ui.NewTr("zh_Hans")
	newTech := func() *ui.Technician {
		tc := ui.NewTechnician(tr, tech{store}, &devices{}, w, u, nil, func() {})
		w.SetContent(tc.Content())
		return tc
	}
	for _, tc := range []struct {
		name string
		set  func(*ui.Technician)
		ok   bool
	}{
		{"defaults", func(*ui.Technician) {}, true},
		{"good scanner", func(x *ui.Technician) {
			x.Port.SetText("/dev/ttyUSB0")
			x.Baud.SetText("115200")
			x.Term.SetText("crlf")
		}, true},
		{"port not a device", func(x *ui.Technician) { x.Port.SetText("COM3") }, false},
		{"baud not a number", func(x *ui.Technician) { x.Port.SetText("/dev/ttyUSB0"); x.Baud.SetText("fast") }, false},
		{"bad parity", func(x *ui.Technician) { x.Port.SetText("/dev/ttyUSB0"); x.Parity.SetText("maybe") }, false},
		{"bad terminator", func(x *ui.Technician) { x.Port.SetText("/dev/ttyUSB0"); x.Term.SetText("semicolon") }, false},
		{"printer default port", func(x *ui.Technician) { x.PrinterURI.SetText("tcp://192.168.1.50") }, true}, // 9100, as the app opens it
		{"printer ok", func(x *ui.Technician) { x.PrinterURI.SetText("tcp://192.168.1.50:9100") }, true},
		// One parser: device/printer's. usb:// was accepted here and refused at start.
		{"printer usb scheme", func(x *ui.Technician) { x.PrinterURI.SetText("usb://foo") }, false},
		{"printer unknown option", func(x *ui.Technician) { x.PrinterURI.SetText("tcp://192.168.1.50:9100?speed=1") }, false},
		{"printer file relative", func(x *ui.Technician) { x.PrinterURI.SetText("file://lp0") }, false},
		{"printer usb device", func(x *ui.Technician) { x.PrinterURI.SetText("file:///dev/usb/lp0") }, true},
		{"printer serial", func(x *ui.Technician) { x.PrinterURI.SetText("serial:///dev/ttyS0?baud=19200") }, true},
		{"printer 58 raster", func(x *ui.Technician) {
			x.PrinterURI.SetText("tcp://192.168.1.50:9100")
			x.Paper.SetSelected("58")
			x.QRMode.SetSelected("raster")
		}, true},
		{"wedge not a wedge URI", func(x *ui.Technician) { x.Wedge.SetText("prefix=]Q1") }, false},
		{"wedge bad gap", func(x *ui.Technician) { x.Wedge.SetText("wedge:?gap=fast") }, false},
		{"wedge prefix", func(x *ui.Technician) { x.Wedge.SetText("wedge:?prefix=%5DQ1") }, true},
		{"receipt in English", func(x *ui.Technician) { x.ReceiptLang.SetSelected("en") }, true},
		{"server not a URL", func(x *ui.Technician) { x.Server.SetText("voucher server") }, false},
		{"server ok", func(x *ui.Technician) { x.Server.SetText("https://voucher.example.cn") }, true},
		{"two servers", func(x *ui.Technician) { x.Server.SetText("https://a.example.cn, https://b.example.cn:8443") }, true},
		{"second server bad", func(x *ui.Technician) { x.Server.SetText("https://a.example.cn,b.example.cn") }, false},
		{"kiosk mode", func(x *ui.Technician) { x.Kiosk.SetChecked(true) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(store.AuditLog())
			x := newTech()
			tc.set(x)
			err := x.Save()
			if (err == nil) != tc.ok {
				t.Fatalf("Save() = %v, want ok=%v", err, tc.ok)
			}
			if audited := len(store.AuditLog()) > before; audited != tc.ok {
				t.Errorf("audited=%v after save ok=%v", audited, tc.ok)
			}
			if !tc.ok && x.Message.Text == "" {
				t.Error("refusal not shown")
			}
		})
	}
	cfg, _ := store.Config()
	if !cfg.Kiosk {
		t.Error("the kiosk setting was not saved")
	}
	// The last good printer, wedge and receipt language are what was saved.
	for _, c := range []struct{ name, got, want string }{
		{"printer", cfg.Printer, "tcp://192.168.1.50:9100?paper=58&qr=raster"},
		{"wedge", cfg.Wedge, "wedge:?prefix=%5DQ1"},
		{"receipt language", cfg.ReceiptLang, "en"},
	} {
		if c.got != c.want {
			t.Errorf("saved %s %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestManagerAndTechnicianMarkup(t *testing.T) {
	f := newCashier(t, "zh_Hans")
	f.sess.Scan(f.ean(0))
	f.sess.Scan(f.dep.Issue(pos.Yuan(30), "member-m"))
	if _, err := f.sess.Complete(); err != nil {
		t.Fatal(err)
	}
	mgr, _ := f.store.Login(uitest.ManagerID, uitest.ManagerPIN)
	m := ui.NewManager(ui.NewTr("zh_Hans"), f.store, &devices{}, f.win, mgr, func() {})
	m.Now = func() time.Time { return uitest.DemoNow }
	m.SelectDay(pos.DayOf(uitest.DemoNow))
	f.win.SetContent(m.Content())
	test.AssertRendersToMarkup(t, "manager.xml", f.win.Canvas())
	tu, _ := f.store.Login(uitest.TechnicianID, uitest.TechnicianPIN)
	f.win.SetContent(ui.NewTechnician(ui.NewTr("zh_Hans"), tech{f.store}, &devices{}, f.win, tu, nil, func() {}).Content())
	test.AssertRendersToMarkup(t, "technician.xml", f.win.Canvas())
	f.win.Resize(fyne.NewSize(1024, 768))
}

// TestManagerShowsIncidents: a double spend the server reported is on the
// manager's screen, counted in the tab title and explained in words.
func TestManagerShowsIncidents(t *testing.T) {
	f := newCashier(t, "zh_Hans")
	f.store.AddIncident(pos.Incident{Time: time.Date(2020, 8, 20, 15, 4, 0, 0, pos.CST), Seq: 7, Receipt: "T01-000007",
		Result: pos.UploadConflict, Reason: pos.EREDEEMEDELSEWHERE})
	mgr, _ := f.store.Login(uitest.ManagerID, uitest.ManagerPIN)
	m := ui.NewManager(ui.NewTr("zh_Hans"), f.store, &devices{}, f.win, mgr, func() {})
	f.win.SetContent(m.Content())
	var texts []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			texts = append(texts, w.Text)
		case *container.AppTabs:
			for _, it := range w.Items {
				texts = append(texts, it.Text)
				walk(it.Content)
			}
		case *container.Scroll:
			walk(w.Content)
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(m.Content())
	all := strings.Join(texts, "\n")
	for _, want := range []string{"异常待复核 (1)", "08-20 15:04  T01-000007  与服务器记录冲突", "重复使用：此券也在其他柜台核销过"} {
		if !strings.Contains(all, want) {
			t.Errorf("manager screen lacks %q:\n%s", want, all)
		}
	}
}
