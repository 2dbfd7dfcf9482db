//go:build realx

package xtest

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"fupinpos/assets"
)

// bin holds the binaries built once for all tests.
var bin string

func TestMain(m *testing.M) {
	if dir := os.Getenv("XTEST_BIN"); dir != "" { // binaries built elsewhere
		bin = dir
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "xtest-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = dir
	// The product build of the app: no demo tag, as a store installs it.
	build := exec.Command("go", "build", "-tags", "no_emoji", "-o", dir+"/", "fupinpos/cmd/voucherd", "fupinpos/cmd/posctl", "fupinpos/cmd/devsim", "fupinpos/cmd/fupinpos")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// rig is one terminal on one X screen: a voucherd data directory with
// vouchers, a provisioned terminal database, a printer simulator on TCP, an
// Xvfb server and, once started, the app.
type rig struct {
	t        *testing.T
	dir      string
	db       string
	w, h     int
	display  string
	printer  string
	receipts string
	codes    map[string]string // voucher code by member (ids as voucherd normalises them: upper case)
	ids      map[string]string // voucher id (as codes.csv and the ledger print it) by member
	app      *exec.Cmd
	appLog   *bytes.Buffer
	shots    int
}

// Demo users, as posctl user add makes them below.
const (
	cashierID, cashierPIN = "1001", "1234"
	managerID, managerPIN = "2001", "2468"
)

// newRig sets up a deployment and an X screen of w×h.
func newRig(t *testing.T, w, h int) *rig {
	t.Helper()
	dir := t.TempDir()
	r := &rig{t: t, dir: dir, db: filepath.Join(dir, "terminal.db"), w: w, h: h, receipts: filepath.Join(dir, "receipts"), codes: map[string]string{}, ids: map[string]string{}}
	srv := filepath.Join(dir, "server")
	r.run("voucherd", "init", "--data", srv, "--demo")
	members := "member,unit,value_fen,count\n" +
		"M-100A,1001,10000,1\nM-100B,1002,10000,1\nM-100C,1003,10000,1\nM-100D,1001,10000,1\n" +
		"M-050A,1002,5000,1\nM-050B,1003,5000,1\nM-020A,1001,2000,1\n"
	must(t, os.WriteFile(filepath.Join(dir, "members.csv"), []byte(members), 0o644))
	codes := filepath.Join(dir, "codes.csv")
	r.run("voucherd", "issue", "--data", srv, "--campaign", "2020", "--batch", filepath.Join(dir, "members.csv"), "--out", codes)
	f, err := os.Open(codes)
	must(t, err)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	must(t, err)
	for _, row := range rows[1:] {
		r.ids[row[1]], r.codes[row[1]] = row[0], row[4]
	}
	bundle := filepath.Join(dir, "bundle.json")
	r.run("voucherd", "trust", "--data", srv, "--out", bundle)
	r.run("posctl", "provision", "--db", r.db, "--trust", bundle, "--root-key", filepath.Join(srv, "root.pub"),
		"--store", "HF-001", "--store-name", "合肥百货大楼", "--terminal", "T01")
	r.run("posctl", "user", "add", "--db", r.db, "--id", cashierID, "--name", "王芳", "--role", "cashier", "--pin", cashierPIN)
	r.run("posctl", "user", "add", "--db", r.db, "--id", managerID, "--name", "李经理", "--role", "manager", "--pin", managerPIN)

	must(t, os.MkdirAll(r.receipts, 0o755))
	addr := filepath.Join(dir, "printer.addr")
	r.daemon("printer", bin+"/devsim", "printer", "--listen", "127.0.0.1:0", "--out", r.receipts, "--addr-file", addr)
	r.printer = "tcp://" + strings.TrimSpace(string(waitFile(t, addr))) + "?paper=80"
	r.xvfb()
	return r
}

// run runs one of the built CLIs and returns its stdout; a non-zero exit
// fails the test.
func (r *rig) run(name string, args ...string) string {
	r.t.Helper()
	out, code := r.exec(name, args...)
	if code != 0 {
		r.t.Fatalf("%s %s: exit %d\n%s", name, strings.Join(args, " "), code, out)
	}
	return out
}

// exec runs a built CLI and returns its combined output and exit code.
func (r *rig) exec(name string, args ...string) (string, int) {
	cmd := exec.Command(filepath.Join(bin, name), args...)
	cmd.Env = append(os.Environ(), "LANG=zh_CN.UTF-8")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		r.t.Fatalf("%s: %v", name, err)
	}
	return string(out), 0
}

// daemon starts a background process stopped at the end of the test.
func (r *rig) daemon(name, path string, args ...string) *exec.Cmd {
	r.t.Helper()
	cmd := exec.Command(path, args...)
	log, err := os.Create(filepath.Join(r.dir, name+".log"))
	must(r.t, err)
	cmd.Stdout, cmd.Stderr = log, log
	must(r.t, cmd.Start())
	r.t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); log.Close() })
	return cmd
}

