package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIssueOutputChecked: a codes file or QR folder that cannot be written
// issues nothing (the member's ¥300 stays whole), and a codes file that
// fails after issuance (a full disk: /dev/full) never loses the codes —
// they go to a fallback file in the data directory and to stdout, and the
// error says how many were issued.
func TestIssueOutputChecked(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "server")
	mustRun(t, 0, "init", "--data", data)
	at := "2020-08-01T10:00:00+08:00"
	issue := func(want int, member string, extra ...string) string {
		return mustRun(t, want, append([]string{"issue", "--data", data, "--unit", "1001", "--member", member, "--value", "30000", "--now", at}, extra...)...)
	}
	for _, tc := range []struct {
		name  string
		extra []string
		want  string
	}{
		{"out dir missing", []string{"--out", filepath.Join(tmp, "nonexist", "codes.csv")}, "无法写入券码文件"},
		{"out is a folder", []string{"--out", tmp}, "无法写入券码文件"},
		{"qr under /proc", []string{"--qr", "/proc/qr"}, "无法写入二维码文件夹"},
		{"qr is a file", []string{"--out", filepath.Join(tmp, "ok.csv"), "--qr", filepath.Join(data, "root.pub")}, "无法写入二维码文件夹"},
	} {
		out := issue(1, "LOST", tc.extra...)
		if !strings.Contains(out, tc.want) || !strings.Contains(out, "未发放任何消费券") {
			t.Errorf("%s: %s", tc.name, out)
		}
	}
	if _, err := os.Stat(filepath.Join(tmp, "ok.csv")); !os.IsNotExist(err) {
		t.Errorf("the refused issue left its codes file behind: %v", err)
	}
	// Nothing was issued: the member still has the whole ¥300.
	good := filepath.Join(tmp, "codes.csv")
	issue(0, "LOST", "--out", good)
	if rows := readCodes(t, good); len(rows) != 1 || rows[0][0] != "2020-00000001" || rows[0][3] != "30000" {
		t.Fatalf("codes after the refusals = %v", rows)
	}

	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	out := issue(1, "FULL", "--out", "/dev/full")
	for _, want := range []string{"已发放 1 张消费券（合计 ￥300.00）", "/dev/full 写入失败", "不要重新发放", "2020-00000002,FULL,1001,30000,"} {
		if !strings.Contains(out, want) {
			t.Errorf("after a failed write, output lacks %q:\n%s", want, out)
		}
	}
	saved, _ := filepath.Glob(filepath.Join(data, "issued-*.csv"))
	if len(saved) != 1 {
		t.Fatalf("fallback files %v", saved)
	}
	if rows := readCodes(t, saved[0]); len(rows) != 1 || rows[0][0] != "2020-00000002" || rows[0][1] != "FULL" || !strings.Contains(out, rows[0][4]) {
		t.Errorf("fallback codes = %v", rows)
	}
}

// TestNowNeedsZone: a --now that does not parse (no zone) is a usage
// error, never silently the real time; nothing is issued.
func TestNowNeedsZone(t *testing.T) {
	data := filepath.Join(t.TempDir(), "server")
	mustRun(t, 0, "init", "--data", data)
	for _, args := range [][]string{
		{"issue", "--data", data, "--unit", "1001", "--member", "M1", "--value", "100", "--now", "2020-08-31T23:59:59"},
		{"trust", "--data", data, "--out", filepath.Join(data, "b"), "--now", "2020-08-31"},
	} {
		if out := mustRun(t, 2, args...); !strings.Contains(out, "应为带时区的 RFC3339 时间") {
			t.Errorf("%v: %s", args, out)
		}
	}
	out := mustRun(t, 0, "issue", "--data", data, "--unit", "1001", "--member", "M1", "--value", "100", "--now", "2020-08-31T23:59:59+08:00")
	if !strings.Contains(out, "2020-00000001,M1,1001,100,") {
		t.Errorf("the first voucher: %s", out)
	}
}

