package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// Translate returns the user-facing text for a translation key.
type Translate func(key string) string

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
		{"report.by_cashier", d.ByCashier}, {"report.by_hour", d.ByHour}, {"report.by_method", d.ByMethod},
	}
}

// WriteText writes d as a table for a terminal or a log, aligned by
// display width (a Chinese character takes two columns). Vouchers pay for
// whole baskets, not single products, so the product and county sections
// show goods value only.
func WriteText(w io.Writer, d *Day, t Translate) error {
	var tb Table
	tb.Row(t("report.title")+" "+d.Day, d.Store, d.Terminal, "")
	tb.Row(t("report.sales"), strconv.Itoa(d.Sales), t("report.voids"), strconv.Itoa(d.Voids))
	tb.Row(t("label.total"), d.Total.String(), t("label.voucher"), strconv.Itoa(d.Vouchers))
	tb.Row(t("label.voucher_amount"), d.VoucherAmount.String(), t("label.forfeited"), d.Forfeited.String())
	tb.Row(t("label.self_paid"), d.SelfPaid.String(), "", "")
	for _, s := range d.sections() {
		if len(s.rows) == 0 {
			continue
		}
		tb.Row("", "", "", "")
		tb.Row(t(s.key), t("label.count"), t("report.amount"), t("label.voucher_amount"))
		for _, r := range s.rows {
			amount, voucher := r.Amount, r.Voucher.String()
			switch s.key {
			case "report.by_method":
				amount, voucher = r.SelfPaid, ""
			case "report.by_product", "report.by_county":
				voucher = "-"
			}
			tb.Row(r.Label, strconv.Itoa(r.Count), amount.String(), voucher)
		}
	}
	return tb.Write(w)
}

// Table lays out rows of text for a terminal: the first column
// left-aligned, the rest right-aligned, by display width, so Chinese labels
// and amounts line up (text/tabwriter counts a Chinese character as one).
type Table struct{ rows [][]string }

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
			if i == 0 {
				line.WriteString(c + pad)
			} else {
				line.WriteString("  " + pad + c)
			}
		}
		sb.WriteString(strings.TrimRight(line.String(), " "))
		sb.WriteString("\n")
	}
	out := sb.String()
	_, err := io.WriteString(w, out)
	return err
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

// WriteCSV writes d as CSV: one row per breakdown line, section first,
// amounts in yuan with two decimals, for the settlement spreadsheet.
func WriteCSV(w io.Writer, d *Day) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"day", "section", "key", "label", "count", "qty", "amount", "voucher", "forfeited", "self_paid"})
	cw.Write([]string{d.Day, "total", "", "", strconv.Itoa(d.Sales - d.Voids), "", d.Total.Plain(), d.VoucherAmount.Plain(), d.Forfeited.Plain(), d.SelfPaid.Plain()})
	names := []string{"unit", "product", "county", "cashier", "hour", "method"}
	for i, s := range d.sections() {
		for _, r := range s.rows {
			cw.Write([]string{d.Day, names[i], r.Key, r.Label, strconv.Itoa(r.Count), strconv.FormatInt(r.Qty, 10),
				r.Amount.Plain(), r.Voucher.Plain(), r.Forfeited.Plain(), r.SelfPaid.Plain()})
		}
	}
	cw.Flush()
	return cw.Error()
}
