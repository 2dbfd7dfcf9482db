package server

import (
	"fmt"
	"strconv"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/voucher"
)

// Issuer signs vouchers for members and builds the signed trust list and
// catalogue that terminals install.
type Issuer struct {
	Store Store
	Keys  *Keyring
	Now   func() time.Time
}

// IssueSpec asks for Count vouchers of Value each for Member of Unit.
type IssueSpec struct {
	Member string
	Unit   uint32
	Value  pos.Money
	Count  int
	Scope  uint32
	Flags  pos.Flags
	Row    int // the line of the batch file, 0 when not from a file
}

// BatchError refuses an issuance batch from a file row by row: every
// refused row, with its line and why ("batch.<code>"); nothing is issued.
type BatchError struct {
	Rows []pos.RowError
}

// Error returns an English summary for logs.
func (e *BatchError) Error() string {
	return fmt.Sprintf("%d rows refused, nothing issued (first: %v)", len(e.Rows), e.Rows[0])
}

// Unwrap gives the refusal its code: invalid.
func (e *BatchError) Unwrap() error {
	return pos.Errorf(pos.EINVALID, "%d rows refused, nothing issued", len(e.Rows)).With("count", strconv.Itoa(len(e.Rows)))
}

// Codes of the refused rows of an issuance batch (BatchError).
const (
	BatchBadMember = "bad_member"   // the member id does not normalise (empty, control characters, too long)
	BatchNoUnit    = "no_unit"      // not a work unit of the deployment
	BatchBadValue  = "value_range"  // not between ￥0.01 and the cap
	BatchCap       = "cap_exceeded" // the member's total would pass the cap (Value: that total)
)

// checkRows checks every spec of a batch from a file, as far as it can
// before the store's lock: the member id, the unit, the value, and each
// member's running total against the cap over what the store holds now
// (the store's check under its lock stays the rule). It returns every
// refused row, or nil.
func (is *Issuer) checkRows(d *Deployment, camp *pos.Campaign, specs []IssueSpec) ([]pos.RowError, error) {
	var bad []pos.RowError
	running := map[pos.HolderRef]pos.Money{}
	for _, s := range specs {
		member, err := NormalizeMember(s.Member)
		if err != nil {
			bad = append(bad, pos.RowError{Row: s.Row, Code: BatchBadMember, Value: s.Member})
			continue
		}
		if d.Unit(s.Unit) == nil {
			bad = append(bad, pos.RowError{Row: s.Row, Member: member, Code: BatchNoUnit, Value: strconv.FormatUint(uint64(s.Unit), 10)})
			continue
		}
		if s.Value <= 0 || s.Value > camp.Cap {
			bad = append(bad, pos.RowError{Row: s.Row, Member: member, Code: BatchBadValue, Value: s.Value.String()})
			continue
		}
		h := voucher.HolderOf(is.Keys.HolderSecret, member)
		total, ok := running[h]
		if !ok {
			if total, err = is.Store.IssuedTotal(camp.ID, h); err != nil {
				return nil, err
			}
		}
		total += s.Value * pos.Money(max(s.Count, 1))
		running[h] = total
		if total > camp.Cap {
			bad = append(bad, pos.RowError{Row: s.Row, Member: member, Code: BatchCap, Value: total.String()})
		}
	}
	return bad, nil
}

func (is *Issuer) now() time.Time {
	if is.Now != nil {
		return is.Now()
	}
	return time.Now()
}

