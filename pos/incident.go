package pos

import "time"

// UploadResult is the server's answer for one uploaded ledger record.
type UploadResult string

const (
	// UploadAccepted: the server recorded the record.
	UploadAccepted UploadResult = "accepted"
	// UploadDuplicate: the server already had this (terminal, seq); a retry.
	UploadDuplicate UploadResult = "duplicate"
	// UploadConflict: the server kept the record but found it in conflict,
	// e.g. a voucher already redeemed at another counter (a double spend).
	UploadConflict UploadResult = "conflict"
	// UploadRejected: the server refused the record (bad signature, broken
	// chain, unknown voucher); the reason says why.
	UploadRejected UploadResult = "rejected"
)

// Settled reports whether the server has taken responsibility for the
// record, so the terminal may stop sending it.
func (r UploadResult) Settled() bool {
	switch r {
	case UploadAccepted, UploadDuplicate, UploadConflict, UploadRejected:
		return true
	}
	return false
}

// Incident is something a manager must look at: a sale the server found
// in conflict or rejected. Terminals keep them until a manager reads the
// report; nothing is dropped silently.
type Incident struct {
	ID      uint64       `json:"id"`
	Time    time.Time    `json:"time"`
	Seq     uint64       `json:"seq"` // the ledger record concerned
	Receipt string       `json:"receipt"`
	Result  UploadResult `json:"result"`
	Reason  string       `json:"reason"` // an error code
	Detail  string       `json:"detail,omitempty"`
	// Resolution is the server's decision on the case, once made (nil
	// while it is under review); a later download brings it.
	Resolution *IncidentResolution `json:"resolution,omitempty"`
}

// IncidentResolution is how the central server closed the cases that name
// one of the terminal's records: when, the decision (Keep: "A", "B" or
// "both"; "" when closed with a note only), who decided, the note, and
// whether the record is paid in settlement as a result.
type IncidentResolution struct {
	Time time.Time `json:"time"`
	Keep string    `json:"keep,omitempty"`
	By   string    `json:"by,omitempty"`
	Note string    `json:"note,omitempty"`
	Paid bool      `json:"paid"`
}

// IncidentDecision is the resolution of the cases about the terminal's
// record Seq, brought by a download.
type IncidentDecision struct {
	Seq        uint64
	Resolution IncidentResolution
}
