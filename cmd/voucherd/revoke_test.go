package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRevokeRefusals: --reinstate with --voucher is a usage error (a
// revocation is final), and a voucher never issued is refused, not
// reported as revoked.
func TestRevokeRefusals(t *testing.T) {
	data := filepath.Join(t.TempDir(), "server")
	mustRun(t, 0, "init", "--data", data, "--demo")
	mustRun(t, 0, "issue", "--data", data, "--campaign", "2020", "--unit", "1001", "--member", "M-1", "--value", "10000")
	for _, tc := range []struct {
		args []string
		exit int
		want string
	}{
		{[]string{"--voucher", "2020-00000001", "--reinstate"}, 2, "--reinstate 只能与 --holder 一起使用"},
		{[]string{"--voucher", "2020-99999999"}, 1, "消费券 2020-99999999 从未发放，无法作废"},
		{[]string{"--voucher", "2020-00000001"}, 0, "消费券 2020-00000001 已作废"},
	} {
		out := mustRun(t, tc.exit, append([]string{"revoke", "--data", data}, tc.args...)...)
		if !strings.Contains(out, tc.want) {
			t.Errorf("revoke %v: %s", tc.args, out)
		}
	}
}

// TestResolveKeepUsage: an unknown --keep or an empty --note is a usage
// error (exit 2), found before the database is opened.
func TestResolveKeepUsage(t *testing.T) {
	data := filepath.Join(t.TempDir(), "server")
	mustRun(t, 0, "init", "--data", data, "--demo")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--keep", "C", "--note", "checked"}, "--keep 的值“C”无效：应为 A、B 或 both"},
		{[]string{"--keep", "A", "--note", " "}, "--note 不能为空"},
	} {
		out := mustRun(t, 2, append([]string{"incidents", "resolve", "1", "--data", data}, tc.args...)...)
		if !strings.Contains(out, tc.want) {
			t.Errorf("%v: %s", tc.args, out)
		}
	}
}
