package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fupinpos/pos/voucher"
)

// TestOutputFollowsLANG: the lines voucherd prints on success (init,
// issue, trust, terminal add, backup, restore, revoke) are in the language of
// LANG, Chinese for zh_CN and English for en_US, with their values filled
// in; the enrollment code ends its own line in both.
func TestOutputFollowsLANG(t *testing.T) {
	type step struct {
		args []string
		want []string // parts of the output, in order of appearance
	}
	for _, tc := range []struct {
		lang  string
		steps func(data, fp string) []step
		code  *regexp.Regexp
	}{
		{"zh_CN.UTF-8", func(data, fp string) []step {
			return []step{
				{[]string{"init", "--data", data, "--demo"}, []string{"已初始化 " + data + "\n", "每人上限 ￥300.00，券额超出部分不找零\n",
					"根公钥文件：" + filepath.Join(data, "root.pub") + "\n", "根密钥指纹：" + fp + "\n", "管理令牌（" + filepath.Join(data, "admin.token") + "）："}},
				{[]string{"issue", "--data", data, "--campaign", "2020", "--unit", "1001", "--member", "M-1", "--value", "10000", "--count", "2", "--out", data + "/codes.csv"},
					[]string{"已发放 2 张消费券，合计 ￥200.00；券码：" + data + "/codes.csv\n"}},
				{[]string{"trust", "--data", data, "--out", data + "/b.json"}, []string{"信任列表第 1 版，1 个密钥，1 个活动，有效期至 ", "（宽限 72h0m0s）：" + data + "/b.json\n"}},
				{[]string{"terminal", "add", "--data", data, "--store", "HF-001", "--name", "T01"}, []string{"已添加终端 T01（门店 HF-001）\n", "注册码：", "有效期至：", "（仅限使用一次）\n"}},
				{[]string{"backup", "--data", data, "--out", data + "/bk.db"}, []string{"备份 " + data + "/bk.db：", " 字节，取自数据库文件（服务器未运行）；1 个活动，信任列表第 1 版\n"}},
				{[]string{"restore", "--data", data, "--from", data + "/bk.db"}, []string{"已用 " + data + "/bk.db 恢复 " + filepath.Join(data, "voucherd.db") + "：1 个活动，信任列表第 1 版\n",
					"被替换的数据库已保留为 " + filepath.Join(data, "voucherd.db") + ".before-restore-"}},
				{[]string{"revoke", "--data", data, "--voucher", "2020-00000001"}, []string{"消费券 2020-00000001 已作废；各终端下次同步时生效\n"}},
			}
		}, regexp.MustCompile(`(?m)^注册码：(\d{4}-\d{4}-\d{4})$`)},
		{"en_US.UTF-8", func(data, fp string) []step {
			return []step{
				{[]string{"init", "--data", data, "--demo"}, []string{"initialised " + data + "\n", "cap ￥300.00, excess forfeit\n",
					"root public key: " + filepath.Join(data, "root.pub") + "\n", "root key fingerprint: " + fp + "\n", "admin token (" + filepath.Join(data, "admin.token") + "): "}},
				{[]string{"issue", "--data", data, "--campaign", "2020", "--unit", "1001", "--member", "M-1", "--value", "10000", "--count", "2", "--out", data + "/codes.csv"},
					[]string{"issued 2 vouchers worth ￥200.00; codes: " + data + "/codes.csv\n"}},
				{[]string{"trust", "--data", data, "--out", data + "/b.json"}, []string{"trust list seq 1, 1 keys, 1 campaigns, expires ", " (grace 72h0m0s): " + data + "/b.json\n"}},
				{[]string{"terminal", "add", "--data", data, "--store", "HF-001", "--name", "T01"}, []string{"terminal T01 (store HF-001) added\n", "enrollment code: ", "expires: ", " (one use)\n"}},
				{[]string{"backup", "--data", data, "--out", data + "/bk.db"}, []string{"backup " + data + "/bk.db: ", " bytes, from the database file (no server running); 1 campaigns, trust list seq 1\n"}},
				{[]string{"restore", "--data", data, "--from", data + "/bk.db"}, []string{"restored " + filepath.Join(data, "voucherd.db") + " from " + data + "/bk.db: 1 campaigns, trust list seq 1\n",
					"the replaced database is kept as " + filepath.Join(data, "voucherd.db") + ".before-restore-"}},
				{[]string{"revoke", "--data", data, "--voucher", "2020-00000001"}, []string{"voucher 2020-00000001 revoked; terminals learn it on their next sync\n"}},
			}
		}, regexp.MustCompile(`(?m)^enrollment code: (\d{4}-\d{4}-\d{4})$`)},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			t.Setenv("LANG", tc.lang)
			data := filepath.Join(t.TempDir(), "server")
			var fp string
			for i, s := range tc.steps(data, "") {
				out := mustRun(t, 0, s.args...)
				if i == 0 {
					pub, err := os.ReadFile(filepath.Join(data, "root.pub"))
					if err != nil {
						t.Fatal(err)
					}
					root, err := voucher.ParsePublicKey(string(pub))
					if err != nil {
						t.Fatal(err)
					}
					fp = voucher.Fingerprint(root)
					s = tc.steps(data, fp)[0]
				}
				rest := out
				for _, w := range s.want {
					k := strings.Index(rest, w)
					if k < 0 {
						t.Errorf("voucherd %s: output lacks %q (in order):\n%s", s.args[0], w, out)
						break
					}
					rest = rest[k+len(w):]
				}
				if s.args[0] == "terminal" && tc.code.FindStringSubmatch(out) == nil {
					t.Errorf("terminal add: no enrollment code on a line of its own:\n%s", out)
				}
			}
		})
	}
}
