package pos

import "time"

// UploadAnswer is the server's answer for one uploaded ledger record, as
// the terminal store settles it.
type UploadAnswer struct {
	Seq    uint64
	Result UploadResult
	Reason string // error code for a conflict or rejection
	Detail string
}

// StatusSnapshot is the full status list of one campaign, packed 2 bits per
// serial.
type StatusSnapshot struct {
	Campaign uint16
	Packed   []byte
}

// ServerIncident is a case for review that the server opened about one of
// this terminal's records through another terminal's upload (the first sale
// of a double spend). Key identifies it across downloads: an incident whose
// Key is already stored is skipped, so a page applied twice adds nothing.
type ServerIncident struct {
	Key      string
	Incident Incident // Seq, Receipt, Result, Reason, Detail; a zero Time is now
}

// Download is what one download from the server brings to the terminal
// store. Empty parts are skipped; Cursor is where the next download starts.
type Download struct {
	Trust      []byte // signed trust list, when newer than the installed one
	Catalogue  []byte // signed catalogue, when newer
	Snapshots  []StatusSnapshot
	Vouchers   []StatusChange
	Holders    []HolderChange
	Incidents  []ServerIncident // stored in the terminal's incident list for the manager
	Cursor     string
	ServerTime time.Time
	// ServerSeq is the last record of this terminal the server holds, when
	// it said (HasServerSeq; older servers do not): a local "used here"
	// mark of a sale the server holds yields to the server's reinstatement
	// of its voucher (a return taken at another terminal gave it back).
	ServerSeq    uint64
	HasServerSeq bool
	// Decisions close the incidents of the records they name (every case
	// about the record was decided at the server).
	Decisions []IncidentDecision
}
