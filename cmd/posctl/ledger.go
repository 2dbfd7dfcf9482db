package main

import (
	"fmt"
	"io"
	"strconv"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
)

// LedgerResult is the JSON answer of posctl ledger verify --json.
type LedgerResult struct {
	OK     bool              `json:"ok"`
	Code   string            `json:"code,omitempty"`
	Seq    string            `json:"seq,omitempty"` // the first bad entry
	Detail string            `json:"detail,omitempty"`
	Check  *bolt.LedgerCheck `json:"check,omitempty"`
}

func cmdLedgerVerify(args []string, stdout io.Writer) error {
	fs := newFlags("ledger verify", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE`")
	asJSON := fs.Bool("json", false, "print JSON")
	full := fs.Bool("full", false, "check every entry from the first (default: only those after the last verified checkpoint, which each clean verify keeps in the database)")
	db, done, err := parseRead(fs, args, dbPath)
	if err != nil {
		return err
	}
	defer done()
	lc, err := db.Verify(bolt.VerifyOptions{Full: *full})
	if err != nil && pos.ErrorCode(err) != pos.ECONFLICT {
		return err
	}
	res := LedgerResult{OK: err == nil}
	if err != nil {
		res.Code, res.Seq, res.Detail = pos.ErrorCode(err), pos.ErrorParams(err)["seq"], err.Error()
	} else {
		res.Check = &lc
	}
	switch {
	case *asJSON:
		if err := printJSON(stdout, res); err != nil {
			return err
		}
	case err != nil:
		fmt.Fprintln(stdout, msgs().T("ledger.bad", map[string]string{"detail": err.Error()}))
	default:
		key := "ledger.ok"
		if !lc.Full {
			key = "ledger.ok.incremental"
		}
		fmt.Fprintln(stdout, msgs().T(key, map[string]string{
			"records": strconv.FormatUint(lc.Records, 10), "audit": strconv.FormatUint(lc.AuditEvents, 10), "head": lc.Head.String()[:16],
			"checked": strconv.FormatUint(lc.Checked, 10)}))
	}
	if err != nil {
		return errRefused
	}
	return nil
}

func cmdVoid(args []string, stdout io.Writer) error {
	fs := newFlags("ledger void", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE`")
	receipt := fs.String("receipt", "", "receipt number `NO` of the sale to void, e.g. T01-000042")
	manager := fs.String("manager", "", "approving manager's user `ID`")
	pin := fs.String("pin", "", "the manager's `PIN`")
	reason := fs.String("reason", "", "why the sale is voided (kept in the ledger)")
	db, err := parseOpen(fs, args, false, dbPath, "receipt", "manager", "pin", "reason")
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := db.RecordByReceipt(*receipt)
	if err != nil {
		return err
	}
	v, err := db.Void(s.Record.Seq, *manager, *pin, *reason)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, msgs().T("ledger.void.done", map[string]string{"receipt": v.Record.Receipt, "sale": *receipt,
		"vouchers": strconv.Itoa(len(v.Record.Vouchers))}))
	return nil
}
