package xlsx_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fupinpos/pos"
	"fupinpos/pos/report"
	"fupinpos/pos/report/xlsx"
)

// day builds a day of n sales (each ￥39.90 of pears, a ￥50 voucher of unit
// 1001 applied ￥30.00 and ￥9.90 self-paid by WeChat) and one void of the
// second sale.
func day(t *testing.T, n int) (*report.Day, []report.Tx) {
	t.Helper()
	at := time.Date(2020, 8, 20, 10, 0, 0, 0, pos.CST)
	pear := pos.Line{SKU: "PEAR", Name: "砀山酥梨", County: "砀山县", Price: 3990, Qty: 1, Eligible: true}
	b := report.NewBuilder(report.Names{
		Unit:    func(uint32) string { return "省总工会" },
		Cashier: func(id string) string { return map[string]string{"c1": "张三", "m1": "李店长"}[id] },
	})
	for i := 1; i <= n; i++ {
		b.Add(&pos.Record{Seq: uint64(i), Kind: pos.KindSale, Time: at.Add(time.Duration(i) * time.Minute), Store: "S1", Terminal: "T01",
			Receipt: pos.ReceiptNumber("T01", uint64(i)), Cashier: "c1", Mode: pos.EntryScan, Lines: []pos.Line{pear},
			Total: 3990, Eligible: 3990, VoucherAmount: 3000, SelfPaid: 990, Method: pos.PayWeChat,
			Vouchers: []pos.AppliedVoucher{{Unit: 1001, Face: 3000, Applied: 3000}}})
	}
	v := uint64(n + 1)
	b.Add(&pos.Record{Seq: v, Kind: pos.KindVoid, Time: at.Add(time.Hour), Store: "S1", Terminal: "T01",
		Receipt: pos.ReceiptNumber("T01", v), Cashier: "m1", Manager: "m1", Voids: 2, Reason: "顾客退货"})
	return b.Day("2020-08-20"), b.Transactions("2020-08-20")
}

