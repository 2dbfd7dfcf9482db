package client

import (
	"crypto/ed25519"
	"time"

	"fupinpos/pos"
)

// Store is the terminal database a Client syncs: its configuration and
// key, the outbox it uploads and settles, the download it applies, and the
// online state and audit trail that follow from a sync. The terminal's
// bbolt database (pos/bolt.DB) is one.
type Store interface {
	// Config is the terminal's configuration, set by enrolment.
	Config() (*pos.TerminalConfig, error)
	// PrivateKey is the terminal's signing key.
	PrivateKey() (ed25519.PrivateKey, error)

	// Pending returns up to max ledger entries the server has not answered
	// for, oldest first, exactly as they were signed.
	Pending(max int) ([]pos.Entry, error)
	// Ack settles the records the server answered for.
	Ack(answers []pos.UploadAnswer) error
	// Queue is the count and voucher total of records not yet acknowledged.
	Queue() (pos.QueueState, error)
	// Acked is the acknowledged position: every record up to it was
	// answered. Rewind puts the records after serverSeq back into the
	// outbox when the server holds fewer than were answered (restored from
	// an older backup), given the server's hash of record serverSeq, and
	// returns how many.
	Acked() (uint64, error)
	Rewind(serverSeq uint64, serverHash pos.Hash, actor string) (int, error)

	// SyncCursor is where the next download starts, "" before the first.
	SyncCursor() (string, error)
	// Trust and Catalogue are the installed documents; their versions tell
	// the server what the terminal already has.
	Trust() (*pos.TrustList, error)
	Catalogue() (*pos.Catalogue, error)
	// ApplyDownload applies one download page in one transaction and
	// returns the clock's skew from the server's.
	ApplyDownload(d pos.Download, actor string) (time.Duration, error)
	// OpenIncidentSeqs is the records with an incident the server has not
	// decided yet (at most max), which a download asks about.
	OpenIncidentSeqs(max int) ([]uint64, error)
	// ClockState is the clock floor and the time of the last sync.
	ClockState() (pos.ClockState, error)

	// Restored reports whether the database is a restored backup whose
	// chain the server has not confirmed yet; ConfirmRestored lifts its
	// sales block given the server's chain head for this terminal.
	Restored() (bool, error)
	ConfirmRestored(serverSeq uint64, serverHash pos.Hash, actor string) error

	// LastServer and SetLastServer keep the server URL (of the configured
	// list) that answered last, so a new client starts there.
	LastServer() (string, error)
	SetLastServer(url string) error

	// SetOnline and Online are whether the last sync reached the server.
	SetOnline(online bool)
	Online() bool
	// Audit records an event in the audit trail.
	Audit(actor, action string, detail map[string]string) error
}

// Provisioner is the terminal database Enroll provisions: it reads the
// terminal's public key and writes configuration, root key, trust list,
// catalogue and the server's time. The terminal's bbolt database
// (pos/bolt.DB) is one.
type Provisioner interface {
	// CheckEnroll refuses an enrollment the database can never take (it
	// holds another terminal's sales) before the server is asked.
	CheckEnroll() error
	// PublicKey is the terminal's own public key, sent to the server.
	PublicKey() (ed25519.PublicKey, error)
	// Provision stores the configuration and the deployment's root key.
	// Enroll ignores the public key it returns.
	Provision(cfg pos.TerminalConfig, root ed25519.PublicKey, actor string) (ed25519.PublicKey, error)
	// InstallBundle installs the signed trust list and catalogue.
	InstallBundle(data []byte, actor string) (*pos.TrustList, *pos.Catalogue, error)
	// RecordSync notes a successful exchange at the server's time and
	// returns the terminal clock's skew from it.
	RecordSync(server time.Time) (time.Duration, error)
}
