package assets

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
)

// The help and the parse errors of a flag set, in Chinese and in English.
func TestFlagsSpeakTheLanguage(t *testing.T) {
	zh := For("zh_Hans")
	zh.m["flag.desc.terminal database FILE"] = "终端数据库文件 FILE"
	defer delete(zh.m, "flag.desc.terminal database FILE")
	for _, tc := range []struct {
		lang string
		help []string
		errs map[string]string // args → worded error
	}{
		{"zh_Hans", []string{"用法：posctl status [选项]", "  --db FILE\n      终端数据库文件 FILE\n", "  --count N\n      how many N（默认 3）\n", "  --json\n      输出 JSON\n"},
			map[string]string{"--bogus": "没有选项 --bogus", "--db": "选项 --db 需要一个值", "--count=x": `选项 --count 的值 "x" 无效：格式不对`}},
		{"en", []string{"usage: posctl status [options]", "  --db FILE\n      terminal database FILE\n", "  --count N\n      how many N (default 3)\n"},
			map[string]string{"--bogus": "no option --bogus", "-json=maybe": `option --json: invalid value "maybe": parse error`}},
	} {
		m := For(tc.lang)
		newFS := func(w io.Writer) *flag.FlagSet {
			fs := flag.NewFlagSet("posctl status", flag.ContinueOnError)
			m.Flags(fs, w)
			fs.String("db", "", "terminal database `FILE`")
			fs.Int("count", 3, "how many `N`")
			fs.Bool("json", false, "print JSON")
			return fs
		}
		var help strings.Builder
		if err := m.Parse(newFS(&help), []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("%s: -h gave %v", tc.lang, err)
		}
		for _, want := range tc.help {
			if !strings.Contains(help.String(), want) {
				t.Errorf("%s: help lacks %q:\n%s", tc.lang, want, help.String())
			}
		}
		for args, want := range tc.errs {
			var out strings.Builder
			ue := m.Parse(newFS(&out), []string{args})
			if ue == nil {
				t.Fatalf("%s %s: parsed", tc.lang, args)
			}
			if ue.Error() != want || !errors.Is(ue, ErrUsage) {
				t.Errorf("%s %s: %q (usage error %v), want %q", tc.lang, args, ue.Error(), errors.Is(ue, ErrUsage), want)
			}
			if out.Len() != 0 {
				t.Errorf("%s %s: the flag set printed %q itself", tc.lang, args, out.String())
			}
		}
	}
}
