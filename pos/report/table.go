package report

import (
	"strconv"

	"fupinpos/pos"
)

// CellKind says how an export writes a cell.
type CellKind int

// Cell kinds.
const (
	CellEmpty CellKind = iota
	CellText
	CellInt
	CellMoney
)

// Cell is one cell of an export table: text, a count or an amount. The CSV
// and xlsx writers both lay out the tables of this file, so they cannot
// disagree on what a column means.
type Cell struct {
	Kind  CellKind
	Text  string
	Int   int64
	Money pos.Money
}

// Text, Int and Yuan make cells.
func Text(s string) Cell { return Cell{Kind: CellText, Text: s} }

// Int makes a count cell.
func Int(n int64) Cell { return Cell{Kind: CellInt, Int: n} }

// Yuan makes an amount cell.
func Yuan(m pos.Money) Cell { return Cell{Kind: CellMoney, Money: m} }

// String formats c for CSV: amounts in yuan with two decimals, no sign.
func (c Cell) String() string {
	switch c.Kind {
	case CellText:
		return c.Text
	case CellInt:
		return strconv.FormatInt(c.Int, 10)
	case CellMoney:
		return c.Money.Plain()
	}
	return ""
}

// Section is one breakdown of a Day with its translation key.
type Section struct {
	Key  string // report.by_unit …
	Rows []Row
}

// Sections returns d's breakdowns in report order: work unit, product,
// county, origin kind, certified split, cashier, hour, self-paid method.
func (d *Day) Sections() []Section {
	var out []Section
	for _, s := range d.sections() {
		out = append(out, Section{Key: s.key, Rows: s.rows})
	}
	return out
}

// MethodName translates a self-paid method key of ByMethod.
func MethodName(t Translate, key string) string {
	if key == "" || key == "none" {
		return t.or()("ui.pay.none")
	}
	return t.or()("pay." + key)
}

// OriginName translates an origin-kind key of ByOrigin ("origin.<kind>",
// "origin.none" for KeyNoOrigin).
func OriginName(t Translate, key string) string {
	if key == KeyNoOrigin {
		return t.or()("origin.none")
	}
	return t.or()("origin." + key)
}

// CertifiedName translates a key of ByCertified: "report.certified" for
// KeyCertified, else the reason ("reason.<code>").
func CertifiedName(t Translate, key string) string {
	if key == KeyCertified {
		return t.or()("report.certified")
	}
	return t.or()("reason." + key)
}

// SummaryTable lays out d for an export: a header in t's language (nil:
// Chinese), the total row (sales, voids and net count as on the screen and
// the Z report; its id and name are the store's, the name being the
// store's id when d.StoreName is not set), then each breakdown line with its id and name; the last
// column counts the day's returns (退货) in each.
func SummaryTable(d *Day, t Translate) ([]string, [][]Cell) {
	t = t.or()
	head := []string{t("ui.manager.day"), t("report.section"), t("report.id"), t("report.name"),
		t("report.sales"), t("report.voids"), t("report.net"), t("receipt.voucher_count"), t("report.qty"),
		t("report.amount"), t("label.value"), t("label.voucher_amount"), t("label.forfeited"), t("label.self_paid"), t("report.returns")}
	none := Cell{}
	name := d.StoreName
	if name == "" {
		name = d.Store
	}
	rows := [][]Cell{{Text(d.Day), Text(t("label.total")), Text(d.Store), Text(name),
		Int(int64(d.Sales)), Int(int64(d.Voids)), Int(int64(d.Net)), Int(int64(d.Vouchers)), none,
		Yuan(d.Total), none, Yuan(d.VoucherAmount), Yuan(d.Forfeited), Yuan(d.SelfPaid), Int(int64(d.Returns))}}
	for _, s := range d.Sections() {
		for _, r := range s.Rows {
			label := r.Label
			vouchers, qty, face, voucher, forf, self := none, none, none, Yuan(r.Voucher), Yuan(r.Forfeited), Yuan(r.SelfPaid)
			switch s.Key {
			case "report.by_unit":
				vouchers, face, self = Int(int64(r.Vouchers)), Yuan(r.Face), none
			case "report.by_product", "report.by_county":
				qty, voucher, forf, self = Int(r.Qty), none, none, none
			case "report.by_origin":
				label, qty, voucher, forf, self = OriginName(t, r.Key), Int(r.Qty), none, none, none
			case "report.by_certified":
				label, qty, voucher, forf, self = CertifiedName(t, r.Key), Int(r.Qty), none, none, none
			case "report.by_method":
				label, voucher, forf = MethodName(t, r.Key), none, none
			}
			if label == "" {
				label = r.Key
			}
			rows = append(rows, []Cell{Text(d.Day), Text(t(s.Key)), Text(r.Key), Text(label),
				Int(int64(r.Sales)), Int(int64(r.Voids)), Int(int64(r.Count)), vouchers, qty,
				Yuan(r.Amount), face, voucher, forf, self, Int(int64(r.Returns))})
		}
	}
	return head, rows
}

// TransactionTable lays out a day's records, one row each: time (CST),
// receipt, kind, the receipt a void cancels, cashier id and name, entry
// mode (a void's or a return's kind: they enter no voucher), approving manager id and name, reason, vouchers, their work units,
// the goods, total, voucher amount, self-paid, forfeited, method and, last,
// the receipt a return takes goods back from. A void's and a return's
// amounts are negative (a return's forfeited change as it is), so each
// column sums to the Day's figure.
func TransactionTable(txs []Tx, t Translate) ([]string, [][]Cell) {
	t = t.or()
	head := []string{t("report.time"), t("label.receipt"), t("report.kind"), t("receipt.voids"),
		t("report.cashier_id"), t("receipt.cashier"), t("report.mode"), t("report.manager_id"), t("report.manager"),
		t("report.reason"), t("receipt.voucher_count"), t("label.unit"), t("report.goods"),
		t("label.total"), t("label.voucher_amount"), t("label.self_paid"), t("label.forfeited"), t("report.by_method"), t("report.returns_receipt")}
	rows := make([][]Cell, 0, len(txs))
	for _, x := range txs {
		mode := ""
		switch {
		case x.Kind != pos.KindSale:
			mode = t("report.kind." + string(x.Kind)) // a void or a return enters no voucher: it says what it is
		case x.Mode != "":
			mode = t("report.mode." + string(x.Mode))
		}
		method := ""
		if x.SelfPaid != 0 {
			method = MethodName(t, string(x.Method))
		}
		rows = append(rows, []Cell{Text(x.Time.In(pos.CST).Format("2006-01-02 15:04:05")), Text(x.Receipt),
			Text(t("report.kind." + string(x.Kind))), Text(x.Voids), Text(x.Cashier), Text(x.CashierName), Text(mode),
			Text(x.Manager), Text(x.ManagerName), Text(x.Reason), Int(int64(x.Vouchers)), Text(x.Units), Text(x.Goods),
			Yuan(x.Total), Yuan(x.VoucherAmount), Yuan(x.SelfPaid), Yuan(x.Forfeited), Text(method), Text(x.Returns)})
	}
	return head, rows
}
