// Package xlsx writes a day's report as an Excel workbook (.xlsx) with
// github.com/xuri/excelize/v2: a summary sheet and a transactions sheet,
// laid out by report.SummaryTable and report.TransactionTable, so the
// workbook, the CSV files and the manager's screen show the same figures.
// Amounts are numbers in yuan (integer fen / 100, never summed as floats)
// with the number format MoneyFormat; counts are integers.
package xlsx

import (
	"io"

	"github.com/xuri/excelize/v2"

	"fupinpos/pos"
	"fupinpos/pos/report"
)

// MoneyFormat is the number format of amount cells.
const MoneyFormat = "￥#,##0.00"

// Write writes d (summary sheet) and txs (transactions sheet) as an .xlsx
// workbook to w, with headers in t's language (nil: Chinese).
func Write(w io.Writer, d *report.Day, txs []report.Tx, t report.Translate) error {
	if t == nil {
		t = report.Lang("zh_Hans")
	}
	summary, transactions := t("report.summary"), t("report.transactions")
	head, rows := report.SummaryTable(d, t)
	thead, trows := report.TransactionTable(txs, t)
	return WriteSheets(w, []Sheet{{Name: summary, Head: head, Rows: rows}, {Name: transactions, Head: thead, Rows: trows}})
}

// Sheet is one worksheet of a workbook: its name, header and rows.
type Sheet struct {
	Name string
	Head []string
	Rows [][]report.Cell
}

// WriteSheets writes sheets as an .xlsx workbook to w in the house style
// every export shares (the manager's day, the settlement files): bold
// shaded headers, a frozen first row, columns sized to their text, amounts
// as numbers in yuan with the ￥#,##0.00 format.
func WriteSheets(w io.Writer, sheets []Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	money := MoneyFormat
	moneyStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &money})
	if err != nil {
		return err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.Name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(sh.Name); err != nil {
			return err
		}
		if err := sheet(f, sh.Name, sh.Head, sh.Rows, headStyle, moneyStyle); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// Yuan converts fen to the number a spreadsheet cell holds: one division
// of the exact integer, so 1 fen is 0.01 and no error accumulates.
func Yuan(m pos.Money) float64 { return float64(m) / 100 }

func sheet(f *excelize.File, name string, head []string, rows [][]report.Cell, headStyle, moneyStyle int) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	widths := make([]int, len(head))
	for i, h := range head {
		widths[i] = width(h)
	}
	hr := make([]any, len(head))
	for i, h := range head {
		hr[i] = excelize.Cell{StyleID: headStyle, Value: h}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	// Column widths must be set before the first row of a stream.
	for _, r := range rows {
		for i, c := range r {
			if i < len(widths) {
				widths[i] = max(widths[i], width(c.String())+2)
			}
		}
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, float64(min(max(wd, 8), 60))); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", hr); err != nil {
		return err
	}
	for n, r := range rows {
		cells := make([]any, len(r))
		for i, c := range r {
			switch c.Kind {
			case report.CellText:
				cells[i] = c.Text
			case report.CellInt:
				cells[i] = c.Int
			case report.CellMoney:
				cells[i] = excelize.Cell{StyleID: moneyStyle, Value: Yuan(c.Money)}
			default:
				cells[i] = nil
			}
		}
		axis, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(axis, cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// width estimates a column width in Excel units: two for a wide character.
func width(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x2E80 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
