package server

import (
	"crypto/ed25519"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/voucher"
)

// Deployment is the server's configuration of record: what goes into the
// signed trust list and catalogue, and the trust list's sequence so far.
type Deployment struct {
	Campaigns []pos.Campaign  `json:"campaigns"`
	Units     []pos.WorkUnit  `json:"units"`
	Keys      []pos.IssuerKey `json:"keys"`
	Catalogue pos.Catalogue   `json:"catalogue"`
	TrustSeq  uint64          `json:"trust_seq"`
	// Root is the public root key of the data directory that made the
	// deployment (voucherd init): a command that opens the storage with
	// another directory's keys is refused (CheckKeys). Deployments made
	// before it was recorded have none; their issuer key is checked.
	Root ed25519.PublicKey `json:"root,omitempty"`
}

// Empty reports whether d holds nothing yet: no campaign, unit, key or
// root (the state before voucherd init).
func (d *Deployment) Empty() bool {
	return len(d.Campaigns) == 0 && len(d.Units) == 0 && len(d.Keys) == 0 && len(d.Root) == 0
}

// Fingerprint returns the fingerprint of the deployment's root key, or ""
// when it has none recorded.
func (d *Deployment) Fingerprint() string {
	if len(d.Root) != ed25519.PublicKeySize {
		return ""
	}
	return voucher.Fingerprint(d.Root)
}

// CheckKeys refuses keys that do not belong to deployment d: a root key
// other than the one recorded at init, or, on a deployment made before the
// root was recorded, an issuer key d does not list. Issuing with another
// directory's keys would give a member a second ¥300 under a new holder
// secret and sign codes no terminal knows. The error names both
// fingerprints.
func CheckKeys(d *Deployment, k *Keyring) error {
	mine := voucher.Fingerprint(k.RootPublic())
	if len(d.Root) > 0 {
		if d.Root.Equal(k.RootPublic()) {
			return nil
		}
		return pos.Errorf(pos.ECONFLICT, "the keys (root %s) do not belong to the deployment in storage (root %s)", mine, d.Fingerprint()).
			Say("foreign_keys", "dir_fp", mine, "db_fp", d.Fingerprint())
	}
	ipub := k.IssuerPublic()
	for _, x := range d.Keys {
		if x.ID == pos.KeyIDOf(ipub) && x.Public.Equal(ipub) {
			return nil
		}
	}
	return pos.Errorf(pos.ECONFLICT, "the keys (root %s) do not belong to the deployment in storage (its issuer keys do not include this directory's)", mine).
		Say("foreign_keys_old", "dir_fp", mine)
}

// Campaign returns the campaign with id, or nil.
func (d *Deployment) Campaign(id uint16) *pos.Campaign {
	for i := range d.Campaigns {
		if d.Campaigns[i].ID == id {
			return &d.Campaigns[i]
		}
	}
	return nil
}

// Unit returns the work unit with id, or nil.
func (d *Deployment) Unit(id uint32) *pos.WorkUnit {
	for i := range d.Units {
		if d.Units[i].ID == id {
			return &d.Units[i]
		}
	}
	return nil
}

// Issuance is the server's record of one issued voucher. Member is the
// union's own member id: it stays on the server and never enters a code.
type Issuance struct {
	ID       pos.VoucherID `json:"id"`
	Member   string        `json:"member"`
	Holder   pos.HolderRef `json:"holder"`
	Unit     uint32        `json:"unit"`
	Value    pos.Money     `json:"value"`
	IssuedAt time.Time     `json:"issued_at"`
	Code     string        `json:"code"`
}

