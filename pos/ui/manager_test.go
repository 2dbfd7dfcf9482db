package ui_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"fupinpos/pos"
	"fupinpos/pos/report"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/uitest"
)

// mgrDevices is a ui.Devices whose receipt preview is a real PNG of a
// 58 mm receipt (384 dots wide, 1200 long).
type mgrDevices struct {
	uitest.Printer
	z []*report.Day
}

func (d *mgrDevices) PrintZReport(day *report.Day) error { d.z = append(d.z, day); return nil }
func (d *mgrDevices) PreviewReceipt(*pos.Receipt) ([]byte, error) {
	img := image.NewGray(image.Rect(0, 0, 384, 1200))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	img.Set(10, 10, color.Black)
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

// managerDay sells n times (one product, one ￥30 voucher each, a different
// member each time) and voids the second sale, then opens the manager
// screen on that day with USB roots and home under temp dirs.
func managerDay(t *testing.T, n int) (*fixture, *ui.Manager, *mgrDevices) {
	t.Helper()
	f := newCashier(t, "zh_Hans")
	var seqs []uint64
	for i := 0; i < n; i++ {
		f.sess.Scan(f.ean(0))
		f.sess.Scan(f.dep.Issue(pos.Yuan(30), fmt.Sprintf("member-%d", i)))
		if _, err := f.sess.Complete(); err != nil {
			t.Fatal(err)
		}
		_, seq := f.sess.Last()
		seqs = append(seqs, seq)
	}
	mgr, err := f.store.Login(uitest.ManagerID, uitest.ManagerPIN)
	if err != nil {
		t.Fatal(err)
	}
	dev := &mgrDevices{}
	m := ui.NewManager(ui.NewTr("zh_Hans"), f.store, dev, f.win, mgr, func() {})
	m.Now = func() time.Time { return uitest.DemoNow }
	m.MountRoots = []ui.MountRoot{{Dir: filepath.Join(t.TempDir(), "media"), Depths: []int{1, 2}}}
	m.Home = t.TempDir()
	m.IsMount = func(string) bool { return true }
	m.SelectDay(pos.DayOf(uitest.DemoNow))
	if len(seqs) > 1 {
		if err := m.Void(seqs[1], uitest.ManagerID, uitest.ManagerPIN, "顾客退货"); err != nil {
			t.Fatal(err)
		}
	}
	f.win.SetContent(m.Content())
	return f, m, dev
}

// objects lists every object drawn in win: the screen and its overlays.
func objects(win fyne.Window) []fyne.CanvasObject {
	objs := test.LaidOutObjects(win.Canvas().Content())
	for _, o := range win.Canvas().Overlays().List() {
		objs = append(objs, test.LaidOutObjects(o)...)
	}
	return objs
}

func button(t *testing.T, win fyne.Window, prefix string) *widget.Button {
	t.Helper()
	for _, o := range objects(win) {
		if b, ok := o.(*widget.Button); ok && b.Visible() && strings.HasPrefix(b.Text, prefix) {
			return b
		}
	}
	t.Fatalf("no button %q on screen", prefix)
	return nil
}

// dialogButton finds a button of the top dialog.
func dialogButton(t *testing.T, win fyne.Window, prefix string) *widget.Button {
	t.Helper()
	if top := win.Canvas().Overlays().Top(); top != nil {
		for _, o := range test.LaidOutObjects(top) {
			if b, ok := o.(*widget.Button); ok && b.Visible() && strings.HasPrefix(b.Text, prefix) {
				return b
			}
		}
	}
	t.Fatalf("no dialog button %q", prefix)
	return nil
}

// selectTab shows the manager's tab titled title.
func selectTab(t *testing.T, win fyne.Window, title string) {
	t.Helper()
	for _, o := range objects(win) {
		if tabs, ok := o.(*container.AppTabs); ok {
			for i, it := range tabs.Items {
				if strings.HasPrefix(it.Text, title) {
					tabs.SelectIndex(i)
					return
				}
			}
		}
	}
	t.Fatalf("no tab %q", title)
}

func texts(win fyne.Window) string {
	var s []string
	for _, o := range objects(win) {
		switch w := o.(type) {
		case *widget.Label:
			s = append(s, w.Text)
		case *canvas.Text:
			s = append(s, w.Text)
		}
	}
	return strings.Join(s, "\n")
}

// TestManagerFiguresAgree: with N sales and one void, the screen, the CSV
// and the xlsx export give the same counts (sales, voids, net) and amounts,
// and the work-unit bars show the applied voucher value the Z report prints.
func TestManagerFiguresAgree(t *testing.T) {
	const n = 4
	f, m, dev := managerDay(t, n)
	d := m.Day()
	if d.Sales != n || d.Voids != 1 || d.Net != n-1 {
		t.Fatalf("day: %d sales %d voids %d net", d.Sales, d.Voids, d.Net)
	}
	screen := map[string]string{}
	for _, kv := range m.Figures() {
		screen[kv[0]] = kv[1]
	}
	want := map[string]string{"销售笔数": strconv.Itoa(n), "作废笔数": "1", "净笔数": strconv.Itoa(n - 1),
		"合计": d.Total.String(), "券抵扣": d.VoucherAmount.String(), "自付": d.SelfPaid.String()}
	shown := texts(f.win)
	for k, v := range want {
		if screen[k] != v || !strings.Contains(shown, v) {
			t.Errorf("screen %s = %q, want %q", k, screen[k], v)
		}
	}
	// Bars by unit: applied value, as the Z report (device/escpos prints Row.Voucher).
	u := d.ByUnit[0]
	if u.Amount != u.Voucher {
		t.Errorf("unit bar amount %s, Z report amount %s", u.Amount, u.Voucher)
	}
	if !strings.Contains(shown, u.Voucher.String()) {
		t.Errorf("unit bar does not show the applied value %s", u.Voucher)
	}
	dir := t.TempDir()
	files, err := m.Export(dir, ui.FormatCSV)
	if err != nil || len(files) != 2 {
		t.Fatalf("csv export %v: %v", files, err)
	}
	b, _ := os.ReadFile(files[0])
	if !bytes.HasPrefix(b, []byte(report.BOM+"日期,分类,编号,名称,销售笔数")) {
		t.Fatalf("summary CSV starts %q", b[:min(len(b), 60)])
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte(report.BOM)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(head, r []string, name string) string {
		for i, h := range head {
			if h == name && i < len(r) {
				return r[i]
			}
		}
		return "?"
	}
	for k, v := range map[string]string{"销售笔数": strconv.Itoa(n), "作废笔数": "1", "净笔数": strconv.Itoa(n - 1),
		"金额": d.Total.Plain(), "券抵扣": d.VoucherAmount.Plain(), "自付": d.SelfPaid.Plain()} {
		if got := col(recs[0], recs[1], k); got != v {
			t.Errorf("csv %s = %q, want %q", k, got, v)
		}
	}
	tb, _ := os.ReadFile(files[1])
	if lines := strings.Count(string(tb), "\n"); lines != 1+n+1 {
		t.Errorf("transactions CSV has %d lines, want header + %d records", lines, n+1)
	}
	files, err = m.Export(dir, ui.FormatXLSX)
	if err != nil || len(files) != 1 || filepath.Ext(files[0]) != ".xlsx" {
		t.Fatalf("xlsx export %v: %v", files, err)
	}
	x, err := excelize.OpenFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, _ := x.GetRows("汇总", excelize.Options{RawCellValue: true})
	yuan := func(m pos.Money) string { return strconv.FormatFloat(float64(m)/100, 'f', -1, 64) }
	// The total row names the store, id and name, as the receipts do (it
	// showed the terminal id and the store id).
	for k, v := range map[string]string{"编号": uitest.DemoConfig.Store, "名称": uitest.DemoConfig.StoreName,
		"销售笔数": strconv.Itoa(n), "作废笔数": "1", "净笔数": strconv.Itoa(n - 1),
		"金额": yuan(d.Total), "券抵扣": yuan(d.VoucherAmount), "自付": yuan(d.SelfPaid)} {
		if got := col(rows[0], rows[1], k); got != v {
			t.Errorf("xlsx %s = %q, want %q", k, got, v)
		}
	}
	// The Z report gets the very Day the screen shows.
	test.Tap(button(t, f.win, "打印日结"))
	if len(dev.z) != 1 || dev.z[0].Net != n-1 || dev.z[0].Total != d.Total {
		t.Errorf("Z report got %+v", dev.z)
	}
}

// TestFolders: USB sticks are the mount points under the roots (depth 1 or
// 2), the user's folder holding them is not one, home comes last.
func TestFolders(t *testing.T) {
	root := t.TempDir()
	media, run := filepath.Join(root, "media"), filepath.Join(root, "run", "media")
	mounts := map[string]bool{}
	for _, p := range []struct {
		path  string
		mount bool
	}{
		{filepath.Join(media, "usb0"), true}, {filepath.Join(media, "usb1"), false},
		{filepath.Join(media, "wang", "KINGSTON"), true}, {filepath.Join(run, "wang", "新加卷"), true},
	} {
		if err := os.MkdirAll(p.path, 0o755); err != nil {
			t.Fatal(err)
		}
		mounts[p.path] = p.mount
	}
	roots := []ui.MountRoot{{Dir: media, Depths: []int{1, 2}}, {Dir: run, Depths: []int{2}}}
	for _, tc := range []struct {
		name    string
		isMount func(string) bool
		want    []string
	}{
		{"mount table", func(p string) bool { return mounts[p] },
			[]string{"media/usb0", "media/wang/KINGSTON", "run/media/wang/新加卷", "home"}},
		{"no mount table", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.isMount == nil {
				return // the system table: nothing of ours is mounted, checked below
			}
			var got []string
			for _, f := range ui.Folders(roots, filepath.Join(root, "home"), tc.isMount) {
				rel, _ := filepath.Rel(root, f.Path)
				got = append(got, rel)
				if f.USB == (rel == "home") {
					t.Errorf("%s: USB=%v", rel, f.USB)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("folders = %v, want %v", got, tc.want)
			}
		})
	}
	if got := ui.Folders(roots, "", nil); len(got) != 0 {
		t.Errorf("with the system's mount table, temp dirs are no sticks: %v", got)
	}
}

// TestExportDialog: the export asks for a folder; a USB stick is offered
// first and preselected, the home folder is never chosen silently, and the
// full path written is shown.
func TestExportDialog(t *testing.T) {
	f, m, _ := managerDay(t, 2)
	day := m.Day().Day

	// No stick: nothing is preselected, so 导出 writes nothing.
	test.Tap(button(t, f.win, "导出报表"))
	if !strings.Contains(texts(f.win), "未发现U盘") {
		t.Error("no word that no USB stick was found")
	}
	test.Tap(button(t, f.win, "导出报表")) // a second tap opens no second dialog
	if n := len(f.win.Canvas().Overlays().List()); n != 1 {
		t.Errorf("%d dialogs open", n)
	}
	exp := dialogButton(t, f.win, "导出") // the dialog's export button
	if !exp.Disabled() {
		t.Error("export button enabled before a folder is chosen")
	}
	test.Tap(exp)
	ui.DialogKey(f.win, fyne.KeyReturn)
	if ents, _ := os.ReadDir(m.Home); len(ents) != 0 {
		t.Fatalf("wrote to home without being asked: %v", ents)
	}
	if n := len(f.win.Canvas().Overlays().List()); n != 1 {
		t.Fatalf("the dialog closed without a folder chosen (%d open)", n)
	}

	// Home chosen by hand: written there, full path shown.
	test.Tap(dialogButton(t, f.win, "主文件夹"))
	if exp.Disabled() {
		t.Error("export button still disabled with the home folder chosen")
	}
	test.Tap(dialogButton(t, f.win, "导出"))
	want := filepath.Join(m.Home, "fupinpos-"+day+".xlsx")
	if _, err := os.Stat(want); err != nil || !strings.Contains(m.Message.Text, want) {
		t.Errorf("home export: %v, message %q", err, m.Message.Text)
	}

	// A stick is plugged in: offered first and preselected; CSV format.
	stick := filepath.Join(m.MountRoots[0].Dir, "KINGSTON")
	if err := os.MkdirAll(stick, 0o755); err != nil {
		t.Fatal(err)
	}
	test.Tap(button(t, f.win, "导出报表"))
	if !strings.Contains(texts(f.win)+buttonTexts(f.win), "U盘 KINGSTON  "+stick) {
		t.Errorf("stick not offered:\n%s", buttonTexts(f.win))
	}
	test.Tap(dialogButton(t, f.win, "CSV"))
	ui.DialogKey(f.win, fyne.KeyReturn) // Enter exports to the preselected stick
	for _, name := range []string{"fupinpos-" + day + "-汇总.csv", "fupinpos-" + day + "-交易明细.csv"} {
		p := filepath.Join(stick, name)
		if _, err := os.Stat(p); err != nil || !strings.Contains(m.Message.Text, p) {
			t.Errorf("stick export %s: %v, message %q", p, err, m.Message.Text)
		}
	}
	if len(f.win.Canvas().Overlays().List()) != 0 {
		t.Error("export dialog still open")
	}
}

func buttonTexts(win fyne.Window) string {
	var s []string
	for _, o := range objects(win) {
		if b, ok := o.(*widget.Button); ok {
			s = append(s, b.Text)
		}
	}
	return strings.Join(s, "\n")
}

// TestPreviewReadable: the receipt preview is a dialog sized to the window
// (at most 480×640) showing the receipt at a readable width, scrollable,
// and a second request opens no second dialog.
func TestPreviewReadable(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 800, Height: 600}, {Width: 1366, Height: 768}} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			f, m, _ := managerDay(t, 1)
			f.win.Resize(size)
			_, seq := f.sess.Last()
			m.Preview(seq)
			m.Preview(seq)
			ov := f.win.Canvas().Overlays().List()
			if len(ov) != 1 {
				t.Fatalf("%d overlays", len(ov))
			}
			var img *canvas.Image
			for _, o := range test.LaidOutObjects(ov[0]) {
				if i, ok := o.(*canvas.Image); ok && i.Resource != nil && strings.HasSuffix(i.Resource.Name(), ".png") {
					img = i
				}
			}
			if img == nil {
				t.Fatal("no receipt image in the preview")
			}
			if s := img.MinSize(); s.Width < 300 || s.Height < 900 {
				t.Errorf("receipt image %v: too small to read", s)
			}
			var dlg fyne.Size
			for _, o := range test.LaidOutObjects(ov[0]) {
				if s := o.Size(); s.Width > dlg.Width && s.Width < size.Width {
					dlg = s
				}
			}
			if dlg.Width < 400 || dlg.Width > 480 || dlg.Height > min(640, size.Height) {
				t.Errorf("preview dialog %v in a %v window", dlg, size)
			}
		})
	}
}

