package wire

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/report"
)

// Terminal states.
const (
	TerminalPending  = "pending"  // added, enrollment code not used yet
	TerminalActive   = "active"   // enrolled
	TerminalDisabled = "disabled" // refused from now on (403)
)

// Terminal is a counter terminal as the server knows it.
type Terminal struct {
	ID          string    `json:"id"`
	Store       string    `json:"store"`
	Name        string    `json:"name"`
	State       string    `json:"state"`
	Public      []byte    `json:"public,omitempty"`
	Hostname    string    `json:"hostname,omitempty"`
	Created     time.Time `json:"created"`
	CodeExpires time.Time `json:"code_expires,omitzero"`
	Enrolled    time.Time `json:"enrolled,omitzero"`
	LastSeen    time.Time `json:"last_seen,omitzero"`
	HeadSeq     uint64    `json:"head_seq"` // last ledger seq the server holds
	Records     int       `json:"records"`
}

// AddTerminalRequest asks for a new terminal and its enrollment code.
type AddTerminalRequest struct {
	Store string       `json:"store"`
	Name  string       `json:"name"` // also the terminal id, unique on the server (e.g. HF-001-T01)
	TTL   pos.Duration `json:"ttl,omitempty"`
}

// AddTerminalResponse carries the one-time enrollment code, shown once.
type AddTerminalResponse struct {
	Terminal Terminal  `json:"terminal"`
	Code     string    `json:"code"`
	Expires  time.Time `json:"expires"`
}

// DisableRequest disables a terminal.
type DisableRequest struct {
	Terminal string `json:"terminal"`
	Reason   string `json:"reason,omitempty"`
}

// RevokeRequest revokes one voucher or suspends (or reinstates) one holder.
type RevokeRequest struct {
	Voucher   pos.VoucherID `json:"voucher,omitempty"`
	Holder    pos.HolderRef `json:"holder,omitzero"`
	Reinstate bool          `json:"reinstate,omitempty"` // with Holder: lift the suspension
	Reason    string        `json:"reason,omitempty"`
}

// RevokeResponse says what changed.
type RevokeResponse struct {
	Voucher pos.VoucherID     `json:"voucher,omitempty"`
	Status  pos.VoucherStatus `json:"status,omitempty"`
	Holder  *pos.HolderChange `json:"holder,omitempty"`
}

// Incident kinds on the server.
const (
	IncidentDoubleSpend = "double_spend"  // one voucher in two live records
	IncidentOverCap     = "over_cap"      // a member's redeemed total across terminals passed the cap
	IncidentChain       = "chain"         // a gap or a rewritten record in a terminal's ledger
	IncidentRejected    = "rejected"      // a record or voucher that did not verify
	IncidentRevoked     = "revoked"       // a revoked voucher redeemed offline
	IncidentSuspended   = "suspended"     // a suspended holder's voucher redeemed offline
	IncidentOutOfWindow = "out_of_window" // a sale dated outside its voucher's validity or the campaign's redemption window
)

// Claim is one ledger record that redeems a voucher.
type Claim struct {
	Terminal string    `json:"terminal"`
	Store    string    `json:"store"`
	Seq      uint64    `json:"seq"`
	Receipt  string    `json:"receipt"`
	Time     time.Time `json:"time"`
	Voided   bool      `json:"voided,omitempty"`  // a later void record released it
	Counted  bool      `json:"counted,omitempty"` // this claim counts toward the member's redeemed total
}

// Incident is a case for review at the server: who, what, and every record
// involved. Nothing that caused it is deleted.
type Incident struct {
	ID       uint64        `json:"id"`
	Time     time.Time     `json:"time"`
	Kind     string        `json:"kind"`
	Reason   string        `json:"reason"` // the reason code given to the terminal
	Terminal string        `json:"terminal"`
	Store    string        `json:"store"`
	Seq      uint64        `json:"seq"`
	Voucher  pos.VoucherID `json:"voucher,omitempty"`
	Holder   pos.HolderRef `json:"holder,omitzero"`
	Amount   pos.Money     `json:"amount,omitempty"`
	Claims   []Claim       `json:"claims,omitempty"`
	Detail   string        `json:"detail,omitempty"`
	// Resolved is when an administrator closed the case (zero while it is
	// open) and Resolution what was decided. Listings fill them in; the
	// evidence above never changes.
	Resolved   time.Time `json:"resolved,omitzero"`
	Resolution string    `json:"resolution,omitempty"`
}

// Open reports whether the incident is still open (not resolved).
func (in *Incident) Open() bool { return in.Resolved.IsZero() }

// Incident statuses, for IncidentQuery.Status.
const (
	IncidentOpen     = "open"     // not resolved yet
	IncidentResolved = "resolved" // closed by an administrator
)

// Limits of one page of incidents.
const (
	DefaultIncidentLimit = 100
	MaxIncidentLimit     = 1000
)

// IncidentQuery selects a page of incidents: GET /v1/admin/incidents with
// the query parameters day, store, status, after and limit. Zero fields
// select everything; the page holds the matching incidents with an id
// above After, by id, at most Limit (DefaultIncidentLimit when 0).
type IncidentQuery struct {
	Day    string // CST day (YYYY-MM-DD) the server opened the case
	Store  string // the store of the terminal whose record opened it
	Status string // IncidentOpen, IncidentResolved or "" for both
	After  uint64 // the id the page starts after (IncidentPage.Next)
	Limit  int
}

