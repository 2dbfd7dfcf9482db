package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"fupinpos/assets"
	"fupinpos/pos"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// cmdAlerts prints the supervision alerts of one CST day (today by
// default): each with its rule, what was measured against which threshold,
// and the records (receipts) behind it. The thresholds are those of the
// data directory's alerts.json (defaults without one), checked first.
func cmdAlerts(args []string, stdout io.Writer) error {
	fs := newFlags("alerts", stdout)
	dir := fs.String("data", "", "data `DIR` made by voucherd init (alerts.json: the thresholds)")
	day := fs.String("day", pos.DayOf(time.Now()), "CST `DAY` (YYYY-MM-DD), default today")
	store := fs.String("store", "", "only `STORE`")
	asJSON := fs.Bool("json", false, "write the alerts as JSON (AlertsResponse)")
	db := dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := require(fs, "data"); err != nil {
		return err
	}
	if _, err := pos.ParseDay(*day); err != nil {
		return usagef("voucherd.usage_err.day", "flag", "day", "value", *day)
	}
	cfg, err := server.LoadAlertConfig(*dir)
	if err != nil {
		return err
	}
	api, closeFn, err := openSettle(*dir, *db)
	if err != nil {
		return err
	}
	defer closeFn()
	resp, err := api.Alerts(wire.AlertsRequest{Day: *day, Store: *store, Config: &cfg})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, resp)
	}
	return writeAlerts(stdout, resp, assets.For(os.Getenv("LANG")))
}

// writeAlerts prints one block per alert.
func writeAlerts(w io.Writer, resp *wire.AlertsResponse, msgs *assets.Messages) error {
	if len(resp.Alerts) == 0 {
		_, err := fmt.Fprintln(w, msgs.T("alert.none", map[string]string{"day": resp.Day}))
		return err
	}
	for i, a := range resp.Alerts {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, AlertLine(a, msgs))
		for _, r := range a.Records {
			fmt.Fprintf(w, "  %s  %s  %s #%d\n", r.Time.In(pos.CST).Format(time.DateTime), r.Receipt, r.Terminal, r.Seq)
		}
	}
	return nil
}

// AlertLine is an alert in one line: rule name, store, who, measured value
// against its threshold, detail and how many records.
func AlertLine(a pos.Alert, msgs *assets.Messages) string {
	who := ""
	switch {
	case a.Cashier != "":
		who = msgs.T("alert.cashier", map[string]string{"cashier": a.Cashier})
	case a.Unit != 0:
		who = msgs.T("alert.unit", map[string]string{"unit": strconv.FormatUint(uint64(a.Unit), 10)})
	}
	value := strconv.FormatInt(a.Value, 10)
	if a.Value < 0 {
		value = "∞"
	}
	parts := []string{"[" + msgs.T("alert.rule."+string(a.Rule), nil) + "]", a.Store}
	if who != "" {
		parts = append(parts, who)
	}
	parts = append(parts, msgs.T("alert.measure", map[string]string{"value": value, "threshold": strconv.FormatInt(a.Threshold, 10)}))
	if a.Detail != "" {
		parts = append(parts, "("+a.Detail+")")
	}
	parts = append(parts, msgs.T("alert.records", map[string]string{"n": strconv.Itoa(len(a.Records))}))
	return strings.Join(parts, " ")
}
