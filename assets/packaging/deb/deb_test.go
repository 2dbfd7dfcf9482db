package deb

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The packages under test: make test-dist sets these. Without them only
// the script tests (version mapping, kiosk setup) run.
var (
	distDir    = os.Getenv("FUPINPOS_DIST")
	debVersion = os.Getenv("FUPINPOS_DEB_VERSION")
	gitVersion = os.Getenv("FUPINPOS_VERSION")
)

const (
	terminalPkg = "fupinpos-terminal"
	serverPkg   = "voucherd"
	terminalDB  = "/var/lib/fupinpos/terminal.db"
	fullFont    = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
)

func debPath(pkg string) string {
	return filepath.Join(distDir, pkg+"_"+debVersion+"_amd64.deb")
}

// needDist skips unless make test-dist built the packages.
func needDist(t *testing.T) {
	t.Helper()
	if distDir == "" || debVersion == "" {
		t.Skip("FUPINPOS_DIST and FUPINPOS_DEB_VERSION unset: run make test-dist")
	}
}

// needRoot skips unless the packages may be installed on this machine.
func needRoot(t *testing.T) {
	t.Helper()
	needDist(t)
	if os.Geteuid() != 0 {
		t.Skip("installing the packages needs root")
	}
}

// run runs a command and returns its combined output; env entries are
// added to the test's environment.
func run(env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// must runs a command and fails the test when it fails.
func must(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := run(nil, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func TestDebVersion(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0.9.0", "0.9.0"},
		{"v0.9.0", "0.9.0"},
		{"0.9.0-3-gabc1234", "0.9.0+3.gabc1234"},
		{"0.9.0-3-gabc1234-dirty", "0.9.0+3.gabc1234.dirty"},
		{"0.9.0-dirty", "0.9.0+dirty"},
		{"1.0.0-rc1", "1.0.0~rc1"},
		{"1.0.0-rc1-2-gdeadbee", "1.0.0~rc1+2.gdeadbee"},
		{"abc1234", "0.0.0+gabc1234"},
		{"0.0.0-dev", "0.0.0~dev"},
		{"", "0.0.0"},
	}
	for _, tt := range tests {
		out, err := run(nil, "sh", "debversion.sh", tt.in)
		if err != nil {
			t.Fatalf("debversion.sh %q: %v\n%s", tt.in, err, out)
		}
		if got := strings.TrimSpace(out); got != tt.want {
			t.Errorf("debversion.sh %q = %q, want %q", tt.in, got, tt.want)
		}
	}
	// The order dpkg gives them is the release order.
	if _, err := exec.LookPath("dpkg"); err == nil {
		order := []string{"0.9.0~rc1", "0.9.0", "0.9.0+3.gabc1234", "0.9.0+3.gabc1234.dirty", "0.9.1~rc1", "0.9.1"}
		for i := 1; i < len(order); i++ {
			if _, err := run(nil, "dpkg", "--compare-versions", order[i-1], "lt", order[i]); err != nil {
				t.Errorf("dpkg: %s is not before %s", order[i-1], order[i])
			}
		}
	}
}

// TestKioskSetup: fupinpos-kiosk enable writes automatic login of pos for
// LightDM and GDM, keeps an earlier GDM setting commented out, and disable
// gives back the files as they were.
func TestKioskSetup(t *testing.T) {
	root := t.TempDir()
	gdm := filepath.Join(root, "etc/gdm3/custom.conf")
	orig := "# GDM configuration storage\n[daemon]\nAutomaticLoginEnable=false\nWaylandEnable=false\n\n[security]\n"
	os.MkdirAll(filepath.Join(root, "etc/lightdm"), 0o755)
	os.MkdirAll(filepath.Dir(gdm), 0o755)
	if err := os.WriteFile(gdm, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"FUPINPOS_KIOSK_ROOT=" + root}
	kiosk := func(arg string) (string, error) { return run(env, "sh", "terminal/fupinpos-kiosk", arg) }
	if out, err := kiosk("status"); err == nil || strings.TrimSpace(out) != "disabled" {
		t.Fatalf("status before enable = %q, %v; want disabled, exit 3", out, err)
	}
	for range 2 { // enable twice: no duplicate block
		if out, err := kiosk("enable"); err != nil || !strings.Contains(out, "LightDM GDM") {
			t.Fatalf("enable: %v\n%s", err, out)
		}
	}
	light, err := os.ReadFile(filepath.Join(root, "etc/lightdm/lightdm.conf.d/60-fupinpos-kiosk.conf"))
	if err != nil || !strings.Contains(string(light), "[Seat:*]\nautologin-user=pos\nautologin-user-timeout=0\n") {
		t.Errorf("LightDM drop-in = %q, %v", light, err)
	}
	got, _ := os.ReadFile(gdm)
	want := "# GDM configuration storage\n[daemon]\n# fupinpos-kiosk begin\nAutomaticLoginEnable=true\nAutomaticLogin=pos\n# fupinpos-kiosk end\n" +
		"# fupinpos-kiosk-was: AutomaticLoginEnable=false\nWaylandEnable=false\n\n[security]\n"
	if string(got) != want {
		t.Errorf("GDM after enable:\n%s\nwant:\n%s", got, want)
	}
	if out, err := kiosk("status"); err != nil || strings.TrimSpace(out) != "enabled" {
		t.Errorf("status after enable = %q, %v", out, err)
	}
	if out, err := kiosk("disable"); err != nil {
		t.Fatalf("disable: %v\n%s", err, out)
	}
	if got, _ := os.ReadFile(gdm); string(got) != orig {
		t.Errorf("GDM after disable:\n%s\nwant the original:\n%s", got, orig)
	}
	if _, err := os.Stat(filepath.Join(root, "etc/lightdm/lightdm.conf.d/60-fupinpos-kiosk.conf")); !os.IsNotExist(err) {
		t.Errorf("LightDM drop-in left after disable: %v", err)
	}
	if out, err := kiosk("status"); err == nil || strings.TrimSpace(out) != "disabled" {
		t.Errorf("status after disable = %q, %v", out, err)
	}
}

// TestMaintainerScripts: every shell script of both packages parses with
// the shell dpkg runs them with (dash on Debian).
func TestMaintainerScripts(t *testing.T) {
	scripts, _ := filepath.Glob("*/*inst")
	rm, _ := filepath.Glob("*/*rm")
	scripts = append(scripts, rm...)
	scripts = append(scripts, "terminal/kiosk-session", "terminal/fupinpos-kiosk", "voucherd/backup", "debversion.sh")
	if len(scripts) < 11 {
		t.Fatalf("found only %v", scripts)
	}
	for _, s := range scripts {
		if out, err := run(nil, "sh", "-n", s); err != nil {
			t.Errorf("sh -n %s: %v\n%s", s, err, out)
		}
	}
}

// entry is one line of dpkg-deb -c.
type entry struct{ mode, owner, target string }

func contents(t *testing.T, deb string) map[string]entry {
	t.Helper()
	m := map[string]entry{}
	for _, line := range strings.Split(strings.TrimSpace(must(t, "dpkg-deb", "-c", deb)), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 {
			t.Fatalf("dpkg-deb -c line %q", line)
		}
		e := entry{mode: f[0], owner: f[1]}
		if len(f) >= 8 && f[6] == "->" {
			e.target = f[7]
		}
		m[strings.TrimSuffix(f[5], "/")] = e
	}
	return m
}

func field(t *testing.T, deb, name string) string {
	t.Helper()
	return strings.TrimSpace(must(t, "dpkg-deb", "-f", deb, name))
}

// TestPackageContents: what each package holds, with which modes and
// owners, its control fields, conffiles, dependencies (every shared
// library the app loads comes from a package it depends on), and the
// release each binary prints.
func TestPackageContents(t *testing.T) {
	needDist(t)
	const exe, doc, link = "-rwxr-xr-x", "-rw-r--r--", "lrwxrwxrwx"
	want := map[string]map[string]string{
		terminalPkg: {
			"./usr/lib/fupinpos/fupinpos":                           exe,
			"./usr/lib/fupinpos/fupinpos-gb2312.ttf":                doc,
			"./usr/lib/fupinpos/kiosk-session":                      exe,
			"./usr/bin/fupinpos":                                    link,
			"./usr/bin/posctl":                                      exe,
			"./usr/sbin/fupinpos-kiosk":                             exe,
			"./usr/lib/systemd/user/fupinpos-kiosk.service":         doc,
			"./etc/xdg/autostart/fupinpos-kiosk.desktop":            doc,
			"./usr/share/applications/fupinpos.desktop":             doc,
			"./usr/share/icons/hicolor/scalable/apps/fupinpos.svg":  doc,
			"./usr/share/icons/hicolor/256x256/apps/fupinpos.png":   doc,
			"./lib/udev/rules.d/60-fupinpos.rules":                  doc,
			"./usr/share/doc/fupinpos-terminal/copyright":           doc,
			"./usr/share/doc/fupinpos-terminal/changelog.gz":        doc,
			"./usr/share/lintian/overrides/fupinpos-terminal":       doc,
			"./usr/share/doc/fupinpos-terminal/README.Debian":       doc,
			"./usr/share/man/man1/fupinpos.1.gz":                    doc,
			"./usr/share/man/man1/posctl.1.gz":                      doc,
			"./usr/share/man/man8/fupinpos-kiosk.8.gz":              doc,
			"./usr/share/metainfo/cn.fupinpos.counter.metainfo.xml": doc,
		},
		serverPkg: {
			"./usr/bin/voucherd":                           exe,
			"./usr/lib/voucherd/backup":                    exe,
			"./etc/voucherd/voucherd.conf":                 doc,
			"./lib/systemd/system/voucherd.service":        doc,
			"./lib/systemd/system/voucherd-backup.service": doc,
			"./lib/systemd/system/voucherd-backup.timer":   doc,
			"./usr/share/doc/voucherd/copyright":           doc,
			"./usr/share/doc/voucherd/changelog.gz":        doc,
			"./usr/share/lintian/overrides/voucherd":       doc,
			"./usr/share/doc/voucherd/README.Debian":       doc,
			"./usr/share/man/man8/voucherd.8.gz":           doc,
		},
	}
	wantConf := map[string][]string{
		terminalPkg: {"/etc/xdg/autostart/fupinpos-kiosk.desktop"},
		serverPkg:   {"/etc/voucherd/voucherd.conf"},
	}
	wantDeps := map[string][]string{
		terminalPkg: {"fonts-droid-fallback", "adduser", "init-system-helpers", "libc6", "libgl1", "libx11-6"},
		serverPkg:   {"adduser", "init-system-helpers"},
	}
	for _, pkg := range []string{terminalPkg, serverPkg} {
		t.Run(pkg, func(t *testing.T) {
			deb := debPath(pkg)
			st, err := os.Stat(deb)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %.1f MB", filepath.Base(deb), float64(st.Size())/1e6)
			for f, v := range map[string]string{"Package": pkg, "Version": debVersion, "Architecture": "amd64"} {
				if got := field(t, deb, f); got != v {
					t.Errorf("%s = %q, want %q", f, got, v)
				}
			}
			if got := field(t, deb, "Maintainer"); !strings.Contains(got, "@") {
				t.Errorf("Maintainer = %q", got)
			}
			deps := map[string]bool{}
			for _, d := range strings.Split(field(t, deb, "Depends"), ",") {
				deps[strings.Fields(d)[0]] = true
			}
			for _, d := range wantDeps[pkg] {
				if !deps[d] {
					t.Errorf("Depends lacks %s: %v", d, deps)
				}
			}
			// The font that draws Extension B characters of names (𠮷) on
			// receipts (escpos.GlyphFontPackage).
			if pkg == terminalPkg && !strings.Contains(field(t, deb, "Recommends"), "fonts-hanazono") {
				t.Errorf("Recommends = %q, want fonts-hanazono", field(t, deb, "Recommends"))
			}
			if pkg == serverPkg && deps["libc6"] {
				t.Errorf("voucherd is built without cgo: no libc6 dependency expected, got %v", deps)
			}
			c := contents(t, deb)
			for path, mode := range want[pkg] {
				if e, ok := c[path]; !ok {
					t.Errorf("missing %s", path)
				} else if e.mode != mode {
					t.Errorf("%s mode %s, want %s", path, e.mode, mode)
				}
			}
			for path, e := range c {
				if e.owner != "root/root" {
					t.Errorf("%s owned by %s", path, e.owner)
				}
				if e.mode[0] == 'd' && e.mode != "drwxr-xr-x" {
					t.Errorf("directory %s mode %s", path, e.mode)
				}
				if e.mode[0] == '-' && (e.mode[5] == 'w' || e.mode[8] == 'w') {
					t.Errorf("%s is group/world writable: %s", path, e.mode)
				}
			}
			if e := c["./usr/bin/fupinpos"]; pkg == terminalPkg && e.target != "../lib/fupinpos/fupinpos" {
				t.Errorf("/usr/bin/fupinpos -> %q", e.target)
			}
			// Every file under /etc is a conffile.
			ctl := t.TempDir()
			must(t, "dpkg-deb", "-e", deb, ctl)
			conf, _ := os.ReadFile(filepath.Join(ctl, "conffiles"))
			var etc []string
			for path, e := range c {
				if strings.HasPrefix(path, "./etc/") && e.mode[0] == '-' {
					etc = append(etc, path[1:])
				}
			}
			sort.Strings(etc)
			if got := strings.Fields(string(conf)); strings.Join(got, " ") != strings.Join(wantConf[pkg], " ") || strings.Join(etc, " ") != strings.Join(wantConf[pkg], " ") {
				t.Errorf("conffiles %v, files in /etc %v, want %v", got, etc, wantConf[pkg])
			}
			for _, s := range []string{"preinst", "postinst", "prerm", "postrm"} {
				st, err := os.Stat(filepath.Join(ctl, s))
				if pkg == serverPkg && s == "preinst" {
					continue
				}
				if err != nil || st.Mode().Perm() != 0o755 {
					t.Errorf("control %s: %v %v", s, st, err)
				}
			}

			root := t.TempDir()
			must(t, "dpkg-deb", "-x", deb, root)
			bins := map[string][]string{terminalPkg: {"usr/bin/posctl", "usr/bin/fupinpos"}, serverPkg: {"usr/bin/voucherd"}}[pkg]
			for _, b := range bins {
				out, err := run(nil, filepath.Join(root, b), "--version")
				if err != nil || (gitVersion != "" && !strings.Contains(out, gitVersion)) {
					t.Errorf("%s --version = %q, %v; want %s", b, out, err, gitVersion)
				}
			}
			for path := range want[pkg] {
				if _, ok := c[path]; ok && strings.HasPrefix(path, "./usr/share/man/") {
					checkManPage(t, filepath.Join(root, path))
				}
			}
			if pkg == terminalPkg {
				checkFont(t, filepath.Join(root, "usr/lib/fupinpos/fupinpos-gb2312.ttf"))
				checkLibs(t, filepath.Join(root, "usr/lib/fupinpos/fupinpos"), deps)
				checkPIE(t, filepath.Join(root, "usr/lib/fupinpos/fupinpos"))
				checkMetainfo(t, filepath.Join(root, "usr/share/metainfo/cn.fupinpos.counter.metainfo.xml"))
				for _, b := range []string{"usr/bin/posctl"} {
					if out := must(t, "file", "-L", filepath.Join(root, b)); !strings.Contains(out, "statically linked") {
						t.Errorf("%s is not static: %s", b, out)
					}
				}
				if _, err := exec.LookPath("desktop-file-validate"); err == nil {
					for _, d := range []string{"usr/share/applications/fupinpos.desktop", "etc/xdg/autostart/fupinpos-kiosk.desktop"} {
						if out, err := run(nil, "desktop-file-validate", filepath.Join(root, d)); err != nil {
							t.Errorf("desktop-file-validate %s: %v\n%s", d, err, out)
						}
					}
				}
			}
		})
	}
}

// checkManPage: a gzipped roff page whose .TH names its program and the
// section of its directory, with the sections a reader looks for.
func checkManPage(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	page, err := io.ReadAll(z)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	name := strings.TrimSuffix(filepath.Base(path), ".gz")                   // posctl.1
	prog, sec := name[:strings.LastIndex(name, ".")], filepath.Ext(name)[1:] // posctl, 1
	th := regexp.MustCompile(`(?m)^\.TH ([^ ]+) ([0-9]) `).FindSubmatch(page)
	if th == nil || strings.ReplaceAll(string(th[1]), `\-`, "-") != strings.ToUpper(prog) || string(th[2]) != sec ||
		filepath.Base(filepath.Dir(path)) != "man"+sec {
		t.Errorf("%s: .TH %q, want %s %s in man%s", path, th, strings.ToUpper(prog), sec, sec)
	}
	if !regexp.MustCompile(`(?m)^\.SH NAME\n` + regexp.QuoteMeta(prog) + ` \\- \S`).Match(page) {
		t.Errorf("%s: no NAME line %q", path, prog+` \- ...`)
	}
	for _, s := range []string{"SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "FILES", "SEE ALSO"} {
		if !bytes.Contains(page, []byte("\n.SH "+s+"\n")) {
			t.Errorf("%s: no %s section", path, s)
		}
	}
}

// checkPIE: the app is a position-independent executable (ELF type DYN
// with a program interpreter), for address-space layout randomisation.
func checkPIE(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	interp := false
	for _, p := range f.Progs {
		interp = interp || p.Type == elf.PT_INTERP
	}
	if f.Type != elf.ET_DYN || !interp {
		t.Errorf("%s: ELF type %v, interpreter %v; want a PIE (ET_DYN with PT_INTERP)", path, f.Type, interp)
	}
}

// checkMetainfo: the AppStream file names the app's desktop entry and
// announces the USB classes of the udev rules' devices; appstreamcli (when
// installed) finds nothing to say.
func checkMetainfo(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<launchable type="desktop-id">fupinpos.desktop</launchable>`,
		`<modalias>usb:v*p*d*dc*dsc*dp*ic07isc01ip*in*</modalias>`, // printer class: /dev/usb/lp*
		`<modalias>usb:v*p*d*dc*dsc*dp*ic02isc02ip*in*</modalias>`, // CDC-ACM: /dev/ttyACM*
		`<release version="` + debVersion + `" date="`,
	} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("metainfo lacks %s", want)
		}
	}
	if _, err := exec.LookPath("appstreamcli"); err != nil {
		t.Error("appstreamcli is not installed (make dist-deps)")
		return
	}
	if out, err := run(nil, "appstreamcli", "validate", "--pedantic", "--no-net", "--no-color", path); err != nil || !strings.Contains(out, "Validation was successful.") {
		t.Errorf("appstreamcli validate: %v\n%s", err, out)
	}
}

