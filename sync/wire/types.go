package wire

import (
	"encoding/json"
	"time"

	"fupinpos/pos"
)

// Health is the answer of GET /v1/health. A terminal uses Time to correct
// its clock before signing when it has no other server time.
type Health struct {
	Status  string    `json:"status"` // "ok"
	Time    time.Time `json:"time"`
	Version string    `json:"version"` // protocol version, "1"
}

// ProtocolVersion is the version of this API.
const ProtocolVersion = "1"

// Error is the body of every non-2xx answer. Code is a pos error code or
// one of the auth codes below.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Params are the named values of the code's translated message
	// (pos.Error.Params: the cap and the total of cap_exceeded), so a
	// client says it in its own language as if it had been refused locally.
	Params map[string]string `json:"params,omitempty"`
	// Key is pos.Error.Key: the finer translated message.
	Key        string    `json:"key,omitempty"`
	ServerTime time.Time `json:"server_time"`
}

// Error returns the code and message.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Auth refusal codes (HTTP 401 unless noted). They are stable.
const (
	AuthUnsigned     = "unsigned"          // a signature header is missing or unreadable
	AuthBadSignature = "bad_signature"     // the signature does not verify (wrong key, tampered body)
	AuthStale        = "stale_timestamp"   // timestamp outside ±MaxSkew: replay or wrong clock
	AuthUnknown      = "unknown_terminal"  // no such terminal id
	AuthNotEnrolled  = "not_enrolled"      // terminal added but not yet enrolled
	AuthDisabled     = "terminal_disabled" // HTTP 403
	AuthBadCode      = "bad_enrollment_code"
	AuthBadAdmin     = "bad_admin_token"
)

// EnrollRequest is POST /v1/enroll: the one-time code from `voucherd
// terminal add` and the public key the terminal generated for itself.
type EnrollRequest struct {
	Code     string `json:"code"`     // digits; dashes and spaces are ignored
	Public   []byte `json:"public"`   // Ed25519 public key, 32 bytes (base64 in JSON)
	Hostname string `json:"hostname"` // informative, for `terminal list`
	Software string `json:"software"` // informative: the terminal's version
}

// EnrollResponse tells the terminal who it is and whom to trust. The
// technician compares RootFingerprint with the deployment sheet before the
// terminal stores RootPublic; Bundle is the signed trust list and catalogue
// (pos/voucher.Bundle), verified with RootPublic like a USB provisioning.
type EnrollResponse struct {
	Terminal        string          `json:"terminal"` // id to sign with and to write in records
	Store           string          `json:"store"`
	Name            string          `json:"name"`
	RootPublic      []byte          `json:"root_public"`      // Ed25519, 32 bytes
	RootFingerprint string          `json:"root_fingerprint"` // voucher.Fingerprint(RootPublic)
	Bundle          json.RawMessage `json:"bundle"`
	ServerTime      time.Time       `json:"server_time"`
}

// DownloadRequest is POST /v1/download (signed). The terminal says what it
// has; the server sends only what is newer.
type DownloadRequest struct {
	Cursor           string `json:"cursor"`            // from the last applied download; "" for none
	TrustSeq         uint64 `json:"trust_seq"`         // sequence of the installed trust list, 0 for none
	CatalogueVersion uint32 `json:"catalogue_version"` // version of the installed catalogue, 0 for none
	Limit            int    `json:"limit,omitempty"`   // status changes per page; 0 = DefaultDownloadLimit
	// Open lists the terminal's records (seqs) with an incident it holds
	// as under review, at most MaxOpenIncidents; the answer's Resolved
	// tells which of them the server has decided since.
	Open []uint64 `json:"open,omitempty"`
}

// MaxOpenIncidents bounds DownloadRequest.Open.
const MaxOpenIncidents = 1000

// IncidentDecision tells a terminal that every case for review naming its
// record Seq is closed: the latest resolution's time, decision (Keep: A,
// B, both, or "" when closed with a note only), who and note, and whether
// the record is paid in settlement as decided (each case lets it be paid).
type IncidentDecision struct {
	Seq       uint64    `json:"seq"`
	Incidents []uint64  `json:"incidents"`
	Resolved  time.Time `json:"resolved"`
	Keep      string    `json:"keep,omitempty"`
	By        string    `json:"by,omitempty"`
	Note      string    `json:"note,omitempty"`
	Paid      bool      `json:"paid"`
}

// Snapshot is the full status list of one campaign, 2 bits per serial from
// serial 0: serial s in byte s/4, bits 2*(s%4), values pos.VoucherStatus.
// Serials past the end are valid. It replaces the terminal's whole list of
// that campaign.
type Snapshot struct {
	Campaign uint16 `json:"campaign"`
	Packed   []byte `json:"packed"` // base64 in JSON
}

// DownloadResponse is one page of what changed. The terminal applies it in
// one transaction, stores Cursor, and asks again at once while More is set.
// When Snapshots is not empty (no cursor, a cursor from another server
// database, or too far behind) it replaces the status lists first and
// Holders then holds every holder whose suspension ever changed, with its
// current state.
type DownloadResponse struct {
	Trust     json.RawMessage    `json:"trust,omitempty"`     // signed trust list, when newer than TrustSeq
	Catalogue json.RawMessage    `json:"catalogue,omitempty"` // signed catalogue, when newer than CatalogueVersion
	Snapshots []Snapshot         `json:"snapshots,omitempty"`
	Vouchers  []pos.StatusChange `json:"vouchers,omitempty"`
	Holders   []pos.HolderChange `json:"holders,omitempty"`
	Incidents []TerminalIncident `json:"incidents,omitempty"` // cases that name this terminal's records, raised by others' uploads
	Cursor    string             `json:"cursor"`
	More      bool               `json:"more"`
	// Head is where the terminal's chain stands on the server: a terminal
	// acknowledged past it sends its records again (ChainHead.Rewound).
	Head *ChainHead `json:"head,omitempty"`
	// Resolved answers the request's Open: the records whose cases are all
	// decided.
	Resolved   []IncidentDecision `json:"resolved,omitempty"`
	ServerTime time.Time          `json:"server_time"`
}

