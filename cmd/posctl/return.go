package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"fupinpos/device/escpos"
	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/sync/client"
	"fupinpos/sync/wire"
)

// exitReturnPending is posctl ledger return's exit status when the request
// reached the server but no answer came back: the return waits, sales are
// blocked, and posctl ledger return --resume sends it again.
const exitReturnPending = 4

// ReturnResult is what posctl ledger return --json prints.
type ReturnResult struct {
	Receipt string `json:"receipt"`
	Seq     uint64 `json:"seq"`
	Returns string `json:"returns"`
	// Manager is the approving manager's id, ManagerName their name as
	// the slip prints it (resolved as for a void).
	Manager     string        `json:"manager"`
	ManagerName string        `json:"manager_name,omitempty"`
	Result      string        `json:"result"` // accepted, or duplicate for a return sent again
	Total       pos.Money     `json:"total"`
	Refund      pos.Money     `json:"refund"`
	Method      pos.PayMethod `json:"method,omitempty"`
	Reinstated  pos.Money     `json:"reinstated"`
	Forfeited   pos.Money     `json:"forfeited"`
	Vouchers    []string      `json:"vouchers,omitempty"` // reinstated, pos.VoucherID.String() as in codes.csv
	Printed     string        `json:"printed,omitempty"`
	// PaperNearEnd: the printer reported its paper near its end after
	// printing the slip.
	PaperNearEnd bool `json:"paper_near_end,omitempty"`
}

func cmdReturn(args []string, stdout io.Writer) error {
	fs := newFlags("ledger return", stdout)
	fs.Usage = func() {
		msgs().PrintFlags(stdout, fs, "posctl ledger return --db FILE --receipt NO --item SKU:QTY... --manager ID --pin PIN --reason TEXT [--printer URI] [--json]",
			"posctl ledger return --db FILE --resume [--printer URI] [--json]")
		fmt.Fprint(stdout, tr("posctl.return.exits"))
	}
	dbPath := fs.String("db", "", "terminal database `FILE`")
	receipt := fs.String("receipt", "", "receipt number `NO` of the sale, e.g. T01-000042 (any terminal of this store, any day inside the redemption window)")
	var items itemsFlag
	fs.Var(&items, "item", "goods taken back, `SKU:QTY` (repeat for each product)")
	manager := fs.String("manager", "", "approving manager's user `ID`")
	pin := fs.String("pin", "", "the manager's `PIN`")
	reason := fs.String("reason", "", "why the goods come back (kept in the ledger)")
	resume := fs.Bool("resume", false, "send the return waiting for the server's answer again")
	printer := fs.String("printer", "", "print the return slip on the printer at `URI`")
	asJSON := fs.Bool("json", false, "print JSON")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this long")
	var required []string
	if !hasFlag(args, "resume") {
		required = []string{"receipt", "item", "manager", "pin", "reason"}
	}
	if err := parseDB(fs, args, false, dbPath, required...); err != nil {
		return err
	}
	if err := checkDeviceFlags(*printer, ""); err != nil {
		return err
	}
	db, err := openDB(*dbPath, false)
	if err != nil {
		return err
	}
	defer db.Close()
	var req bolt.ReturnRequest
	var steps client.ReturnSteps
	if *resume {
		p, err := db.PendingReturn()
		if err != nil {
			return err
		}
		if p == nil {
			return pos.Errorf(pos.ENOTFOUND, "no return waits for the server")
		}
		req.Manager = p.Record.Manager
		steps.Prepare = func(*pos.SaleReturns) (pos.Entry, error) { return p.Entry, nil }
	} else {
		// The sale may be another terminal's of this store: the server
		// holds it, and every return agreed against it anywhere.
		req = bolt.ReturnRequest{Manager: *manager, PIN: *pin, Reason: *reason}
		for _, it := range items {
			req.Items = append(req.Items, pos.ReturnItem{SKU: it.SKU, Qty: it.Qty})
		}
		steps.Receipt = *receipt
		steps.Prepare = func(known *pos.SaleReturns) (pos.Entry, error) {
			req.Sale, req.SaleTerminal, req.Known = known.Sale.Seq, known.Sale.Terminal, known
			p, err := db.PrepareReturn(req)
			if err != nil {
				return pos.Entry{}, err
			}
			return p.Entry, nil
		}
	}
	c, err := client.New(db, client.Options{})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	steps.Commit = func(h pos.Hash) error { _, err := db.CommitReturn(h); return err }
	steps.Discard = func(h pos.Hash, why string) error { return db.DiscardReturn(h, req.Manager, why) }
	resp, err := c.Return(ctx, steps)
	if err != nil {
		if p, _ := db.PendingReturn(); p != nil {
			return &exitStatus{code: exitReturnPending, note: tr("posctl.return.pending", "receipt", p.Record.Receipt), err: err}
		}
		if pos.ErrorCode(err) == pos.ESERVEROFFLINE {
			// Not the sale's "kept here, retried later": a return is
			// online only, and nothing of it was recorded.
			return pos.WrapError(pos.ESERVEROFFLINE, err, "the return was not recorded (returns are online only)").Say("return")
		}
		return err
	}
	return printReturn(db, resp, *printer, *asJSON, stdout)
}

func printReturn(db *bolt.DB, resp *wire.ReturnResponse, printer string, asJSON bool, stdout io.Writer) error {
	s, err := db.Record(resp.Seq)
	if err != nil {
		return err
	}
	r := s.Record
	res := ReturnResult{Receipt: r.Receipt, Seq: r.Seq, Returns: r.SaleReceipt(), Result: string(resp.Result),
		Total: r.Total, Refund: r.SelfPaid, Method: r.Method}
	for _, id := range r.Reinstated {
		res.Vouchers = append(res.Vouchers, id.String())
	}
	res.Reinstated, res.Forfeited = r.ReturnAmounts()
	// The manager's name by the receipt path, as the slip prints it.
	res.Manager = r.Manager
	rc, err := db.Receipt(r.Seq, false, actor)
	if err != nil {
		return err
	}
	if rc.Cashier != r.Manager {
		res.ManagerName = rc.Cashier
	}
	var printErr error
	var pr printed
	if printer != "" {
		if pr, printErr = printReceipt(db, r.Seq, false, printer, actor); printErr == nil {
			res.Printed, res.PaperNearEnd = printer, pr.nearEnd
		}
	}
	if asJSON {
		if err := printJSON(stdout, res); err != nil {
			return err
		}
	} else {
		t := msgs().T
		fmt.Fprintf(stdout, "%s %s  %s %s  %s %s\n", t("label.receipt", nil), r.Receipt, t("receipt.returns", nil), res.Returns,
			t("receipt.return_manager", nil), escpos.ReturnManager(rc))
		fmt.Fprintf(stdout, "  %s %s  %s %s (%s)  %s %s  %s %s\n", t("receipt.return_total", nil), r.Total,
			t("receipt.refund", nil), r.SelfPaid, payLabel(r.Method), t("receipt.reinstated", nil), res.Reinstated,
			t("receipt.return_forfeited", nil), res.Forfeited)
		fmt.Fprintln(stdout, "  "+t("receipt.return_notice", nil))
		sayNearEnd(stdout, pr)
	}
	if printErr != nil {
		return &exitStatus{code: exitNotPrinted, note: tr("posctl.return.not_printed", "receipt", r.Receipt), err: printErr}
	}
	return nil
}

// hasFlag reports whether args set the boolean flag name.
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "-"+name || a == "--"+name || a == "--"+name+"=true" || a == "-"+name+"=true" {
			return true
		}
	}
	return false
}
