package server

import (
	"time"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// StoredRecord is one uploaded ledger entry as the server keeps it: the
// entry exactly as the terminal signed it, and the answer the server gave.
// Records that did not verify are never stored.
type StoredRecord struct {
	Entry    pos.Entry        `json:"entry"`
	Result   pos.UploadResult `json:"result"`
	Reason   string           `json:"reason,omitempty"`
	Detail   string           `json:"detail,omitempty"`
	Received time.Time        `json:"received"`
}

// Head is where a terminal's chain stands on the server.
type Head struct {
	Seq      uint64    `json:"seq"`  // highest seq held
	Hash     pos.Hash  `json:"hash"` // hash of that record
	Records  int       `json:"records"`
	LastSeen time.Time `json:"last_seen"`
}

// Change is one entry of the status feed that terminals download: a
// voucher's new status, or a holder suspended or reinstated.
type Change struct {
	Seq       uint64            `json:"seq"`
	Voucher   pos.VoucherID     `json:"voucher,omitempty"`
	Status    pos.VoucherStatus `json:"status,omitempty"`
	Holder    *pos.HolderRef    `json:"holder,omitempty"`
	Suspended bool              `json:"suspended,omitempty"`
}

// SnapshotExtent is the size of a full status snapshot, what the download
// weighs against the changes behind a terminal's cursor.
type SnapshotExtent struct {
	MaxSerial map[uint16]uint32 // campaign → highest serial not valid
	Holders   int               // holders whose suspension was ever set
}

// Documents are the signed trust list and catalogue terminals download,
// exactly as signed, with the numbers a terminal compares.
type Documents struct {
	Trust            []byte `json:"trust"`
	TrustSeq         uint64 `json:"trust_seq"`
	Catalogue        []byte `json:"catalogue"`
	CatalogueVersion uint32 `json:"catalogue_version"`
}

// LedgerView reads the redemption ledger inside one read transaction.
type LedgerView interface {
	// Epoch identifies this database: a download cursor from another
	// database (restored, replaced) is not trusted.
	Epoch() string
	// Record returns the stored record (terminal, seq), or nil.
	Record(terminal string, seq uint64) (*StoredRecord, error)
	// ForEachRecord calls fn for every record, by terminal then seq.
	ForEachRecord(fn func(terminal string, r *StoredRecord) error) error
	// Head returns the chain head of terminal (zero before its first record).
	Head(terminal string) (Head, error)
	// Claims returns the records that redeem voucher id, first first.
	Claims(id pos.VoucherID) ([]wire.Claim, error)
	// Status returns the voucher's published status (valid when never set).
	Status(id pos.VoucherID) (pos.VoucherStatus, error)
	// ForEachStatus calls fn for every voucher whose status is not valid, by id.
	ForEachStatus(fn func(id pos.VoucherID, s pos.VoucherStatus) error) error
	// RedeemedTotal returns the face value of holder's counted claims in campaign.
	RedeemedTotal(campaign uint16, holder pos.HolderRef) (pos.Money, error)
	// Suspended reports whether holder is suspended.
	Suspended(holder pos.HolderRef) (bool, error)
	// ForEachHolder calls fn for every holder whose suspension was ever set.
	ForEachHolder(fn func(h pos.HolderRef, suspended bool) error) error
	// Changes returns up to limit changes after seq, oldest first, and
	// whether there are more. The feed is compact: it holds only the latest
	// change of each voucher and of each holder (an engine drops the older
	// one in the transaction that appends the newer), so the changes after
	// any seq are exactly the keys that changed since, each once, with its
	// current state.
	Changes(after uint64, limit int) ([]Change, bool, error)
	// CountChanges returns how many changes the feed holds after seq,
	// counting no further than most (it returns most when there are more).
	CountChanges(after uint64, most int) (int, error)
	// LastChange returns the seq of the newest change, 0 for none.
	LastChange() (uint64, error)
	// SnapshotExtent returns what a full snapshot holds: for each campaign
	// with a voucher not valid, the highest such serial, and how many
	// holders ever had their suspension set.
	SnapshotExtent() (SnapshotExtent, error)
	// Incidents returns every incident, oldest first.
	Incidents() ([]wire.Incident, error)
	// IncidentsAfter returns up to limit incidents with an id above after,
	// by id, and whether there are more. Incident ids only grow, and an
	// incident is visible to readers in id order (a reader never sees id n+1
	// without n), so a terminal's download cursor can resume from an id.
	IncidentsAfter(after uint64, limit int) ([]wire.Incident, bool, error)
}

// LedgerTx changes the redemption ledger inside one write transaction.
type LedgerTx interface {
	LedgerView
	PutRecord(terminal string, seq uint64, r *StoredRecord) error
	SetHead(terminal string, h Head) error
	PutClaims(id pos.VoucherID, claims []wire.Claim) error
	SetRedeemedTotal(campaign uint16, holder pos.HolderRef, total pos.Money) error
	// SetStatus stores the voucher's status and appends it to the feed.
	SetStatus(id pos.VoucherID, s pos.VoucherStatus) error
	// SetSuspended stores the holder's suspension and appends it to the feed.
	SetSuspended(holder pos.HolderRef, on bool) error
	// AddIncident stores in with the next incident id and returns it.
	AddIncident(in wire.Incident) (uint64, error)
}

// TerminalStore keeps the terminals and their enrollment codes.
type TerminalStore interface {
	// AddTerminal stores a new pending terminal and the SHA-256 of its
	// one-time code; ECONFLICT when the id exists.
	AddTerminal(t wire.Terminal, codeHash [32]byte) error
	// Enroll consumes the code (by hash) at now, registering public for its
	// terminal; an unknown, used or expired code is wire.AuthBadCode.
	Enroll(codeHash [32]byte, public []byte, hostname string, now time.Time) (*wire.Terminal, error)
	// Terminal returns the terminal with id (ENOTFOUND if none), its head filled in.
	Terminal(id string) (*wire.Terminal, error)
	// Terminals returns every terminal by id.
	Terminals() ([]wire.Terminal, error)
	// DisableTerminal marks the terminal disabled and drops any unused code.
	DisableTerminal(id string) (*wire.Terminal, error)
}

// LedgerStore is the redemption ledger and the published documents.
type LedgerStore interface {
	// ViewLedger runs fn in a read transaction.
	ViewLedger(fn func(LedgerView) error) error
	// UpdateLedger runs fn in a write transaction, committed (fsync) before
	// it returns. Concurrent calls may share one commit, and fn may then
	// run more than once: it must start from scratch each time.
	UpdateLedger(fn func(LedgerTx) error) error
	// Documents returns the published signed documents (empty before the first).
	Documents() (*Documents, error)
	// SetDocuments publishes new signed documents.
	SetDocuments(d *Documents) error
}