// TestUnlockUser: a cashier locked out by wrong PINs is listed as locked
// with the time; the unlock needs a manager's PIN and lets them log in.
func TestUnlockUser(t *testing.T) {
	f, m, _ := managerDay(t, 0)
	for range pos.MaxPINFailures {
		f.store.Login(uitest.CashierID, "9999")
	}
	if _, err := f.store.Login(uitest.CashierID, uitest.CashierPIN); pos.ErrorCode(err) != pos.ELOCKED {
		t.Fatalf("cashier not locked: %v", err)
	}
	m.Load()
	f.win.SetContent(m.Content())
	selectTab(t, f.win, "用户")
	if !strings.Contains(texts(f.win), "已锁定，至 ") {
		t.Fatalf("users tab does not say locked:\n%s", texts(f.win))
	}
	for _, tc := range []struct {
		name, id, pin, code string
	}{
		{"technician's PIN", uitest.TechnicianID, uitest.TechnicianPIN, pos.EFORBIDDEN},
		{"wrong PIN", uitest.ManagerID, "1111", pos.EBADPIN},
		{"manager", uitest.ManagerID, uitest.ManagerPIN, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := m.Unlock(uitest.CashierID, tc.id, tc.pin)
			if pos.ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
				t.Fatalf("err %v, want %q", err, tc.code)
			}
			if m.Message.Text == "" {
				t.Error("nothing said")
			}
		})
	}
	if _, err := f.store.Login(uitest.CashierID, uitest.CashierPIN); err != nil {
		t.Errorf("cashier cannot log in after the unlock: %v", err)
	}
	f.win.SetContent(m.Content())
	selectTab(t, f.win, "用户")
	if strings.Contains(texts(f.win), "已锁定") {
		t.Error("still shown as locked")
	}
}

