package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"fupinpos/assets"
)

// Translate returns the user-facing text for a translation key.
type Translate func(key string) string

// Lang returns the Translate of a language ("zh_Hans", "en", a LANG value),
// from the shipped translation files; anything unknown gets Chinese.
func Lang(lang string) Translate {
	m := assets.For(lang)
	return func(key string) string { return m.T(key, nil) }
}

// or returns t, or Chinese when t is nil.
func (t Translate) or() Translate {
	if t == nil {
		return Lang("zh_Hans")
	}
	return t
}

// section pairs a breakdown with its translation key.
func (d *Day) sections() []struct {
	key  string
	rows []Row
} {
	return []struct {
		key  string
		rows []Row
	}{
		{"report.by_unit", d.ByUnit}, {"report.by_product", d.ByProduct}, {"report.by_county", d.ByCounty},
		{"report.by_origin", d.ByOrigin}, {"report.by_certified", d.ByCertified}, {"report.by_cashier", d.ByCashier}, {"report.by_hour", d.ByHour}, {"report.by_method", d.ByMethod},
	}
}

// WriteText writes d as a table for a terminal or a log, aligned by
// display width (a Chinese character takes two columns). Vouchers pay for
// whole baskets, not single products, so the product, county, origin and
// certified sections show goods value only.
func WriteText(w io.Writer, d *Day, t Translate) error {
	var tb Table
	tb.Row(t("report.title")+" "+d.Day, d.Store, d.Terminal, "")
	tb.Row(t("report.sales"), strconv.Itoa(d.Sales), t("report.voids"), strconv.Itoa(d.Voids))
	if d.Returns != 0 {
		tb.Row(t("report.returns"), strconv.Itoa(d.Returns), "", "")
	}
	tb.Row(t("label.total"), d.Total.String(), t("label.voucher"), strconv.Itoa(d.Vouchers))
	tb.Row(t("label.voucher_amount"), d.VoucherAmount.String(), t("label.forfeited"), d.Forfeited.String())
	tb.Row(t("label.self_paid"), d.SelfPaid.String(), "", "")
	tb.Row(t("report.certified"), d.Certified.String(), t("report.non_certified"), d.NonCertified.String())
	for _, s := range d.sections() {
		if len(s.rows) == 0 {
			continue
		}
		tb.Row("", "", "", "")
		tb.Row(t(s.key), t("label.count"), t("report.amount"), t("label.voucher_amount"))
		for _, r := range s.rows {
			amount, voucher, label := r.Amount, r.Voucher.String(), r.Label
			switch s.key {
			case "report.by_method":
				amount, voucher = r.SelfPaid, ""
			case "report.by_product", "report.by_county":
				voucher = "-"
			case "report.by_origin":
				label, voucher = OriginName(t, r.Key), "-"
			case "report.by_certified":
				label, voucher = CertifiedName(t, r.Key), "-"
			}
			tb.Row(label, strconv.Itoa(r.Count), amount.String(), voucher)
		}
	}
	return tb.Write(w)
}

// Table lays out rows of text for a terminal: the first column
// left-aligned, the rest right-aligned, by display width, so Chinese labels
// and amounts line up (text/tabwriter counts a Chinese character as one).
type Table struct {
	// Align, when set, aligns column i left ('l') or right ('r') by its
	// byte i (listings whose columns are words, not amounts); columns
	// past its end follow the default.
	Align string
	rows  [][]string
}

// Row adds a row.
func (t *Table) Row(cells ...string) { t.rows = append(t.rows, cells) }

// Write writes the table.
func (t *Table) Write(w io.Writer) error {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var sb strings.Builder
	for _, r := range t.rows {
		var line strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-displayWidth(c))
			if i > 0 {
				line.WriteString("  ")
			}
			if t.left(i) {
				line.WriteString(c + pad)
			} else {
				line.WriteString(pad + c)
			}
		}
		sb.WriteString(strings.TrimRight(line.String(), " "))
		sb.WriteString("\n")
	}
	out := sb.String()
	_, err := io.WriteString(w, out)
	return err
}

// left reports whether column i is left-aligned.
func (t *Table) left(i int) bool {
	if i < len(t.Align) {
		return t.Align[i] == 'l'
	}
	return i == 0
}

// displayWidth counts the terminal columns of s: two for East Asian wide
// characters (CJK, full-width forms such as ￥), one for the rest.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3,
			r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6:
			n += 2
		default:
			n++
		}
	}
	return n
}

// BOM is the UTF-8 byte order mark that makes Excel read a CSV file as
// UTF-8 (without it, Chinese text shows as mojibake on a Chinese Windows).
const BOM = "\ufeff"

// WriteCSV writes d's summary as CSV in Chinese with a BOM: the same as
// WriteSummaryCSV(w, d, nil).
func WriteCSV(w io.Writer, d *Day) error { return WriteSummaryCSV(w, d, nil) }

// WriteSummaryCSV writes d as CSV for a spreadsheet: a UTF-8 BOM, a header
// row in t's language (nil: Chinese), the day's total row, then one row per
// breakdown line with its id and name side by side; counts and amounts as
// SummaryTable gives them, amounts in yuan with two decimals.
func WriteSummaryCSV(w io.Writer, d *Day, t Translate) error {
	head, rows := SummaryTable(d, t)
	return WriteTableCSV(w, head, rows)
}

// WriteTransactionsCSV writes one row per ledger record of a day (see
// TransactionTable), with a UTF-8 BOM and a header in t's language.
func WriteTransactionsCSV(w io.Writer, txs []Tx, t Translate) error {
	head, rows := TransactionTable(txs, t)
	return WriteTableCSV(w, head, rows)
}

// WriteTableCSV writes any table of cells (a report's, a settlement's) as
// CSV for a spreadsheet: a UTF-8 BOM, the header row, amounts in yuan with
// two decimals.
func WriteTableCSV(w io.Writer, head []string, rows [][]Cell) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write(head)
	for _, r := range rows {
		rec := make([]string, len(r))
		for i, c := range r {
			rec[i] = c.String()
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}
