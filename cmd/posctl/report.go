package main

import (
	"io"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/report"
)

func cmdReportDay(args []string, stdout io.Writer) error {
	fs := newFlags("report day", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE`")
	date := fs.String("date", "", "CST day `YYYY-MM-DD` (default today)")
	asJSON := fs.Bool("json", false, "print JSON")
	asCSV := fs.Bool("csv", false, "print CSV for a spreadsheet: UTF-8 BOM, headers in the language of LANG, one row per breakdown line")
	if err := parse(fs, args, false); err != nil {
		return err
	}
	if err := require(fs, "db"); err != nil {
		return err
	}
	if *asJSON && *asCSV {
		return usagef("posctl.usage_err.json_csv")
	}
	day := *date
	if day == "" {
		day = pos.DayOf(time.Now())
	} else if _, err := pos.ParseDay(day); err != nil {
		return badFlag("date", err)
	}
	db, done, err := openRead(*dbPath)
	if err != nil {
		return err
	}
	defer done()
	d, err := dayReport(db, day)
	if err != nil {
		return err
	}
	switch {
	case *asJSON:
		return printJSON(stdout, d)
	case *asCSV:
		return report.WriteSummaryCSV(stdout, d, translate())
	}
	return report.WriteText(stdout, d, translate())
}

// translate is the report's Translate in the language of LANG.
func translate() report.Translate {
	m := msgs()
	return func(k string) string { return m.T(k, nil) }
}

// dayReport builds the report of one CST day from that day's records
// alone (the database's day index); a void comes with the sale it cancels.
func dayReport(db *bolt.DB, day string) (*report.Day, error) {
	tl, err := db.Trust()
	if err != nil {
		return nil, err
	}
	cfg, err := db.Config()
	if err != nil {
		return nil, err
	}
	users, _ := db.Users()
	names := map[string]string{}
	for _, u := range users {
		names[u.ID] = u.Name
	}
	b := report.NewDayBuilder(report.Names{
		Unit: tl.UnitName,
		Cashier: func(id string) string {
			if n := names[id]; n != "" {
				return n + " (" + id + ")"
			}
			return id
		},
	}, day)
	err = db.DayRecords(day, func(r, sale *pos.Record) error {
		b.AddRecord(r, sale)
		return nil
	})
	if err != nil {
		return nil, err
	}
	d := b.Day(day)
	d.Store, d.StoreName, d.Terminal = cfg.Store, cfg.StoreName, cfg.Terminal
	for i, r := range d.ByMethod {
		d.ByMethod[i].Label = payLabel(pos.PayMethod(r.Key))
	}
	return d, nil
}