// TestUnlockDialog: the Unlock button asks for the manager's PIN in one
// dialog; a wrong PIN keeps it open with the reason.
func TestUnlockDialog(t *testing.T) {
	f, m, _ := managerDay(t, 0)
	for range pos.MaxPINFailures {
		f.store.Login(uitest.CashierID, "9999")
	}
	m.Load()
	f.win.SetContent(m.Content())
	selectTab(t, f.win, "用户")
	var unlock *widget.Button
	for _, o := range objects(f.win) {
		if b, ok := o.(*widget.Button); ok && b.Text == "解锁" && !b.Disabled() {
			unlock = b
		}
	}
	if unlock == nil {
		t.Fatal("no enabled unlock button")
	}
	test.Tap(unlock)
	test.Tap(unlock)
	if n := len(f.win.Canvas().Overlays().List()); n != 1 {
		t.Fatalf("%d dialogs", n)
	}
	var pin *ui.KeyEntry
	for _, o := range objects(f.win) {
		if e, ok := o.(*ui.KeyEntry); ok && e.Password {
			pin = e
		}
	}
	if pin == nil {
		t.Fatal("no PIN field")
	}
	test.Type(pin, "1111")
	test.Tap(dialogButton(t, f.win, "确定"))
	if len(f.win.Canvas().Overlays().List()) != 1 {
		t.Error("a wrong PIN closed the dialog")
	}
	pin.SetText(uitest.ManagerPIN)
	test.Tap(dialogButton(t, f.win, "确定"))
	if len(f.win.Canvas().Overlays().List()) != 0 || !strings.Contains(m.Message.Text, "已解锁") {
		t.Errorf("unlock by dialog: overlays %d, message %q", len(f.win.Canvas().Overlays().List()), m.Message.Text)
	}
}