// xvfb starts an X server of the rig's size on a free display.
func (r *rig) xvfb() {
	r.t.Helper()
	for n := 90; n < 140; n++ {
		lock, sock := fmt.Sprintf("/tmp/.X%d-lock", n), fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		if lockHeld(lock) {
			continue
		}
		// A stale lock and socket (a killed server's) would pass the
		// socket check below before this server is up: remove them, as
		// the X server itself does.
		os.Remove(lock)
		os.Remove(sock)
		r.display = fmt.Sprintf(":%d", n)
		cmd := r.daemon("xvfb", "Xvfb", r.display, "-screen", "0", fmt.Sprintf("%dx%dx24", r.w, r.h), "-nolisten", "tcp")
		for i := 0; i < 100; i++ {
			if _, err := os.Stat(sock); err == nil {
				return
			}
			if cmd.ProcessState != nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	r.t.Fatal("no Xvfb display could be started")
}

// lockHeld reports whether an X display's lock file names a live
// process. A lock left by a killed server is stale: Xvfb removes it and
// takes the display, so such a display counts as free.
func lockHeld(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return true // not ours to judge
	}
	return syscall.Kill(pid, 0) == nil
}

// start runs the app on the rig's screen and waits for its window.
func (r *rig) start(args ...string) {
	r.t.Helper()
	xdg := filepath.Join(r.dir, "xdg")
	args = append([]string{"--db", r.db, "--size", fmt.Sprintf("%dx%d", r.w, r.h), "--printer", r.printer}, args...)
	cmd := exec.Command(filepath.Join(bin, "fupinpos"), args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+r.display, "LANG=zh_CN.UTF-8", "LC_ALL=", "XDG_CONFIG_HOME="+xdg, "XDG_CACHE_HOME="+xdg)
	r.appLog = &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = r.appLog, r.appLog
	must(r.t, cmd.Start())
	r.app = cmd
	r.t.Cleanup(r.stop)
	if _, err := r.xdoTimeout(30*time.Second, "search", "--sync", "--onlyvisible", "--name", assets.For("zh_Hans").T("ui.app.title", nil)); err != nil {
		r.t.Fatalf("no app window: %v\n%s", err, r.appLog)
	}
	time.Sleep(1500 * time.Millisecond) // first paint
	r.xdo("mousemove", strconv.Itoa(r.w-1), strconv.Itoa(r.h-1))
}

// stop ends the app (Ctrl-C; the kiosk unit's SIGTERM takes the same way)
// and waits for it, so the database is free for posctl.
func (r *rig) stop() {
	if r.app == nil || r.app.Process == nil {
		return
	}
	r.app.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- r.app.Wait() }()
	select {
	case err := <-done:
		// Ctrl-C closes the window: the app exits 0 and removes its
		// control socket.
		if err != nil {
			r.t.Errorf("the app stopped on SIGINT with %v (want a clean exit)\n%s", err, r.appLog)
		}
		if _, err := os.Stat(r.db + ".ctl"); err == nil {
			r.t.Errorf("the control socket %s.ctl is left after the app stopped", r.db)
		}
	case <-time.After(10 * time.Second):
		r.app.Process.Kill()
		<-done
		r.t.Errorf("the app did not stop within 10 s of SIGINT\n%s", r.appLog)
	}
	r.app = nil
}

