package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
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
		{"empty", []byte{}, "%s 不是终端数据库，或文件已损坏（未作任何改动）：请检查文件路径；损坏的终端数据库可用备份恢复（posctl restore） [not_a_database]"},
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

// TestErrorDetailLines: under a Chinese LANG an error is its Chinese
// line, then a cause in the system's or network's words when there is
// one (原因：…), else the English detail only when the message lacks a fact
// of the error (the SKU of an unknown product); the English detail line
// stays under an English LANG.
func TestErrorDetailLines(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	code := dep.Code(t, "m1", pos.Yuan(50))
	mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:1", "--method", "cash", code)
	garbage := filepath.Join(t.TempDir(), "g.db")
	os.WriteFile(garbage, []byte("x\n"), 0o600)
	bundle := filepath.Join(t.TempDir(), "bundle.json") // the one installed
	os.WriteFile(bundle, dep.Bundle(t), 0o600)
	zhHead := map[string]string{"no server (USB set-up)": "本机没有登记中心服务器", "unknown product": "商品 NOPE 不在扶贫产品目录中",
		"unknown cashier": "没有工号为 7777 的用户"}
	for _, tc := range []struct {
		name   string
		args   []string
		zh, en []string // the lines of stderr after the first
	}{
		{"used again", []string{"redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:1", "--method", "cash", code},
			nil, []string{"  already_redeemed: voucher "}},
		{"wrong PIN", []string{"ledger", "void", "--db", db, "--receipt", "T01-000001", "--manager", "9001", "--pin", "1111", "--reason", "x"},
			nil, []string{"  bad_pin: wrong user or PIN"}},
		{"not a database", []string{"status", "--db", garbage},
			[]string{"  原因：invalid database"}, []string{"  not_a_database: " + garbage + " is not a terminal database"}},
		{"printer unreachable", []string{"redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:1", "--method", "cash", "--self-paid", "--printer", "tcp://127.0.0.1:1"},
			[]string{"  交易 T01-00000", "  原因：dial tcp 127.0.0.1:1: "}, []string{"  sale T01-00000", "  printer_offline: open printer 127.0.0.1:1: dial tcp"}},
		{"missing file", []string{"trust", "install", "--db", db, "--bundle", garbage + ".json"},
			[]string{"  原因：open " + garbage + ".json: "}, []string{"  not_found: read trust bundle: open " + garbage + ".json: "}},
		{"no server (USB set-up)", []string{"sync", "--db", db}, nil, []string{"  not_provisioned: no central server configured"}},
		{"unknown product", []string{"redeem", "--db", db, "--cashier", "1001", "--item", "NOPE:1", "--method", "cash", "--self-paid"},
			nil, []string{"  unknown_product: product \"NOPE\""}},
		{"unknown cashier", []string{"redeem", "--db", db, "--cashier", "7777", "--item", "DS-PEAR-5:1", "--method", "cash", "--self-paid"},
			nil, []string{"  forbidden: unknown user \"7777\""}},
		{"a message without the facts keeps the detail", []string{"trust", "install", "--db", db, "--bundle", bundle},
			[]string{"  trust_stale: trust list "}, []string{"  trust_stale: trust list "}},
	} {
		for _, lang := range []string{"zh_CN.UTF-8", "en_US.UTF-8"} {
			t.Setenv("LANG", lang)
			want := tc.zh
			if lang == "en_US.UTF-8" {
				want = tc.en
			}
			_, _, errOut := posctl(t, tc.args...)
			lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
			if head := zhHead[tc.name]; lang == "zh_CN.UTF-8" && head != "" && !strings.Contains(lines[0], head) {
				t.Errorf("%s: %q lacks %q", tc.name, lines[0], head)
			}
			lines = lines[1:]
			ok := len(lines) == len(want)
			for i := 0; ok && i < len(want); i++ {
				ok = strings.HasPrefix(lines[i], want[i])
			}
			if !ok {
				t.Errorf("%s (%s): stderr\n%s\nwant the lines after the first to start %q", tc.name, lang, errOut, want)
			}
		}
	}
}

// TestBackupRestoreDamagedFiles: a restore replaces a damaged database
// (keeping it beside) rather than refusing it; a backup that is empty or
// not a terminal database is refused naming that file, with nothing
// replaced; a backup of a damaged database says so (not "write failed")
// and writes nothing.
func TestBackupRestoreDamagedFiles(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	t.Setenv("LANG", "zh_CN.UTF-8")
	dir := t.TempDir()
	good := filepath.Join(dir, "good.bak")
	mustPosctl(t, "backup", "--db", db, "--out", good)
	garbage, empty := filepath.Join(dir, "garbage.db"), filepath.Join(dir, "empty.db")
	os.WriteFile(garbage, []byte("x\n"), 0o600)
	os.WriteFile(empty, nil, 0o600)

	damaged := filepath.Join(dir, "damaged.db")
	os.WriteFile(damaged, []byte("not a database"), 0o600)
	if code, out, errOut := posctl(t, "restore", "--db", damaged, "--from", good); code != 0 || !strings.Contains(out, "被替换的数据库已保留为 "+damaged+".before-restore-") {
		t.Fatalf("restore over a damaged database: exit %d\n%s%s", code, out, errOut)
	}
	kept, _ := filepath.Glob(damaged + ".before-restore-*")
	if b, err := os.ReadFile(kept[0]); err != nil || string(b) != "not a database" {
		t.Errorf("the damaged file was not kept as it was: %q %v", b, err)
	}
	for _, from := range []string{garbage, empty} {
		before, _ := os.ReadFile(db)
		code, _, errOut := posctl(t, "restore", "--db", db, "--from", from)
		if want := "posctl restore: " + from + " 不是终端数据库，或文件已损坏"; code != 1 || !strings.HasPrefix(errOut, want) {
			t.Errorf("restore from %s: exit %d\n%s\nwant exit 1 and %q", from, code, errOut, want)
		}
		if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
			t.Errorf("restore from %s changed the database", from)
		}
	}
	out := filepath.Join(dir, "out.bak")
	code, _, errOut := posctl(t, "backup", "--db", garbage, "--out", out)
	if want := "posctl backup: " + garbage + " 不是终端数据库，或文件已损坏"; code != 1 || !strings.HasPrefix(errOut, want) {
		t.Errorf("backup of a damaged database: exit %d\n%s\nwant exit 1 and %q", code, errOut, want)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("backup of a damaged database wrote %s", out)
	}
}
