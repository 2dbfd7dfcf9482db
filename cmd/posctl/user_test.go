package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
)

// TestPINLockoutSays: each wrong PIN says in Chinese how many tries are
// left, the fifth says until when (CST HH:MM) the account is locked, and
// user list shows that time in its 锁定至 column; the list's columns line
// up by display width (a Chinese role or name takes two columns a
// character).
func TestPINLockoutSays(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	mustPosctl(t, "user", "add", "--db", db, "--id", "30001", "--name", "Zhang", "--role", "technician", "--pin", "1357")
	mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:1", "--method", "cash", dep.Code(t, "m1", pos.Yuan(10)))
	t.Setenv("LANG", "zh_CN.UTF-8")
	void := func() (int, string) {
		code, _, errOut := posctl(t, "ledger", "void", "--db", db, "--receipt", "T01-000001", "--manager", "9001", "--pin", "1111", "--reason", "x")
		return code, errOut
	}
	for left := pos.MaxPINFailures - 1; left >= 1; left-- {
		want := "posctl ledger void: 工号或密码错误：还可再试 " + string(rune('0'+left)) + " 次，再输错将锁定 5 分钟 [bad_pin]\n"
		if code, errOut := void(); code != 1 || !strings.HasPrefix(errOut, want) {
			t.Fatalf("wrong PIN: exit %d\n%s\nwant it to start %q", code, errOut, want)
		}
	}
	code, errOut := void()
	var us []ListedUser
	if err := json.Unmarshal([]byte(mustPosctl(t, "user", "list", "--db", db, "--json")), &us); err != nil || len(us) != 3 || us[2].ID != "9001" ||
		us[0].LockedUntil != "" || !rfc3339CST.MatchString("2020-00000001|"+us[2].LockedUntil) {
		t.Fatalf("users %+v %v", us, err)
	}
	// --json has whole seconds: the lock ends within the second after.
	lockedUntil, _ := time.Parse(time.RFC3339, us[2].LockedUntil)
	until := pos.UnlockClock(lockedUntil)
	if next := pos.UnlockClock(lockedUntil.Add(time.Second / 2)); strings.Contains(errOut, "锁定至 "+next+"（") {
		until = next
	}
	want := "posctl ledger void: 多次输错，账号已锁定至 " + until + "（北京时间）：届时再试，或由店长解锁（posctl user unlock） [locked]\n"
	if code != 1 || !strings.HasPrefix(errOut, want) {
		t.Fatalf("fifth wrong PIN: exit %d\n%s\nwant it to start %q", code, errOut, want)
	}
	if code, errOut := void(); code != 1 || !strings.HasPrefix(errOut, want) {
		t.Fatalf("while locked: exit %d\n%s\nwant it to start %q", code, errOut, want)
	}

	lines := strings.Split(strings.TrimRight(mustPosctl(t, "user", "list", "--db", db), "\n"), "\n")
	rows := [][]string{
		{"工号", "角色", "姓名", "状态", "锁定至"},
		{"1001", "收银员", "王芳", "-", "-"},
		{"30001", "技术员", "Zhang", "-", "-"},
		{"9001", "店长", "李经理", "-", until},
	}
	if len(lines) != len(rows) {
		t.Fatalf("user list has %d lines, want %d:\n%s", len(lines), len(rows), strings.Join(lines, "\n"))
	}
	var cols []int // display column where each cell starts, from the header
	for i, line := range lines {
		at, rest := 0, line
		for j, cell := range rows[i] {
			k := strings.Index(rest, cell)
			if k < 0 {
				t.Fatalf("line %d %q lacks %q", i, line, cell)
			}
			at += displayWidth(rest[:k])
			if i == 0 {
				cols = append(cols, at)
			} else if at != cols[j] {
				t.Errorf("line %d %q: %q starts at column %d, the header's at %d", i, line, cell, at, cols[j])
			}
			at += displayWidth(cell)
			rest = rest[k+len(cell):]
		}
	}
}

// TestUserAddRefusesHiddenCharacters: a control or invisible format
// character in --name or --id is a usage error (exit 2) naming the flag
// and the character, in the language of LANG; nothing is stored.
func TestUserAddRefusesHiddenCharacters(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	t.Setenv("LANG", "zh_CN.UTF-8")
	for _, tc := range []struct {
		name, id, uname, want string
	}{
		{"bell in the name", "1002", "王\a芳", "posctl user add: --name：姓名含有控制字符或看不见的格式字符（U+0007）"},
		{"zero-width space in the id", "10\u200b02", "钱敏", "posctl user add: --id：工号含有控制字符或看不见的格式字符（U+200B）"},
		{"unknown role", "1002", "钱敏", "posctl user add: --role：用户需要工号和角色"},
	} {
		role := "cashier"
		if tc.name == "unknown role" {
			role = "boss"
		}
		code, _, errOut := posctl(t, "user", "add", "--db", db, "--id", tc.id, "--name", tc.uname, "--role", role, "--pin", "2468")
		if code != 2 || !strings.HasPrefix(errOut, tc.want) {
			t.Errorf("%s: exit %d\n%s\nwant exit 2 and stderr starting %q", tc.name, code, errOut, tc.want)
		}
	}
	var us []ListedUser
	if err := json.Unmarshal([]byte(mustPosctl(t, "user", "list", "--db", db, "--json")), &us); err != nil || len(us) != 2 {
		t.Fatalf("users after the refusals: %+v %v", us, err)
	}
}
