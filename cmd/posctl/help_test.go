package main

import (
	"bytes"
	"sort"
	"strings"
	"testing"

	"fupinpos/assets/assetstest"
)

// posctlCommands is every command line of posctl that takes flags.
var posctlCommands = [][]string{
	{"provision"}, {"status"}, {"trust", "install"}, {"user", "add"}, {"user", "list"}, {"user", "unlock"},
	{"check"}, {"redeem"}, {"receipt"}, {"ledger", "list"}, {"ledger", "verify"}, {"ledger", "void"},
	{"ledger", "return"}, {"report", "day"}, {"backup"}, {"restore"}, {"ports"}, {"scan-test"},
	{"print-test"}, {"enroll"}, {"sync"}, {"incidents"}, {"settle", "verify"}, {"reconcile"},
}

// TestHelpInChinese: posctl's usage and every command's flag help are in
// Chinese (each flag's description has Han characters), and a flag added
// without a translation fails here. Every command is in the list.
func TestHelpInChinese(t *testing.T) {
	listed := map[string]bool{}
	for _, c := range posctlCommands {
		listed[c[0]] = true
	}
	var all []string
	for name := range commands() {
		all = append(all, name)
	}
	for name := range exitCommands {
		all = append(all, name)
	}
	sort.Strings(all)
	for _, name := range all {
		if !listed[name] {
			t.Errorf("posctl %s is not in posctlCommands", name)
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"--help"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "收银终端工具") || !strings.Contains(out.String(), "与中心服务器同步：") {
		t.Fatalf("posctl --help = %d:\n%s", code, out.String())
	}
	for _, c := range posctlCommands {
		var out, errb bytes.Buffer
		args := append(append([]string(nil), c...), "--help")
		if code := run(args, &out, &errb); code != 0 {
			t.Errorf("posctl %s --help = %d: %s", strings.Join(c, " "), code, errb.String())
			continue
		}
		help := out.String() + errb.String()
		if !strings.HasPrefix(help, "用法：") {
			t.Errorf("posctl %s --help does not start with 用法：\n%s", strings.Join(c, " "), help)
		}
		missing, flags := assetstest.UndescribedFlags(help)
		for _, f := range missing {
			t.Errorf("posctl %s: %s has no Chinese description", strings.Join(c, " "), f)
		}
		if flags == 0 {
			t.Errorf("posctl %s --help lists no flags:\n%s", strings.Join(c, " "), help)
		}
	}
}

// TestUsageErrorsInTheOperatorsLanguage: a usage error is one line in the
// language of LANG, the hint names the whole command, and the status is 2.
func TestUsageErrorsInTheOperatorsLanguage(t *testing.T) {
	for _, tc := range []struct {
		lang string
		args []string
		want []string
	}{
		{"zh_CN.UTF-8", []string{"status", "--bogus"}, []string{"posctl status: 没有选项 --bogus\n", "运行 posctl status --help 查看全部选项\n"}},
		{"zh_CN.UTF-8", []string{"report", "day", "--db", "x.db", "--date", "2020-13-01"}, []string{"posctl report day: --date：日期“2020-13-01”无效：应写作 YYYY-MM-DD", "运行 posctl report day --help"}},
		{"zh_CN.UTF-8", []string{"ledger", "verify", "--db"}, []string{"posctl ledger verify: 选项 --db 需要一个值\n"}},
		{"zh_CN.UTF-8", []string{"scan-test", "--count", "x"}, []string{`posctl scan-test: 选项 --count 的值 "x" 无效：格式不对`}},
		{"zh_CN.UTF-8", []string{"user", "add", "--db", "x.db"}, []string{"posctl user add: 缺少必需的选项 --id\n"}},
		{"zh_CN.UTF-8", []string{"user", "rename"}, []string{"posctl user: 没有命令 user rename\n"}},
		{"en_US.UTF-8", []string{"status", "--bogus"}, []string{"posctl status: no option --bogus\n", "run posctl status --help for its options\n"}},
		{"en_US.UTF-8", []string{"check", "--db", "x.db"}, []string{"posctl check: want exactly one CODE\n"}},
	} {
		t.Setenv("LANG", tc.lang)
		var out, errb bytes.Buffer
		code := run(tc.args, &out, &errb)
		if code != 2 {
			t.Errorf("%s %v: exit %d, want 2 (%s)", tc.lang, tc.args, code, errb.String())
		}
		for _, w := range tc.want {
			if !strings.Contains(errb.String(), w) {
				t.Errorf("%s %v: stderr %q lacks %q", tc.lang, tc.args, errb.String(), w)
			}
		}
		if out.Len() != 0 {
			t.Errorf("%s %v: a usage error printed the help: %q", tc.lang, tc.args, out.String())
		}
	}
}