// TestBatchRowsRefused: a batch file is refused row by row — every bad
// line with its number, in the language of LANG — and nothing is issued;
// a file that is not there says so.
func TestBatchRowsRefused(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "server")
	mustRun(t, 0, "init", "--data", data)
	at := "2020-08-01T10:00:00+08:00"
	batch := filepath.Join(tmp, "members.csv")
	for _, tc := range []struct {
		name, csv string
		want      []string
	}{
		{"syntax", "member,unit,value_fen,count\nM1,1001,abc\nM2,x,100\nM3,1001,100,0\nM4,1001\nM5,1001,100\n", []string{
			"第 2 行（M1）：面额“abc”不是以分计的整数", "第 3 行（M2）：单位“x”不是数字", "第 4 行（M3）：张数“0”应为 1 到 100",
			"第 5 行：应为 成员编号,单位,面额（分）[,张数] 三或四列", "名单文件 " + batch + " 有 4 行有误（见上），未发放任何消费券"}},
		{"rules", "M1,4242,100\nM2,1001,40000\n ,1001,100\nM3,1001,20000,1\nM3,1001,20000\nM4,1001,100\n", []string{
			"第 1 行（M1）：单位 4242 不是已登记的发券单位", "第 2 行（M2）：面额 ￥400.00 应大于 0 且不超过每人上限",
			"第 3 行：成员编号“”无效", "第 5 行（M3）：发放后该成员共 ￥400.00，超过每人上限", "有 4 行有误（见上），未发放任何消费券"}},
	} {
		os.WriteFile(batch, []byte(tc.csv), 0o644)
		out := mustRun(t, 1, "issue", "--data", data, "--batch", batch, "--now", at)
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q:\n%s", tc.name, w, out)
			}
		}
	}
	if out := mustRun(t, 1, "issue", "--data", data, "--batch", filepath.Join(tmp, "nonexist.csv"), "--now", at); !strings.Contains(out, "找不到文件 "+filepath.Join(tmp, "nonexist.csv")) {
		t.Errorf("missing batch file: %s", out)
	}
	// Nothing was issued: the first voucher of a good batch is serial 1.
	os.WriteFile(batch, []byte("M4,1001,100\n"), 0o644)
	if out := mustRun(t, 0, "issue", "--data", data, "--batch", batch, "--now", at); !strings.Contains(out, "2020-00000001,M4,1001,100,") {
		t.Errorf("good batch: %s", out)
	}
}

// TestIssueOutputCheckedServing: through a running serve (its admin
// endpoint signs) a codes file that cannot be written issues nothing too.
func TestIssueOutputCheckedServing(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "server")
	mustRun(t, 0, "init", "--data", data, "--demo")
	var logs lockedBuffer
	startServe(t, data, &logs)
	args := []string{"issue", "--data", data, "--campaign", "2020", "--unit", "1001", "--member", "LOST", "--value", "30000"}
	if out := mustRun(t, 1, append(args, "--out", filepath.Join(tmp, "nonexist", "codes.csv"))...); !strings.Contains(out, "未发放任何消费券") {
		t.Errorf("bad --out while serving: %s", out)
	}
	if out := mustRun(t, 1, append(args, "--qr", "/proc/qr")...); !strings.Contains(out, "未发放任何消费券") {
		t.Errorf("bad --qr while serving: %s", out)
	}
	// A batch's refused rows come back from the admin endpoint too.
	batch := filepath.Join(tmp, "members.csv")
	os.WriteFile(batch, []byte("M1,4242,100\nM2,1001,100\nM3,1001,40000\n"), 0o644)
	out := mustRun(t, 1, "issue", "--data", data, "--campaign", "2020", "--batch", batch)
	for _, want := range []string{"第 1 行（M1）：单位 4242 不是已登记的发券单位", "第 3 行（M3）：面额 ￥400.00", "有 2 行有误"} {
		if !strings.Contains(out, want) {
			t.Errorf("batch while serving lacks %q: %s", want, out)
		}
	}
	good := filepath.Join(tmp, "codes.csv")
	mustRun(t, 0, append(args, "--out", good)...)
	if rows := readCodes(t, good); len(rows) != 1 || rows[0][0] != "2020-00000001" {
		t.Errorf("codes after the refusals = %v", rows)
	}
}
