//go:build wine

// Package windows holds the Windows installer (fupinpos.nsi) and its test:
// the setup program and posctl.exe run under wine. Run by make
// test-windows, which builds what it needs and sets the environment:
//
//	FUPINPOS_WIN_SETUP   dist/windows/fupinpos-setup-VERSION.exe
//	FUPINPOS_WIN_PREFIX  an initialised wine prefix with the ProcessPrng
//	                     stand-in DLL (copied, never changed)
//	FUPINPOS_WIN_LOCPATH a LOCPATH with zh_CN.UTF-8: wine then plays a
//	                     Chinese Windows (else C.UTF-8, an English one)
//	FUPINPOS_BIN         the Linux voucherd and posctl (make build)
//	FUPINPOS_VERSION     the release the programs must report
//	FUPINPOS_WIN_SHOT    optional: a PNG file for a screenshot of the app
package windows

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// env is the test's configuration from make test-windows.
type env struct {
	setup, template, bin, version, locpath string
}

func getenv(t *testing.T) env {
	e := env{
		setup:    os.Getenv("FUPINPOS_WIN_SETUP"),
		template: os.Getenv("FUPINPOS_WIN_PREFIX"),
		bin:      os.Getenv("FUPINPOS_BIN"),
		version:  os.Getenv("FUPINPOS_VERSION"),
		locpath:  os.Getenv("FUPINPOS_WIN_LOCPATH"),
	}
	if e.setup == "" || e.template == "" || e.bin == "" {
		t.Skip("run by make test-windows (FUPINPOS_WIN_SETUP, FUPINPOS_WIN_PREFIX, FUPINPOS_BIN)")
	}
	return e
}

// prefix is a throw-away wine prefix.
type prefix struct {
	t       *testing.T
	dir     string
	locpath string // LOCPATH with zh_CN.UTF-8, or ""
}

// peFile says whether wine only ever reads a file of this name (the
// builtin programs and libraries), so the copy may share it with the
// template by a hard link; everything else (the registry, .ini files)
// is copied, since wine may rewrite it in place.
func peFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".dll", ".exe", ".drv", ".sys", ".acm", ".ocx", ".cpl", ".tlb", ".ax", ".ds", ".msstyles", ".com", ".nls", ".ttf", ".ttc", ".fon":
		return true
	}
	return false
}

// newPrefix copies the initialised template into a temporary prefix.
func newPrefix(t *testing.T, template, locpath string) *prefix {
	t.Helper()
	if _, err := os.Stat(filepath.Join(template, "system.reg")); err != nil {
		t.Fatalf("wine prefix template: %v (make windows-prefix)", err)
	}
	dir := filepath.Join(t.TempDir(), "prefix")
	err := filepath.WalkDir(template, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(template, p)
		dst := filepath.Join(dir, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(dst, info.Mode().Perm()|0o700)
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, dst)
		case !d.Type().IsRegular():
			return nil
		case peFile(d.Name()):
			if os.Link(p, dst) == nil {
				return nil
			}
		}
		return copyFile(p, dst, info.Mode().Perm())
	})
	if err != nil {
		t.Fatalf("copy wine prefix: %v", err)
	}
	w := &prefix{t: t, dir: dir, locpath: locpath}
	w.server("-p")
	t.Cleanup(func() { w.server("-k") })
	return w
}

// server runs wineserver with a flag: -p starts one for the whole test
// (persistent; otherwise each wine program boots its own, several seconds
// each), -k ends it and every program in the prefix.
func (w *prefix) server(flag string) {
	cmd := exec.Command("wineserver", flag)
	cmd.Env = w.env()
	// No pipes: the daemon would hold them open.
	if err := cmd.Run(); err != nil && flag == "-p" {
		w.t.Fatalf("wineserver %s: %v", flag, err)
	}
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// env is the environment of a wine program: its own prefix, no debug
// noise, no Mono/Gecko installers, and a real UTF-8 locale (without one
// wine silently corrupts Chinese arguments, DESIGN §9): zh_CN.UTF-8 from
// LOCPATH when there is one, so wine is a Chinese Windows, else C.UTF-8.
func (w *prefix) env() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "WINEPREFIX", "WINEDEBUG", "WINEDLLOVERRIDES", "LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "LOCPATH", "DISPLAY":
			continue
		}
		out = append(out, kv)
	}
	// A start-up failure of the app is logged, not shown in a message box
	// nobody would close (cmd/fupinpos/fatal_windows.go).
	out = append(out, "WINEPREFIX="+w.dir, "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=", "FUPINPOS_NO_MESSAGEBOX=1")
	if w.locpath != "" {
		return append(out, "LOCPATH="+w.locpath, "LANG=zh_CN.UTF-8", "LC_ALL=zh_CN.UTF-8")
	}
	return append(out, "LANG=C.UTF-8", "LC_ALL=C.UTF-8")
}

