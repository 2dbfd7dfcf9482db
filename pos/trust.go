package pos

import (
	"crypto/ed25519"
	"time"
)

// ExcessPolicy says what happens when a voucher is worth more than the
// eligible part of the basket left to pay. Neither policy ever pays out cash.
type ExcessPolicy string

const (
	// ExcessRefuse refuses the voucher: the cashier adds goods or uses another voucher.
	ExcessRefuse ExcessPolicy = "refuse"
	// ExcessForfeit consumes the voucher whole and records the unused part as forfeited.
	ExcessForfeit ExcessPolicy = "forfeit"
)

// OfflineLimits bound what a terminal accepts without the server, as card
// terminals do. A zero field means "no limit".
type OfflineLimits struct {
	MaxCacheAge    Duration `json:"max_cache_age"`    // refuse when the last sync is older
	MaxQueueCount  int      `json:"max_queue_count"`  // refuse when this many records wait for upload
	MaxQueueAmount Money    `json:"max_queue_amount"` // refuse when this much voucher value waits for upload
}

// DefaultOfflineLimits are used when neither campaign nor terminal sets one:
// 24 h of cache, 500 unsynced redemptions, ¥50,000 unsynced.
var DefaultOfflineLimits = OfflineLimits{
	MaxCacheAge:    Duration(24 * time.Hour),
	MaxQueueCount:  500,
	MaxQueueAmount: Yuan(50000),
}

// Campaign is one voucher campaign: its windows (CST instants in whole
// seconds, both ends inclusive, see InWindow), its per-person cap and its rules.
type Campaign struct {
	ID               uint16        `json:"id"`
	Name             string        `json:"name"`
	NameEn           string        `json:"name_en,omitempty"`
	IssueFrom        time.Time     `json:"issue_from"`
	IssueUntil       time.Time     `json:"issue_until"`
	RedeemFrom       time.Time     `json:"redeem_from"`
	RedeemUntil      time.Time     `json:"redeem_until"`
	Cap              Money         `json:"cap"` // per member, over all vouchers of the campaign
	CatalogueVersion uint32        `json:"catalogue_version"`
	Excess           ExcessPolicy  `json:"excess"`
	Offline          OfflineLimits `json:"offline"`
	Skew             Duration      `json:"skew"` // tolerance on voucher validity times for terminal clock error
	// Designated says which vouchers may pay for a product of a designated
	// poverty-alleviation point: only its own units' (DesignatedOwnUnits,
	// the default, also when empty) or any unit's (DesignatedAnyUnit).
	Designated DesignatedPolicy `json:"designated,omitempty"`
	// Returns says what a return (退货) does with a voucher it no longer
	// needs: give it back to its member (ReturnReinstate, the default, also
	// when empty) or forfeit it (ReturnForfeit). Never cash either way.
	Returns ReturnPolicy `json:"returns,omitempty"`
}

// InWindow reports whether t falls inside the window from…until counted in
// whole seconds, both ends inclusive: every instant of the second named by
// until is still inside (23:59:59.999 is inside a window "until 23:59:59"),
// and every instant of the second named by from is inside too. Sub-second
// parts of from and until are ignored, as the voucher code and the trust
// list carry whole seconds. This one rule applies on the terminal and on the
// server to voucher validity, campaign issue and redemption windows, issuer
// key windows and trust list expiry.
func InWindow(t, from, until time.Time) bool {
	s := t.Unix() // floor: a Time's nanoseconds are always in [0, 1e9)
	return s >= from.Unix() && s <= until.Unix()
}

// Redeemable reports whether t is inside the redemption window (InWindow).
func (c *Campaign) Redeemable(t time.Time) bool {
	return InWindow(t, c.RedeemFrom, c.RedeemUntil)
}

// Issuable reports whether t is inside the issue window (InWindow).
func (c *Campaign) Issuable(t time.Time) bool {
	return InWindow(t, c.IssueFrom, c.IssueUntil)
}

// IssuerKey is a public key allowed to sign vouchers for some campaigns
// during an issue window.
type IssuerKey struct {
	ID         KeyID             `json:"id"`
	Public     ed25519.PublicKey `json:"public"`
	Campaigns  []uint16          `json:"campaigns"`
	IssueFrom  time.Time         `json:"issue_from"`
	IssueUntil time.Time         `json:"issue_until"`
}

