package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
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

// WriteText writes d as aligned text for a terminal or a log.
func WriteText(w io.Writer, d *Day, t Translate) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s %s\t%s\t%s\t\n", t("report.title"), d.Day, d.Store, d.Terminal)
	fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t\n", t("report.sales"), d.Sales, t("report.voids"), d.Voids)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t\n", t("label.total"), d.Total, t("label.voucher"), d.Vouchers)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", t("label.voucher_amount"), d.VoucherAmount, t("label.forfeited"), d.Forfeited)
	fmt.Fprintf(tw, "%s\t%s\t\t\t\n", t("label.self_paid"), d.SelfPaid)
	for _, s := range d.sections() {
		if len(s.rows) == 0 {
			continue
		}
		fmt.Fprintf(tw, "\t\t\t\t\n%s\t%s\t%s\t%s\t\n", t(s.key), t("label.count"), t("report.amount"), t("label.voucher_amount"))
		for _, r := range s.rows {
			amount := r.Amount
			if s.key == "report.by_method" {
				amount = r.SelfPaid
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t\n", r.Label, r.Count, amount, r.Voucher)
		}
	}
	return tw.Flush()
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
