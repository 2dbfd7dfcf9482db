package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"

	"fupinpos/assets"
	"fupinpos/assets/assetstest"
	"fupinpos/device/escpos"
	"fupinpos/device/scanner"
	"fupinpos/pos"
	"fupinpos/pos/ui"
	"fupinpos/pos/ui/uitest"
)

// savedTerminal returns the path of a provisioned terminal database whose
// saved configuration was changed by set (written as the technician
// screen would, through SetConfig).
func savedTerminal(t *testing.T, set func(*pos.TerminalConfig)) string {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	s, _ := uitest.New(t)
	cfg, err := s.Config()
	if err != nil {
		t.Fatal(err)
	}
	set(cfg)
	if err := s.SetConfig(cfg, "test"); err != nil {
		t.Fatal(err)
	}
	path := s.DB.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func errField(states []ui.DeviceState, field string) error {
	for _, s := range states {
		if s.Field == field {
			return s.Err
		}
	}
	return nil
}

// TestBadSettingsStillStart: whatever is saved, openTerminal returns a
// terminal (the app starts); a setting it cannot use puts its device in
// bad_config on the status bar and names the reason for the technician.
func TestBadSettingsStillStart(t *testing.T) {
	for _, tc := range []struct {
		name             string
		set              func(*pos.TerminalConfig)
		printer, scanner string // status bar states
		bad              []string
	}{
		{"usb printer and missing scanner", func(c *pos.TerminalConfig) {
			c.Printer, c.Scanner = "usb://foo", "serial:///nonexistent"
		}, "bad_config", "unknown", []string{ui.FieldPrinter}},
		{"scanner URI typo", func(c *pos.TerminalConfig) {
			// a printer the start-up probe leaves "unknown" (no status
			// answers), so the test does not race the probe
			c.Printer, c.Scanner = "file:///dev/null?paper=80", "serial:///dev/ttyUSB0?baud=fast"
		}, "unknown", "bad_config", []string{ui.FieldScanner}},
		{"bad wedge and server", func(c *pos.TerminalConfig) {
			c.Wedge, c.Server = "prefix=]Q1", "ftp://nowhere"
		}, "offline", "bad_config", []string{ui.FieldWedge}},
		{"printer option typo", func(c *pos.TerminalConfig) { c.Printer = "tcp://10.0.0.1:9100?papr=80" }, "bad_config", "wedge", []string{ui.FieldPrinter}},
		{"all good", func(c *pos.TerminalConfig) {
			c.Printer, c.Scanner, c.Wedge = "file:///dev/null", "serial:///dev/ttyS0?baud=9600", "wedge:?prefix=%5DQ1"
		}, "unknown", "unknown", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := openTerminal(options{db: savedTerminal(t, tc.set)})
			if err != nil {
				t.Fatalf("openTerminal: %v (the app would not start)", err)
			}
			defer d.Close()
			st := d.status()
			if st.Printer != tc.printer || st.Scanner != tc.scanner {
				t.Errorf("status printer %q scanner %q, want %q %q", st.Printer, st.Scanner, tc.printer, tc.scanner)
			}
			states := d.states()
			for _, f := range []string{ui.FieldPrinter, ui.FieldScanner, ui.FieldWedge} {
				want := strings.Contains(strings.Join(tc.bad, ","), f)
				if err := errField(states, f); (err != nil) != want {
					t.Errorf("%s: reason %v, want one: %v", f, err, want)
				}
			}
			if tc.printer == "bad_config" {
				err := d.printer.PrintReceipt(receiptFixture())
				if pos.ErrorCode(err) != pos.EPRINTEROFFLINE {
					t.Errorf("print with a bad printer setting: %v", err)
				}
			}
		})
	}
}