// fsType returns the OS/2 table's embedding bits of a TrueType font.
func fsType(font []byte) (uint16, bool) {
	if len(font) < 12 {
		return 0, false
	}
	n := int(binary.BigEndian.Uint16(font[4:]))
	for i := 0; i < n && 12+16*i+16 <= len(font); i++ {
		rec := font[12+16*i:]
		if string(rec[:4]) == "OS/2" {
			off := int(binary.BigEndian.Uint32(rec[8:]))
			if off+10 > len(font) {
				return 0, false
			}
			return binary.BigEndian.Uint16(font[off+8:]), true
		}
	}
	return 0, false
}

// checkFont: the font is the generated GB2312 subset, not a copy of the
// packaged full face, and permits installable embedding (OS/2 fsType 0:
// the face is Apache-2.0, which allows it).
func checkFont(t *testing.T, path string) {
	t.Helper()
	sub, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(sub) < 200_000 || len(sub) > 2_000_000 || !bytes.HasPrefix(sub, []byte{0, 1, 0, 0}) {
		t.Errorf("subset font: %d bytes, starts % x; want a 0.2–2 MB TrueType file", len(sub), sub[:4])
	}
	if full, err := os.ReadFile(fullFont); err == nil && sha256.Sum256(full) == sha256.Sum256(sub) {
		t.Errorf("the package holds a copy of %s, not the subset", fullFont)
	}
	if fs, ok := fsType(sub); !ok || fs != 0 {
		t.Errorf("subset font fsType %#x (found %v), want 0: installable embedding (make font)", fs, ok)
	}
}

