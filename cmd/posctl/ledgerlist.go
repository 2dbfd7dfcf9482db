package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/report"
)

// ListedRecord is one ledger record as posctl ledger list --json prints it.
// Amounts are integers in fen; a void carries the totals of the sale it
// cancels and Voids names that sale's receipt; a return (退货) carries what
// it took back and refunded, and Returns names the sale's receipt (of this
// terminal or another of the store). The keys are stable: scripts and
// tests read them.
type ListedRecord struct {
	Seq           uint64   `json:"seq"`
	Receipt       string   `json:"receipt"`
	Kind          string   `json:"kind"` // sale, void or return
	Time          string   `json:"time"` // RFC 3339, China Standard Time
	Cashier       string   `json:"cashier"`
	CashierName   string   `json:"cashier_name"`
	Mode          string   `json:"mode"` // scan, manual or cli; empty for a void
	Manager       string   `json:"manager"`
	Vouchers      []string `json:"vouchers"` // pos.VoucherID.String()
	Total         int64    `json:"total"`
	VoucherAmount int64    `json:"voucher_amount"`
	SelfPaid      int64    `json:"self_paid"`
	Forfeited     int64    `json:"forfeited"`
	Method        string   `json:"method"`
	Tendered      int64    `json:"tendered"`          // cash taken for the self-paid part (0: not recorded)
	Change        int64    `json:"change"`            // change given from it
	Voids         string   `json:"voids"`             // for a void: the receipt of the sale it cancels
	Returns       string   `json:"returns,omitempty"` // for a return: the receipt of the sale it takes goods back from
}

func cmdLedgerList(args []string, stdout io.Writer) error {
	fs := newFlags("ledger list", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE`")
	date := fs.String("date", "", "only records of CST day `YYYY-MM-DD` (default all)")
	asJSON := fs.Bool("json", false, "print a JSON array")
	if err := parse(fs, args, false); err != nil {
		return err
	}
	if err := require(fs, "db"); err != nil {
		return err
	}
	if *date != "" {
		if _, err := pos.ParseDay(*date); err != nil {
			return badFlag("date", err)
		}
	}
	db, done, err := openRead(*dbPath)
	if err != nil {
		return err
	}
	defer done()
	list, err := listRecords(db, *date)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(stdout, list)
	}
	return writeRecords(stdout, list)
}

// listRecords returns the ledger's records (of CST day, when not empty)
// in sequence order.
func listRecords(db *bolt.DB, day string) ([]ListedRecord, error) {
	users, err := db.Users()
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, u := range users {
		names[u.ID] = u.Name
	}
	list := []ListedRecord{}
	add := func(r, sale *pos.Record) error {
		l := ListedRecord{
			Seq: r.Seq, Receipt: r.Receipt, Kind: string(r.Kind), Time: jsonTime(r.Time),
			Cashier: r.Cashier, CashierName: names[r.Cashier], Mode: string(r.Mode), Manager: r.Manager,
			Vouchers: []string{}, Total: int64(r.Total), VoucherAmount: int64(r.VoucherAmount),
			SelfPaid: int64(r.SelfPaid), Forfeited: int64(r.Forfeited), Method: string(r.Method),
			Tendered: int64(r.Tendered), Change: int64(r.Change),
		}
		for _, v := range r.Vouchers {
			l.Vouchers = append(l.Vouchers, v.ID.String())
		}
		if r.Kind == pos.KindVoid {
			if sale != nil {
				l.Voids = sale.Receipt
			} else {
				l.Voids = pos.ReceiptNumber(r.Terminal, r.Voids)
			}
		}
		if r.Kind == pos.KindReturn {
			l.Returns = r.SaleReceipt()
		}
		list = append(list, l)
		return nil
	}
	if day != "" { // the day index: only that day is read
		return list, db.DayRecords(day, add)
	}
	receipts := map[uint64]*pos.Record{}
	err = db.Records(0, func(s *bolt.Sale) error {
		r := s.Record
		if r.Kind == pos.KindSale {
			receipts[r.Seq] = &pos.Record{Receipt: r.Receipt}
		}
		return add(r, receipts[r.Voids])
	})
	return list, err
}

// writeRecords prints one record a line under translated headers.
func writeRecords(w io.Writer, list []ListedRecord) error {
	m := msgs()
	t := func(k string) string { return m.T(k, nil) }
	if len(list) == 0 {
		_, err := fmt.Fprintln(w, t("ledger.list.empty"))
		return err
	}
	tb := report.Table{Align: "llllllllrrrrll"}
	tb.Row([]string{t("label.receipt"), t("report.kind"), t("report.time"), t("report.cashier_id"),
		t("ledger.list.cashier_name"), t("report.mode"), t("report.manager_id"), t("ledger.list.vouchers"), t("label.total"),
		t("label.voucher_amount"), t("label.self_paid"), t("label.forfeited"), t("ledger.list.method"), t("ledger.list.voids")}...)
	for _, l := range list {
		mode := dash(l.Mode)
		if l.Mode != "" {
			mode = t("report.mode." + l.Mode)
		}
		tb.Row([]string{l.Receipt, t("report.kind." + l.Kind), cst(mustTime(l.Time)), l.Cashier,
			dash(l.CashierName), mode, dash(l.Manager), dash(strings.Join(l.Vouchers, ",")), pos.Money(l.Total).String(),
			pos.Money(l.VoucherAmount).String(), pos.Money(l.SelfPaid).String(), pos.Money(l.Forfeited).String(),
			payLabel(pos.PayMethod(l.Method)), dash(l.Voids + l.Returns)}...)
	}
	return tb.Write(w)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// mustTime parses the RFC 3339 time listRecords wrote.
func mustTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

func cmdUserUnlock(args []string, stdout io.Writer) error {
	fs := newFlags("user unlock", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE`")
	id := fs.String("id", "", "the locked user's `ID`")
	manager := fs.String("manager", "", "approving manager's user `ID`")
	pin := fs.String("pin", "", "the manager's `PIN`")
	db, err := parseOpen(fs, args, false, dbPath, "id", "manager", "pin")
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Unlock(*id, *manager, *pin); err != nil {
		return err
	}
	fmt.Fprintln(stdout, msgs().T("user.unlocked", map[string]string{"user": *id, "manager": *manager}))
	return nil
}
