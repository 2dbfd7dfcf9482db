package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/pos/voucher"
	"fupinpos/sync/wire"
)

// TestOutputFollowsLANG: the lines posctl prints on success (enroll, user
// add, status, sync, backup, restore) are in the language of LANG, Chinese
// for zh_CN and English for en_US, with their values filled in.
func TestOutputFollowsLANG(t *testing.T) {
	type step struct {
		args []string
		want []string // lines (or parts of lines) of stdout
	}
	for _, tc := range []struct {
		lang  string
		steps func(db, fp, backup string) []step
	}{
		{"zh_CN.UTF-8", func(db, fp, backup string) []step {
			return []step{
				{[]string{"enroll", "--yes"}, []string{"服务器根密钥指纹：" + fp + "\n", "已注册为门店 HF-001 的终端 T01（T01）\n"}},
				{[]string{"user", "add", "--id", "1001", "--name", "王芳", "--role", "cashier", "--pin", "2468"}, []string{"已添加用户 1001（王芳，收银员）\n"}},
				{[]string{"user", "list"}, []string{"工号  角色    姓名  状态  锁定至\n", "1001  收银员  王芳  -     -\n"}},
				{[]string{"redeem", "--cashier", "1001", "--item", "DS-PEAR-5:2", "--method", "wechat"}, nil},
				{[]string{"status"}, []string{"门店 HF-001（T01），终端 T01，柜台 扶贫专区\n", "账本 1 条记录，待上传 1 条（￥50.00）\n"}},
				{[]string{"sync"}, []string{"已上传 1 条记录，冲突 0 条；下载 1 页；待上传 0 条（￥0.00）\n"}},
				{[]string{"status"}, []string{"账本 1 条记录，待上传 0 条（￥0.00）\n"}},
				{[]string{"backup", "--out", backup}, []string{"备份 " + backup + "：", " 字节\n用此备份恢复的终端须先与中心服务器同步，才能收银\n"}},
				{[]string{"restore", "--from", backup}, []string{"已恢复门店 HF-001 的终端 T01，账本到第 1 条记录\n", "被替换的数据库已保留为 " + db + ".before-restore-",
					"与中心服务器同步成功前不能收银（posctl sync）\n"}},
			}
		}},
		{"en_US.UTF-8", func(db, fp, backup string) []step {
			return []step{
				{[]string{"enroll", "--yes"}, []string{"server root key fingerprint: " + fp + "\n", "enrolled as terminal T01 of store HF-001 (T01)\n"}},
				{[]string{"user", "add", "--id", "1001", "--name", "王芳", "--role", "cashier", "--pin", "2468"}, []string{"user 1001 (王芳, cashier) added\n"}},
				{[]string{"user", "list"}, []string{"1001  cashier  王芳  -      -\n"}},
				{[]string{"redeem", "--cashier", "1001", "--item", "DS-PEAR-5:2", "--method", "wechat"}, nil},
				{[]string{"status"}, []string{"store HF-001 (T01), terminal T01, counter 扶贫专区\n", "ledger 1 records, 1 waiting for upload (￥50.00)\n"}},
				{[]string{"sync"}, []string{"uploaded 1 record(s), 0 conflict(s); 1 download page(s); 0 waiting (￥0.00)\n"}},
				{[]string{"status"}, []string{"ledger 1 records, 0 waiting for upload (￥0.00)\n"}},
				{[]string{"backup", "--out", backup}, []string{"backup " + backup + ": ", " bytes\na terminal restored from it must sync with the central server before it sells\n"}},
				{[]string{"restore", "--from", backup}, []string{"restored terminal T01 of store HF-001, ledger up to record 1\n", "the replaced database is kept as " + db + ".before-restore-",
					"sales are refused until a sync with the central server succeeds (posctl sync)\n"}},
			}
		}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			t.Setenv("LANG", tc.lang)
			dep := postest.NewDeployment(t, time.Now())
			url, srv := reconcileServer(t, dep)
			add, err := srv.AddTerminal(wire.AddTerminalRequest{Store: "HF-001", Name: "T01"})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			db, backup := filepath.Join(dir, "terminal.db"), filepath.Join(dir, "backup.db")
			for _, s := range tc.steps(db, voucher.Fingerprint(dep.RootPublic()), backup) {
				args := append(s.args, "--db", db)
				switch s.args[0] {
				case "enroll":
					args = append(args, "--server", url, "--code", add.Code)
				case "redeem":
					args = append(args, dep.Code(t, "m1", pos.Yuan(50)))
				}
				out := mustPosctl(t, args...)
				for _, w := range s.want {
					if !strings.Contains(out, w) {
						t.Errorf("posctl %s: output lacks %q:\n%s", strings.Join(s.args, " "), w, out)
					}
				}
			}
		})
	}
}
