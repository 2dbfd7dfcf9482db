package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fupinpos/sync/server/pgtest"
)

// TestRefusalsSayWhat: refusals say what is wrong, in the language of
// LANG — never a sale's storage message nor an English file error (the
// English detail stays on the indented line under the message).
func TestRefusalsSayWhat(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "server")
	mustRun(t, 0, "init", "--data", data)
	missing := filepath.Join(tmp, "nonexist")
	garbage := filepath.Join(tmp, "garbage.db")
	os.WriteFile(garbage, []byte("not a database at all, not even close"), 0o600)
	url := pgtest.NewDatabase(t) // not migrated
	for _, tc := range []struct {
		args     []string
		exit     int
		zh, en   string
		lacksAll []string
	}{
		{[]string{"issue", "--data", data, "--unit", "1001", "--member", "M1", "--value", "100", "--now", "2020-09-01T00:00:00+08:00"}, 1,
			"不在发放期内：活动 2020年安徽省工会抗疫扶贫消费券 的消费券只能在 2020-07-10 至 2020-08-31（北京时间）发放，现在是 2020-09-01 00:00:00",
			"Outside the issue window", []string{"兑付"}},
		{[]string{"issue", "--data", missing, "--unit", "1001", "--member", "M1", "--value", "100"}, 1, "数据文件夹 " + missing + " 不存在", "Data folder " + missing + " does not exist", nil},
		{[]string{"trust", "--data", missing, "--out", filepath.Join(tmp, "b")}, 1, "数据文件夹 " + missing + " 不存在", "does not exist", nil},
		{[]string{"settle", "--data", missing, "--day", "2020-09-01", "--out", filepath.Join(tmp, "s")}, 1, "数据文件夹 " + missing + " 不存在", "does not exist", nil},
		{[]string{"report", "--data", missing, "--day", "2020-09-01"}, 1, "数据文件夹 " + missing + " 不存在", "does not exist", nil},
		{[]string{"incidents", "--data", missing}, 1, "数据文件夹 " + missing + " 不存在", "does not exist", nil},
		{[]string{"terminal", "list", "--data", missing}, 1, "数据文件夹 " + missing + " 不存在", "does not exist", nil},
		{[]string{"alerts", "--data", missing, "--day", "2020-09-01"}, 1, "数据文件夹 " + missing + " 不存在", "does not exist", nil},
		{[]string{"backup", "--data", missing, "--out", filepath.Join(tmp, "bk.db")}, 1, "数据文件夹 " + missing + " 不存在", "does not exist", nil},
		{[]string{"backup", "--data", data, "--out", filepath.Join(missing, "bk.db")}, 1, "无法写入备份文件 " + filepath.Join(missing, "bk.db"), "Cannot write the backup file", nil},
		{[]string{"restore", "--data", data, "--from", garbage}, 1, garbage + " 不是 voucherd 的数据库或备份文件", "is not a voucherd database or backup", nil},
		{[]string{"restore", "--data", data, "--from", missing + ".db"}, 1, "找不到文件 " + missing + ".db", "not found", nil},
		{[]string{"catalogue", "import", "--data", data, missing + ".csv"}, 1, "找不到文件 " + missing + ".csv", "not found", nil},
		{[]string{"init", "--data", filepath.Join(tmp, "pg"), "--db", url}, 1, "数据库结构是第 0 版", "run voucherd migrate --db URL first", nil},
		{[]string{"migrate", "--db", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"}, 1, "无法连接数据库 postgres://nobody@127.0.0.1:1/none", "Cannot connect to the database", nil},
	} {
		for _, lang := range []string{"zh_CN.UTF-8", "en_US.UTF-8"} {
			t.Setenv("LANG", lang)
			out := mustRun(t, tc.exit, tc.args...)
			want := tc.zh
			lacks := append([]string{"read root.key", "open server database"}, tc.lacksAll...)
			if lang == "en_US.UTF-8" {
				want = tc.en
			} else {
				lacks = append(lacks, "存储写入失败", "本机尚未配置")
			}
			if !strings.Contains(out, want) {
				t.Errorf("%s %v: lacks %q:\n%s", lang, tc.args, want, out)
			}
			// The message lines, not the English detail (indented) under them.
			var said []string
			for _, line := range strings.Split(out, "\n") {
				if !strings.HasPrefix(line, "  ") {
					said = append(said, line)
				}
			}
			for _, l := range lacks {
				if strings.Contains(strings.Join(said, "\n"), l) {
					t.Errorf("%s %v: says %q:\n%s", lang, tc.args, l, out)
				}
			}
		}
	}
}
