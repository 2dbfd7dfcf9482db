package main

import (
	"fmt"
	"io"
	"strings"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
)

// SaleResult is the JSON answer of posctl redeem --json. Ids and times are
// written as ledger list --json and codes.csv write them.
type SaleResult struct {
	Receipt       string        `json:"receipt"`
	Seq           uint64        `json:"seq"`
	Time          string        `json:"time"` // RFC 3339, China Standard Time (jsonTime)
	Total         pos.Money     `json:"total"`
	VoucherAmount pos.Money     `json:"voucher_amount"`
	Forfeited     pos.Money     `json:"forfeited"`
	SelfPaid      pos.Money     `json:"self_paid"`
	Method        pos.PayMethod `json:"method"`
	Vouchers      []SaleVoucher `json:"vouchers"`
	Hash          pos.Hash      `json:"hash"`
	Printed       string        `json:"printed,omitempty"` // printer URI the receipt went to
	// PaperNearEnd: the printer reported its paper near its end after
	// printing the receipt.
	PaperNearEnd bool `json:"paper_near_end,omitempty"`
}

// SaleVoucher is a voucher of a sale in SaleResult: pos.AppliedVoucher
// with its id in the form people and files use (2020-00000023).
type SaleVoucher struct {
	ID        string        `json:"id"` // pos.VoucherID.String(), as in codes.csv and ledger list
	Campaign  uint16        `json:"campaign"`
	Key       pos.KeyID     `json:"key"`
	Holder    pos.HolderRef `json:"holder"`
	Unit      uint32        `json:"unit"`
	Face      pos.Money     `json:"face"`
	Applied   pos.Money     `json:"applied"`
	Forfeited pos.Money     `json:"forfeited"`
	Code      string        `json:"code"`
}

// saleVouchers returns vs as SaleResult lists them.
func saleVouchers(vs []pos.AppliedVoucher) []SaleVoucher {
	out := make([]SaleVoucher, len(vs))
	for i, v := range vs {
		out[i] = SaleVoucher{ID: v.ID.String(), Campaign: v.Campaign, Key: v.KeyID, Holder: v.Holder, Unit: v.Unit,
			Face: v.Face, Applied: v.Applied, Forfeited: v.Forfeited, Code: v.Code}
	}
	return out
}

// exitNotPrinted is posctl redeem's exit status for a sale that is
// recorded but whose receipt did not print: a script must not redeem it
// again, only reprint it (posctl receipt). 1 stays "refused or failed,
// nothing recorded".
const exitNotPrinted = 3

// exitStatus is an error with its own exit status; exitCode prints it as
// any error, then note (what the operator must do, in the language of
// LANG), and exits with ExitCode.
type exitStatus struct {
	code int
	note string
	err  error
}

func (e *exitStatus) Error() string { return e.err.Error() }
func (e *exitStatus) Unwrap() error { return e.err }

// ExitCode is the process's exit status for this error.
func (e *exitStatus) ExitCode() int { return e.code }

func cmdRedeem(args []string, stdout io.Writer) error {
	fs := newFlags("redeem", stdout)
	fs.Usage = func() {
		msgs().PrintFlags(stdout, fs, "posctl redeem --db FILE --cashier ID --item SKU:QTY... [--method cash|wechat|alipay|card] [--printer URI] [--json] CODE...",
			"posctl redeem --db FILE --cashier ID --item SKU:QTY... --self-paid --method cash|wechat|alipay|card [--printer URI] [--json]")
		fmt.Fprint(stdout, tr("posctl.redeem.exits"))
	}
	dbPath := fs.String("db", "", "terminal database `FILE`")
	cashier := fs.String("cashier", "", "cashier user `ID`")
	var items itemsFlag
	fs.Var(&items, "item", "basket line `SKU:QTY` (repeat for each line)")
	method := fs.String("method", "", "how the remainder was paid: cash, wechat, alipay or card (recorded only)")
	asJSON := fs.Bool("json", false, "print JSON")
	printer := fs.String("printer", "", "print the receipt on the printer at `URI` after the sale is recorded")
	selfPaid := fs.Bool("self-paid", false, "a sale with no voucher, wholly paid by the customer (--method); no CODE then")
	if err := parse(fs, args, true); err != nil {
		return err
	}
	if err := require(fs, "db", "cashier", "item"); err != nil {
		return err
	}
	if err := checkDeviceFlags(*printer, ""); err != nil {
		return err
	}
	// A missing CODE (an empty shell variable) must not turn into a sale
	// the customer pays alone: that takes --self-paid, said on purpose.
	for _, c := range fs.Args() {
		if strings.TrimSpace(c) == "" {
			return usagef("posctl.usage_err.empty_code")
		}
	}
	switch {
	case *selfPaid && fs.NArg() > 0:
		return usagef("posctl.usage_err.self_paid_codes")
	case !*selfPaid && fs.NArg() == 0:
		return usagef("posctl.usage_err.codes")
	}
	m := pos.PayMethod(*method)
	if !m.Valid() {
		return usagef("posctl.usage_err.method", "value", *method)
	}
	db, err := openDB(*dbPath, false)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetOnline(false)
	s, err := db.Redeem(bolt.SaleRequest{Cashier: *cashier, Items: items, Codes: fs.Args(), Method: m, Mode: pos.EntryCLI})
	if err != nil {
		return err
	}
	r := s.Record
	res := SaleResult{Receipt: r.Receipt, Seq: r.Seq, Time: jsonTime(r.Time), Total: r.Total, VoucherAmount: r.VoucherAmount,
		Forfeited: r.Forfeited, SelfPaid: r.SelfPaid, Method: r.Method, Vouchers: saleVouchers(r.Vouchers), Hash: s.Hash}
	var printErr error
	var pr printed
	if *printer != "" {
		if pr, printErr = printReceipt(db, r.Seq, false, *printer, actor); printErr == nil {
			res.Printed, res.PaperNearEnd = *printer, pr.nearEnd
		}
	}
	if *asJSON {
		if err := printJSON(stdout, res); err != nil {
			return err
		}
	} else {
		t := msgs().T
		fmt.Fprintf(stdout, "%s %s  %s\n", t("label.receipt", nil), r.Receipt, cst(r.Time))
		fmt.Fprintf(stdout, "  %s %s  %s %s  %s %s  %s %s (%s)\n",
			t("label.total", nil), r.Total, t("label.voucher_amount", nil), r.VoucherAmount,
			t("label.forfeited", nil), r.Forfeited, t("label.self_paid", nil), r.SelfPaid, payLabel(r.Method))
		for _, v := range r.Vouchers {
			fmt.Fprintf(stdout, "  %s %s  %s %s → %s\n", t("label.voucher", nil), v.ID.Masked(), t("label.value", nil), v.Face, v.Applied)
		}
		sayNearEnd(stdout, pr)
	}
	if printErr != nil {
		// The sale stands; only the paper failed. Say how to reprint, and
		// exit 3, not 1: the sale must not be redeemed again.
		return &exitStatus{code: exitNotPrinted, note: tr("posctl.redeem.not_printed", "receipt", r.Receipt), err: printErr}
	}
	return nil
}
