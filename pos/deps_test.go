package pos_test

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The dependency rules of DESIGN §2, checked with `go list -deps` over the
// whole module (tests included), transitively. This test lives in package
// pos, which builds without cgo, so `CGO_ENABLED=0 go test ./pos` runs it;
// `go list` itself is asked with cgo on, so it sees the Fyne build.

const module = "fupinpos"

// fyneAllowed reports whether pkg may depend on fyne.io at all: only the
// screens (pos/ui and below) and the app (cmd/fupinpos).
func fyneAllowed(pkg string) bool {
	return pkg == module+"/pos/ui" || strings.HasPrefix(pkg, module+"/pos/ui/") || pkg == module+"/cmd/fupinpos"
}

// appAllowed reports whether pkg may depend on fyne.io/fyne/v2/app (the
// cgo driver): only the app.
func appAllowed(pkg string) bool { return pkg == module+"/cmd/fupinpos" }

// demoOnly are the packages the product binary must not contain: the
// device simulators and the pty library.
var demoOnly = []string{module + "/device/sim", "github.com/creack/pty"}

// violations lists the broken rules of the module's packages, given each
// package's transitive dependencies (go list's .Deps).
func violations(deps map[string][]string) []string {
	var out []string
	pkgs := make([]string, 0, len(deps))
	for p := range deps {
		pkgs = append(pkgs, p)
	}
	slices.Sort(pkgs)
	for _, pkg := range pkgs {
		if pkg != module && !strings.HasPrefix(pkg, module+"/") {
			continue
		}
		for _, d := range deps[pkg] {
			switch {
			case d == "fyne.io/fyne/v2/app" && !appAllowed(pkg):
				out = append(out, pkg+" depends on fyne.io/fyne/v2/app: only cmd/fupinpos may")
			case strings.HasPrefix(d, "fyne.io/") && !fyneAllowed(pkg):
				out = append(out, pkg+" depends on "+d+": only pos/ui and cmd/fupinpos may use Fyne")
			default:
				continue
			}
			break // one line per package is enough
		}
	}
	return out
}

// goList runs go list -deps style queries and returns, per package, its
// transitive dependencies. Test variants ("p [p.test]", "p_test", "p.test")
// count as p.
func goList(t *testing.T, args ...string) map[string][]string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	cmd := exec.Command("go", append([]string{"list", "-e", "-f", "{{.ImportPath}}\t{{join .Deps \" \"}}"}, args...)...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		pkg, ds, _ := strings.Cut(line, "\t")
		pkg, _, _ = strings.Cut(pkg, " ")
		pkg = strings.TrimSuffix(strings.TrimSuffix(pkg, ".test"), "_test")
		deps[pkg] = append(deps[pkg], strings.Fields(ds)...)
	}
	return deps
}

// TestFyneBoundary: only pos/ui, pos/ui/* and cmd/fupinpos depend on
// fyne.io, directly or through another package, in the product and the
// demo build, tests included; only cmd/fupinpos on fyne.io/fyne/v2/app.
func TestFyneBoundary(t *testing.T) {
	for _, tags := range []string{"", "demo"} {
		for _, v := range violations(goList(t, "-test", "-tags", tags, module+"/...")) {
			t.Errorf("tags %q: %s", tags, v)
		}
	}
}

// TestDomainIsStdlib: package pos depends on the standard library alone.
func TestDomainIsStdlib(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", module+"/pos")
	b, err := cmd.Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(b)) {
		if p != module+"/pos" {
			t.Errorf("pos depends on %s: the domain is stdlib only", p)
		}
	}
}

// TestDemoCodeNotInProduct: the product app links neither the device
// simulators nor the pty library; the demo build (-tags demo) does.
func TestDemoCodeNotInProduct(t *testing.T) {
	for _, tc := range []struct {
		tags string
		want bool
	}{{"", false}, {"demo", true}} {
		deps := goList(t, "-tags", tc.tags, module+"/cmd/fupinpos")[module+"/cmd/fupinpos"]
		for _, p := range demoOnly {
			if got := slices.Contains(deps, p); got != tc.want {
				t.Errorf("tags %q: cmd/fupinpos depends on %s: %v, want %v", tc.tags, p, got, tc.want)
			}
		}
	}
}

// TestViolations: the rules see a dependency through another package, a
// test-only one, and the app driver in the screens.
func TestViolations(t *testing.T) {
	for _, tc := range []struct {
		name string
		deps map[string][]string
		want int
	}{
		{"allowed", map[string][]string{
			"fupinpos/pos/ui":         {"fyne.io/fyne/v2", "fupinpos/pos"},
			"fupinpos/pos/ui/uitest":  {"fyne.io/fyne/v2/test"},
			"fupinpos/cmd/fupinpos":   {"fyne.io/fyne/v2/app", "fupinpos/pos/ui"},
			"fupinpos/device/escpos":  {"golang.org/x/text", "fupinpos/pos"},
			"fyne.io/fyne/v2/widget":  {"fyne.io/fyne/v2"},
			"github.com/some/library": {"fyne.io/fyne/v2/app"},
		}, 0},
		{"through another package", map[string][]string{
			"fupinpos/device/escpos": {"fupinpos/pos/ui", "fyne.io/fyne/v2"},
		}, 1},
		{"sibling of cmd/fupinpos", map[string][]string{"fupinpos/cmd/posctl": {"fyne.io/fyne/v2/canvas"}}, 1},
		{"app driver in the screens", map[string][]string{"fupinpos/pos/ui": {"fyne.io/fyne/v2/app"}}, 1},
	} {
		if got := violations(tc.deps); len(got) != tc.want {
			t.Errorf("%s: %d violations %v, want %d", tc.name, len(got), got, tc.want)
		}
	}
}