// Values encodes q as URL query parameters.
func (q IncidentQuery) Values() url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"day": q.Day, "store": q.Store, "status": q.Status} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if q.After != 0 {
		v.Set("after", strconv.FormatUint(q.After, 10))
	}
	if q.Limit != 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// ParseIncidentQuery reads an IncidentQuery from URL query parameters and
// checks it (a day that is not YYYY-MM-DD, an unknown status, a limit
// outside 1..MaxIncidentLimit are EINVALID). Limit 0 becomes
// DefaultIncidentLimit.
func ParseIncidentQuery(v url.Values) (IncidentQuery, error) {
	q := IncidentQuery{Day: v.Get("day"), Store: v.Get("store"), Status: v.Get("status")}
	var err error
	if a := v.Get("after"); a != "" {
		if q.After, err = strconv.ParseUint(a, 10, 64); err != nil {
			return q, pos.Errorf(pos.EINVALID, "after %q is not an incident id", a)
		}
	}
	if l := v.Get("limit"); l != "" {
		if q.Limit, err = strconv.Atoi(l); err != nil {
			return q, pos.Errorf(pos.EINVALID, "limit %q is not a number", l)
		}
	}
	return q, q.Check()
}

// Check validates q and gives Limit its default.
func (q *IncidentQuery) Check() error {
	if q.Day != "" {
		if _, err := pos.ParseDay(q.Day); err != nil {
			return pos.Errorf(pos.EINVALID, "day %q: want YYYY-MM-DD", q.Day)
		}
	}
	switch q.Status {
	case "", IncidentOpen, IncidentResolved:
	default:
		return pos.Errorf(pos.EINVALID, "status %q: want %s or %s", q.Status, IncidentOpen, IncidentResolved)
	}
	if q.Limit == 0 {
		q.Limit = DefaultIncidentLimit
	}
	if q.Limit < 0 || q.Limit > MaxIncidentLimit {
		return pos.Errorf(pos.EINVALID, "limit %d: want 1 to %d", q.Limit, MaxIncidentLimit)
	}
	return nil
}

// IncidentPage answers GET /v1/admin/incidents: the incidents by id, and
// when More, Next is the After of the following page.
type IncidentPage struct {
	Incidents []Incident `json:"incidents"`
	More      bool       `json:"more,omitempty"`
	Next      uint64     `json:"next,omitempty"`
}

// ResolveRequest is POST /v1/admin/incidents/resolve: close incident
// Incident with what was decided (required).
type ResolveRequest struct {
	Incident   uint64 `json:"incident"`
	Resolution string `json:"resolution"`
}

// Report is the settlement report of one CST day across all terminals.
// Settled counts accepted records; records in conflict (double spends, over
// cap, broken chains) are under review and counted apart, never in the
// settlement rows. The figures mean what pos/report's Day says (the
// server adds up with it): a work unit's amount is the applied voucher
// value (its face value in Face), a store's the sale total; Certified and
// NonCertified are goods values, ByCertified their split by reason and
// ByOrigin the goods by origin kind.
type Report struct {
	Day           string       `json:"day"`
	Unit          uint32       `json:"unit,omitempty"` // 0 = all units
	Sales         int          `json:"sales"`
	Voids         int          `json:"voids"`
	Returns       int          `json:"returns,omitempty"` // return records of the day (退货); Sales − Voids stays the net count
	Vouchers      int          `json:"vouchers"`
	Total         pos.Money    `json:"total"`
	VoucherAmount pos.Money    `json:"voucher_amount"`
	Forfeited     pos.Money    `json:"forfeited"`
	SelfPaid      pos.Money    `json:"self_paid"`
	Certified     pos.Money    `json:"certified"`
	NonCertified  pos.Money    `json:"non_certified"`
	ByUnit        []report.Row `json:"by_unit"`
	ByStore       []report.Row `json:"by_store"`
	ByProduct     []report.Row `json:"by_product"`
	ByCounty      []report.Row `json:"by_county"`
	ByOrigin      []report.Row `json:"by_origin"`
	ByCertified   []report.Row `json:"by_certified"`
	Review        []report.Row `json:"review"` // records in conflict, by reason
}

// ParseVoucherID reads a voucher id as printed (campaign-serial, e.g.
// 2020-00000042) or as the plain number pos.VoucherID holds.
func ParseVoucherID(s string) (pos.VoucherID, error) {
	s = strings.TrimSpace(s)
	if c, sr, ok := strings.Cut(s, "-"); ok {
		cv, err1 := strconv.ParseUint(c, 10, 16)
		sv, err2 := strconv.ParseUint(sr, 10, 32)
		if err1 != nil || err2 != nil {
			return 0, pos.Errorf(pos.EINVALID, "voucher id %q: want CAMPAIGN-SERIAL", s)
		}
		return pos.NewVoucherID(uint16(cv), uint32(sv)), nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, pos.Errorf(pos.EINVALID, "voucher id %q: want CAMPAIGN-SERIAL", s)
	}
	return pos.VoucherID(v), nil
}
