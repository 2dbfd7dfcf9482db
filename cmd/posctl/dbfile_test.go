package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDatabaseFileProblems: a read command on a --db that is missing,
// empty or not a terminal database says so in the language of LANG,
// naming the file (not "本机尚未配置" or "存储写入失败"), exits 1, and leaves
// the path as it was: no file made, an empty file still empty.
func TestDatabaseFileProblems(t *testing.T) {
	t.Setenv("LANG", "zh_CN.UTF-8")
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		content []byte // nil: no file
		want    string
	}{
		{"missing", nil, "数据库文件 %s 不存在：请检查 --db 路径；新终端先用 posctl provision 或 posctl enroll 开通 [not_provisioned]"},
		{"empty", []byte{}, "%s 不是终端数据库，或文件已损坏（未作任何改动）：请检查 --db 路径；损坏的数据库请用备份恢复（posctl restore） [not_a_database]"},
		{"garbage", []byte("x\n"), "%s 不是终端数据库，或文件已损坏（未作任何改动）"},
	} {
		for _, cmd := range [][]string{{"status"}, {"user", "list"}, {"ledger", "list"}, {"redeem", "--cashier", "1001", "--item", "DS-PEAR-5:1", "--self-paid", "--method", "cash"}} {
			t.Run(tc.name+" "+strings.Join(cmd[:1], " "), func(t *testing.T) {
				path := filepath.Join(dir, tc.name+".db")
				if tc.content != nil {
					if err := os.WriteFile(path, tc.content, 0o600); err != nil {
						t.Fatal(err)
					}
				}
				code, out, errOut := posctl(t, append(cmd, "--db", path)...)
				want := strings.Replace(tc.want, "%s", path, 1)
				if code != 1 || !strings.Contains(errOut, want) || out != "" {
					t.Errorf("exit %d\n%s%s\nwant exit 1 and %q", code, out, errOut, want)
				}
				after, err := os.ReadFile(path)
				if tc.content == nil && err == nil || tc.content != nil && !bytes.Equal(after, tc.content) {
					t.Errorf("the path changed: %d bytes now (%v)", len(after), err)
				}
			})
		}
	}
}
