package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"fupinpos/assets/assetstest"
)

// TestCLIFollowsLANG: what voucherd tells a person about how to call it —
// its usage, a command's help, flag parse errors and usage errors, each
// followed by the hint to run the command's --help — is in the language of
// LANG, and a usage error exits 2.
func TestCLIFollowsLANG(t *testing.T) {
	data := filepath.Join(t.TempDir(), "server") // never opened: every case is refused before
	type want struct {
		code   int
		stdout []string // parts of stdout, in order
		stderr string   // all of stderr; a flag error's first line may go on (its wording is flags.go's)
	}
	for _, lang := range []struct {
		name string
		// one want per case below, in the same order
		wants []want
	}{
		{"zh_CN.UTF-8", []want{
			{0, []string{"voucherd — fupinpos 中心服务器与管理命令行工具\n\n命令：\n", "发放签名的消费券", "\n运行 \"voucherd COMMAND --help\" 查看该命令的选项。\n"}, ""},
			{2, nil, "voucherd issue: 没有选项 --bogus\n运行 voucherd issue --help 查看全部选项\n"},
			{2, nil, "voucherd issue: 选项 --count 的值 \"x\" 无效：格式不对\n运行 voucherd issue --help 查看全部选项\n"},
			{2, nil, "voucherd serve: --cert 与 --key 须同时给出\n运行 voucherd serve --help 查看全部选项\n"},
			{2, nil, "voucherd terminal add: 缺少必需的选项 --store\n运行 voucherd terminal add --help 查看全部选项\n"},
			{2, nil, "voucherd settle verify: 须给出文件夹 DIR，并给出 --data 或 --root-key 之一\n运行 voucherd settle verify --help 查看全部选项\n"},
			{2, nil, "voucherd terminal: 没有命令“terminal remove”（可用 add、list、disable）\n运行 voucherd --help 查看全部选项\n"},
			{0, []string{"用法：voucherd issue [选项]\n", "  --campaign ID\n", "（默认 2020）", "  --count ", "  --data DIR\n", "  --member MEMBER\n"}, ""},
			{0, []string{"用法：voucherd catalogue import --data DIR", "  --dry-run\n", "  --sheet NAME\n", "\n导入扶贫产品清单：第一行为列标题"}, ""},
		}},
		{"en_US.UTF-8", []want{
			{0, []string{"voucherd — fupinpos central server and admin CLI\n\nCommands:\n", "issue signed vouchers", "\nRun \"voucherd COMMAND --help\" for a command's flags.\n"}, ""},
			{2, nil, "voucherd issue: no option --bogus\nrun voucherd issue --help for its options\n"},
			{2, nil, "voucherd issue: option --count: invalid value \"x\": parse error\nrun voucherd issue --help for its options\n"},
			{2, nil, "voucherd serve: --cert and --key go together\nrun voucherd serve --help for its options\n"},
			{2, nil, "voucherd terminal add: --store is required\nrun voucherd terminal add --help for its options\n"},
			{2, nil, "voucherd settle verify: want DIR and one of --data or --root-key\nrun voucherd settle verify --help for its options\n"},
			{2, nil, "voucherd terminal: unknown command \"terminal remove\" (add, list, disable)\nrun voucherd --help for its options\n"},
			{0, []string{"usage: voucherd issue [options]\n", "  --campaign ID\n", "(default 2020)", "  --count ", "  --data DIR\n", "  --member MEMBER\n"}, ""},
			{0, []string{"usage: voucherd catalogue import --data DIR", "  --dry-run\n", "  --sheet NAME\n", "\nLoads the eligible-product list: the first row"}, ""},
		}},
	} {
		t.Run(lang.name, func(t *testing.T) {
			t.Setenv("LANG", lang.name)
			for i, args := range [][]string{
				{"--help"},
				{"issue", "--bogus"},
				{"issue", "--data", data, "--count", "x"},
				{"serve", "--data", data, "--cert", "server.pem"},
				{"terminal", "add", "--data", data, "--name", "T01"},
				{"settle", "verify", "--data", data},
				{"terminal", "remove"},
				{"issue", "--help"},
				{"catalogue", "import", "--help"},
			} {
				w := lang.wants[i]
				var stdout, stderr bytes.Buffer
				code := run(args, &stdout, &stderr)
				if code != w.code {
					t.Errorf("voucherd %s: exit %d, want %d", strings.Join(args, " "), code, w.code)
				}
				got := stderr.String()
				if first, hint, ok := strings.Cut(w.stderr, "\n"); ok && strings.Contains(first, " --bogus") {
					// flag.err.undefined may add how to list the options
					if g1, g2, _ := strings.Cut(got, "\n"); strings.HasPrefix(g1, first) && g2 == hint {
						got = w.stderr
					}
				}
				if got != w.stderr {
					t.Errorf("voucherd %s: stderr\n%q\nwant\n%q", strings.Join(args, " "), stderr.String(), w.stderr)
				}
				if w.stdout == nil && stdout.Len() > 0 {
					t.Errorf("voucherd %s: stdout %q, want nothing", strings.Join(args, " "), stdout.String())
				}
				rest := stdout.String()
				for _, part := range w.stdout {
					k := strings.Index(rest, part)
					if k < 0 {
						t.Errorf("voucherd %s: stdout lacks %q (in order):\n%s", strings.Join(args, " "), part, stdout.String())
						break
					}
					rest = rest[k+len(part):]
				}
			}
			// An unknown command is said so, and the usage follows.
			var stdout, stderr bytes.Buffer
			if code := run([]string{"frobnicate"}, &stdout, &stderr); code != 2 || !strings.HasPrefix(stderr.String(), "voucherd: "+tr("voucherd.unknown_command", "cmd", "frobnicate")+"\n\n"+tr("voucherd.usage")) {
				t.Errorf("voucherd frobnicate: exit %d, stderr\n%s", code, stderr.String())
			}
			if want := map[string]string{"zh_CN.UTF-8": "没有命令“frobnicate”", "en_US.UTF-8": `unknown command "frobnicate"`}[lang.name]; !strings.Contains(stderr.String(), want) {
				t.Errorf("voucherd frobnicate: stderr lacks %q:\n%s", want, stderr.String())
			}
		})
	}
}

// TestFlagHelpInChinese: every command's flag help is in Chinese (each
// flag's description has Han characters), so a flag added without a
// translation fails here.
func TestFlagHelpInChinese(t *testing.T) {
	t.Setenv("LANG", "zh_CN.UTF-8")
	for _, c := range [][]string{
		{"init"}, {"migrate"}, {"issue"}, {"catalogue", "import"}, {"trust"}, {"serve"}, {"terminal", "add"},
		{"terminal", "list"}, {"terminal", "disable"}, {"report"}, {"incidents"}, {"incidents", "resolve"},
		{"settle"}, {"settle", "verify"}, {"alerts"}, {"revoke"}, {"backup"}, {"restore"},
	} {
		var out, errb bytes.Buffer
		if code := run(append(append([]string(nil), c...), "--help"), &out, &errb); code != 0 {
			t.Errorf("voucherd %s --help = %d: %s", strings.Join(c, " "), code, errb.String())
			continue
		}
		missing, flags := assetstest.UndescribedFlags(out.String())
		for _, f := range missing {
			t.Errorf("voucherd %s: %s has no Chinese description", strings.Join(c, " "), f)
		}
		if flags == 0 || !strings.HasPrefix(out.String(), "用法：") {
			t.Errorf("voucherd %s --help:\n%s", strings.Join(c, " "), out.String())
		}
	}
}