// chinese says whether wine plays a Chinese Windows.
func (w *prefix) chinese() bool { return w.locpath != "" }

// host is the path on this machine of a Windows path in the prefix's C: drive.
func (w *prefix) host(winPath string) string {
	rest, ok := strings.CutPrefix(winPath, `C:\`)
	if !ok {
		w.t.Fatalf("not a C: path: %s", winPath)
	}
	return filepath.Join(w.dir, "drive_c", filepath.FromSlash(strings.ReplaceAll(rest, `\`, "/")))
}

// zpath is a path of this machine as a Windows program under wine sees it.
func zpath(p string) string { return `Z:` + strings.ReplaceAll(p, "/", `\`) }

// run runs a Windows program and returns its output and exit status.
// The output goes through files, not pipes: wine's own background
// programs (services.exe, explorer.exe) inherit the handles and keep a
// pipe open as long as the wineserver runs.
func (w *prefix) run(timeout time.Duration, args ...string) (stdout, stderr string, code int) {
	w.t.Helper()
	cmd := exec.Command("wine", args...)
	cmd.Env = w.env()
	dir := w.t.TempDir()
	o, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		w.t.Fatal(err)
	}
	defer o.Close()
	e, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		w.t.Fatal(err)
	}
	defer e.Close()
	cmd.Stdout, cmd.Stderr = o, e
	if err := cmd.Start(); err != nil {
		w.t.Fatalf("wine %v: %v", args, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		ob, _ := os.ReadFile(o.Name())
		eb, _ := os.ReadFile(e.Name())
		stdout, stderr = string(ob), string(eb)
	}()
	began := time.Now()
	defer func() { w.t.Logf("%.1fs wine %s", time.Since(began).Seconds(), strings.Join(args, " ")) }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee):
			code = ee.ExitCode()
		default:
			w.t.Fatalf("wine %v: %v", args, err)
		}
	case <-time.After(timeout):
		_ = cmd.Process.Kill()
		w.t.Fatalf("wine %v: still running after %v", args, timeout)
	}
	return stdout, stderr, code // set by the deferred read
}

// gone waits until file no longer exists (the NSIS uninstaller runs a
// copy of itself from the temporary folder and returns at once) and says
// whether it went.
func gone(file string, timeout time.Duration) bool {
	for end := time.Now().Add(timeout); ; time.Sleep(200 * time.Millisecond) {
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			return true
		}
		if time.Now().After(end) {
			return false
		}
	}
}

// reg returns a registry key of the 64-bit view as reg export writes it
// (UTF-16, so Chinese values survive any code page), with the escapes of
// .reg strings undone; "" when the key is absent.
func (w *prefix) reg(key string) string {
	w.t.Helper()
	file := filepath.Join(w.dir, "drive_c", "regexport.reg")
	_ = os.Remove(file)
	if _, _, code := w.run(time.Minute, "reg", "export", key, `C:\regexport.reg`, "/y"); code != 0 {
		return ""
	}
	b, err := os.ReadFile(file)
	if err != nil || len(b) < 2 {
		w.t.Fatalf("reg export %s: %v", key, err)
	}
	return strings.NewReplacer(`\\`, `\`, `\"`, `"`).Replace(fromUTF16(b))
}

// fromUTF16 decodes UTF-16LE text without its byte-order mark.
func fromUTF16(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
	}
	return strings.TrimPrefix(string(utf16.Decode(u)), "\ufeff")
}

// linux runs a Linux program and fails the test unless it exits 0.
func linux(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", filepath.Base(name), strings.Join(args, " "), err, o.String(), e.String())
	}
	return o.String()
}

// codes reads the voucher codes (fifth column) of voucherd issue --out.
func codes(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(strings.TrimSpace(line), ",")
		if i == 0 || len(f) < 5 {
			continue
		}
		out = append(out, f[4])
	}
	return out
}

// The Windows install of the counter terminal, end to end under wine: the
// silent setup puts the programs, the font, the shortcuts, the auto-start
// and the uninstall entry in place; posctl.exe from the install folder
// provisions a terminal in the data folder (Chinese names), adds a
// cashier, checks and redeems vouchers (a second use and a forged code
// refused with exit status 1) and verifies the ledger; the Linux posctl
// opens the same file and sees the same sales and chain head; the
// silent uninstall removes the programs and keeps the database.
func TestWindowsInstallToFirstSale(t *testing.T) {
	e := getenv(t)
	w := newPrefix(t, e.template, e.locpath)
	const (
		instDir   = `C:\Program Files\fupinpos`
		dataDir   = `C:\ProgramData\fupinpos`
		db        = dataDir + `\terminal.db`
		runKey    = `HKLM\Software\Microsoft\Windows\CurrentVersion\Run`
		uninstKey = `HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\fupinpos`
		storeName = "合肥百货大楼"
		cashier   = "王芳"
	)
	programs := []string{"fupinpos.exe", "posctl.exe", "voucherd.exe", "fupinpos-gb2312.ttf", "uninstall.exe"}
	posctl := instDir + `\posctl.exe`

	// Wine 8 plays Windows 7 by default, which Go programs no longer
	// support (ProcessPrng): setup refuses it and installs nothing.
	if _, _, code := w.run(3*time.Minute, "winecfg", "-v", "win7"); code != 0 {
		t.Fatalf("winecfg -v win7: exit %d", code)
	}
	if _, _, code := w.run(3*time.Minute, e.setup, "/S"); code == 0 {
		t.Errorf("setup /S on Windows 7: exit 0, want a refusal")
	}
	if _, err := os.Stat(w.host(instDir)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("setup on Windows 7 left %s: %v", instDir, err)
	}
	if _, _, code := w.run(3*time.Minute, "winecfg", "-v", "win10"); code != 0 {
		t.Fatalf("winecfg -v win10: exit %d", code)
	}

	// Install. A 32-bit or failed installer may still exit 0 under wine:
	// the files are what counts.
	if _, stderr, code := w.run(3*time.Minute, e.setup, "/S"); code != 0 {
		t.Fatalf("setup /S: exit %d\n%s", code, stderr)
	}
	for _, f := range programs {
		st, err := os.Stat(w.host(instDir + `\` + f))
		if err != nil || st.Size() < 1000 {
			t.Fatalf("installed %s: %v (size %v)", f, err, st)
		}
	}
	if st, err := os.Stat(w.host(dataDir)); err != nil || !st.IsDir() {
		t.Fatalf("data folder %s: %v", dataDir, err)
	}
	menu := w.host(`C:\ProgramData\Microsoft\Windows\Start Menu\Programs\fupinpos`)
	links, name := []string{"Cashier.lnk", "posctl console.lnk", "Uninstall.lnk"}, "fupinpos counter terminal"
	if w.chinese() {
		links, name = []string{"收银.lnk", "posctl 命令行.lnk", "卸载.lnk"}, "扶贫专区收银终端"
	}
	for _, lnk := range links {
		if _, err := os.Stat(filepath.Join(menu, lnk)); err != nil {
			entries, _ := os.ReadDir(menu)
			t.Errorf("Start menu entry %s: %v (have %v)", lnk, err, entries)
		}
	}
	run := w.reg(runKey)
	if want := `"fupinpos"=""` + instDir + `\fupinpos.exe" --db "` + db + `" --fullscreen"`; !strings.Contains(run, want) {
		t.Errorf("auto-start (Run key) lacks %s:\n%s", want, run)
	}
	uninst := w.reg(uninstKey)
	for _, want := range []string{`"DisplayName"="` + name + `"`, `"DisplayVersion"="` + e.version + `"`,
		`"QuietUninstallString"=""` + instDir + `\uninstall.exe" /S"`, `"InstallLocation"="` + instDir + `"`} {
		if !strings.Contains(uninst, want) {
			t.Errorf("Add/Remove Programs entry lacks %q:\n%s", want, uninst)
		}
	}
	// Started as from the Start menu (no console, no standard error), the
	// app logs to the data folder: the font beside it, and why it stops
	// when the terminal is not set up yet.
	if _, _, code := w.run(time.Minute, "cmd", "/c", "start", "/wait", "", instDir+`\fupinpos.exe`, "--db", dataDir+`\missing.db`); code != 1 {
		t.Errorf("fupinpos.exe without a database: exit %d, want 1", code)
	}
	// The failure also goes to a message box (logged instead under wine:
	// FUPINPOS_NO_MESSAGEBOX=1), titled in Chinese, with the log's path.
	appLog, _ := os.ReadFile(w.host(dataDir + `\fupinpos.log`))
	for _, want := range []string{"font: " + instDir + `\fupinpos-gb2312.ttf`, `fupinpos: terminal database ` + dataDir + `\missing.db`,
		"message box not shown (FUPINPOS_NO_MESSAGEBOX=1): 收银程序无法启动: terminal database " + dataDir + `\missing.db`,
		"详细信息见日志文件 " + dataDir + `\fupinpos.log`} {
		if !strings.Contains(string(appLog), want) {
			t.Errorf("the app's log (fupinpos.log) lacks %q:\n%s", want, appLog)
		}
	}
	if out, _, code := w.run(time.Minute, posctl, "--version"); code != 0 || strings.TrimSpace(out) != "posctl "+e.version {
		t.Errorf("posctl.exe --version = %q (exit %d), want %q", strings.TrimSpace(out), code, "posctl "+e.version)
	}

	// The central server's side, on Linux: demo campaign, vouchers, the
	// signed trust bundle (as in make demo-cli).
	srv := t.TempDir()
	voucherd := filepath.Join(e.bin, "voucherd")
	linux(t, voucherd, "init", "--data", srv+"/server", "--demo")
	linux(t, voucherd, "issue", "--data", srv+"/server", "--campaign", "2020", "--unit", "1001", "--member", "M-0001", "--value", "10000", "--count", "2", "--out", srv+"/codes.csv")
	linux(t, voucherd, "trust", "--data", srv+"/server", "--out", srv+"/bundle.json")
	c := codes(t, srv+"/codes.csv")
	if len(c) != 2 {
		t.Fatalf("issued codes: %v", c)
	}

	// The technician's steps with posctl.exe, as in the README.
	steps := []struct {
		name string
		args []string
		code int
		out  string // in stdout (or stderr when refused)
	}{
		{"provision", []string{"provision", "--db", db, "--trust", zpath(srv + "/bundle.json"), "--root-key", zpath(srv + "/server/root.pub"),
			"--store", "HF-001", "--store-name", storeName, "--terminal", "T01"}, 0, ""},
		{"user add", []string{"user", "add", "--db", db, "--id", "1001", "--name", cashier, "--role", "cashier", "--pin", "2468"}, 0, ""},
		{"check", []string{"check", "--db", db, c[0]}, 0, ""},
		{"check forged", []string{"check", "--db", db, forge(c[0])}, 1, ""},
		{"redeem", []string{"redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:2", "--item", "YX-CUILAN-250:1", "--method", "wechat", c[0]}, 0, ""},
		{"redeem again", []string{"redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:1", "--method", "cash", c[0]}, 1, ""},
		{"redeem second", []string{"redeem", "--db", db, "--cashier", "1001", "--item", "TH-HONEY-500:1", c[1]}, 0, ""},
		{"ledger verify", []string{"ledger", "verify", "--db", db}, 0, ""},
		{"status", []string{"status", "--db", db, "--json"}, 0, `"store_name": "` + storeName + `"`},
	}
	for _, s := range steps {
		out, stderr, code := w.run(time.Minute, append([]string{posctl}, s.args...)...)
		if code != s.code {
			t.Fatalf("posctl.exe %s: exit %d, want %d\n%s%s", s.name, code, s.code, out, stderr)
		}
		if s.out != "" && !strings.Contains(out, s.out) {
			t.Errorf("posctl.exe %s: output lacks %s:\n%s", s.name, s.out, out)
		}
	}
	if _, err := os.Stat(w.host(db)); err != nil {
		t.Fatalf("database in the data folder: %v", err)
	}

	// The same file, read by the Windows and the Linux posctl.
	type verify struct {
		OK    bool `json:"ok"`
		Check struct {
			Records uint64 `json:"records"`
			Head    string `json:"head"`
		} `json:"check"`
	}
	var winV, linV verify
	out, stderr, code := w.run(time.Minute, posctl, "ledger", "verify", "--db", db, "--json")
	if code != 0 || json.Unmarshal([]byte(out), &winV) != nil {
		t.Fatalf("posctl.exe ledger verify --json: exit %d\n%s%s", code, out, stderr)
	}
	winList, stderr, code := w.run(time.Minute, posctl, "ledger", "list", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("posctl.exe ledger list --json: exit %d\n%s", code, stderr)
	}
	hostDB := w.host(db)
	lposctl := filepath.Join(e.bin, "posctl")
	if err := json.Unmarshal([]byte(linux(t, lposctl, "ledger", "verify", "--db", hostDB, "--json")), &linV); err != nil {
		t.Fatal(err)
	}
	if !winV.OK || !linV.OK || winV.Check.Records != 2 || linV.Check.Records != winV.Check.Records ||
		len(linV.Check.Head) != 64 || linV.Check.Head != winV.Check.Head {
		t.Errorf("ledger verify: Windows %+v, Linux %+v; want both ok, 2 records, the same head", winV, linV)
	}
	linList := linux(t, lposctl, "ledger", "list", "--db", hostDB, "--json")
	if winList != linList {
		t.Errorf("ledger list differs:\nWindows: %s\nLinux:   %s", winList, linList)
	}
	var sales []struct {
		Receipt       string `json:"receipt"`
		Kind          string `json:"kind"`
		CashierName   string `json:"cashier_name"`
		Total         int64  `json:"total"`
		VoucherAmount int64  `json:"voucher_amount"`
		Forfeited     int64  `json:"forfeited"`
		Method        string `json:"method"`
	}
	if err := json.Unmarshal([]byte(linList), &sales); err != nil {
		t.Fatalf("ledger list --json: %v\n%s", err, linList)
	}
	// Sale 1: pears and tea over the ¥100 voucher, the rest by WeChat;
	// sale 2: honey under it, the excess forfeited (no change).
	if len(sales) != 2 || sales[0].Kind != "sale" || sales[0].Receipt != "T01-000001" || sales[0].CashierName != cashier ||
		sales[0].Method != "wechat" || sales[0].VoucherAmount != 10000 || sales[0].Total <= 10000 ||
		sales[1].Receipt != "T01-000002" || sales[1].Total >= 10000 || sales[1].VoucherAmount != sales[1].Total ||
		sales[1].Forfeited != 10000-sales[1].Total {
		t.Errorf("sales seen by the Linux posctl: %+v", sales)
	}
	var st struct {
		Config struct {
			StoreName string `json:"store_name"`
			Counter   string `json:"counter"`
		} `json:"config"`
		Queue struct {
			Count int `json:"count"`
		} `json:"queue"`
	}
	if err := json.Unmarshal([]byte(linux(t, lposctl, "status", "--db", hostDB, "--json")), &st); err != nil {
		t.Fatal(err)
	}
	if st.Config.StoreName != storeName || st.Config.Counter != "扶贫专区" || st.Queue.Count != 2 {
		t.Errorf("Linux posctl status: store %q counter %q queue %d; want %q, 扶贫专区, 2", st.Config.StoreName, st.Config.Counter, st.Queue.Count, storeName)
	}

	// Setup again over the installed programs (an upgrade) while the two
	// sales wait for upload: refused (exit status 2), nothing replaced (the
	// marks on the installed programs stay), the database untouched, and a
	// note in the data folder says how many sales wait and how to upload
	// them. Forced by the flag file (which the upgrade removes), then by
	// /FORCE: it goes through, the database still untouched.
	before, err := os.ReadFile(hostDB)
	if err != nil {
		t.Fatal(err)
	}
	upgrade := func(name string, wantRefused bool, args ...string) string {
		t.Helper()
		m := markInstall(t, w, instDir)
		_, stderr, code := w.run(3*time.Minute, append([]string{e.setup, "/S"}, args...)...)
		exeOld, vdMarked := m.state(t)
		note, _ := os.ReadFile(w.host(dataDir + `\setup-refused.txt`))
		switch {
		case wantRefused && (code != 2 || !exeOld || !vdMarked || len(note) == 0):
			t.Errorf("%s: setup /S %v: exit %d, fupinpos.exe kept %v, voucherd.exe kept %v, note %q; want exit 2, both kept, a note\n%s",
				name, args, code, exeOld, vdMarked, fromUTF16(note), stderr)
		case !wantRefused && (code != 0 || exeOld || vdMarked || len(note) != 0):
			t.Errorf("%s: setup /S %v: exit %d, fupinpos.exe kept %v, voucherd.exe kept %v, note %q; want exit 0, both replaced, no note\n%s",
				name, args, code, exeOld, vdMarked, fromUTF16(note), stderr)
		}
		return fromUTF16(note)
	}
	note := upgrade("2 sales waiting", true)
	wantNote := []string{"2 sale(s) on this terminal have not been uploaded", `posctl sync --db "` + db + `"`, "setup.exe /S /FORCE", dataDir + `\force-upgrade`}
	if w.chinese() {
		wantNote = []string{"本终端还有 2 笔交易尚未上传", `posctl sync --db "` + db + `"`, "setup.exe /S /FORCE", dataDir + `\force-upgrade`}
	}
	t.Logf("the refused upgrade's note:\n%s", note)
	for _, want := range wantNote {
		if !strings.Contains(note, want) {
			t.Errorf("the refused upgrade's note lacks %q:\n%s", want, note)
		}
	}
	if after, err := os.ReadFile(hostDB); err != nil || !bytes.Equal(before, after) {
		t.Fatalf("a refused upgrade changed the database (%v)", err)
	}
	flag := w.host(dataDir + `\force-upgrade`)
	if err := os.WriteFile(flag, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	upgrade("forced by the flag file", false)
	if _, err := os.Stat(flag); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after the forced upgrade, the flag file: %v (want it removed)", err)
	}
	upgrade("forced by /FORCE", false, "/FORCE")
	if after, err := os.ReadFile(hostDB); err != nil || !bytes.Equal(before, after) {
		t.Fatalf("a forced upgrade changed the database (%v)", err)
	}
	// Releases before "outbox" (v0.9.0) print only queue.count: a stand-in
	// for such a posctl.exe (3 sales waiting, and a decoy "count" outside
	// the queue) is read as well; /FORCE then puts the real one back.
	if err := os.WriteFile(w.host(instDir+`\posctl.exe`), oldPosctl(t), 0o755); err != nil {
		t.Fatal(err)
	}
	wantOld := "3 sale(s) on this terminal"
	if w.chinese() {
		wantOld = "本终端还有 3 笔交易"
	}
	if note := upgrade("an older posctl.exe (queue.count)", true); !strings.Contains(note, wantOld) {
		t.Errorf("the note over an older posctl.exe lacks %q:\n%s", wantOld, note)
	}
	upgrade("forced over an older posctl.exe", false, "/FORCE")
	var st2 struct {
		Outbox int `json:"outbox"`
	}
	if out, _, code := w.run(time.Minute, posctl, "status", "--db", db, "--json"); code != 0 || json.Unmarshal([]byte(out), &st2) != nil || st2.Outbox != 2 {
		t.Errorf("after the forced upgrade, posctl.exe status: exit %d, want 2 sales in the outbox:\n%s", code, out)
	}

	// A database posctl cannot read is refused too (unless forced); a
	// fresh terminal with an empty outbox upgrades. The store's database
	// waits aside meanwhile.
	if err := os.Rename(hostDB, hostDB+".saved"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hostDB, []byte("not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	unreadable := "Setup cannot read how many sales wait for upload"
	if w.chinese() {
		unreadable = "安装程序无法读取"
	}
	if note := upgrade("unreadable database", true); !strings.Contains(note, unreadable) {
		t.Errorf("the note on an unreadable database lacks %q:\n%s", unreadable, note)
	}
	if err := os.Remove(hostDB); err != nil {
		t.Fatal(err)
	}
	if out, stderr, code := w.run(time.Minute, posctl, "provision", "--db", db, "--trust", zpath(srv+"/bundle.json"), "--root-key", zpath(srv+"/server/root.pub"),
		"--store", "HF-001", "--store-name", storeName, "--terminal", "T02"); code != 0 {
		t.Fatalf("posctl.exe provision a fresh terminal: exit %d\n%s%s", code, out, stderr)
	}
	upgrade("empty outbox", false)
	if err := os.Remove(hostDB); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(hostDB+".saved", hostDB); err != nil {
		t.Fatal(err)
	}

	if shot := os.Getenv("FUPINPOS_WIN_SHOT"); shot != "" {
		screenshot(t, w, instDir+`\fupinpos.exe`, db, shot, e.setup)
	}

	// Uninstall: the programs, shortcuts, auto-start and entry go; the
	// data folder and the database stay, unchanged.
	before, err = os.ReadFile(hostDB)
	if err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := w.run(3*time.Minute, instDir+`\uninstall.exe`, "/S"); code != 0 {
		t.Fatalf("uninstall /S: exit %d\n%s", code, stderr)
	}
	// The uninstaller deletes itself last.
	if !gone(w.host(instDir+`\uninstall.exe`), 2*time.Minute) {
		t.Fatalf("uninstall /S: uninstall.exe still there after 2 minutes")
	}
	for _, f := range programs {
		if _, err := os.Stat(w.host(instDir + `\` + f)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("after uninstall, %s: %v (want it gone)", f, err)
		}
	}
	if _, err := os.Stat(menu); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after uninstall, Start menu folder: %v (want it gone)", err)
	}
	if got := w.reg(runKey); strings.Contains(got, `"fupinpos"=`) {
		t.Errorf("after uninstall, auto-start remains: %s", got)
	}
	if got := w.reg(uninstKey); got != "" {
		t.Errorf("after uninstall, Add/Remove Programs entry remains: %s", got)
	}
	after, err := os.ReadFile(hostDB)
	if err != nil || !bytes.Equal(before, after) {
		t.Fatalf("after uninstall, the database: %v (unchanged: %v)", err, bytes.Equal(before, after))
	}
	linux(t, lposctl, "ledger", "verify", "--db", hostDB)
}

// oldStatus is posctl status --json as v0.9.0 prints it: no "outbox",
// the count in queue.count.
const oldStatus = `{
  "config": {
    "store": "HF-001",
    "printer_test": {
      "count": 9
    },
    "counter": "扶贫专区"
  },
  "trust_seq": 1,
  "trust_expires": "2027-01-01 00:00",
  "catalogue_version": 1,
  "queue": {
    "count": 3,
    "amount": 30000
  },
  "clock": {},
  "records": 3
}`

// oldPosctl builds a Windows stand-in for an older posctl.exe that prints
// oldStatus for "status" and fails otherwise.
func oldPosctl(t *testing.T) []byte {
	t.Helper()
	dir := t.TempDir()
	src := "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() {\n\tif len(os.Args) > 1 && os.Args[1] == \"status\" {\n\t\tfmt.Println(" + strconv.Quote(oldStatus) + ")\n\t\treturn\n\t}\n\tos.Exit(1)\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "posctl.exe")
	cmd := exec.Command("go", "build", "-o", exe, "main.go")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=", "GO111MODULE=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the stand-in posctl.exe: %v\n%s", err, out)
	}
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// installMark marks the installed programs as no setup would: an old
// timestamp on fupinpos.exe and bytes appended to voucherd.exe, so a test
// sees whether setup replaced them.
type installMark struct {
	exe, vd string
	size    int64
}

var markTime = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)

const markBytes = "\x00fupinpos-test-mark"

func markInstall(t *testing.T, w *prefix, instDir string) installMark {
	t.Helper()
	m := installMark{exe: w.host(instDir + `\fupinpos.exe`), vd: w.host(instDir + `\voucherd.exe`)}
	if err := os.Chtimes(m.exe, markTime, markTime); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(m.vd, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(markBytes); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(m.vd)
	if err != nil {
		t.Fatal(err)
	}
	m.size = st.Size()
	return m
}

// state says whether fupinpos.exe still has the old timestamp and
// voucherd.exe the appended bytes.
func (m installMark) state(t *testing.T) (exeOld, vdMarked bool) {
	t.Helper()
	st, err := os.Stat(m.exe)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(m.vd)
	if err != nil {
		t.Fatal(err)
	}
	return st.ModTime().Equal(markTime), int64(len(b)) == m.size && strings.HasSuffix(string(b), markBytes)
}

// forge changes one digit of a voucher code (as make demo-cli does).
func forge(code string) string {
	b := []byte(code)
	for i := len(b) / 2; i < len(b); i++ {
		if b[i] >= '0' && b[i] <= '9' {
			b[i] = '0' + (b[i]-'0'+1)%10
			return string(b)
		}
	}
	b[len(b)/2] ^= 1
	return string(b)
}

// screenshot starts the installed app under Xvfb and wine, saves the
// screen to file once it is up (it must not be blank, and drawn with the
// font beside the program), then runs setup /S /FORCE over it (the two
// sales still wait), as an upgrade does: setup must close the running
// app and succeed.
func screenshot(t *testing.T, w *prefix, exe, db, file, setup string) {
	t.Helper()
	if _, err := exec.LookPath("xvfb-run"); err != nil {
		t.Logf("no xvfb-run: no screenshot")
		return
	}
	// Wine's desktop belongs to the wineserver's session: the app needs
	// one started under Xvfb, so the test's server is ended for the time.
	w.server("-k")
	defer w.server("-p")
	// The screen is taken once the window is up (the app logs the screen
	// size then) and has had a few seconds to draw.
	script := `wine "$1" --db "$2" >"$3.log" 2>&1 & pid=$!
		for i in $(seq 60); do grep -q "^[0-9:.]* screen " "$3.log" && break; kill -0 $pid 2>/dev/null || break; sleep 1; done
		sleep 4; import -window root "$3"
		wine "$4" /S /FORCE >/dev/null 2>&1; echo "setup exit $?" >>"$3.log"
		for i in $(seq 10); do kill -0 $pid 2>/dev/null || break; sleep 1; done
		kill -0 $pid 2>/dev/null && echo "app still running" >>"$3.log"
		wineserver -k; wait`
	cmd := exec.Command("xvfb-run", "-a", "-s", "-screen 0 1024x768x24", "sh", "-c", script, "sh", exe, db, file, setup)
	cmd.Env = w.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v\n%s", err, out)
	}
	sd, err := exec.Command("convert", file, "-colorspace", "gray", "-format", "%[fx:int(standard_deviation*1000)]", "info:").Output()
	if err != nil {
		t.Fatalf("screenshot %s: %v", file, err)
	}
	log, _ := os.ReadFile(file + ".log")
	if n, err := strconv.Atoi(strings.TrimSpace(string(sd))); err != nil || n <= 50 {
		t.Errorf("screenshot %s looks blank (sd %s); app log:\n%s", file, sd, log)
	}
	if !strings.Contains(string(log), `\fupinpos-gb2312.ttf`) {
		t.Errorf("the app did not load the font beside it; log:\n%s", log)
	}
	if !strings.Contains(string(log), "setup exit 0") || strings.Contains(string(log), "app still running") {
		t.Errorf("setup over the running app: want it closed and setup to succeed; log:\n%s", log)
	}
}