// TestFiguresAgree: a day with N sales and one void gives the same counts
// and amounts in report.Day, the CSV and the xlsx.
func TestFiguresAgree(t *testing.T) {
	const n = 6
	d, txs := day(t, n)
	want := map[string]string{"sales": "6", "voids": "1", "net": "5", "total": "199.5", "voucher": "150", "self": "49.5"}
	got := map[string]string{"sales": strconv.Itoa(d.Sales), "voids": strconv.Itoa(d.Voids), "net": strconv.Itoa(d.Net),
		"total": yuan(d.Total), "voucher": yuan(d.VoucherAmount), "self": yuan(d.SelfPaid)}
	check(t, "report.Day", got, want)

	var cb bytes.Buffer
	if err := report.WriteSummaryCSV(&cb, d, nil); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(cb.String(), report.BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	check(t, "csv", row(recs[0], recs[1]), want)

	var xb bytes.Buffer
	if err := xlsx.Write(&xb, d, txs, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&xb)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("汇总", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "xlsx", row(rows[0], rows[1]), want)
	// The by-unit row shows applied value on the screen's bars, the CSV,
	// the xlsx and the Z report alike.
	for _, r := range rows {
		if len(r) > 3 && r[1] == "按发券单位" {
			if r[2] != "1001" || r[3] != "省总工会" || r[4] != "6" || r[5] != "1" || r[6] != "5" || r[9] != "150" || r[11] != "150" {
				t.Errorf("xlsx unit row = %q", r)
			}
		}
	}
	// The certified split and the origin kinds are on the summary too.
	split := map[string]string{}
	for _, r := range rows {
		if len(r) > 9 && (r[1] == "按是否认定" || r[1] == "按产地类型") {
			split[r[3]] = r[6] + " " + r[9]
		}
	}
	if split["认定产品"] != "5 199.5" || split["贫困县"] != "5 199.5" || len(split) != 2 {
		t.Errorf("xlsx certified and origin rows = %v, want 认定产品 and 贫困县 5 lines ￥199.50", split)
	}
	tx, err := f.GetRows("交易明细", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(tx) != 1+n+1 {
		t.Fatalf("transactions sheet has %d rows, want header + %d", len(tx), n+1)
	}
	var sales, voids int
	for _, r := range tx[1:] {
		switch r[2] {
		case "销售":
			sales++
		case "作废":
			voids++
		}
	}
	if sales != d.Sales || voids != d.Voids {
		t.Errorf("transactions sheet: %d sales %d voids, day %d/%d", sales, voids, d.Sales, d.Voids)
	}
}

// TestWorkbookCells reads the workbook back: Chinese headers, names next to
// ids, amounts as numbers in yuan with the ￥ format, the transaction row's
// columns in order.
func TestWorkbookCells(t *testing.T) {
	d, txs := day(t, 2)
	var b bytes.Buffer
	if err := xlsx.Write(&b, d, txs, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, ",") != "汇总,交易明细" {
		t.Fatalf("sheets = %v", got)
	}
	for _, tc := range []struct {
		sheet, cell, want string
		money             bool
	}{
		{"汇总", "A1", "日期", false},
		{"汇总", "E1", "销售笔数", false},
		{"汇总", "B2", "合计", false},
		{"汇总", "J2", "39.9", true}, // 2 × 39.90 − 39.90
		{"交易明细", "A1", "时间", false},
		{"交易明细", "A2", "2020-08-20 10:01:00", false},
		{"交易明细", "B2", "T01-000001", false},
		{"交易明细", "C2", "销售", false},
		{"交易明细", "E2", "c1", false},
		{"交易明细", "F2", "张三", false},
		{"交易明细", "G2", "扫码", false},
		{"交易明细", "K2", "1", false},
		{"交易明细", "L2", "省总工会", false},
		{"交易明细", "N2", "39.9", true},
		{"交易明细", "O2", "30", true},
		{"交易明细", "P2", "9.9", true},
		{"交易明细", "Q2", "0", true},
		{"交易明细", "R2", "微信", false},
		{"交易明细", "C4", "作废", false},
		{"交易明细", "D4", "T01-000002", false},
		{"交易明细", "I4", "李店长", false},
		{"交易明细", "N4", "-39.9", true},
	} {
		v, err := f.GetCellValue(tc.sheet, tc.cell, excelize.Options{RawCellValue: true})
		if err != nil || v != tc.want {
			t.Errorf("%s!%s = %q (%v), want %q", tc.sheet, tc.cell, v, err, tc.want)
		}
		if !tc.money {
			continue
		}
		id, _ := f.GetCellStyle(tc.sheet, tc.cell)
		st, err := f.GetStyle(id)
		if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != xlsx.MoneyFormat {
			t.Errorf("%s!%s: number format %v, want %q", tc.sheet, tc.cell, st, xlsx.MoneyFormat)
		}
	}
}

// TestYuanExact: fen become yuan by one division, exact to the cent for
// any amount a day can reach.
func TestYuanExact(t *testing.T) {
	for _, fen := range []pos.Money{1, 10, 29, 3990, 123456789, -1} {
		if got := strconv.FormatFloat(xlsx.Yuan(fen), 'f', -1, 64); got != strings.TrimRight(strings.TrimRight(fen.Plain(), "0"), ".") {
			t.Errorf("Yuan(%d) = %s, want %s", fen, got, fen.Plain())
		}
	}
}

func yuan(m pos.Money) string { return strconv.FormatFloat(float64(m)/100, 'f', -1, 64) }

// row reads the summary's total row by header name.
func row(head, r []string) map[string]string {
	col := map[string]string{}
	for i, h := range head {
		if i < len(r) {
			col[h] = r[i]
		}
	}
	num := func(s string) string {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
		return s
	}
	return map[string]string{"sales": col["销售笔数"], "voids": col["作废笔数"], "net": col["净笔数"],
		"total": num(col["金额"]), "voucher": num(col["券抵扣"]), "self": num(col["自付"])}
}

func check(t *testing.T, where string, got, want map[string]string) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s = %q, want %q", where, k, got[k], w)
		}
	}
}