// Issue signs the vouchers of specs for campaign in one batch: all or none.
// Each member id is normalised first (NormalizeMember; the holder reference
// and the issuance record use the normal spelling). It refuses ids that do
// not normalise and unknown units; the issuance rule itself (the campaign's
// issue window, whole seconds, both ends inclusive; values; the per-person
// cap over what each member already holds) is pos.CheckIssuance, which the
// store runs under the lock that makes the batch atomic, so the cap holds
// with several instances issuing at once.
func (is *Issuer) Issue(campaign uint16, specs []IssueSpec) ([]Issuance, error) {
	d, err := is.Store.Deployment()
	if err != nil {
		return nil, err
	}
	camp := d.Campaign(campaign)
	if camp == nil {
		return nil, pos.Errorf(pos.ENOTFOUND, "no campaign %d", campaign).With("campaign", strconv.Itoa(int(campaign))).Say("no_campaign")
	}
	now := is.now().Truncate(time.Second)
	if len(specs) > 0 && specs[0].Row > 0 {
		// A batch from a file: a closed window refuses it whole, else
		// every refused row is reported at once.
		if err := pos.CheckIssuance(camp, now, nil, nil); err != nil {
			return nil, err
		}
		bad, err := is.checkRows(d, camp, specs)
		if err != nil {
			return nil, err
		}
		if len(bad) > 0 {
			return nil, &BatchError{Rows: bad}
		}
	}
	var reqs []IssueRequest
	var items []pos.IssueItem
	extra := map[int]IssueSpec{}
	for _, s := range specs {
		member, err := NormalizeMember(s.Member)
		if err != nil {
			return nil, err
		}
		s.Member = member
		if d.Unit(s.Unit) == nil {
			return nil, pos.Errorf(pos.ENOTFOUND, "no work unit %d", s.Unit).With("unit", strconv.FormatUint(uint64(s.Unit), 10)).Say("no_unit")
		}
		n := s.Count
		if n == 0 {
			n = 1
		}
		for i := 0; i < n; i++ {
			extra[len(reqs)] = s
			r := IssueRequest{Member: s.Member, Holder: voucher.HolderOf(is.Keys.HolderSecret, s.Member), Unit: s.Unit, Value: s.Value}
			reqs = append(reqs, r)
			items = append(items, pos.IssueItem{Member: r.Member, Holder: r.Holder, Value: r.Value})
		}
	}
	// The rule without the totals first: a closed window or a bad value is
	// refused before any lock is taken.
	if err := pos.CheckIssuance(camp, now, nil, items); err != nil && pos.ErrorCode(err) != pos.ECAPEXCEEDED {
		return nil, err
	}
	i := 0 // build's request index; each attempt of the store calls check once, then build in order
	check := func(issued map[pos.HolderRef]pos.Money) error {
		i = 0
		return pos.CheckIssuance(camp, now, issued, items)
	}
	return is.Store.Issue(campaign, reqs, check, func(serial uint32, r IssueRequest) (Issuance, error) {
		s := extra[i]
		i++
		v := &pos.Voucher{
			Campaign: campaign, Serial: serial, Holder: r.Holder, Unit: r.Unit, Value: r.Value,
			NotBefore: camp.RedeemFrom, NotAfter: camp.RedeemUntil, IssuedAt: now,
			Scope: s.Scope, Flags: s.Flags | pos.FlagNoChange,
		}
		code, err := voucher.Encode(v, is.Keys.Issuer)
		if err != nil {
			return Issuance{}, err
		}
		return Issuance{ID: v.ID(), Member: r.Member, Holder: r.Holder, Unit: r.Unit, Value: r.Value, IssuedAt: now, Code: code}, nil
	})
}

// TrustBundle signs a new trust list (sequence one higher than the last)
// valid for validity plus grace, and the catalogue, publishes both for
// terminals to download, and returns them as the provisioning bundle a
// terminal installs.
func (is *Issuer) TrustBundle(validity, grace time.Duration) ([]byte, *pos.TrustList, error) {
	var tl *pos.TrustList
	var cat pos.Catalogue
	now := is.now().Truncate(time.Second)
	err := is.Store.UpdateDeployment(func(d *Deployment) error {
		d.TrustSeq++
		tl = &pos.TrustList{
			Seq: d.TrustSeq, IssuedAt: now, Expires: now.Add(validity), Grace: pos.Duration(grace),
			Keys: d.Keys, Campaigns: d.Campaigns, Units: d.Units,
		}
		cat = d.Catalogue
		return tl.Validate()
	})
	if err != nil {
		return nil, nil, err
	}
	tdoc, err := voucher.SignTrust(tl, is.Keys.Root)
	if err != nil {
		return nil, nil, err
	}
	cdoc, err := voucher.SignCatalogue(&cat, is.Keys.Root)
	if err != nil {
		return nil, nil, err
	}
	b, err := voucher.MakeBundle(tdoc, cdoc)
	if err != nil {
		return nil, nil, err
	}
	err = is.Store.SetDocuments(&Documents{Trust: tdoc, TrustSeq: tl.Seq, Catalogue: cdoc, CatalogueVersion: cat.Version})
	return b, tl, err
}

// EnsurePublished signs and publishes a new trust list (TrustBundle) when
// none is published yet or the published one has less than half of
// validity left, so terminals that sync never run into an expired list. It
// returns the published trust list.
func (is *Issuer) EnsurePublished(validity, grace time.Duration) (*pos.TrustList, error) {
	docs, err := is.Store.Documents()
	if err != nil {
		return nil, err
	}
	if len(docs.Trust) > 0 {
		tl, err := voucher.OpenTrust(docs.Trust, is.Keys.RootPublic())
		if err == nil && is.now().Add(validity/2).Before(tl.Expires) {
			return tl, nil
		}
	}
	_, tl, err := is.TrustBundle(validity, grace)
	return tl, err
}
