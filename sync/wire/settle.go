package wire

import (
	"fmt"
	"strings"
	"time"

	"fupinpos/pos"
)

// Decisions on a double spend (voucherd incidents resolve ID --keep K): which
// of the incident's records the union pays. A is the record that redeemed the
// voucher first (the incident's first claim), B the record that opened the
// incident (the later one). For an incident about one record (over cap,
// revoked, out of window, a broken chain), A is that record and only KeepA
// is allowed: it pays the record the server answered with a conflict.
const (
	KeepA    = "A"
	KeepB    = "B"
	KeepBoth = "both"
)

// DecideRequest is POST PathAdminDecide: close incident Incident deciding
// which of its records are paid (Keep), what was decided (Note, required)
// and by whom (By: the administrator, e.g. user@host). The server records
// the time. The decision is kept in the incident's Resolution as
// FormatDecision writes it, so every engine stores it as it stores any
// resolution and a listing shows it.
type DecideRequest struct {
	Incident uint64 `json:"incident"`
	Keep     string `json:"keep"`
	Note     string `json:"note"`
	By       string `json:"by"`
}

// FormatDecision writes a decision as the text of a resolution:
// "[keep=A by=alice@host] note".
func FormatDecision(keep, by, note string) string {
	return fmt.Sprintf("[keep=%s by=%s] %s", keep, strings.ReplaceAll(strings.TrimSpace(by), " ", "_"), strings.TrimSpace(note))
}

// ParseDecision reads a resolution written by FormatDecision; ok is false
// for a resolution without a decision (closed with a note only).
func ParseDecision(resolution string) (keep, by, note string, ok bool) {
	rest, found := strings.CutPrefix(resolution, "[keep=")
	if !found {
		return "", "", resolution, false
	}
	head, note, found := strings.Cut(rest, "] ")
	if !found {
		head, found = strings.CutSuffix(rest, "]")
		if !found {
			return "", "", resolution, false
		}
	}
	keep, by, _ = strings.Cut(head, " by=")
	switch keep {
	case KeepA, KeepB, KeepBoth:
		return keep, by, note, true
	}
	return "", "", resolution, false
}

// SettlementQuery selects a settlement: GET PathAdminSettle?day=&store=.
type SettlementQuery struct {
	Day   string `json:"day"`             // CST day, YYYY-MM-DD
	Store string `json:"store,omitempty"` // "" every store
}

// Settlement is what the union owes the stores for one CST day (对账/结算),
// per store and per work unit, from the records the server accepted:
// vouchers at their applied value (not face value), net of voids on the day.
// Records in conflict are not paid until an administrator decides (see
// DecideRequest); they are listed in Withheld.
type Settlement struct {
	Day      string           `json:"day"`
	Store    string           `json:"store,omitempty"`
	Created  time.Time        `json:"created"`
	Rows     []SettlementRow  `json:"rows"`     // by store, then unit
	Withheld []WithheldRecord `json:"withheld"` // by store, terminal, seq
	Payable  pos.Money        `json:"payable"`  // sum of Rows' Applied
}

// SettlementRow is what the union owes one store for one work unit's vouchers.
type SettlementRow struct {
	Store     string    `json:"store"`
	Unit      uint32    `json:"unit"`
	UnitName  string    `json:"unit_name"`
	Sales     int       `json:"sales"`             // paid sales with a voucher of the unit
	Voids     int       `json:"voids"`             // voids on the day of such sales
	Returns   int       `json:"returns,omitempty"` // returns on the day that took back this unit's voucher value
	Vouchers  int       `json:"vouchers"`          // net of voids
	Face      pos.Money `json:"face"`
	Applied   pos.Money `json:"applied"` // owed to the store
	Forfeited pos.Money `json:"forfeited"`
}

// Statuses of a withheld record.
const (
	WithheldOpen     = "open"     // an incident about it is not resolved
	WithheldRefused  = "refused"  // resolved: this record is not paid
	WithheldNoRecord = "no_cause" // in conflict with no incident naming it (review it)
)

// WithheldRecord is a record of the day that is not paid: its incidents are
// open, or were decided against it.
type WithheldRecord struct {
	Terminal  string    `json:"terminal"`
	Store     string    `json:"store"`
	Seq       uint64    `json:"seq"`
	Receipt   string    `json:"receipt"`
	Time      time.Time `json:"time"`
	Result    string    `json:"result"` // the server's answer: accepted or conflict
	Reason    string    `json:"reason,omitempty"`
	Status    string    `json:"status"` // Withheld*
	Incidents []uint64  `json:"incidents,omitempty"`
	Units     []uint32  `json:"units"`   // the work unit of each voucher
	Applied   pos.Money `json:"applied"` // what it would be paid
}

// ReconcileRequest is POST PathReconcile, signed: how the server holds the
// terminal's records From..To (its seqs of CST day Day).
type ReconcileRequest struct {
	Day  string `json:"day"`
	From uint64 `json:"from"`
	To   uint64 `json:"to"`
}

// MaxReconcileRecords bounds From..To of one ReconcileRequest.
const MaxReconcileRecords = 200_000

// ReconcileRecord is the server's answer for one record of the terminal.
type ReconcileRecord struct {
	Seq    uint64           `json:"seq"`
	Result pos.UploadResult `json:"result"`
	Reason string           `json:"reason,omitempty"`
	Day    string           `json:"day"` // the record's own CST day
}

// ReconcileResponse answers a ReconcileRequest: every record of From..To the
// server holds (a missing seq is one it does not hold), and the server's
// totals of the accepted ones on Day.
type ReconcileResponse struct {
	Terminal string              `json:"terminal"`
	Day      string              `json:"day"`
	Records  []ReconcileRecord   `json:"records"`
	Totals   pos.ReconcileTotals `json:"totals"`
}

// AlertsRequest is POST PathAlerts (signed: the alerts of the terminal's
// store) and POST PathAdminAlerts (every store, or Store). Config, on the
// admin request only, replaces the server's thresholds (the admin CLI sends
// the data directory's alerts.json).
type AlertsRequest struct {
	Day    string           `json:"day"`
	Store  string           `json:"store,omitempty"`
	Config *pos.AlertConfig `json:"config,omitempty"`
}

// AlertsResponse lists the alerts of one CST day.
type AlertsResponse struct {
	Day    string      `json:"day"`
	Store  string      `json:"store,omitempty"`
	Alerts []pos.Alert `json:"alerts"`
}
