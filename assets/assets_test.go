package assets

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"fupinpos/pos"
)

// errorCodes reads every E* string constant from pos/error.go, so a code
// added there without translations fails this test.
func errorCodes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../pos/error.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || !strings.HasPrefix(vs.Names[0].Name, "E") || len(vs.Values) != 1 {
			return true
		}
		if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, _ := strconv.Unquote(lit.Value)
			codes = append(codes, s)
		}
		return true
	})
	if len(codes) < 30 {
		t.Fatalf("found only %d error codes in pos/error.go", len(codes))
	}
	return codes
}

func TestEveryErrorCodeTranslated(t *testing.T) {
	for _, code := range errorCodes(t) {
		for _, l := range Languages {
			if !For(l).Has("error." + code) {
				t.Errorf("%s: no translation for error.%s", l, code)
			}
		}
	}
}

// TestLanguagesHaveSameKeys: every key is in both tables, except the flag
// descriptions, which are keyed by their English text (flags.go).
func TestLanguagesHaveSameKeys(t *testing.T) {
	var zh []string
	for _, k := range For("zh_Hans").Keys() {
		if !strings.HasPrefix(k, "flag.desc.") {
			zh = append(zh, k)
		}
	}
	en := For("en").Keys()
	sort.Strings(zh)
	sort.Strings(en)
	if strings.Join(zh, ",") != strings.Join(en, ",") {
		t.Fatalf("translation files differ in keys:\nzh=%v\nen=%v", zh, en)
	}
}

func TestMessages(t *testing.T) {
	err := pos.Errorf(pos.EALREADYREDEEMED, "x").With("time", "2020-08-01 10:00:00").With("receipt", "T01-000042")
	tests := []struct {
		lang string
		err  error
		want string
	}{
		{"zh_CN.UTF-8", err, "此券已于 2020-08-01 10:00:00 在本机使用，小票号 T01-000042"},
		{"en_US.UTF-8", err, "This voucher was used here at 2020-08-01 10:00:00, receipt T01-000042"},
		{"", pos.Errorf(pos.EBADSIGNATURE, "x"), "券码签名无效：伪造或被篡改的券，拒收"},
		{"en", errors.New("boom"), "Internal error"},
		{"en", pos.Errorf(pos.EEXPIRED, "x"), "Voucher expired (valid until )"},
		// A finer key says more than the general code; an unknown key
		// falls back to the code's message.
		{"zh_CN.UTF-8", pos.Errorf(pos.ECONFLICT, "x").With("user", "1001").Say("user_exists"), "用户 1001 已存在"},
		{"en", pos.Errorf(pos.ECONFLICT, "x").With("user", "1001").Say("user_exists"), "User 1001 already exists"},
		{"zh_CN.UTF-8", pos.Errorf(pos.ECONFLICT, "x").Say("no_such_key"), "数据冲突"},
	}
	for _, tt := range tests {
		if got := For(tt.lang).Error(tt.err); got != tt.want {
			t.Errorf("For(%q).Error(%v) = %q, want %q", tt.lang, tt.err, got, tt.want)
		}
	}
}

func TestDemoData(t *testing.T) {
	c, err := DemoCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Products) < 10 || c.ByEAN(c.Products[0].EAN) == nil {
		t.Fatalf("demo catalogue has %d products", len(c.Products))
	}
	camp, err := DemoCampaign()
	if err != nil {
		t.Fatal(err)
	}
	if camp.Cap != pos.Yuan(300) || pos.DayOf(camp.RedeemUntil) != "2020-10-31" || pos.DayOf(camp.IssueUntil) != "2020-08-31" {
		t.Fatalf("demo campaign %+v does not match the notice", camp)
	}
	units, err := DemoUnits()
	if err != nil || len(units) == 0 {
		t.Fatalf("demo units: %v %v", units, err)
	}
}

func TestIncident(t *testing.T) {
	zh := For("zh_Hans")
	tests := []struct{ reason, want string }{
		{"redeemed_elsewhere", zh.T("incident.redeemed_elsewhere", nil)},
		{"bad_signature", zh.T("incident.bad_signature", nil)},
		{"expired", zh.T("error.expired", nil)}, // no sentence of its own: the error message
	}
	for _, tt := range tests {
		if got := zh.Incident(tt.reason); got != tt.want || strings.HasPrefix(got, "incident.") || strings.HasPrefix(got, "error.") {
			t.Errorf("Incident(%q) = %q, want %q", tt.reason, got, tt.want)
		}
	}
}

// TestEverySaidKeyTranslated: every finer message key the code names with
// .Say("key") has a translation "error.<code>.key" in every language.
func TestEverySaidKeyTranslated(t *testing.T) {
	said := map[string]bool{}
	for _, root := range []string{"../pos", "../sync", "../device", "../cmd"} {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) == 0 {
					return true
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Say" {
					if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						k, _ := strconv.Unquote(lit.Value)
						said[k] = true
					}
				}
				return true
			})
			return nil
		})
	}
	if len(said) < 10 {
		t.Fatalf("found only %d .Say keys", len(said))
	}
	for _, l := range Languages {
		m := For(l)
		for k := range said {
			found := false
			for _, key := range m.Keys() {
				found = found || (strings.HasPrefix(key, "error.") && strings.HasSuffix(key, "."+k))
			}
			if !found {
				t.Errorf("%s: .Say(%q) has no error.<code>.%s translation", l, k, k)
			}
		}
	}
}
