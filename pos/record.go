package pos

import (
	"encoding/json"
	"fmt"
	"time"
)

// RecordKind tells a sale from a void or a return in the ledger.
type RecordKind string

const (
	KindSale RecordKind = "sale"
	KindVoid RecordKind = "void"
	// KindReturn takes back goods of an earlier sale (退货), after the
	// server agreed (see Resettle for what its amounts mean).
	KindReturn RecordKind = "return"
)

// EntryMode says how the vouchers of a sale reached the terminal. Only a
// scan is normal; a hand-typed code needs a manager and is marked.
type EntryMode string

const (
	EntryScan   EntryMode = "scan"
	EntryManual EntryMode = "manual" // typed by hand, manager-approved
	EntryCLI    EntryMode = "cli"    // posctl, by a technician or a script
)

// Record is one ledger record. Sales and voids are both records; a void
// never edits the sale it cancels. Records are chained (Prev) and signed
// through Entry.
type Record struct {
	Seq           uint64           `json:"seq"`
	Prev          Hash             `json:"prev"`
	Kind          RecordKind       `json:"kind"`
	Time          time.Time        `json:"time"`
	Store         string           `json:"store"`
	Terminal      string           `json:"terminal"`
	Receipt       string           `json:"receipt"`
	Cashier       string           `json:"cashier"`
	Mode          EntryMode        `json:"mode,omitempty"`
	Lines         []Line           `json:"lines,omitempty"`
	Total         Money            `json:"total"`
	Eligible      Money            `json:"eligible"`
	Vouchers      []AppliedVoucher `json:"vouchers,omitempty"`
	VoucherAmount Money            `json:"voucher_amount"`
	Forfeited     Money            `json:"forfeited"`
	SelfPaid      Money            `json:"self_paid"`
	Method        PayMethod        `json:"method,omitempty"`
	Voids         uint64           `json:"voids,omitempty"`   // for a void: the seq of the sale it cancels
	Manager       string           `json:"manager,omitempty"` // who approved a void or a manual entry
	Reason        string           `json:"reason,omitempty"`
	// Tendered and Change are the cash handed over for the self-paid part
	// and the change given (实收/找零), when the cashier keyed them in;
	// Change = Tendered − SelfPaid (pos.Change). Vouchers never give change.
	Tendered Money `json:"tendered,omitempty"`
	Change   Money `json:"change,omitempty"`
	// Returns is, for a return, the seq of the sale whose goods it takes
	// back; SaleTerminal names the terminal of that sale when it is another
	// terminal of the same store (empty: this one). Reinstated lists the
	// vouchers it gave back to their members whole (valid again everywhere).
	Returns      uint64      `json:"returns,omitempty"`
	SaleTerminal string      `json:"sale_terminal,omitempty"`
	Reinstated   []VoucherID `json:"reinstated,omitempty"`
}

// SaleSeq returns the seq of the sale a void or a return acts on (on the
// terminal SaleOf names), or 0 for any other record.
func (r *Record) SaleSeq() uint64 {
	switch r.Kind {
	case KindVoid:
		return r.Voids
	case KindReturn:
		return r.Returns
	}
	return 0
}

// SaleOf returns the terminal whose sale a void or a return acts on: a
// return's SaleTerminal when it names one, else the record's own terminal
// (a void always acts on a sale of its own terminal).
func (r *Record) SaleOf() string {
	if r.Kind == KindReturn && r.SaleTerminal != "" {
		return r.SaleTerminal
	}
	return r.Terminal
}

// SaleReceipt returns the receipt number of the sale a void or a return
// acts on, or "" for any other record.
func (r *Record) SaleReceipt() string {
	if s := r.SaleSeq(); s != 0 {
		return ReceiptNumber(r.SaleOf(), s)
	}
	return ""
}

// ReceiptNumber returns the receipt number of ledger seq on terminal.
func ReceiptNumber(terminal string, seq uint64) string {
	return fmt.Sprintf("%s-%06d", terminal, seq)
}

// DecodeRecord returns the record in a ledger entry.
func DecodeRecord(e Entry) (*Record, error) {
	var r Record
	if err := json.Unmarshal(e.Body, &r); err != nil {
		return nil, WrapError(EINTERNAL, err, "decode ledger record")
	}
	return &r, nil
}

// AuditEvent is one line of the audit log: who did what, when. Logins,
// voids, overrides, reprints, configuration changes and syncs all land here.
type AuditEvent struct {
	Seq    uint64            `json:"seq"`
	Prev   Hash              `json:"prev"`
	Time   time.Time         `json:"time"`
	Actor  string            `json:"actor"`
	Action string            `json:"action"`
	Detail map[string]string `json:"detail,omitempty"`
}

// Audit actions.
const (
	AuditLogin       = "login"
	AuditLoginFailed = "login_failed"
	AuditLocked      = "locked"
	AuditVoid        = "void"
	AuditOverride    = "override"
	AuditReprint     = "reprint"
	AuditConfig      = "config"
	AuditProvision   = "provision"
	AuditTrust       = "trust_update"
	AuditStatus      = "status_update"
	AuditSync        = "sync"
	AuditUser        = "user"
	AuditManualEntry = "manual_entry"
	AuditReturn      = "return"
)
