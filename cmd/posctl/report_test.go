package main

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/pos/report"
)

// TestReportDayCSVFollowsLANG: report day --csv starts with the UTF-8 BOM
// and has its header row, and its words, in the language of LANG.
func TestReportDayCSVFollowsLANG(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db := terminal(t, dep)
	mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:1", "--method", "cash", dep.Code(t, "m1", pos.Yuan(50)))
	for _, tc := range []struct {
		lang        string
		head, total string
		not         string
	}{
		{"zh_CN.UTF-8", "日期,分类,编号,名称,销售笔数,作废笔数,净笔数", "合计", "Sales"},
		{"en_US.UTF-8", "Day,Section,ID,Name,Sales,Voids,Net count", "Total", "销售笔数"},
		{"C", "日期,分类,编号,名称,销售笔数,作废笔数,净笔数", "合计", "Sales"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			t.Setenv("LANG", tc.lang)
			out := mustPosctl(t, "report", "day", "--db", db, "--csv")
			if !strings.HasPrefix(out, "\xef\xbb\xbf") {
				t.Fatalf("no UTF-8 BOM: % x", out[:min(len(out), 8)])
			}
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, report.BOM))).ReadAll()
			if err != nil || len(rows) < 2 {
				t.Fatalf("csv: %v\n%s", err, out)
			}
			if got := strings.Join(rows[0], ","); !strings.HasPrefix(got, tc.head) {
				t.Errorf("header %q, want it to start with %q", got, tc.head)
			}
			if rows[1][1] != tc.total || rows[1][4] != "1" {
				t.Errorf("total row %q, want %q with 1 sale", rows[1], tc.total)
			}
			if strings.Contains(out, tc.not) {
				t.Errorf("%q in the %s CSV:\n%s", tc.not, tc.lang, out)
			}
		})
	}
}