// TerminalIncident tells a terminal that one of its own ledger records is
// named in a case for review that another terminal's upload opened — the
// first terminal of a double spend learns this way that its sale is under
// review too. Incidents opened by the terminal's own upload are not sent
// again: the upload answer (a conflict) already told it. One server
// incident that names several of the terminal's records comes as one
// TerminalIncident per record. The terminal stores each once: (Incident,
// Time, Seq) identifies it, so a page delivered twice changes nothing.
type TerminalIncident struct {
	Incident uint64           `json:"incident"` // the server's incident id (GET /v1/admin/incidents)
	Time     time.Time        `json:"time"`     // when the server opened the case
	Kind     string           `json:"kind"`     // Incident* kind, e.g. double_spend
	Result   pos.UploadResult `json:"result"`   // conflict: the record is kept and under review
	Reason   string           `json:"reason"`   // a pos error code, e.g. redeemed_elsewhere
	Seq      uint64           `json:"seq"`      // this terminal's record concerned
	Receipt  string           `json:"receipt"`  // its receipt number
	Voucher  pos.VoucherID    `json:"voucher,omitempty"`
	Detail   string           `json:"detail,omitempty"` // English, for the manager's incident list
}

// UploadRequest is POST /v1/upload (signed): ledger entries exactly as the
// terminal signed them, in sequence order, at most MaxUploadEntries.
type UploadRequest struct {
	Entries []pos.Entry `json:"entries"`
	// Acked is the terminal's acknowledged position: every record up to it
	// was answered by the server. A server that holds less of the terminal's
	// chain (restored from an older backup) ingests nothing and answers
	// with Head alone, so the terminal sends its records again from there
	// (see Rewound). 0 (older terminals) skips the check.
	Acked uint64 `json:"acked,omitempty"`
}

// ChainHead is the last record of a terminal's chain that the server holds
// (Seq 0 before the first): a terminal whose acknowledged position is past
// it sends its records again from Seq+1 when its record Seq has Hash.
type ChainHead struct {
	Seq  uint64   `json:"seq"`
	Hash pos.Hash `json:"hash"`
}

// Rewound reports whether a terminal acknowledged up to acked must send its
// records again from head: the server holds fewer of them than it answered
// for (its database was restored from an older backup).
func (h *ChainHead) Rewound(acked uint64) bool { return h != nil && h.Seq < acked }

// UploadResult is the server's answer for one entry. Results[i] answers
// Entries[i]; Seq repeats the entry's sequence (0 when the body could not
// be read at all).
type UploadResult struct {
	Seq    uint64           `json:"seq"`
	Result pos.UploadResult `json:"result"`           // accepted | duplicate | conflict | rejected
	Reason string           `json:"reason,omitempty"` // a pos error code or a Reason* code
	Detail string           `json:"detail,omitempty"` // English, for logs and the manager's incident list
}

// UploadResponse answers an upload. Every result is settled: the terminal
// stops sending those records and turns conflicts and rejections into
// incidents for the manager.
type UploadResponse struct {
	Results []UploadResult `json:"results"`
	// Head is where the terminal's chain stands on the server after this
	// upload; with no Results, the upload was not ingested because the
	// server holds less than the request's Acked.
	Head       *ChainHead `json:"head,omitempty"`
	ServerTime time.Time  `json:"server_time"`
}

// Reason codes of upload results beyond the pos error codes. Conflict
// reasons mean the server kept the record and opened an incident;
// rejection reasons mean it did not count it.
const (
	// ReasonChainGap: the record's seq skips records the server never got
	// (conflict: kept, the chain resumes from it).
	ReasonChainGap = "chain_gap"
	// ReasonChainRewritten: the record does not link to the record the
	// server holds before it, or the server holds a different record with
	// the same seq (conflict: the first version is kept).
	ReasonChainRewritten = "chain_rewritten"
	// ReasonWrongTerminal: the record names another terminal or store
	// than the one that signed the request (rejected).
	ReasonWrongTerminal = "wrong_terminal"
	// ReasonVoidUnknown: a void of a sale the server does not hold (conflict).
	ReasonVoidUnknown = "void_unknown_sale"
	// ReasonReturnUnagreed: a return record uploaded without the server's
	// agreement (PathReturn): returns are online only (conflict, nothing
	// reinstated).
	ReasonReturnUnagreed = "return_unagreed"
	// ReasonVoidAfterReturn: a void of a sale of which the server agreed a
	// return (退货), at any terminal, before the void arrived: goods came
	// back and vouchers may be reinstated already, so the void is kept for
	// review and releases nothing (conflict; the incident reaches the
	// terminals of the sale and of the return).
	ReasonVoidAfterReturn = "void_after_return"
)

// pos codes used as reasons: pos.EREDEEMEDELSEWHERE (conflict: double
// spend), pos.ECAPEXCEEDED (conflict: the member's total across all
// terminals passes the cap), pos.EBADSIGNATURE / pos.ESYNC /
// pos.EKEYNOTALLOWED / pos.EMALFORMED (rejected: a voucher or the entry
// itself does not verify), pos.EREVOKED (conflict: the voucher was revoked
// before the redemption reached the server).