// TestManagerScreenSizes: from 800×600 up the manager screen fits the
// window and the log-out button is on screen; goldens at each size.
func TestManagerScreenSizes(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 800, Height: 600}, {Width: 1024, Height: 768}, {Width: 1366, Height: 768}, {Width: 1920, Height: 1080}} {
		name := fmt.Sprintf("%dx%d", int(size.Width), int(size.Height))
		t.Run(name, func(t *testing.T) {
			f, m, _ := managerDay(t, 3)
			f.win.SetPadded(false)
			f.win.Resize(size)
			if min := m.Content().MinSize(); min.Width > size.Width || min.Height > size.Height {
				t.Errorf("manager screen needs %v in a %v window", min, size)
			}
			if got := f.win.Canvas().Size(); got.Width > size.Width || got.Height > size.Height {
				t.Errorf("window grew to %v", got)
			}
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(m.Logout)
			if end := pos.Add(m.Logout.Size()); !m.Logout.Visible() || end.X > size.Width || end.Y > size.Height || m.Logout.Size().Width < 40 {
				t.Errorf("log-out button at %v size %v: off a %v screen", pos, m.Logout.Size(), size)
			}
			test.AssertRendersToMarkup(t, "manager_"+name+".xml", f.win.Canvas())
		})
	}
}

// A void says the vouchers are released only when the sale had vouchers.
func TestVoidMessageNamesVouchersOnlyWhenThere(t *testing.T) {
	f, m, _ := managerDay(t, 2) // the second sale (one voucher) is voided
	if got := m.Message.Text; !strings.Contains(got, "券已释放") {
		t.Errorf("void of a voucher sale: %q, want the vouchers released", got)
	}
	f.sess.Scan(f.ean(0)) // a sale paid by the customer alone
	if _, err := f.sess.Complete(); err != nil {
		t.Fatal(err)
	}
	_, seq := f.sess.Last()
	if err := m.Void(seq, uitest.ManagerID, uitest.ManagerPIN, "顾客不要了"); err != nil {
		t.Fatal(err)
	}
	if got := m.Message.Text; !strings.HasPrefix(got, "已作废小票 ") || strings.Contains(got, "券") {
		t.Errorf("void of a sale without vouchers: %q", got)
	}
}