// TestTechnicianFixesPrinter: saving a good printer on the technician
// screen puts it to use without a restart; the test page goes to the
// field's URI, not the saved printer.
func TestTechnicianFixesPrinter(t *testing.T) {
	d, err := openTerminal(options{db: savedTerminal(t, func(c *pos.TerminalConfig) { c.Printer = "usb://foo" })})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	dir := t.TempDir()
	out := filepath.Join(dir, "lp0.prn")
	cfg, _ := d.db.Config()
	cfg.Printer = "file://" + out + "?paper=58"
	if err := (tech{d}).SetConfig(cfg, "3001"); err != nil {
		t.Fatal(err)
	}
	if st := d.status().Printer; st != "unknown" {
		t.Errorf("printer state after a good setting: %q", st)
	}
	if err := d.printer.PrintReceipt(receiptFixture()); err != nil {
		t.Fatalf("print after a good setting: %v", err)
	}
	if b, _ := os.ReadFile(out); !bytes.Contains(b, []byte("T01-000042")) {
		t.Errorf("receipt bytes not at the new printer (%d bytes)", len(b))
	}
	other := filepath.Join(dir, "test.bin")
	if _, err := (tech{d}).TestPrint("file://"+other+"?paper=80", "en"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(other)
	if !bytes.Contains(b, []byte("Printer test page")) {
		t.Errorf("test page not at the field's printer in English:\n%q", b)
	}
	if _, err := (tech{d}).TestPrint("usb://foo", ""); pos.ErrorCode(err) != pos.EINVALID {
		t.Errorf("test print on usb://foo: %v", err)
	}
}

// TestTechnicianSeesCommandLinePrinter: a printer given with --printer
// (nothing saved) is what the technician screen's field shows, so saving
// the screen (注册终端 saves first) keeps the printer instead of clearing
// it and leaving the counter without receipts.
func TestTechnicianSeesCommandLinePrinter(t *testing.T) {
	out := filepath.Join(t.TempDir(), "lp0.prn")
	uri := "file://" + out + "?paper=58"
	d, err := openTerminal(options{db: savedTerminal(t, func(c *pos.TerminalConfig) { c.Printer = "" }), printer: uri})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cfg, err := (tech{d}).Config()
	if err != nil || cfg.Printer != uri {
		t.Fatalf("technician screen's printer %q (%v), want the one in use %q", cfg.Printer, err, uri)
	}
	if err := (tech{d}).SetConfig(cfg, "3001"); err != nil {
		t.Fatal(err)
	}
	if err := d.printer.PrintReceipt(receiptFixture()); err != nil {
		t.Fatalf("print after saving the screen: %v", err)
	}
	if saved, _ := d.db.Config(); saved.Printer != uri {
		t.Errorf("saved printer %q, want %q", saved.Printer, uri)
	}
}

func receiptFixture() *pos.Receipt {
	return &pos.Receipt{StoreName: "合肥百货大楼", Counter: "1", Terminal: "T01", Number: "T01-000042",
		Time: time.Date(2020, 9, 15, 10, 30, 0, 0, pos.CST), Cashier: "王芳", Kind: pos.KindSale,
		Lines: []pos.Line{{SKU: "DS-PEAR-5", Name: "砀山酥梨", Unit: "箱", Price: 3990, Qty: 1, Eligible: true}},
		Total: 3990, SelfPaid: 3990, Method: pos.PayCash}
}

// TestReceiptLanguage: the receipt language is its own setting; English
// receipts carry the English labels, and the default is exactly the
// Chinese layout the goldens of device/escpos hold.
func TestReceiptLanguage(t *testing.T) {
	r := receiptFixture()
	zh, err := escpos.Receipt(r, escpos.Paper80, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang       string
		want, not  string
		sameAsZhCN bool
	}{
		{"", "", "Total", true},
		{"zh_Hans", "", "Total", true},
		{"en", "Total", "", false},
	} {
		out := filepath.Join(t.TempDir(), "lp0.prn")
		p := newReceiptPrinter("file://"+out+"?paper=80", tc.lang)
		if err := p.PrintReceipt(r); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(out)
		if tc.sameAsZhCN != bytes.Equal(b, zh) {
			t.Errorf("%q: same bytes as the Chinese receipt: %v", tc.lang, !tc.sameAsZhCN)
		}
		if tc.want != "" && !bytes.Contains(b, []byte(tc.want)) {
			t.Errorf("%q: receipt lacks %q", tc.lang, tc.want)
		}
		if tc.not != "" && bytes.Contains(b, []byte(tc.not)) {
			t.Errorf("%q: receipt has %q", tc.lang, tc.not)
		}
	}
}

// TestScreenLang: --lang wins; else the saved language; else Chinese.
func TestScreenLang(t *testing.T) {
	for _, tc := range []struct {
		flag, saved, want string
	}{
		{"", "en", "en"},
		{"", "zh_Hans", "zh_Hans"},
		{"", "", "zh_Hans"},
		{"", "fr", "zh_Hans"},
		{"zh_Hans", "en", "zh_Hans"},
		{"en", "", "en"},
	} {
		if got := screenLang(tc.flag, &pos.TerminalConfig{Lang: tc.saved}); got != tc.want {
			t.Errorf("screenLang(%q, saved %q) = %q, want %q", tc.flag, tc.saved, got, tc.want)
		}
	}
	if got := screenLang("", nil); got != "zh_Hans" {
		t.Errorf("no configuration: %q", got)
	}
	o, err := parseFlags(flag.NewFlagSet("fupinpos", flag.ContinueOnError), []string{"--db", "x.db"}, io.Discard)
	if err != nil || o.lang != "" {
		t.Errorf("--lang defaults to %q (%v): the saved language would be ignored", o.lang, err)
	}
}

// TestHelpListsNoDemoFlags: the product build's --help offers no demo,
// script or smoke run; the demo build's does.
func TestHelpListsNoDemoFlags(t *testing.T) {
	t.Setenv("LANG", "zh_CN.UTF-8")
	fs := flag.NewFlagSet("fupinpos", flag.ContinueOnError)
	var help bytes.Buffer
	parseFlags(fs, []string{"--help"}, &help)
	for _, f := range []string{"--smoke", "--script", "--demo", "--sim-scanner", "--codes"} {
		if strings.Contains(help.String(), "  "+f+" ") || strings.Contains(help.String(), "  "+f+"\n") {
			if !demoBuild {
				t.Errorf("product --help lists %s:\n%s", f, help.String())
			}
		} else if demoBuild {
			t.Errorf("demo --help lacks %s", f)
		}
	}
	for _, f := range []string{"--db", "--lang", "--printer", "--scanner", "--size"} {
		if !strings.Contains(help.String(), "  "+f) {
			t.Errorf("--help lacks %s", f)
		}
	}
	// In Chinese (the tests' LANG): every flag's description.
	missing, _ := assetstest.UndescribedFlags(help.String())
	for _, f := range missing {
		t.Errorf("%s has no Chinese description", f)
	}
	if !strings.HasPrefix(help.String(), "用法：fupinpos [选项]") {
		t.Errorf("help does not start with the Chinese usage line:\n%s", help.String())
	}
}

// TestWindowFits: the window is never larger than the screen; a screen no
// larger than the wanted size gets full screen.
func TestWindowFits(t *testing.T) {
	for _, tc := range []struct {
		want, screen fyne.Size
		full         bool
		size         fyne.Size
	}{
		{fyne.NewSize(1024, 768), fyne.NewSize(800, 600), true, fyne.NewSize(800, 600)},
		{fyne.NewSize(1024, 768), fyne.NewSize(1024, 768), true, fyne.NewSize(1024, 768)},
		{fyne.NewSize(1024, 768), fyne.NewSize(1366, 768), true, fyne.NewSize(1366, 768)},
		{fyne.NewSize(1024, 768), fyne.NewSize(1920, 1080), false, fyne.NewSize(1024, 768)},
		{fyne.NewSize(1024, 768), fyne.NewSize(0, 0), false, fyne.NewSize(1024, 768)},
	} {
		full, size := fit(tc.want, tc.screen)
		if full != tc.full || size != tc.size {
			t.Errorf("fit(%v on %v) = %v %v, want %v %v", tc.want, tc.screen, full, size, tc.full, tc.size)
		}
	}
	for _, tc := range []struct {
		s    string
		want fyne.Size
	}{{"800x600", fyne.NewSize(800, 600)}, {"huge", fyne.NewSize(1024, 768)}, {"0x0", fyne.NewSize(1024, 768)}} {
		if got := windowSize(tc.s); got != tc.want {
			t.Errorf("windowSize(%q) = %v", tc.s, got)
		}
	}
}

// TestTechnicianFixesScanner: a scanner saved on the technician screen is
// read at once, replacing the one the app started with.
func TestTechnicianFixesScanner(t *testing.T) {
	d, err := openTerminal(options{db: savedTerminal(t, func(c *pos.TerminalConfig) { c.Scanner = "serial:///dev/ttyUSB0?baud=fast" })})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var fed []string
	stopped := 0
	d.feed = func(r *scanner.Reader) func() {
		fed = append(fed, r.Config().Path)
		return func() { stopped++ }
	}
	d.startScanner()
	if st := d.status().Scanner; st != "bad_config" || len(fed) != 0 {
		t.Fatalf("scanner %q, fed %v", st, fed)
	}
	cfg, _ := d.db.Config()
	for i, uri := range []string{"serial:///nonexistent?baud=9600", "serial:///dev/ttyS1?baud=9600"} {
		cfg.Scanner = uri
		if err := (tech{d}).SetConfig(cfg, "3001"); err != nil {
			t.Fatal(err)
		}
		if st := d.status().Scanner; st != "unknown" || errField(d.states(), ui.FieldScanner) != nil {
			t.Errorf("%s: scanner %q", uri, st)
		}
		if len(fed) != i+1 || stopped != i {
			t.Errorf("%s: fed %v, stopped %d", uri, fed, stopped)
		}
	}
	if fmt.Sprint(fed) != "[/nonexistent /dev/ttyS1]" {
		t.Errorf("readers %v", fed)
	}
	// The serial scanner taken away: the keyboard wedge is the scanner.
	cfg.Scanner = ""
	if err := (tech{d}).SetConfig(cfg, "3001"); err != nil {
		t.Fatal(err)
	}
	if st := d.status().Scanner; st != "wedge" || stopped != 2 {
		t.Errorf("no serial scanner: scanner %q, stopped %d", st, stopped)
	}
}

// TestDiagnosticsTranslated: every fact the 诊断 tab lists has a name in
// both languages (the tab showed "terminal", "queue", "last sync" ... on a
// Chinese screen), and the Chinese name is Chinese.
func TestDiagnosticsTranslated(t *testing.T) {
	d, err := openTerminal(options{db: savedTerminal(t, func(c *pos.TerminalConfig) { c.Printer = "usb://foo" })})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	diags := tech{d}.Diagnostics()
	if len(diags) < 10 {
		t.Fatalf("only %d diagnostics", len(diags))
	}
	for _, g := range diags {
		for _, l := range assets.Languages {
			if !assets.For(l).Has("ui.tech.diag." + g.Key) {
				t.Errorf("%s: no translation for diagnostics fact %q", l, g.Key)
			}
		}
		if name := assets.For("zh_Hans").T("ui.tech.diag."+g.Key, nil); !strings.ContainsFunc(name, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("fact %q is named %q on a Chinese screen", g.Key, name)
		}
	}
}