// checkLibs: each library the app needs (ELF NEEDED) belongs to a package
// named in Depends.
func checkLibs(t *testing.T, bin string, deps map[string]bool) {
	t.Helper()
	var libs []string
	for _, line := range strings.Split(must(t, "objdump", "-p", bin), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "NEEDED" {
			libs = append(libs, f[1])
		}
	}
	if len(libs) < 3 {
		t.Fatalf("fupinpos NEEDED %v: want libGL, libX11, libc …", libs)
	}
	for _, lib := range libs {
		out, _ := run(nil, "dpkg", "-S", "*/"+lib)
		var owners []string
		for _, line := range strings.Split(out, "\n") {
			pkgs, path, ok := strings.Cut(line, ": ")
			if !ok || filepath.Base(path) != lib {
				continue
			}
			for _, p := range strings.Split(pkgs, ", ") {
				owners = append(owners, strings.Split(p, ":")[0])
			}
		}
		found := false
		for _, o := range owners {
			found = found || deps[o]
		}
		if !found {
			t.Errorf("fupinpos needs %s (from %v), not in Depends", lib, owners)
		}
	}
}

// TestLintian: lintian finds no error and no warning in either package.
// The few tags overridden (usr/share/lintian/overrides, each with the
// reason beside it) are not counted; an override that no longer matches
// anything is a failure too, so the list cannot go stale.
func TestLintian(t *testing.T) {
	needDist(t)
	if _, err := exec.LookPath("lintian"); err != nil {
		t.Fatal("lintian is not installed (make dist-deps)")
	}
	out, _ := run(nil, "lintian", "--tag-display-limit", "0", "--display-info", debPath(terminalPkg), debPath(serverPkg))
	var errs, warns int
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "E: "):
			errs++
			t.Error(line)
		case strings.HasPrefix(line, "W: "):
			warns++
			t.Error(line)
		case strings.Contains(line, " unused-override "), strings.Contains(line, " mismatched-override "):
			t.Error(line)
		case line != "":
			t.Log(line)
		}
	}
	t.Logf("lintian: %d errors, %d warnings", errs, warns)
}