// xdo runs xdotool on the rig's display.
func (r *rig) xdo(args ...string) (string, error) { return r.xdoTimeout(20*time.Second, args...) }

func (r *rig) xdoTimeout(d time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+r.display)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("xdotool %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

func (r *rig) mustXdo(args ...string) {
	r.t.Helper()
	if out, err := r.xdo(args...); err != nil {
		r.t.Fatalf("%v\n%s", err, out)
	}
}

// wedge types text at a keyboard-wedge scanner's speed, then Enter.
func (r *rig) wedge(text string) {
	r.t.Helper()
	if text == "" {
		r.t.Fatal("nothing to scan (a voucher missing from codes.csv?)")
	}
	r.mustXdo("type", "--delay", "3", text)
	r.mustXdo("key", "Return")
	r.settle()
}

// typeSlowly types text as a person does, then Enter.
func (r *rig) typeSlowly(text string) {
	r.t.Helper()
	if text == "" {
		r.t.Fatal("nothing to type (a voucher missing from codes.csv?)")
	}
	if out, err := r.xdoTimeout(3*time.Minute, "type", "--delay", "150", text); err != nil {
		r.t.Fatalf("%v\n%s", err, out)
	}
	r.mustXdo("key", "Return")
	r.settle()
}

// typeText types into whatever has focus at a person's pace, without Enter.
func (r *rig) typeText(text string) {
	r.t.Helper()
	r.mustXdo("type", "--delay", "60", text)
	time.Sleep(300 * time.Millisecond) // a person's pause before the next key
}

// key presses keys (xdotool names: Return, Escape, F12, Tab).
func (r *rig) key(keys ...string) {
	r.t.Helper()
	for _, k := range keys {
		r.mustXdo("key", k)
		time.Sleep(120 * time.Millisecond)
	}
	r.settle()
}

// click clicks at x, y (screen pixels).
func (r *rig) click(x, y int) {
	r.t.Helper()
	r.mustXdo("mousemove", strconv.Itoa(x), strconv.Itoa(y), "click", "1")
	r.settle()
}

func (r *rig) settle() { time.Sleep(700 * time.Millisecond) }

// shotUntil takes screenshots until ok holds for one (or 5 s have
// passed) and returns the last: for a step whose effect takes a moment
// under load, such as a manager PIN checked with scrypt before its dialog
// closes. The condition is still asserted by the caller on the result.
func (r *rig) shotUntil(name string, ok func(image.Image) bool) image.Image {
	r.t.Helper()
	img := r.shot(name)
	for end := time.Now().Add(5 * time.Second); !ok(img) && time.Now().Before(end); {
		time.Sleep(250 * time.Millisecond)
		r.shots--
		img = r.shot(name)
	}
	return img
}

// shot takes a screenshot of the whole screen, keeps it in the test's
// directory (named for what it shows) and returns it.
func (r *rig) shot(name string) image.Image {
	r.t.Helper()
	r.shots++
	file := filepath.Join(r.dir, fmt.Sprintf("%02d-%s.png", r.shots, name))
	cmd := exec.Command("import", "-window", "root", file)
	cmd.Env = append(os.Environ(), "DISPLAY="+r.display)
	if out, err := cmd.CombinedOutput(); err != nil {
		r.t.Fatalf("import: %v\n%s", err, out)
	}
	if dst := os.Getenv("XTEST_SHOTS"); dst != "" {
		os.MkdirAll(dst, 0o755)
		b, _ := os.ReadFile(file)
		os.WriteFile(filepath.Join(dst, r.t.Name()+"-"+filepath.Base(file)), b, 0o644)
	}
	f, err := os.Open(file)
	must(r.t, err)
	defer f.Close()
	img, err := png.Decode(f)
	must(r.t, err)
	if b := img.Bounds(); b.Dx() != r.w || b.Dy() != r.h {
		r.t.Fatalf("screenshot is %dx%d, want %dx%d", b.Dx(), b.Dy(), r.w, r.h)
	}
	return img
}

// record is one line of posctl ledger list --json.
type record struct {
	Seq           uint64   `json:"seq"`
	Receipt       string   `json:"receipt"`
	Kind          string   `json:"kind"`
	Cashier       string   `json:"cashier"`
	Mode          string   `json:"mode"`
	Manager       string   `json:"manager"`
	Vouchers      []string `json:"vouchers"`
	Total         int64    `json:"total"`
	VoucherAmount int64    `json:"voucher_amount"`
	SelfPaid      int64    `json:"self_paid"`
	Forfeited     int64    `json:"forfeited"`
	Method        string   `json:"method"`
	Tendered      int64    `json:"tendered"`
	Change        int64    `json:"change"`
	Returns       string   `json:"returns"`
}

// ledger returns the ledger as posctl lists it once the app has stopped,
// after listing it while the app ran (from the copy the app hands over on
// its control socket): what was listed then must be the same records.
func (r *rig) ledger() []record {
	r.t.Helper()
	var live []record
	if r.app != nil {
		live = r.listLedger()
		if len(live) == 0 {
			r.t.Errorf("posctl ledger list while the app ran: no records")
		}
	}
	r.stop()
	recs := r.listLedger()
	if len(live) > len(recs) || !reflect.DeepEqual(live, recs[:len(live)]) {
		r.t.Errorf("posctl ledger list while the app ran:\n%+v\nafter it stopped:\n%+v", live, recs)
	}
	return recs
}

// listLedger runs posctl ledger list --json as a script would: the JSON on
// stdout, any notice on stderr.
func (r *rig) listLedger() []record {
	r.t.Helper()
	cmd := exec.Command(filepath.Join(bin, "posctl"), "ledger", "list", "--db", r.db, "--json")
	cmd.Env = append(os.Environ(), "LANG=zh_CN.UTF-8")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		r.t.Fatalf("posctl ledger list: %v\n%s", err, stderr.String())
	}
	out := string(b)
	var recs []record
	if err := json.Unmarshal([]byte(out), &recs); err != nil {
		r.t.Fatalf("ledger list --json: %v\n%s", err, out)
	}
	return recs
}

// printed returns the transcripts of every job the printer simulator
// interpreted.
func (r *rig) printed() string {
	r.t.Helper()
	files, _ := filepath.Glob(filepath.Join(r.receipts, "*.txt"))
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		must(r.t, err)
		b.Write(data)
	}
	return b.String()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func waitFile(t *testing.T, path string) []byte {
	t.Helper()
	for i := 0; i < 100; i++ {
		if b, err := os.ReadFile(path); err == nil && len(bytes.TrimSpace(b)) > 0 {
			return b
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
	return nil
}

// near reports whether c is within tol of want in every channel.
func near(c color.Color, want color.NRGBA, tol int) bool {
	r, g, b, _ := c.RGBA()
	d := func(x uint32, y uint8) bool { v := int(x>>8) - int(y); return v <= tol && v >= -tol }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

// share is the fraction of pixels in rect that are near want.
func share(img image.Image, rect image.Rectangle, want color.NRGBA) float64 {
	n, hit := 0, 0
	for y := rect.Min.Y; y < rect.Max.Y; y += 2 {
		for x := rect.Min.X; x < rect.Max.X; x += 2 {
			n++
			if near(img.At(x, y), want, 24) {
				hit++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return float64(hit) / float64(n)
}
