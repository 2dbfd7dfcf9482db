package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/report"
	"fupinpos/sync/client"
)

func cmdEnroll(args []string, stdout io.Writer) error {
	fs := newFlags("enroll", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE` (created when missing)")
	server := fs.String("server", "", "central server `URL`, e.g. https://voucherd.example:8443; several instances separated by commas (the terminal fails over between them)")
	code := fs.String("code", "", "one-time enrollment `CODE` from voucherd terminal add")
	expect := fs.String("expect-root", "", "root key `FINGERPRINT` from the deployment sheet (else you are asked to confirm)")
	yes := fs.Bool("yes", false, "accept the server's root key without asking (only on a trusted network)")
	storeName := fs.String("store-name", "", "store name printed on receipts (default: the server's name)")
	counter := fs.String("counter", "扶贫专区", "counter name printed on receipts")
	printer := fs.String("printer", "", "receipt printer `URI`")
	scanner := fs.String("scanner", "", "scanner `URI`")
	caFile := fs.String("ca", "", "PEM `FILE` of the deployment's CA: the only TLS roots this terminal trusts for the server (pinned)")
	if err := parse(fs, args, false); err != nil {
		return err
	}
	if err := require(fs, "db", "server", "code"); err != nil {
		return err
	}
	if err := checkDeviceFlags(*printer, *scanner); err != nil {
		return err
	}
	db, err := openDB(*dbPath, true)
	if err != nil {
		return err
	}
	defer db.Close()
	confirm := func(fp string) bool {
		say(stdout, "posctl.enroll.fingerprint", "fingerprint", fp)
		switch {
		case *expect != "":
			return strings.ReplaceAll(*expect, " ", "") == strings.ReplaceAll(fp, " ", "")
		case *yes:
			return true
		}
		fmt.Fprint(stdout, tr("posctl.enroll.confirm")+" ")
		line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
		return strings.HasPrefix(strings.ToLower(strings.TrimSpace(line)), "y")
	}
	base := pos.TerminalConfig{StoreName: *storeName, Counter: *counter, Printer: *printer, Scanner: *scanner, Lang: "zh_Hans"}
	if *caFile != "" {
		pem, err := os.ReadFile(*caFile)
		if err != nil {
			return pos.WrapError(pos.EINVALID, err, "read --ca %s", *caFile)
		}
		base.ServerCA = string(pem)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	er, err := client.Enroll(ctx, db, *server, *code, base, confirm, client.Options{})
	if err != nil {
		return err
	}
	say(stdout, "posctl.enroll.done", "terminal", er.Terminal, "store", er.Store, "name", er.Name)
	return nil
}

func cmdSync(args []string, stdout io.Writer) error {
	fs := newFlags("sync", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE`")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this long")
	asJSON := fs.Bool("json", false, "print JSON")
	db, err := parseOpen(fs, args, false, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := client.New(db, client.Options{})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	syncErr := c.Sync(ctx)
	st := c.State()
	incidents, _ := db.Incidents()
	if *asJSON {
		out := struct {
			OK        bool           `json:"ok"`
			Error     string         `json:"error,omitempty"`
			Uploaded  int            `json:"uploaded"`
			Conflicts int            `json:"conflicts"`
			Pages     int            `json:"pages"`
			Queue     pos.QueueState `json:"queue"`
			Skew      string         `json:"skew"`
			Incidents int            `json:"incidents"`
			Resent    int            `json:"resent"`
		}{syncErr == nil, "", st.Stats.Uploaded, st.Stats.Conflicts, st.Stats.Pages, st.Queue, st.Skew.String(), len(incidents), st.Stats.Rewound}
		if syncErr != nil {
			out.Error = syncErr.Error()
		}
		if err := printJSON(stdout, out); err != nil {
			return err
		}
	} else {
		if st.Stats.Rewound > 0 {
			say(stdout, "posctl.sync.resent", "count", st.Stats.Rewound)
		}
		say(stdout, "posctl.sync.done", "uploaded", st.Stats.Uploaded, "conflicts", st.Stats.Conflicts, "pages", st.Stats.Pages,
			"waiting", st.Queue.Count, "amount", st.Queue.Amount)
		if st.Skew > client.LargeSkew || st.Skew < -client.LargeSkew {
			fmt.Fprintln(stdout, msgs().Error(pos.Errorf(pos.ESKEW, "skew").With("skew", st.Skew.Round(time.Second).String())))
		}
	}
	return syncErr
}

func cmdIncidents(args []string, stdout io.Writer) error {
	fs := newFlags("incidents", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE`")
	asJSON := fs.Bool("json", false, "print JSON")
	db, done, err := parseRead(fs, args, dbPath)
	if err != nil {
		return err
	}
	defer done()
	in, err := db.Incidents()
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(stdout, in)
	}
	if len(in) == 0 {
		say(stdout, "posctl.incidents.none")
	}
	writeIncidents(stdout, db, in)
	return nil
}

// writeIncidents prints one incident a line, aligned by display width:
// when, receipt, the server's answer (a code: conflict, rejected), why in
// the operator's language (from the reason code) and the vouchers of the
// record concerned. The server's own detail is English: it is shown under
// an English LANG only (--json has it in every language).
func writeIncidents(w io.Writer, db *bolt.DB, in []pos.Incident) {
	m := msgs()
	tb := report.Table{Align: "llllll"}
	for _, i := range in {
		var ids []string
		if s, err := db.Record(i.Seq); err == nil {
			for _, v := range s.Record.Vouchers {
				ids = append(ids, v.ID.String())
			}
		}
		vouchers := ""
		if len(ids) > 0 {
			vouchers = m.T("label.voucher", nil) + " " + strings.Join(ids, ", ")
		}
		row := []string{cst(i.Time), i.Receipt, string(i.Result), m.Incident(i.Reason), vouchers}
		if m.Lang == "en" {
			row = append(row, i.Detail)
		}
		tb.Row(row...)
	}
	tb.Write(w)
	// Decisions the server sent back (voucherd incidents resolve), one
	// line each under the table.
	for _, i := range in {
		if r := m.Resolution(i.Resolution); r != "" {
			fmt.Fprintf(w, "  %s  %s\n", i.Receipt, r)
		}
	}
}