// install installs a package (its dependencies from apt when dpkg lacks
// them) and purges it at the end; the users and data directories it made
// are removed then too, unless they were there before.
func install(t *testing.T, pkg, usr string, dirs ...string) {
	t.Helper()
	if out, err := run(nil, "dpkg-query", "-W", "-f", "${Status}", pkg); err == nil && strings.Contains(out, "installed") {
		t.Fatalf("%s is already installed here (%s): purge it first (dpkg --purge %s)", pkg, out, pkg)
	}
	_, noUser := user.Lookup(usr) // made by the package: removed at the end
	for _, d := range dirs {
		if _, err := os.Stat(d); err == nil {
			t.Fatalf("%s exists on this machine: test-dist will not touch it", d)
		}
	}
	t.Cleanup(func() {
		out, err := run(nil, "dpkg", "--purge", pkg)
		if err != nil {
			t.Errorf("dpkg --purge %s: %v\n%s", pkg, err, out)
		}
		if out, _ := run(nil, "dpkg-query", "-W", "-f", "${Status}", pkg); strings.Contains(out, "installed") {
			t.Errorf("%s still installed after purge: %s", pkg, out)
		}
		for _, d := range dirs {
			if _, err := os.Stat(d); err != nil {
				t.Errorf("purge removed %s: the data must be kept", d)
			}
			os.RemoveAll(d)
		}
		if noUser != nil {
			run(nil, "deluser", "--quiet", "--remove-home", usr)
			run(nil, "delgroup", "--quiet", usr)
		}
	})
	out, err := run([]string{"DEBIAN_FRONTEND=noninteractive"}, "dpkg", "-i", debPath(pkg))
	if err != nil {
		t.Logf("dpkg -i: %v\n%s\ntrying apt-get install for the dependencies", err, out)
		out, err = run([]string{"DEBIAN_FRONTEND=noninteractive"}, "apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q", debPath(pkg))
		if err != nil {
			t.Fatalf("apt-get install %s: %v\n%s", pkg, err, out)
		}
	}
	t.Logf("installed %s:\n%s", pkg, out)
}

