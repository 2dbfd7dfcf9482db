package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

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
	fs.StringVar(&q.Status, "status", "", "only the `STATUS` cases: open or resolved")
	fs.IntVar(&q.Limit, "limit", wire.DefaultIncidentLimit, fmt.Sprintf("at most `N` cases (1 to %d)", wire.MaxIncidentLimit))
	fs.Uint64Var(&q.After, "after", 0, "the cases after incident `ID` (the next page)")
	asJSON := fs.Bool("json", false, "write the page as JSON (IncidentPage: incidents, more, next)")
	resolve := fs.Uint64("resolve", 0, "close incident `ID` (with --note) instead of listing")
	note := fs.String("note", "", "with --resolve: what was decided")
	db := dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := require(fs, "data"); err != nil {
		return err
	}
	// The flags are checked before the database is opened: a usage error
	// is one whatever the state of the server.
	if *resolve != 0 && strings.TrimSpace(*note) == "" {
		return usagef("voucherd.usage_err.resolve_note")
	}
	if *resolve == 0 {
		if err := checkQuery(&q); err != nil {
			return err
		}
	}
	api, closeFn, err := openAdmin(*dir, *db)
	if err != nil {
		return err
	}
	defer closeFn()
	if *resolve != 0 {
		in, err := api.ResolveIncident(wire.ResolveRequest{Incident: *resolve, Resolution: *note})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(stdout, in)
		}
		say(stdout, "voucherd.incidents.resolved", "id", in.ID, "kind", in.Kind, "terminal", in.Terminal,
			"time", in.Resolved.In(pos.CST).Format(time.DateTime), "note", in.Resolution)
		return nil
	}
	page, err := api.ListIncidents(q)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, page)
	}
	if len(page.Incidents) == 0 {
		say(stdout, "voucherd.incidents.none")
		return nil
	}
	tb := report.Table{Align: "rllllllrllll"}
	tb.Row(strings.Split(tr("voucherd.incidents.head"), "\t")...)
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
		tb.Row(strconv.FormatUint(x.ID, 10), x.Time.In(pos.CST).Format(time.DateTime), status, x.Kind, x.Reason, x.Store,
			x.Terminal, strconv.FormatUint(x.Seq, 10), recordsAB(&x), v, h, x.Detail)
	}
	if err := tb.Write(stdout); err != nil {
		return err
	}
	if page.More {
		say(stdout, "voucherd.incidents.more", "next", page.Next)
	}
	return nil
}

// checkQuery checks the flags of an incident listing (q.Check), saying
// what is wrong with which in the language of LANG.
func checkQuery(q *wire.IncidentQuery) error {
	if q.Day != "" {
		if _, err := pos.ParseDay(q.Day); err != nil {
			return usagef("voucherd.usage_err.day", "flag", "day", "value", q.Day)
		}
	}
	switch q.Status {
	case "", wire.IncidentOpen, wire.IncidentResolved:
	default:
		return usagef("voucherd.usage_err.status", "value", q.Status)
	}
	if q.Limit < 0 || q.Limit > wire.MaxIncidentLimit {
		return usagef("voucherd.usage_err.limit", "value", q.Limit, "max", wire.MaxIncidentLimit)
	}
	return q.Check()
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
		return usagef("voucherd.usage_err.revoke_target")
	case *v != "" && *reinstate:
		return usagef("voucherd.usage_err.reinstate_voucher")
	case *v != "":
		id, err := wire.ParseVoucherID(*v)
		if err != nil {
			return usagef("voucherd.usage_err.voucher_id", "value", *v)
		}
		req.Voucher = id
	default:
		if err := req.Holder.UnmarshalText([]byte(*h)); err != nil {
			return usagef("voucherd.usage_err.holder", "value", *h)
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
		key := "voucherd.revoke.holder_suspended"
		if !resp.Holder.Suspended {
			key = "voucherd.revoke.holder_reinstated"
		}
		say(stdout, key, "holder", resp.Holder.Holder)
		return nil
	}
	status := resp.Status.String()
	if k := "voucherd.revoke.status." + status; has(k) {
		status = tr(k)
	}
	say(stdout, "voucherd.revoke.voucher", "voucher", resp.Voucher, "status", status)
	return nil
}

// recordsAB names the records of incident x as incidents resolve --keep
// calls them (wire.KeepA, KeepB): for a double spend A is the record the
// server accepted first (the first claim on the voucher) and B the one
// that opened the case; for a case about one record, A is that record.
// A record is its receipt number when known, else terminal#seq.
func recordsAB(x *wire.Incident) string {
	own := x.Terminal + "#" + strconv.FormatUint(x.Seq, 10)
	switch {
	case x.Kind == wire.IncidentDoubleSpend && len(x.Claims) > 0:
		a := x.Claims[0].Receipt
		if a == "" {
			a = x.Claims[0].Terminal + "#" + strconv.FormatUint(x.Claims[0].Seq, 10)
		}
		return "A=" + a + " B=" + own
	case x.Seq != 0:
		return "A=" + own
	}
	return "-"
}
