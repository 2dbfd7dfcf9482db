package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/client"
)

// exitNoServer is posctl reconcile's exit status when the central server
// cannot be reached: nothing was compared, which a script must tell from
// "the records differ" (1).
const exitNoServer = 4

// cmdReconcile compares the terminal's records of one CST day with the
// server's record of them and lists every difference (not uploaded, not
// held, rejected, in conflict, totals). Exit status 0 when they agree, 1
// when they differ (listed), as for a refusal, 4 (exitNoServer) when the
// server cannot be reached.
func cmdReconcile(args []string, stdout io.Writer) error {
	fs := newFlags("reconcile", stdout)
	fs.Usage = func() {
		msgs().PrintFlags(stdout, fs, "posctl reconcile --db FILE [--day YYYY-MM-DD] [--json]")
		fmt.Fprint(stdout, tr("posctl.reconcile.exits"))
	}
	dbPath := fs.String("db", "", "terminal database `FILE`")
	day := fs.String("day", pos.DayOf(time.Now()), "CST `DAY` (YYYY-MM-DD), default today")
	timeout := fs.Duration("timeout", time.Minute, "give up after this long")
	asJSON := fs.Bool("json", false, "print the reconciliation as JSON")
	db, done, err := parseRead(fs, args, dbPath)
	if err != nil {
		return err
	}
	defer done()
	if _, err := pos.ParseDay(*day); err != nil {
		return badFlag("day", err)
	}
	c, err := client.New(db, client.Options{})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	rec, err := c.Reconcile(ctx, *day)
	if pos.ErrorCode(err) == pos.ESERVEROFFLINE {
		// Nothing was compared: not "they differ" (1), its own status.
		return &exitStatus{code: exitNoServer, err: pos.WrapError(pos.ESERVEROFFLINE, err, "nothing was reconciled").Say("reconcile")}
	}
	if err != nil {
		return err
	}
	if *asJSON {
		if err := printJSON(stdout, rec); err != nil {
			return err
		}
	} else {
		writeReconciliation(stdout, rec)
	}
	if len(rec.Diffs) > 0 {
		return errRefused
	}
	return nil
}

// writeReconciliation prints the outcome line and one line per difference.
func writeReconciliation(w io.Writer, rec *pos.Reconciliation) {
	m := msgs()
	if len(rec.Diffs) == 0 {
		fmt.Fprintln(w, m.T("reconcile.ok", map[string]string{"day": rec.Day, "records": strconv.Itoa(rec.Records),
			"amount": rec.Server.VoucherAmount.String()}))
		return
	}
	fmt.Fprintln(w, m.T("reconcile.diffs", map[string]string{"day": rec.Day, "n": strconv.Itoa(rec.Differences())}))
	for _, d := range rec.Diffs {
		line := "  " + m.T("reconcile.kind."+d.Kind, nil)
		if d.Receipt != "" {
			line += "  " + d.Receipt
		}
		if d.Reason != "" {
			line += "  " + m.Incident(d.Reason)
		}
		switch {
		case d.Kind == pos.DiffTotals:
			line += "  " + m.T("reconcile.totals", map[string]string{"local_sales": strconv.Itoa(rec.Local.Sales - rec.Local.Voids),
				"local": rec.Local.VoucherAmount.String(), "server_sales": strconv.Itoa(rec.Server.Sales - rec.Server.Voids),
				"server": rec.Server.VoucherAmount.String()})
		case d.Detail != "":
			line += "  " + d.Detail
		}
		fmt.Fprintln(w, line)
	}
}
