package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"

	"fupinpos/assets"
	"fupinpos/pos"
	"fupinpos/pos/report"
	"fupinpos/sync/wire"
)

func cmdReport(args []string, stdout io.Writer) error {
	fs := newFlags("report", stdout)
	dir := fs.String("data", "", "data `DIR` made by voucherd init")
	day := fs.String("day", "", "CST `DAY` (YYYY-MM-DD)")
	unit := fs.Uint("unit", 0, "only the vouchers of work `UNIT`")
	asCSV := fs.Bool("csv", false, "write CSV: section,key,label,count,qty,amount,voucher,forfeited,self_paid")
	api, closeFn, err := parseAdmin(fs, args, dir, "day")
	if err != nil {
		return err
	}
	defer closeFn()
	r, err := api.Report(*day, uint32(*unit))
	if err != nil {
		return err
	}
	msgs := assets.For(os.Getenv("LANG"))
	if *asCSV {
		return writeReportCSV(stdout, r, msgs)
	}
	return writeReportText(stdout, r, msgs)
}

// reportSections are the breakdowns of r in the order the text and the CSV
// show them; the origin kinds and the certified split come last, so the
// lines of the sections before them stay where they were.
func reportSections(r *wire.Report) []struct {
	key  string
	rows []report.Row
} {
	return []struct {
		key  string
		rows []report.Row
	}{{"report.by_unit", r.ByUnit}, {"report.by_store", r.ByStore}, {"report.by_product", r.ByProduct},
		{"report.by_county", r.ByCounty}, {"report.review", r.Review},
		{"report.by_origin", r.ByOrigin}, {"report.by_certified", r.ByCertified}}
}

// sectionLabel is the label of row x of section key: origin kinds and the
// certified split by translation, every other row as the report names it.
func sectionLabel(t report.Translate, key string, x report.Row) string {
	switch key {
	case "report.by_origin":
		return report.OriginName(t, x.Key)
	case "report.by_certified":
		return report.CertifiedName(t, x.Key)
	}
	return x.Label
}

// writeReportCSV writes r for a script: amounts in fen, one row per
// breakdown line after the day's total. Count is of transactions (net
// sales) in every row; the last column, vouchers, counts the day's and
// each work unit's vouchers (empty for the other rows). A work unit's amount is the
// applied voucher value (face = voucher + forfeited); the goods sections
// (product, county, origin kind, certified split) have goods value as
// their amount.
func writeReportCSV(w io.Writer, r *wire.Report, msgs *assets.Messages) error {
	t := func(k string) string { return msgs.T(k, nil) }
	cw := csv.NewWriter(w)
	cw.Write([]string{"section", "key", "label", "count", "qty", "amount_fen", "voucher_fen", "forfeited_fen", "self_paid_fen", "vouchers"})
	cw.Write([]string{"total", r.Day, "", strconv.Itoa(r.Sales - r.Voids), "", fen(r.Total), fen(r.VoucherAmount), fen(r.Forfeited), fen(r.SelfPaid), strconv.Itoa(r.Vouchers)})
	for _, s := range reportSections(r) {
		for _, x := range s.rows {
			vouchers := ""
			if s.key == "report.by_unit" {
				vouchers = strconv.Itoa(x.Vouchers)
			}
			cw.Write([]string{s.key[len("report."):], x.Key, sectionLabel(t, s.key, x), strconv.Itoa(x.Count), strconv.FormatInt(x.Qty, 10),
				fen(x.Amount), fen(x.Voucher), fen(x.Forfeited), fen(x.SelfPaid), vouchers})
		}
	}
	cw.Flush()
	return cw.Error()
}

func fen(m pos.Money) string { return strconv.FormatInt(int64(m), 10) }

// writeReportText writes r as an aligned table in msgs' language: the
// totals, certified against non-certified goods, then each breakdown. The
// work units show face value and applied voucher value; the goods
// sections show goods value only (vouchers pay for baskets, not lines).
func writeReportText(w io.Writer, r *wire.Report, msgs *assets.Messages) error {
	t := func(k string) string { return msgs.T(k, nil) }
	var tb report.Table
	title := t("report.settlement") + " " + r.Day
	if r.Unit != 0 {
		title += fmt.Sprintf(" (%s %d)", t("label.unit"), r.Unit)
	}
	tb.Row(title)
	tb.Row(t("report.sales"), strconv.Itoa(r.Sales), t("report.voids"), strconv.Itoa(r.Voids))
	tb.Row(t("label.total"), r.Total.String(), t("label.voucher"), strconv.Itoa(r.Vouchers))
	tb.Row(t("label.voucher_amount"), r.VoucherAmount.String(), t("label.forfeited"), r.Forfeited.String())
	tb.Row(t("label.self_paid"), r.SelfPaid.String())
	tb.Row(t("report.certified"), r.Certified.String(), t("report.non_certified"), r.NonCertified.String())
	for _, s := range reportSections(r) {
		if len(s.rows) == 0 {
			continue
		}
		amount := t("report.amount")
		if s.key == "report.by_unit" {
			amount = t("label.value")
		}
		tb.Row()
		tb.Row(t(s.key), t("label.count"), amount, t("label.voucher_amount"))
		for _, x := range s.rows {
			a, v := x.Amount.String(), x.Voucher.String()
			switch s.key {
			case "report.by_unit":
				a = x.Face.String()
			case "report.by_product", "report.by_county", "report.by_origin", "report.by_certified":
				v = "-"
			}
			tb.Row(sectionLabel(t, s.key, x), strconv.Itoa(x.Count), a, v)
		}
	}
	return tb.Write(w)
}
