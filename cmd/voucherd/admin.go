package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"fupinpos/assets"
	"fupinpos/pos"
	"fupinpos/pos/report"
	"fupinpos/sync/wire"
)

func cmdIncidents(args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "resolve" {
		return cmdIncidentResolve(args[1:], stdout)
	}
	fs := newFlags("incidents", stdout)
	dir := fs.String("data", "", "data `DIR` made by voucherd init")
	var q wire.IncidentQuery
	fs.StringVar(&q.Day, "day", "", "only the cases opened on CST `DAY` (YYYY-MM-DD)")
	fs.StringVar(&q.Store, "store", "", "only the cases of `STORE`")
	fs.StringVar(&q.Status, "status", "", "only `open` or `resolved` cases")
	fs.IntVar(&q.Limit, "limit", wire.DefaultIncidentLimit, fmt.Sprintf("at most `N` cases (1 to %d)", wire.MaxIncidentLimit))
	fs.Uint64Var(&q.After, "after", 0, "the cases after incident `ID` (the next page)")
	asJSON := fs.Bool("json", false, "write the page as JSON (IncidentPage: incidents, more, next)")
	resolve := fs.Uint64("resolve", 0, "close incident `ID` (with --note) instead of listing")
	note := fs.String("note", "", "with --resolve: what was decided")
	api, closeFn, err := parseAdmin(fs, args, dir)
	if err != nil {
		return err
	}
	defer closeFn()
	if *resolve != 0 {
		if strings.TrimSpace(*note) == "" {
			return fmt.Errorf("%w: --resolve needs --note saying what was decided", errUsage)
		}
		in, err := api.ResolveIncident(wire.ResolveRequest{Incident: *resolve, Resolution: *note})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(stdout, in)
		}
		fmt.Fprintf(stdout, "incident %d (%s, %s) resolved at %s: %s\n", in.ID, in.Kind, in.Terminal,
			in.Resolved.In(pos.CST).Format(time.DateTime), in.Resolution)
		return nil
	}
	if err := q.Check(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	page, err := api.ListIncidents(q)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, page)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTIME\tSTATUS\tKIND\tREASON\tSTORE\tTERMINAL\tSEQ\tVOUCHER\tHOLDER\tDETAIL")
	for _, x := range page.Incidents {
		v, h, status := "-", "-", wire.IncidentOpen
		if x.Voucher != 0 {
			v = x.Voucher.String()
		}
		if x.Holder != (pos.HolderRef{}) {
			h = x.Holder.String()
		}
		if !x.Open() {
			status = wire.IncidentResolved
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", x.ID, x.Time.In(pos.CST).Format(time.DateTime),
			status, x.Kind, x.Reason, x.Store, x.Terminal, x.Seq, v, h, x.Detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if page.More {
		fmt.Fprintf(stdout, "more: --after %d\n", page.Next)
	}
	return nil
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func cmdRevoke(args []string, stdout io.Writer) error {
	fs := newFlags("revoke", stdout)
	dir := fs.String("data", "", "data `DIR` made by voucherd init")
	db := dbFlag(fs)
	v := fs.String("voucher", "", "voucher `ID` to revoke (CAMPAIGN-SERIAL, e.g. 2020-00000042)")
	h := fs.String("holder", "", "`HOLDER` reference (16 hex digits) to suspend")
	reinstate := fs.Bool("reinstate", false, "with --holder: lift the suspension")
	reason := fs.String("reason", "", "why, for the log")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := require(fs, "data"); err != nil {
		return err
	}
	req := wire.RevokeRequest{Reinstate: *reinstate, Reason: *reason}
	switch {
	case (*v == "") == (*h == ""):
		return fmt.Errorf("%w: give one of --voucher or --holder", errUsage)
	case *v != "":
		id, err := wire.ParseVoucherID(*v)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		req.Voucher = id
	default:
		if err := req.Holder.UnmarshalText([]byte(*h)); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
	}
	api, closeFn, err := openAdmin(*dir, *db)
	if err != nil {
		return err
	}
	defer closeFn()
	resp, err := api.Revoke(req)
	if err != nil {
		return err
	}
	if resp.Holder != nil {
		state := "suspended"
		if !resp.Holder.Suspended {
			state = "reinstated"
		}
		fmt.Fprintf(stdout, "holder %s %s; terminals learn it on their next sync\n", resp.Holder.Holder, state)
		return nil
	}
	fmt.Fprintf(stdout, "voucher %s %s; terminals learn it on their next sync\n", resp.Voucher, resp.Status)
	return nil
}

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
	if *asCSV {
		return writeReportCSV(stdout, r)
	}
	return writeReportText(stdout, r, assets.For(os.Getenv("LANG")))
}

func reportSections(r *wire.Report) []struct {
	key  string
	rows []report.Row
} {
	return []struct {
		key  string
		rows []report.Row
	}{{"report.by_unit", r.ByUnit}, {"report.by_store", r.ByStore}, {"report.by_product", r.ByProduct},
		{"report.by_county", r.ByCounty}, {"report.review", r.Review}}
}

func writeReportCSV(w io.Writer, r *wire.Report) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"section", "key", "label", "count", "qty", "amount_fen", "voucher_fen", "forfeited_fen", "self_paid_fen"})
	cw.Write([]string{"total", r.Day, "", strconv.Itoa(r.Sales - r.Voids), "", fen(r.Total), fen(r.VoucherAmount), fen(r.Forfeited), fen(r.SelfPaid)})
	for _, s := range reportSections(r) {
		for _, x := range s.rows {
			cw.Write([]string{s.key[len("report."):], x.Key, x.Label, strconv.Itoa(x.Count), strconv.FormatInt(x.Qty, 10),
				fen(x.Amount), fen(x.Voucher), fen(x.Forfeited), fen(x.SelfPaid)})
		}
	}
	cw.Flush()
	return cw.Error()
}

func fen(m pos.Money) string { return strconv.FormatInt(int64(m), 10) }

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
	for _, s := range reportSections(r) {
		if len(s.rows) == 0 {
			continue
		}
		tb.Row()
		tb.Row(t(s.key), t("label.count"), t("report.amount"), t("label.voucher_amount"))
		for _, x := range s.rows {
			v := x.Voucher.String()
			if s.key == "report.by_product" || s.key == "report.by_county" {
				v = "-"
			}
			tb.Row(x.Label, strconv.Itoa(x.Count), x.Amount.String(), v)
		}
	}
	return tb.Write(w)
}