// statOf returns owner, group and permissions of a path.
func statOf(t *testing.T, path string) string {
	t.Helper()
	return strings.TrimSpace(must(t, "stat", "-c", "%U:%G %a", path))
}

// unitValues reads a systemd unit's Key=value settings (repeated keys
// keep every value in order).
func unitValues(t *testing.T, path string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' || line[0] == '[' {
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		m[k] = append(m[k], v)
	}
	return m
}

// envFile reads an EnvironmentFile: KEY=value lines.
func envFile(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: bad line %q", path, line)
		}
		m[k] = v
	}
	return m
}

// execArgs splits ExecStart into words and expands ${VAR} as systemd does
// for a variable inside a word.
func execArgs(line string, env map[string]string) []string {
	var args []string
	for _, w := range strings.Fields(line) {
		args = append(args, os.Expand(w, func(k string) string { return env[k] }))
	}
	return args
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// asUser runs argv as the user (setpriv: its uid, gid and groups, no new
// privileges, umask 077 as the units' UMask=) with exactly env.
func asUser(usr string, env map[string]string, argv ...string) *exec.Cmd {
	args := append([]string{"--reuid", usr, "--regid", usr, "--init-groups", "--no-new-privs", "--",
		"sh", "-c", `umask 077; exec "$@"`, "sh"}, argv...)
	cmd := exec.Command("setpriv", args...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// TestServerPackage installs voucherd, checks what its postinst made, runs
// the technician's init step and then the unit's ExecStart as the unit's
// User with its EnvironmentFile (systemd is not PID 1 here), checks
// /healthz, runs the backup timer's service command three times keeping 2,
// verifies the units with systemd-analyze, and purges.
func TestServerPackage(t *testing.T) {
	needRoot(t)
	t.Cleanup(func() { // after the purge (cleanups run last first)
		for _, l := range []string{"/etc/systemd/system/multi-user.target.wants/voucherd.service", "/etc/systemd/system/timers.target.wants/voucherd-backup.timer", "/etc/voucherd"} {
			if _, err := os.Lstat(l); !os.IsNotExist(err) {
				t.Errorf("purge left %s", l)
			}
		}
		if out, _ := run(nil, "dpkg-statoverride", "--list", "/etc/voucherd/voucherd.conf"); out != "" {
			t.Errorf("purge left the statoverride %s", out)
		}
	})
	install(t, serverPkg, "voucherd", "/var/lib/voucherd", "/var/backups/voucherd")

	u, err := user.Lookup("voucherd")
	if err != nil {
		t.Fatal(err)
	}
	if uid, _ := strconv.Atoi(u.Uid); uid >= 1000 || uid == 0 {
		t.Errorf("voucherd uid %s: want a system user", u.Uid)
	}
	if pw := strings.TrimSpace(must(t, "getent", "passwd", "voucherd")); !strings.HasSuffix(pw, ":/var/lib/voucherd:/usr/sbin/nologin") {
		t.Errorf("passwd entry %q", pw)
	}
	for path, want := range map[string]string{
		"/var/lib/voucherd":           "voucherd:voucherd 700",
		"/var/backups/voucherd":       "voucherd:voucherd 700",
		"/etc/voucherd/voucherd.conf": "root:voucherd 640",
	} {
		if got := statOf(t, path); got != want {
			t.Errorf("%s: %s, want %s", path, got, want)
		}
	}
	for _, l := range []string{"/etc/systemd/system/multi-user.target.wants/voucherd.service", "/etc/systemd/system/timers.target.wants/voucherd-backup.timer"} {
		if target, err := os.Readlink(l); err != nil || !strings.HasPrefix(target, "/lib/systemd/system/") {
			t.Errorf("enabled: %s -> %q, %v", l, target, err)
		}
	}

	unitDir := "/lib/systemd/system"
	units := []string{"voucherd.service", "voucherd-backup.service", "voucherd-backup.timer"}
	unit := unitValues(t, filepath.Join(unitDir, "voucherd.service"))
	for k, want := range map[string]string{
		"User": "voucherd", "Group": "voucherd", "ProtectSystem": "strict", "NoNewPrivileges": "yes",
		"ProtectHome": "yes", "PrivateTmp": "yes", "CapabilityBoundingSet": "", "StateDirectory": "voucherd",
		"ReadWritePaths": "/var/lib/voucherd", "EnvironmentFile": "/etc/voucherd/voucherd.conf",
		"ConditionPathExists": "/var/lib/voucherd/root.key",
	} {
		if got := unit[k]; len(got) != 1 || got[0] != want {
			t.Errorf("voucherd.service %s=%q, want %q", k, got, want)
		}
	}

	if _, err := exec.LookPath("systemd-analyze"); err == nil {
		paths := make([]string, len(units))
		for i, n := range units {
			paths[i] = filepath.Join(unitDir, n)
		}
		out, err := run(nil, "systemd-analyze", append([]string{"verify", "--man=no"}, paths...)...)
		if err != nil || strings.TrimSpace(out) != "" {
			t.Errorf("systemd-analyze verify: %v\n%s", err, out)
		}
		out, err = run(nil, "systemd-analyze", "security", "--offline=true", "--threshold=25", "--no-pager", filepath.Join(unitDir, "voucherd.service"))
		if m := regexp.MustCompile(`Overall exposure level for voucherd.service: ([0-9.]+)`).FindStringSubmatch(out); m == nil {
			t.Errorf("systemd-analyze security: %v\n%s", err, out)
		} else {
			t.Logf("systemd-analyze security: exposure %s (0 = most protected, 10 = unprotected)", m[1])
			if x, _ := strconv.ParseFloat(m[1], 64); x > 2.5 {
				t.Errorf("exposure %s, want ≤ 2.5", m[1])
			}
		}
	} else {
		t.Error("systemd-analyze is not installed (make dist-deps)")
	}

	// The technician's step (README.Debian).
	out := must(t, "runuser", "-u", "voucherd", "--", "/usr/bin/voucherd", "init", "--data", "/var/lib/voucherd")
	if !strings.Contains(out, "根密钥指纹：") { // LANG=C.UTF-8: Chinese
		t.Fatalf("voucherd init:\n%s", out)
	}
	if got := statOf(t, "/var/lib/voucherd/root.key"); !strings.HasPrefix(got, "voucherd:voucherd 6") {
		t.Errorf("root.key %s", got)
	}

	// The unit's command, as the unit's user, with its environment file.
	env := envFile(t, unit["EnvironmentFile"][0])
	for _, k := range []string{"VOUCHERD_LISTEN", "VOUCHERD_CERT", "VOUCHERD_KEY", "VOUCHERD_DB", "VOUCHERD_LOG_FORMAT", "VOUCHERD_BACKUP_KEEP"} {
		if _, ok := env[k]; !ok {
			t.Errorf("voucherd.conf has no %s", k)
		}
	}
	if env["VOUCHERD_LISTEN"] != "127.0.0.1:8443" {
		t.Errorf("default listen %q", env["VOUCHERD_LISTEN"])
	}
	port := freePort(t)
	env["VOUCHERD_LISTEN"] = fmt.Sprintf("127.0.0.1:%d", port)
	argv := execArgs(unit["ExecStart"][0], env)
	t.Logf("ExecStart as voucherd: %q", argv)
	srv := asUser(unit["User"][0], env, argv...)
	var log bytes.Buffer
	srv.Stdout, srv.Stderr = &log, &log
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			srv.Process.Kill()
			srv.Wait()
		}
	}()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	var body []byte
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("/healthz %d %s", resp.StatusCode, body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz: %v\nserver log:\n%s", err, log.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(string(body), `"ok"`) {
		t.Errorf("/healthz body %s", body)
	}
	if st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", srv.Process.Pid)); err == nil {
		if m := regexp.MustCompile(`(?m)^Uid:\s+(\d+)\s+(\d+)`).FindStringSubmatch(string(st)); m == nil || m[1] != u.Uid || m[2] != u.Uid {
			t.Errorf("server runs as uid %v, want voucherd (%s)", m, u.Uid)
		}
		if !regexp.MustCompile(`(?m)^NoNewPrivs:\s+1`).Match(st) {
			t.Errorf("server without no_new_privs")
		}
	}

	// The backup service's command, three times, keeping 2.
	backup := unitValues(t, filepath.Join(unitDir, "voucherd-backup.service"))
	benv := envFile(t, backup["EnvironmentFile"][0])
	benv["VOUCHERD_BACKUP_KEEP"] = "2"
	for i := range 3 {
		if i > 0 {
			time.Sleep(1100 * time.Millisecond) // one name a second
		}
		cmd := asUser(backup["User"][0], benv, backup["ExecStart"][0])
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "取自运行中的服务器") {
			t.Fatalf("backup %d: %v\n%s", i, err, out)
		}
		if i == 2 && !strings.Contains(string(out), "removed voucherd-") {
			t.Errorf("third backup removed nothing:\n%s", out)
		}
	}
	files, _ := filepath.Glob("/var/backups/voucherd/voucherd-*.db")
	if len(files) != 2 {
		t.Errorf("backups kept: %v, want 2", files)
	}
	for _, f := range files {
		if got := statOf(t, f); got != "voucherd:voucherd 600" {
			t.Errorf("%s: %s", f, got)
		}
	}
	benv["VOUCHERD_DB"] = "postgres://voucherd@db.example/voucherd"
	if out, err := asUser("voucherd", benv, backup["ExecStart"][0]).CombinedOutput(); err != nil || !strings.Contains(string(out), "nothing done") {
		t.Errorf("backup with PostgreSQL: %v\n%s", err, out)
	}
	if files2, _ := filepath.Glob("/var/backups/voucherd/voucherd-*.db"); len(files2) != 2 {
		t.Errorf("backup with PostgreSQL wrote a file: %v", files2)
	}

	// Stop as systemd does: SIGTERM.
	srv.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	select {
	case err := <-done:
		stopped = true
		if err != nil {
			t.Errorf("voucherd after SIGTERM: %v\n%s", err, log.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("voucherd did not stop within TimeoutStopSec\n%s", log.String())
	}
	if !strings.Contains(log.String(), "voucherd 已停止") {
		t.Errorf("server log:\n%s", log.String())
	}
	if _, err := os.Stat("/var/lib/voucherd/serve.url"); !os.IsNotExist(err) {
		t.Errorf("serve.url left behind: %v", err)
	}
}

// queued returns the terminal database's outbox count (posctl status).
func queued(t *testing.T) int {
	t.Helper()
	out := must(t, "runuser", "-u", "pos", "--", "/usr/bin/posctl", "status", "--db", terminalDB, "--json")
	var st struct {
		Queue struct {
			Count int `json:"count"`
		} `json:"queue"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("posctl status --json: %v\n%s", err, out)
	}
	return st.Queue.Count
}

// repack writes a copy of the terminal package with version v: the
// "newer release" an upgrade installs.
func repack(t *testing.T, v string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pkg")
	must(t, "dpkg-deb", "-R", debPath(terminalPkg), dir)
	ctl := filepath.Join(dir, "DEBIAN/control")
	data, _ := os.ReadFile(ctl)
	data = regexp.MustCompile(`(?m)^Version: .*$`).ReplaceAll(data, []byte("Version: "+v))
	os.WriteFile(ctl, data, 0o644)
	out := filepath.Join(t.TempDir(), terminalPkg+"_"+v+"_amd64.deb")
	must(t, "dpkg-deb", "--root-owner-group", "-Znone", "--build", dir, out)
	return out
}

func installedVersion(t *testing.T) string {
	t.Helper()
	out, _ := run(nil, "dpkg-query", "-W", "-f", "${Version} ${Status}", terminalPkg)
	return strings.TrimSpace(out)
}

// appStarts runs the installed app as pos on an Xvfb display, as the kiosk
// unit runs it: its window shows and its control socket appears (it opened
// the database); SIGTERM, the unit's stop, ends it cleanly (exit 0, the
// socket removed) within TimeoutStopSec.
func appStarts(t *testing.T) {
	t.Helper()
	for _, p := range []string{"Xvfb", "xdotool"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Errorf("%s is not installed (make deps): the packaged app was not started", p)
			return
		}
	}
	display := ""
	for n := 150; n < 200 && display == ""; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		x := exec.Command("Xvfb", fmt.Sprintf(":%d", n), "-screen", "0", "1024x768x24", "-nolisten", "tcp")
		if err := x.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { x.Process.Kill(); x.Wait() })
		for i := 0; i < 100 && display == ""; i++ {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				display = fmt.Sprintf(":%d", n)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if display == "" {
			x.Process.Kill()
		}
	}
	if display == "" {
		t.Fatal("no Xvfb display could be started")
	}
	ctl := terminalDB + ".ctl"
	app := asUser("pos", map[string]string{"DISPLAY": display, "HOME": "/home/pos"}, "/usr/bin/fupinpos", "--db", terminalDB)
	var log bytes.Buffer
	app.Stdout, app.Stderr = &log, &log
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Wait() }()
	out, err := run([]string{"DISPLAY=" + display}, "timeout", "60", "xdotool", "search", "--sync", "--onlyvisible", "--name", ".")
	if err != nil {
		t.Errorf("no window of the packaged app: %v %s\napp log:\n%s", err, out, log.String())
	}
	for i := 0; i < 300; i++ {
		if st, err := os.Stat(ctl); err == nil && st.Mode()&os.ModeSocket != 0 {
			break
		} else if i == 299 {
			t.Errorf("no control socket %s after 30 s: %v\napp log:\n%s", ctl, err, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	app.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the app stopped on SIGTERM with %v (want a clean exit)\n%s", err, log.String())
		}
	case <-time.After(15 * time.Second):
		app.Process.Kill()
		<-done
		t.Errorf("the app did not stop within 15 s of SIGTERM\n%s", log.String())
	}
	// SIGTERM closes the window and the app cleans up: no socket is left.
	if _, err := os.Stat(ctl); err == nil {
		t.Errorf("the control socket %s is left after SIGTERM", ctl)
		os.Remove(ctl)
	}
}

// TestTerminalPackage installs fupinpos-terminal and checks the pos user,
// its groups, the data directory, udev rules, the kiosk unit and autostart;
// then provisions a terminal and upgrades: with the outbox empty it
// proceeds, with 2 sales queued it is refused and says 2, with the flag
// file or FUPINPOS_FORCE_UPGRADE=1 it proceeds and the sales stay queued.
func TestTerminalPackage(t *testing.T) {
	needRoot(t)
	install(t, terminalPkg, "pos", "/var/lib/fupinpos")

	u, err := user.Lookup("pos")
	if err != nil {
		t.Fatal(err)
	}
	if uid, _ := strconv.Atoi(u.Uid); uid < 1000 {
		t.Errorf("pos uid %s: want a regular account that display managers log in", u.Uid)
	}
	if pw := strings.TrimSpace(must(t, "getent", "passwd", "pos")); !strings.HasSuffix(pw, ":/home/pos:/bin/bash") {
		t.Errorf("passwd entry %q", pw)
	}
	if f := strings.Fields(must(t, "passwd", "-S", "pos")); len(f) < 2 || f[1] != "L" {
		t.Errorf("passwd -S pos = %v: want a locked password", f)
	}
	groups := " " + strings.TrimSpace(must(t, "id", "-nG", "pos")) + " "
	for _, g := range []string{"dialout", "lp"} {
		if !strings.Contains(groups, " "+g+" ") {
			t.Errorf("pos groups%s lack %s", groups, g)
		}
	}
	if got := statOf(t, "/var/lib/fupinpos"); got != "pos:pos 750" {
		t.Errorf("/var/lib/fupinpos: %s, want pos:pos 750", got)
	}
	rules, _ := os.ReadFile("/lib/udev/rules.d/60-fupinpos.rules")
	for _, want := range []string{
		`SUBSYSTEM=="tty", KERNEL=="ttyUSB[0-9]*|ttyACM[0-9]*", GROUP="dialout", MODE="0660", TAG+="uaccess"`,
		`SUBSYSTEM=="usbmisc", KERNEL=="lp[0-9]*", GROUP="lp", MODE="0660", TAG+="uaccess"`,
	} {
		if !strings.Contains(string(rules), want) {
			t.Errorf("udev rules lack %s", want)
		}
	}
	kiosk := unitValues(t, "/usr/lib/systemd/user/fupinpos-kiosk.service")
	for k, want := range map[string]string{
		"ExecStart":             "/usr/bin/fupinpos --fullscreen --db " + terminalDB,
		"Restart":               "always",
		"ConditionUser":         "pos",
		"StartLimitIntervalSec": "0",
	} {
		if got := kiosk[k]; len(got) != 1 || got[0] != want {
			t.Errorf("fupinpos-kiosk.service %s=%q, want %q", k, got, want)
		}
	}
	if out, err := run(nil, "systemd-analyze", "verify", "--man=no", "/usr/lib/systemd/user/fupinpos-kiosk.service"); err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("systemd-analyze verify kiosk unit: %v\n%s", err, out)
	}
	auto, _ := os.ReadFile("/etc/xdg/autostart/fupinpos-kiosk.desktop")
	if !strings.Contains(string(auto), "Exec=/usr/lib/fupinpos/kiosk-session\n") {
		t.Errorf("autostart entry:\n%s", auto)
	}
	// Another user's login starts no kiosk: the session script returns at once.
	if out, err := run(nil, "timeout", "10", "runuser", "-u", "nobody", "--", "/usr/lib/fupinpos/kiosk-session"); err != nil {
		t.Errorf("kiosk-session for nobody: %v\n%s", err, out)
	}
	if out := must(t, "/usr/bin/fupinpos", "--version"); gitVersion != "" && !strings.Contains(out, gitVersion) {
		t.Errorf("fupinpos --version %q", out)
	}

	// A provisioned terminal: a server data directory made by the
	// packaged voucherd, its trust bundle installed as the pos user.
	vroot := t.TempDir()
	must(t, "dpkg-deb", "-x", debPath(serverPkg), vroot)
	v := filepath.Join(vroot, "usr/bin/voucherd")
	srv := filepath.Join(t.TempDir(), "server")
	must(t, v, "init", "--data", srv, "--demo")
	must(t, v, "issue", "--data", srv, "--campaign", "2020", "--unit", "1001", "--member", "M-0001", "--value", "10000", "--count", "2", "--out", srv+"/codes.csv")
	pub, err := os.MkdirTemp("", "fupinpos-dist-") // readable by pos (t.TempDir's parent is not)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(pub) })
	os.Chmod(pub, 0o755)
	must(t, v, "trust", "--data", srv, "--out", pub+"/bundle.json")
	must(t, "install", "-m", "0644", srv+"/root.pub", pub+"/root.pub")
	os.Chmod(pub+"/bundle.json", 0o644)
	asPos := func(args ...string) string {
		t.Helper()
		return must(t, "runuser", append([]string{"-u", "pos", "--", "/usr/bin/posctl"}, args...)...)
	}
	asPos("provision", "--db", terminalDB, "--trust", pub+"/bundle.json", "--root-key", pub+"/root.pub",
		"--store", "HF-001", "--store-name", "合肥百货大楼", "--terminal", "T01")
	asPos("user", "add", "--db", terminalDB, "--id", "1001", "--name", "王芳", "--role", "cashier", "--pin", "2468")
	if got := statOf(t, terminalDB); !strings.HasPrefix(got, "pos:pos ") {
		t.Errorf("%s: %s", terminalDB, got)
	}
	if n := queued(t); n != 0 {
		t.Fatalf("fresh terminal has %d queued", n)
	}

	// The packaged app (a PIE) starts on this database.
	appStarts(t)

	// Empty outbox: the upgrade proceeds.
	v1 := debVersion + "+t1"
	out, err := run(nil, "dpkg", "-i", repack(t, v1))
	if err != nil || !strings.Contains(out, "outbox empty, upgrading") {
		t.Fatalf("upgrade with an empty outbox: %v\n%s", err, out)
	}
	if got := installedVersion(t); got != v1+" install ok installed" {
		t.Fatalf("after upgrade: %s", got)
	}

	// Two sales waiting: refused, with the count, nothing changed.
	codes, _ := os.ReadFile(srv + "/codes.csv")
	lines := strings.Split(strings.TrimSpace(string(codes)), "\n")
	if len(lines) != 3 {
		t.Fatalf("codes.csv:\n%s", codes)
	}
	for _, line := range lines[1:] {
		f := strings.Split(line, ",")
		asPos("redeem", "--db", terminalDB, "--cashier", "1001", "--item", "DS-PEAR-5:2", "--method", "wechat", f[4])
	}
	if n := queued(t); n != 2 {
		t.Fatalf("queued after 2 sales: %d", n)
	}
	v2 := debVersion + "+t2"
	deb2 := repack(t, v2)
	out, err = run(nil, "dpkg", "-i", deb2)
	if err == nil || !strings.Contains(out, "upgrade refused: 2 sales are waiting for upload") {
		t.Fatalf("upgrade with 2 queued sales: %v\n%s", err, out)
	}
	t.Logf("refusal:\n%s", out)
	if got := installedVersion(t); got != v1+" install ok installed" {
		t.Errorf("after the refusal: %s, want %s installed", got, v1)
	}
	if n := queued(t); n != 2 {
		t.Errorf("queued after the refusal: %d", n)
	}

	// Forced with the flag file: proceeds, the flag is gone, the sales stay.
	must(t, "touch", "/var/lib/fupinpos/force-upgrade")
	out, err = run(nil, "dpkg", "-i", deb2)
	if err != nil || !strings.Contains(out, "2 sales are waiting for upload; upgrading anyway (forced)") {
		t.Fatalf("forced upgrade (flag file): %v\n%s", err, out)
	}
	if got := installedVersion(t); got != v2+" install ok installed" {
		t.Errorf("after the forced upgrade: %s", got)
	}
	if _, err := os.Stat("/var/lib/fupinpos/force-upgrade"); !os.IsNotExist(err) {
		t.Errorf("force-upgrade flag left behind: %v", err)
	}

	// Forced from the environment.
	v3 := debVersion + "+t3"
	out, err = run([]string{"FUPINPOS_FORCE_UPGRADE=1"}, "dpkg", "-i", repack(t, v3))
	if err != nil || !strings.Contains(out, "upgrading anyway (forced)") {
		t.Fatalf("forced upgrade (FUPINPOS_FORCE_UPGRADE=1): %v\n%s", err, out)
	}
	if got := installedVersion(t); got != v3+" install ok installed" {
		t.Errorf("after the forced upgrade: %s", got)
	}
	if n := queued(t); n != 2 {
		t.Errorf("queued after the forced upgrades: %d, want the 2 sales kept", n)
	}

	// The app holds the database (started by hand, outside the kiosk
	// unit): the outbox cannot be read, and that refuses too.
	db, err := bolt.Open(terminalDB, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	v4 := debVersion + "+t4"
	deb4 := repack(t, v4)
	out, err = run(nil, "dpkg", "-i", deb4)
	db.Close()
	if err == nil || !strings.Contains(out, "upgrade refused: cannot read the outbox of "+terminalDB) {
		t.Errorf("upgrade while the database is held: %v\n%s", err, out)
	}
	t.Logf("refusal while the database is held:\n%s", out)

	// A posctl whose status has the plain "outbox" field: that count wins.
	os.Rename("/usr/bin/posctl", "/usr/bin/posctl.real")
	os.WriteFile("/usr/bin/posctl", []byte("#!/bin/sh\necho '{\"outbox\": 5,\n \"queue\": {\"count\": 2}}'\n"), 0o755)
	out, err = run(nil, "dpkg", "-i", deb4)
	os.Rename("/usr/bin/posctl.real", "/usr/bin/posctl")
	if err == nil || !strings.Contains(out, "upgrade refused: 5 sales are waiting") {
		t.Errorf("upgrade with outbox 5: %v\n%s", err, out)
	}
	if got := installedVersion(t); got != v3+" install ok installed" {
		t.Errorf("after the refusals: %s, want %s", got, v3)
	}
}