// Store is the central server's storage. Every method that changes state
// does so in one transaction. The rules (chains, double spends, the cap)
// live in this package above the LedgerView and LedgerTx primitives, so
// another engine implements storage only.
type Store interface {
	// Deployment returns the current deployment; ENOTFOUND before init.
	Deployment() (*Deployment, error)
	// UpdateDeployment changes the deployment in one transaction.
	UpdateDeployment(fn func(d *Deployment) error) error
	// Issue records a batch of vouchers of campaign atomically, all or
	// nothing. The engine provides only the atomicity: under the lock that
	// keeps concurrent batches apart (on every instance writing to the
	// database), it reads the issued totals of the batch's holders in
	// campaign and calls check with them (a holder without vouchers is
	// absent); an error from check refuses the batch. Then it allocates the
	// next serials, calls build with each serial and request (the signed
	// issuance), and adds the values to the holders' totals. The rules (the
	// cap, the window: pos.CheckIssuance) live in check, above storage.
	Issue(campaign uint16, reqs []IssueRequest, check func(issued map[pos.HolderRef]pos.Money) error, build func(serial uint32, r IssueRequest) (Issuance, error)) ([]Issuance, error)
	// IssuedTotal returns the value issued to holder in campaign.
	IssuedTotal(campaign uint16, holder pos.HolderRef) (pos.Money, error)
	// Issued returns the issuance record of id, or ENOTFOUND.
	Issued(id pos.VoucherID) (*Issuance, error)
	// AdoptIssued records the issuances in iss whose ids the store holds no
	// record of — vouchers issued after the backup a restore went back to,
	// learned from their signed codes in uploaded sales — adding each one's
	// value to its holder's issued total and moving its campaign's serial
	// counter past it, so the cap counts it and no later issue reuses its
	// id. Ids already recorded are left alone (a replay changes nothing). It
	// returns how many it recorded.
	AdoptIssued(iss []Issuance) (int, error)
	// Close releases the storage.
	Close() error

	TerminalStore
	LedgerStore
	IncidentStore
}

// IssueRequest asks for one voucher of Value for Member of Unit.
type IssueRequest struct {
	Member string
	Holder pos.HolderRef
	Unit   uint32
	Value  pos.Money
}

// CampaignHolder names one member's total in one campaign.
type CampaignHolder struct {
	Campaign uint16
	Holder   pos.HolderRef
}

// VerifyLimiter is an optional extension of Store for engines whose ledger
// writer needs a processor of its own: uploads then check signatures on at
// most VerifyProcs processors at once. On PostgreSQL the writer's work is
// the database backend's (and the driver's, between round trips); with
// every processor checking signatures it waits for one after each step,
// and the ledger, which takes one writer at a time, slows for everyone.
// bbolt's writer waits on fsync, which needs no processor: no bound.
type VerifyLimiter interface {
	VerifyProcs() int
}

// LedgerPrefetcher is an optional extension of LedgerTx for engines on a
// network database: before an upload's rules run, Prefetch loads in one
// round trip the rows they will read (the terminal's records at seqs, the
// vouchers' claims and statuses, the holders' suspensions and redeemed
// totals). It changes no result, only the number of round trips; engines
// without it (bbolt) read as before.
type LedgerPrefetcher interface {
	Prefetch(terminal string, seqs []uint64, vouchers []pos.VoucherID, holders []CampaignHolder) error
}

// prefetch hands an engine that is a LedgerPrefetcher the keys the rules
// will read for preps: each record's seq and its neighbours, the sales'
// vouchers and holders. Voids read the sale they cancel first, so their
// keys are not known here; they read as usual.
func prefetch(tx LedgerTx, terminal string, preps []prepared) error {
	pf, ok := tx.(LedgerPrefetcher)
	if !ok {
		return nil
	}
	var seqs []uint64
	var ids []pos.VoucherID
	var holders []CampaignHolder
	for i := range preps {
		p := &preps[i]
		if p.seq == 0 {
			continue
		}
		seqs = append(seqs, p.seq-1, p.seq, p.seq+1)
		for _, v := range p.vouchers {
			ids = append(ids, v.ID())
			holders = append(holders, CampaignHolder{Campaign: v.Campaign, Holder: v.Holder})
		}
	}
	return pf.Prefetch(terminal, seqs, ids, holders)
}

// RecordKey names one ledger record: a terminal and its seq.
type RecordKey struct {
	Terminal string
	Seq      uint64
}

// SaleFollowers is an optional extension of LedgerView for engines that
// index voids and returns by the sale they act on: a return reads the
// sale's earlier returns (and a void) through it, at a cost that does not
// grow with the records made since the sale. Engines without it are read
// record by record: the whole ledger, since a return may be another
// terminal's.
type SaleFollowers interface {
	// Followers returns the records, of any terminal, that void or return
	// sale seq of terminal (a void is always the sale terminal's own, a
	// return may be another terminal's of the same store), by terminal then
	// seq. A key may name a record since replaced: the caller reads each
	// and checks.
	Followers(terminal string, sale uint64) ([]RecordKey, error)
}

// RecordsByTime is an optional extension of LedgerView for engines that
// index records by their own time (the sale's or void's time): a day's
// report reads that day's records (and, for voids, the sales they cancel,
// by Record) instead of the whole ledger.
type RecordsByTime interface {
	// ForEachRecordBetween calls fn for every record whose own time is in
	// [from, to), by terminal then seq.
	ForEachRecordBetween(from, to time.Time, fn func(terminal string, r *StoredRecord) error) error
}