// Allows reports whether the key may sign a voucher of campaign issued at t
// (the key's window in whole seconds, both ends inclusive: InWindow).
func (k *IssuerKey) Allows(campaign uint16, issued time.Time) bool {
	if !InWindow(issued, k.IssueFrom, k.IssueUntil) {
		return false
	}
	for _, c := range k.Campaigns {
		if c == campaign {
			return true
		}
	}
	return false
}

// WorkUnit is an issuing work unit (an agency, enterprise or institution
// that funds its members' vouchers). Reports settle per unit.
type WorkUnit struct {
	ID   uint32 `json:"id"`
	Name string `json:"name"`
}

// TrustList is what a terminal trusts: the issuer keys, the campaigns and
// the work units. It travels signed by the deployment's root key with a
// sequence number that only grows and an expiry plus grace period.
type TrustList struct {
	Seq       uint64      `json:"seq"`
	IssuedAt  time.Time   `json:"issued_at"`
	Expires   time.Time   `json:"expires"`
	Grace     Duration    `json:"grace"`
	Keys      []IssuerKey `json:"keys"`
	Campaigns []Campaign  `json:"campaigns"`
	Units     []WorkUnit  `json:"units"`
}

// Key returns the issuer key with id, or nil.
func (t *TrustList) Key(id KeyID) *IssuerKey {
	for i := range t.Keys {
		if t.Keys[i].ID == id {
			return &t.Keys[i]
		}
	}
	return nil
}

// Campaign returns the campaign with id, or nil.
func (t *TrustList) Campaign(id uint16) *Campaign {
	for i := range t.Campaigns {
		if t.Campaigns[i].ID == id {
			return &t.Campaigns[i]
		}
	}
	return nil
}

// UnitName returns the name of work unit id, or its number when unknown.
func (t *TrustList) UnitName(id uint32) string {
	for _, u := range t.Units {
		if u.ID == id {
			return u.Name
		}
	}
	return "#" + itoa(int64(id))
}

// CheckFresh returns ETRUSTEXPIRED when now is past the expiry plus grace.
// Inside the grace period the list still works (an expired list once took
// down a whole country's checkers); the UI warns from Expires on. Like every
// other window, the last second is counted whole: the list works until the
// end of the second named by Expires+Grace.
func (t *TrustList) CheckFresh(now time.Time) error {
	if now.Unix() > t.Expires.Add(t.Grace.D()).Unix() {
		return Errorf(ETRUSTEXPIRED, "trust list %d expired at %s", t.Seq, t.Expires.In(CST).Format(time.DateTime)).
			With("expires", t.Expires.In(CST).Format(time.DateTime))
	}
	return nil
}

// Validate checks the list's internal consistency: every key id matches its
// public key, windows are ordered, campaigns are unique.
func (t *TrustList) Validate() error {
	seen := map[uint16]bool{}
	for _, c := range t.Campaigns {
		if seen[c.ID] {
			return Errorf(EINVALID, "campaign %d listed twice", c.ID)
		}
		seen[c.ID] = true
		if c.RedeemUntil.Before(c.RedeemFrom) || c.IssueUntil.Before(c.IssueFrom) {
			return Errorf(EINVALID, "campaign %d: window ends before it starts", c.ID)
		}
		if c.Cap <= 0 {
			return Errorf(EINVALID, "campaign %d: cap must be positive", c.ID)
		}
		if c.Excess != ExcessRefuse && c.Excess != ExcessForfeit {
			return Errorf(EINVALID, "campaign %d: excess policy %q", c.ID, c.Excess)
		}
		if !c.Returns.Valid() {
			return Errorf(EINVALID, "campaign %d: return policy %q", c.ID, c.Returns)
		}
		if !c.Designated.Valid() {
			return Errorf(EINVALID, "campaign %d: designated-point policy %q", c.ID, c.Designated)
		}
	}
	for _, k := range t.Keys {
		if len(k.Public) != ed25519.PublicKeySize {
			return Errorf(EINVALID, "key %s: bad public key length", k.ID)
		}
		if KeyIDOf(k.Public) != k.ID {
			return Errorf(EINVALID, "key %s: id does not match public key", k.ID)
		}
	}
	if t.Expires.Before(t.IssuedAt) {
		return Errorf(EINVALID, "trust list expires before it is issued")
	}
	return nil
}

func itoa(v int64) string {
	if v == 0 {
		return "0"
	}
	neg := v < 0
	if neg {
		v = -v
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
