package pos

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// ReceiptVoucher is a voucher as printed: id masked, issuing unit named.
type ReceiptVoucher struct {
	Masked    string
	Unit      string
	Face      Money
	Applied   Money
	Forfeited Money
	// Reinstated marks, on a return slip, a voucher given back whole.
	Reinstated bool
}

// Receipt is everything a printed receipt shows, in display form. The
// device/escpos encoder lays it out; the UI previews it.
type Receipt struct {
	StoreName string
	Counter   string
	Terminal  string
	Number    string
	Time      time.Time
	Cashier   string
	Kind      RecordKind
	Lines     []Line
	// LineNotes holds, for each of Lines (when not nil), the reason code
	// why no voucher of the sale paid for the line (ReasonNotEligible,
	// ReasonCertExpired, ReasonOtherUnit), or "".
	LineNotes []string
	// UnitNames names the work units of the designated-point lines.
	UnitNames     map[uint32]string
	Total         Money
	Vouchers      []ReceiptVoucher
	VoucherAmount Money
	Forfeited     Money
	SelfPaid      Money
	Method        PayMethod
	Tendered      Money  // cash handed over (实收); 0 when not keyed in
	Change        Money  // change given (找零) on the self-paid part
	Voids         string // for a void slip: the receipt number cancelled
	// VoidedBy is, for a sale that was voided since, the receipt number of
	// its void: a copy printed now is marked void and is no proof of
	// purchase.
	VoidedBy  string
	Reprint   bool
	AuditCode string // QR payload: receipt number and ledger hash
	// A return slip (Kind KindReturn) names the sale (Returns), who
	// approved it and why, and what became of the voucher value: given
	// back (Reinstated) or forfeited (ReturnForfeited); SelfPaid is the
	// refund by Method. Vouchers are the vouchers it touched, Applied the
	// value taken back from each.
	Returns         string
	Manager         string
	Reason          string
	Reinstated      Money
	ReturnForfeited Money
}

// AuditCode returns the QR payload printed on a receipt, by which an
// auditor finds the ledger record and checks its hash.
func AuditCode(receipt string, h Hash) string {
	return fmt.Sprintf("FPR1:%s:%s", receipt, h.String()[:16])
}

// ReceiptOfAuditCode returns the receipt number inside a receipt's audit
// QR payload (AuditCode), and false when text is not one.
func ReceiptOfAuditCode(text string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(text), "FPR1:")
	if !ok {
		return "", false
	}
	no, _, ok := strings.Cut(rest, ":")
	return no, ok && no != ""
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
		rc.Vouchers = append(rc.Vouchers, ReceiptVoucher{Masked: v.ID.Masked(), Unit: trust.UnitName(v.Unit), Face: v.Face, Applied: v.Applied, Forfeited: v.Forfeited,
			Reinstated: r.Kind == KindReturn && slices.Contains(r.Reinstated, v.ID)})
	}
	if r.Kind == KindReturn {
		rc.Returns, rc.Manager, rc.Reason = r.SaleReceipt(), r.Manager, r.Reason
		rc.Reinstated, rc.ReturnForfeited = r.ReturnAmounts()
	}
	rc.LineNotes = LineNotes(r.Lines, r.Vouchers, trust)
	for _, l := range r.Lines {
		for _, u := range l.Units {
			if rc.UnitNames == nil {
				rc.UnitNames = map[uint32]string{}
			}
			rc.UnitNames[u] = trust.UnitName(u)
		}
	}
	return rc
}

// LineNotes returns, for each line, why none of the sale's vouchers paid
// for it: the line's SelfPayReason when it is not eligible, ReasonOtherUnit
// for a designated-point line that no voucher of the sale may pay
// (Line.PayableBy), else "". It returns nil when there is nothing to say.
func LineNotes(lines []Line, vouchers []AppliedVoucher, trust *TrustList) []string {
	var notes []string
	for i := range lines {
		l := &lines[i]
		note := l.SelfPayReason()
		if note == "" && len(vouchers) > 0 && l.Origin == OriginDesignated {
			note = ReasonOtherUnit
			for _, v := range vouchers {
				if l.PayableBy(v.Unit, trust.Campaign(v.Campaign)) == "" {
					note = ""
					break
				}
			}
		}
		if note != "" && notes == nil {
			notes = make([]string, len(lines))
		}
		if note != "" {
			notes[i] = note
		}
	}
	return notes
}

// Split returns the totals of the certified (voucher-eligible) lines and of
// the other lines, which were sold for the customer's own money only.
func (r *Receipt) Split() (certified, other Money) {
	for _, l := range r.Lines {
		if l.Eligible {
			certified += l.Amount()
		} else {
			other += l.Amount()
		}
	}
	return certified, other
}

// Note returns the reason code noted for line i, or "".
func (r *Receipt) Note(i int) string {
	if i < len(r.LineNotes) {
		return r.LineNotes[i]
	}
	if i < len(r.Lines) && !r.Lines[i].Eligible {
		return r.Lines[i].SelfPayReason()
	}
	return ""
}
