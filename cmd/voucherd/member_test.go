package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIssueMemberSpellings: one member is one holder however the id is
// typed — trailing or leading spaces, full-width characters, lower case —
// on --member and --batch alike, so the ¥300 cap cannot be passed by
// respelling the id; ids that are empty or hold control characters are
// refused before anything is issued.
func TestIssueMemberSpellings(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "server")
	mustRun(t, 0, "init", "--data", data)
	now := "2020-08-01T10:00:00+08:00"
	codes := filepath.Join(dir, "codes.csv")
	mustRun(t, 0, "issue", "--data", data, "--unit", "1001", "--member", "M-A", "--value", "30000", "--out", codes, "--now", now)
	if rows := readCodes(t, codes); len(rows) != 1 || rows[0][1] != "M-A" {
		t.Fatalf("codes = %v", rows)
	}

	for _, spelling := range []string{"M-A", "M-A ", " M-A", "Ｍ－Ａ", "\u3000M-A", "m-a"} {
		out := mustRun(t, 1, "issue", "--data", data, "--unit", "1002", "--member", spelling, "--value", "1", "--now", now)
		if !strings.Contains(out, "cap_exceeded") {
			t.Errorf("--member %q after ￥300 for M-A: %s", spelling, out)
		}
	}
	batch := filepath.Join(dir, "members.csv")
	for _, row := range []string{"M-A ,1002,1", "\"Ｍ－Ａ\",1002,1", "\" m-a\",1003,100"} {
		os.WriteFile(batch, []byte("member,unit,value_fen\n"+row+"\n"), 0o644)
		out := mustRun(t, 1, "issue", "--data", data, "--batch", batch, "--now", now)
		if !strings.Contains(out, "第 2 行（M-A）：发放后该成员共") {
			t.Errorf("batch row %q after ￥300 for M-A: %s", row, out)
		}
	}

	for _, bad := range []string{"", "\t", "M\x00A", "M-A\u200b"} {
		out := mustRun(t, 1, "issue", "--data", data, "--unit", "1001", "--member", bad, "--value", "100", "--now", now)
		if !strings.Contains(out, "[invalid]") {
			t.Errorf("--member %q: %s", bad, out)
		}
		os.WriteFile(batch, []byte("M-B,1001,100\n\""+bad+"\",1001,100\n"), 0o644)
		out = mustRun(t, 1, "issue", "--data", data, "--batch", batch, "--now", now)
		if !strings.Contains(out, "[invalid]") {
			t.Errorf("batch member %q: %s", bad, out)
		}
	}

	// Nothing was issued by the refusals: the next serial is 2, and a
	// full-width spelling of a new member is stored in its normal form.
	mustRun(t, 0, "issue", "--data", data, "--unit", "1001", "--member", "ｍ－ｂ ", "--value", "100", "--out", codes, "--now", now)
	if rows := readCodes(t, codes); len(rows) != 1 || rows[0][0] != "2020-00000002" || rows[0][1] != "M-B" {
		t.Fatalf("codes = %v", rows)
	}
}

// TestIssueWindowEdges: the 2020 campaign issues from 07-10 00:00:00 to
// 08-31 23:59:59 CST, whole seconds, both ends inclusive.
func TestIssueWindowEdges(t *testing.T) {
	data := filepath.Join(t.TempDir(), "server")
	mustRun(t, 0, "init", "--data", data)
	for i, tt := range []struct {
		now  string
		exit int
	}{
		{"2020-07-09T23:59:59.999999999+08:00", 1},
		{"2020-07-10T00:00:00+08:00", 0},
		{"2020-07-10T00:00:00.000000001+08:00", 0},
		{"2020-08-31T23:59:59+08:00", 0},
		{"2020-08-31T23:59:59.999999999+08:00", 0},
		{"2020-09-01T00:00:00+08:00", 1},
		{"2020-09-01T00:00:00.000000001+08:00", 1},
	} {
		out := mustRun(t, tt.exit, "issue", "--data", data, "--unit", "1001", "--member", "W"+string(rune('A'+i)), "--value", "100", "--now", tt.now)
		if tt.exit == 1 && !strings.Contains(out, "campaign_closed") {
			t.Errorf("issue at %s: %s", tt.now, out)
		}
	}
}
