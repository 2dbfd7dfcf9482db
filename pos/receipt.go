package pos

import (
	"fmt"
	"time"
)

// ReceiptVoucher is a voucher as printed: id masked, issuing unit named.
type ReceiptVoucher struct {
	Masked    string
	Unit      string
	Face      Money
	Applied   Money
	Forfeited Money
}

// Receipt is everything a printed receipt shows, in display form. The
// device/escpos encoder lays it out; the UI previews it.
type Receipt struct {
	StoreName     string
	Counter       string
	Terminal      string
	Number        string
	Time          time.Time
	Cashier       string
	Kind          RecordKind
	Lines         []Line
	Total         Money
	Vouchers      []ReceiptVoucher
	VoucherAmount Money
	Forfeited     Money
	SelfPaid      Money
	Method        PayMethod
	Tendered      Money  // cash handed over (实收); 0 when not keyed in
	Change        Money  // change given (找零) on the self-paid part
	Voids         string // for a void slip: the receipt number cancelled
	Reprint       bool
	AuditCode     string // QR payload: receipt number and ledger hash
}

// AuditCode returns the QR payload printed on a receipt, by which an
// auditor finds the ledger record and checks its hash.
func AuditCode(receipt string, h Hash) string {
	return fmt.Sprintf("FPR1:%s:%s", receipt, h.String()[:16])
}

// NewReceipt lays out the receipt of ledger record r (whose entry hash is h).
// cashierName may be empty; the cashier id is shown then.
func NewReceipt(r *Record, h Hash, cfg *TerminalConfig, trust *TrustList, cashierName string, voided string) *Receipt {
	rc := &Receipt{
		StoreName: cfg.StoreName, Counter: cfg.Counter, Terminal: r.Terminal,
		Number: r.Receipt, Time: r.Time.In(CST), Cashier: cashierName, Kind: r.Kind,
		Lines: r.Lines, Total: r.Total, VoucherAmount: r.VoucherAmount, Forfeited: r.Forfeited,
		SelfPaid: r.SelfPaid, Method: r.Method, Tendered: r.Tendered, Change: r.Change, Voids: voided, AuditCode: AuditCode(r.Receipt, h),
	}
	if rc.Cashier == "" {
		rc.Cashier = r.Cashier
	}
	for _, v := range r.Vouchers {
		rc.Vouchers = append(rc.Vouchers, ReceiptVoucher{Masked: v.ID.Masked(), Unit: trust.UnitName(v.Unit), Face: v.Face, Applied: v.Applied, Forfeited: v.Forfeited})
	}
	return rc
}
