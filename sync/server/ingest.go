package server

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/voucher"
	"fupinpos/sync/wire"
)

// prepared is one uploaded entry after the checks that need no database:
// its hash and signature, its record, and its vouchers verified against
// the deployment's keys. They run before the write transaction, in the
// request's goroutine, so concurrent uploads use every core.
type prepared struct {
	entry    pos.Entry
	seq      uint64
	rec      *pos.Record
	vouchers []*pos.Voucher     // verified codes, parallel to rec.Vouchers
	drop     *wire.UploadResult // refused before storage: not authentic or unreadable
	invalid  *wire.UploadResult // authentic but a voucher does not verify: stored, not counted
}

func refuse(result pos.UploadResult, reason, format string, args ...any) *wire.UploadResult {
	return &wire.UploadResult{Result: result, Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

func (s *Server) prepare(t *wire.Terminal, e pos.Entry, tl *pos.TrustList) prepared {
	p := prepared{entry: e}
	var l pos.Link
	if err := json.Unmarshal(e.Body, &l); err != nil {
		p.drop = refuse(pos.UploadRejected, pos.EMALFORMED, "entry body is not a ledger record: %v", err)
		return p
	}
	p.seq = l.Seq
	if h := sha256.Sum256(e.Body); !bytes.Equal(h[:], e.Hash[:]) {
		p.drop = refuse(pos.UploadRejected, pos.EBADSIGNATURE, "record %d: content does not match its hash", l.Seq)
		return p
	}
	if !ed25519.Verify(t.Public, e.Hash[:], e.Sig) {
		p.drop = refuse(pos.UploadRejected, pos.EBADSIGNATURE, "record %d: not signed by terminal %s", l.Seq, t.ID)
		return p
	}
	rec, err := pos.DecodeRecord(e)
	if err != nil || l.Seq == 0 {
		p.drop = refuse(pos.UploadRejected, pos.EMALFORMED, "record %d: unreadable ledger record", l.Seq)
		return p
	}
	p.rec = rec
	if rec.Terminal != t.ID || rec.Store != t.Store {
		p.drop = refuse(pos.UploadRejected, wire.ReasonWrongTerminal, "record %d names terminal %s of store %s, signed by %s of %s",
			l.Seq, rec.Terminal, rec.Store, t.ID, t.Store)
		return p
	}
	switch rec.Kind {
	case pos.KindSale:
		for _, av := range rec.Vouchers {
			v, err := voucher.Verify(av.Code, tl)
			if err != nil {
				p.invalid = refuse(pos.UploadRejected, pos.ErrorCode(err), "record %d: voucher %s: %v", l.Seq, av.ID, err)
				return p
			}
			if v.ID() != av.ID || v.Holder != av.Holder || v.Unit != av.Unit || v.Value != av.Face || v.Campaign != av.Campaign ||
				av.Applied+av.Forfeited != av.Face || av.Applied < 0 || av.Forfeited < 0 {
				p.invalid = refuse(pos.UploadRejected, pos.EMALFORMED, "record %d: voucher %s: recorded fields differ from the signed code", l.Seq, av.ID)
				return p
			}
			p.vouchers = append(p.vouchers, v)
		}
	case pos.KindVoid:
		if rec.Voids == 0 || rec.Voids >= rec.Seq {
			p.invalid = refuse(pos.UploadRejected, pos.EMALFORMED, "record %d: void of record %d", l.Seq, rec.Voids)
		}
	case pos.KindReturn: // agreed online first (Return); an upload of it is a duplicate
		if rec.Returns == 0 || (rec.SaleOf() == rec.Terminal && rec.Returns >= rec.Seq) || rec.Total != rec.VoucherAmount+rec.SelfPaid {
			p.invalid = refuse(pos.UploadRejected, pos.EMALFORMED, "record %d: return of sale %s", l.Seq, rec.SaleReceipt())
		}
	default:
		p.invalid = refuse(pos.UploadRejected, pos.EMALFORMED, "record %d: unknown kind %q", l.Seq, rec.Kind)
	}
	return p
}

// verdict collects what is wrong with one record; the worst finding is
// the answer, and each finding opens its own incident.
type verdict struct {
	result pos.UploadResult
	reason string
	notes  []string
}

var severity = map[string]int{
	wire.ReasonChainRewritten: 6, wire.ReasonChainGap: 5, pos.EREDEEMEDELSEWHERE: 4,
	pos.EREVOKED: 3, pos.ESUSPENDED: 2, wire.ReasonVoidUnknown: 2, ReasonVoidAfterReturn: 2, pos.ECAPEXCEEDED: 1,
	pos.EEXPIRED: 1, pos.ENOTYETVALID: 1, pos.ECAMPAIGNCLOSED: 1,
}

func (v *verdict) conflict(reason, note string) {
	if v.result != pos.UploadConflict || severity[reason] > severity[v.reason] {
		v.reason = reason
	}
	v.result = pos.UploadConflict
	v.notes = append(v.notes, note)
}

// ingestState is what one run of the ingest transaction produces.
type ingestState struct {
	results   []wire.UploadResult
	incidents []wire.Incident
}

// Upload ingests a batch of ledger entries from terminal t and answers
// each. It is idempotent on (terminal, seq): a record already held with the
// same hash is a duplicate (or, if it was answered with a conflict or
// rejection, gets that answer again), a different record with a held seq
// is a rewrite. The whole batch commits in one transaction.
func (s *Server) Upload(t *wire.Terminal, entries []pos.Entry) ([]wire.UploadResult, error) {
	res, _, err := s.UploadAcked(t, 0, entries)
	return res, err
}

// UploadAcked is Upload from a terminal that says every record up to acked
// was answered (wire.UploadRequest.Acked). When the server holds less of
// its chain than that (its database was restored from an older backup) it
// ingests nothing and answers no results, only its head: the terminal then
// sends its records again from there, so nothing it sold after the backup
// is lost and no chain gap is opened. Otherwise the head is the one after
// the upload.
func (s *Server) UploadAcked(t *wire.Terminal, acked uint64, entries []pos.Entry) ([]wire.UploadResult, *wire.ChainHead, error) {
	if len(entries) > wire.MaxUploadEntries {
		return nil, nil, pos.Errorf(wire.ErrTooLarge, "%d entries in one upload, at most %d", len(entries), wire.MaxUploadEntries)
	}
	tl, camps, err := s.verifier()
	if err != nil {
		return nil, nil, err
	}
	preps := make([]prepared, len(entries))
	release := s.verifySlot()
	for i, e := range entries {
		preps[i] = s.prepare(t, e, tl)
	}
	release()
	var st ingestState
	var head Head
	behind := false
	now := s.now().UTC()
	err = s.Store.UpdateLedger(func(tx LedgerTx) error {
		st = ingestState{results: make([]wire.UploadResult, len(preps))}
		if err := prefetch(tx, t.ID, preps); err != nil {
			return err
		}
		var err error
		if head, err = tx.Head(t.ID); err != nil {
			return err
		}
		if behind = acked > head.Seq; behind {
			return nil
		}
		for i := range preps {
			r, err := s.ingestOne(tx, t, &preps[i], &head, camps, &st, now)
			if err != nil {
				return err
			}
			st.results[i] = r
		}
		head.LastSeen = now
		return tx.SetHead(t.ID, head)
	})
	if err != nil {
		return nil, nil, err
	}
	ch := &wire.ChainHead{Seq: head.Seq, Hash: head.Hash}
	if behind {
		s.log().Warn("terminal ahead of the server", "terminal", t.ID, "acked", acked, "head", head.Seq)
		return nil, ch, nil
	}
	for _, in := range st.incidents {
		s.log().Warn("incident", "kind", in.Kind, "reason", in.Reason, "terminal", in.Terminal, "seq", in.Seq,
			"voucher", in.Voucher.String(), "detail", in.Detail)
	}
	if err := s.adoptIssued(preps, st.results); err != nil {
		return nil, nil, err
	}
	return st.results, ch, nil
}

func (s *Server) incident(tx LedgerTx, st *ingestState, in wire.Incident) error {
	id, err := tx.AddIncident(in)
	if err != nil {
		return err
	}
	in.ID = id
	st.incidents = append(st.incidents, in)
	return nil
}

func (s *Server) ingestOne(tx LedgerTx, t *wire.Terminal, p *prepared, head *Head, camps map[uint16]pos.Campaign, st *ingestState, now time.Time) (wire.UploadResult, error) {
	base := wire.Incident{Time: now, Terminal: t.ID, Store: t.Store, Seq: p.seq}
	if p.seq != 0 {
		old, err := tx.Record(t.ID, p.seq)
		if err != nil {
			return wire.UploadResult{}, err
		}
		if old != nil {
			if old.Entry.Hash == p.entry.Hash {
				if old.Result == pos.UploadAccepted {
					return wire.UploadResult{Seq: p.seq, Result: pos.UploadDuplicate}, nil
				}
				return wire.UploadResult{Seq: p.seq, Result: old.Result, Reason: old.Reason, Detail: "answered before: " + old.Detail}, nil
			}
			if p.drop == nil {
				in := base
				in.Kind, in.Reason = wire.IncidentChain, wire.ReasonChainRewritten
				in.Detail = fmt.Sprintf("record %d uploaded again with other content (hash %s, held %s); the first version is kept",
					p.seq, p.entry.Hash, old.Entry.Hash)
				if err := s.incident(tx, st, in); err != nil {
					return wire.UploadResult{}, err
				}
				return wire.UploadResult{Seq: p.seq, Result: pos.UploadConflict, Reason: wire.ReasonChainRewritten, Detail: in.Detail}, nil
			}
		}
	}
	if p.drop != nil {
		in := base
		in.Kind, in.Reason, in.Detail = wire.IncidentRejected, p.drop.Reason, p.drop.Detail
		if err := s.incident(tx, st, in); err != nil {
			return wire.UploadResult{}, err
		}
		r := *p.drop
		r.Seq = p.seq
		return r, nil
	}

	// The chain: the record must link to the one before it.
	var v verdict
	v.result = pos.UploadAccepted
	var chainNote string
	switch {
	case p.seq == head.Seq+1:
		if p.rec.Prev != head.Hash {
			chainNote = fmt.Sprintf("record %d does not link to record %d held by the server", p.seq, head.Seq)
			v.conflict(wire.ReasonChainRewritten, chainNote)
		}
	case p.seq > head.Seq+1:
		chainNote = fmt.Sprintf("records %d…%d never arrived before record %d", head.Seq+1, p.seq-1, p.seq)
		v.conflict(wire.ReasonChainGap, chainNote)
	default: // filling a gap left earlier
		prev, err := tx.Record(t.ID, p.seq-1)
		if err != nil {
			return wire.UploadResult{}, err
		}
		next, err := tx.Record(t.ID, p.seq+1)
		if err != nil {
			return wire.UploadResult{}, err
		}
		switch {
		case p.seq > 1 && prev == nil:
			chainNote = fmt.Sprintf("record %d arrived without record %d", p.seq, p.seq-1)
			v.conflict(wire.ReasonChainGap, chainNote)
		case prev != nil && prev.Entry.Hash != p.rec.Prev, p.seq == 1 && p.rec.Prev != (pos.Hash{}):
			chainNote = fmt.Sprintf("record %d does not link to record %d held by the server", p.seq, p.seq-1)
			v.conflict(wire.ReasonChainRewritten, chainNote)
		case next != nil && prevOf(next.Entry) != p.entry.Hash:
			chainNote = fmt.Sprintf("record %d held by the server does not link to record %d", p.seq+1, p.seq)
			v.conflict(wire.ReasonChainRewritten, chainNote)
		}
	}
	if chainNote != "" {
		in := base
		in.Kind, in.Reason, in.Detail = wire.IncidentChain, v.reason, chainNote
		if err := s.incident(tx, st, in); err != nil {
			return wire.UploadResult{}, err
		}
	}

	if p.invalid != nil {
		v.result, v.reason = pos.UploadRejected, p.invalid.Reason
		v.notes = append(v.notes, p.invalid.Detail)
		in := base
		in.Kind, in.Reason, in.Detail = wire.IncidentRejected, p.invalid.Reason, p.invalid.Detail
		if err := s.incident(tx, st, in); err != nil {
			return wire.UploadResult{}, err
		}
	} else {
		var err error
		switch p.rec.Kind {
		case pos.KindSale:
			err = s.redeem(tx, t, p, camps, &v, st, base)
		case pos.KindVoid:
			err = s.release(tx, t, p, &v, st, base)
		case pos.KindReturn:
			err = s.unagreedReturn(tx, p, &v, st, base)
		}
		if err != nil {
			return wire.UploadResult{}, err
		}
	}

	res := wire.UploadResult{Seq: p.seq, Result: v.result, Reason: v.reason, Detail: joinNotes(v.notes)}
	if v.result == pos.UploadAccepted {
		res.Reason, res.Detail = "", ""
	}
	sr := &StoredRecord{Entry: p.entry, Result: res.Result, Reason: res.Reason, Detail: res.Detail, Received: now}
	if err := tx.PutRecord(t.ID, p.seq, sr); err != nil {
		return wire.UploadResult{}, err
	}
	head.Records++
	if p.seq > head.Seq {
		head.Seq, head.Hash = p.seq, p.entry.Hash
	}
	return res, nil
}

// redeem records the claims of a sale's vouchers: a voucher already in a
// live record is a double spend; a revoked voucher or suspended holder is
// a conflict; the member's total across all terminals is checked against
// the campaign cap. Every redeemed voucher becomes redeemed_elsewhere for
// all terminals.
func (s *Server) redeem(tx LedgerTx, t *wire.Terminal, p *prepared, camps map[uint16]pos.Campaign, v *verdict, st *ingestState, base wire.Incident) error {
	for i, vc := range p.vouchers {
		av := p.rec.Vouchers[i]
		id := vc.ID()
		claims, err := tx.Claims(id)
		if err != nil {
			return err
		}
		if claimOf(claims, t.ID, p.seq) >= 0 {
			continue // the same voucher twice in one record counts once
		}
		me := wire.Claim{Terminal: t.ID, Store: t.Store, Seq: p.seq, Receipt: p.rec.Receipt, Time: p.rec.Time}
		live := 0
		for _, c := range claims {
			if !c.Voided {
				live++
			}
		}
		status, err := tx.Status(id)
		if err != nil {
			return err
		}
		suspended, err := tx.Suspended(vc.Holder)
		if err != nil {
			return err
		}
		in := base
		in.Voucher, in.Holder, in.Amount = id, vc.Holder, vc.Value
		switch {
		case live > 0:
			claims = append(claims, me)
			in.Kind, in.Reason, in.Claims = wire.IncidentDoubleSpend, pos.EREDEEMEDELSEWHERE, claims
			in.Detail = fmt.Sprintf("voucher %s is already redeemed by %s; both records are kept", id, describe(claims[:len(claims)-1]))
			v.conflict(pos.EREDEEMEDELSEWHERE, in.Detail)
			if err := s.incident(tx, st, in); err != nil {
				return err
			}
		case status == pos.StatusRevoked:
			me.Counted = true
			claims = append(claims, me)
			in.Kind, in.Reason, in.Claims = wire.IncidentRevoked, pos.EREVOKED, claims
			in.Detail = fmt.Sprintf("voucher %s was revoked before this redemption reached the server", id)
			v.conflict(pos.EREVOKED, in.Detail)
			if err := s.incident(tx, st, in); err != nil {
				return err
			}
		case suspended || status == pos.StatusSuspended:
			me.Counted = true
			claims = append(claims, me)
			in.Kind, in.Reason, in.Claims = wire.IncidentSuspended, pos.ESUSPENDED, claims
			in.Detail = fmt.Sprintf("holder %s of voucher %s is suspended", vc.Holder, id)
			v.conflict(pos.ESUSPENDED, in.Detail)
			if err := s.incident(tx, st, in); err != nil {
				return err
			}
		default:
			me.Counted = true
			claims = append(claims, me)
		}
		// The same time rule as the terminal's (pos.CheckValidity: whole
		// seconds, both ends inclusive), applied to the sale's own time.
		var camp *pos.Campaign
		if c, ok := camps[vc.Campaign]; ok {
			camp = &c
		}
		if err := pos.CheckValidity(vc, camp, p.rec.Time); err != nil {
			in := base
			in.Kind, in.Reason, in.Voucher, in.Holder, in.Amount = wire.IncidentOutOfWindow, pos.ErrorCode(err), id, vc.Holder, vc.Value
			in.Detail = fmt.Sprintf("sale at %s: %v", p.rec.Time.In(pos.CST).Format(time.DateTime), err)
			v.conflict(in.Reason, in.Detail)
			if err := s.incident(tx, st, in); err != nil {
				return err
			}
		}
		if me.Counted {
			total, err := tx.RedeemedTotal(vc.Campaign, vc.Holder)
			if err != nil {
				return err
			}
			total += av.Face
			if err := tx.SetRedeemedTotal(vc.Campaign, vc.Holder, total); err != nil {
				return err
			}
			if c, ok := camps[vc.Campaign]; ok && total > c.Cap {
				in := base
				in.Kind, in.Reason, in.Voucher, in.Holder, in.Amount = wire.IncidentOverCap, pos.ECAPEXCEEDED, id, vc.Holder, total
				in.Detail = fmt.Sprintf("member %s has redeemed %s across all terminals, over the %s cap of campaign %d",
					vc.Holder, total, c.Cap, vc.Campaign)
				v.conflict(pos.ECAPEXCEEDED, in.Detail)
				if err := s.incident(tx, st, in); err != nil {
					return err
				}
			}
		}
		if err := tx.PutClaims(id, claims); err != nil {
			return err
		}
		if status == pos.StatusValid {
			if err := tx.SetStatus(id, pos.StatusRedeemedElsewhere); err != nil {
				return err
			}
		}
	}
	return nil
}

// release applies a void: the vouchers of the sale it cancels are released
// on the server. A voucher with no live record left becomes valid again for
// every terminal; if another record still holds it (a double spend), that
// record now counts toward its member's total instead. A void of a sale
// the server agreed a return of (at any terminal: the voiding terminal may
// not have known) is a conflict kept for review and releases nothing
// (voidAfterReturn).
func (s *Server) release(tx LedgerTx, t *wire.Terminal, p *prepared, v *verdict, st *ingestState, base wire.Incident) error {
	sale, err := tx.Record(t.ID, p.rec.Voids)
	if err != nil {
		return err
	}
	var srec *pos.Record
	if sale != nil {
		srec, err = pos.DecodeRecord(sale.Entry)
		if err != nil {
			return err
		}
	}
	if srec == nil || srec.Kind != pos.KindSale {
		in := base
		in.Kind, in.Reason = wire.IncidentChain, wire.ReasonVoidUnknown
		in.Detail = fmt.Sprintf("record %d voids record %d, which the server does not hold as a sale", p.seq, p.rec.Voids)
		v.conflict(wire.ReasonVoidUnknown, in.Detail)
		return s.incident(tx, st, in)
	}
	rets, err := agreedReturns(tx, t.ID, srec.Seq)
	if err != nil {
		return err
	}
	if len(rets) > 0 {
		return s.voidAfterReturn(tx, p, srec, rets, v, st, base)
	}
	for _, av := range srec.Vouchers {
		if err := releaseClaim(tx, t.ID, srec.Seq, av); err != nil {
			return err
		}
	}
	return nil
}

// releaseClaim releases voucher av of record seq of terminal, as a void or
// a return that gives the voucher back does: that record's claim no longer
// counts, the member's redeemed total drops by the face (or moves to the
// next live claim), and a voucher with no live claim left becomes valid
// again for every terminal (a change in the status feed). A claim already
// released, or none, changes nothing.
func releaseClaim(tx LedgerTx, terminal string, seq uint64, av pos.AppliedVoucher) error {
	claims, err := tx.Claims(av.ID)
	if err != nil {
		return err
	}
	i := claimOf(claims, terminal, seq)
	if i < 0 || claims[i].Voided {
		return nil
	}
	counted := claims[i].Counted
	claims[i].Voided, claims[i].Counted = true, false
	live := -1
	for j, c := range claims {
		if !c.Voided {
			live = j
			break
		}
	}
	if counted {
		total, err := tx.RedeemedTotal(av.Campaign, av.Holder)
		if err != nil {
			return err
		}
		total -= av.Face
		if live >= 0 {
			claims[live].Counted = true
			total += av.Face
		}
		if err := tx.SetRedeemedTotal(av.Campaign, av.Holder, total); err != nil {
			return err
		}
	}
	if err := tx.PutClaims(av.ID, claims); err != nil {
		return err
	}
	status, err := tx.Status(av.ID)
	if err != nil {
		return err
	}
	if live < 0 && status == pos.StatusRedeemedElsewhere {
		return tx.SetStatus(av.ID, pos.StatusValid)
	}
	return nil
}

func describe(claims []wire.Claim) string {
	var parts []string
	for _, c := range claims {
		if !c.Voided {
			parts = append(parts, fmt.Sprintf("%s record %d (receipt %s)", c.Terminal, c.Seq, c.Receipt))
		}
	}
	return strings.Join(parts, ", ")
}

// claimOf returns the claim of record (terminal, seq) in claims, or -1.
func claimOf(claims []wire.Claim, terminal string, seq uint64) int {
	for i, c := range claims {
		if c.Terminal == terminal && c.Seq == seq {
			return i
		}
	}
	return -1
}

func joinNotes(n []string) string { return strings.Join(n, "; ") }

// prevOf returns the previous-record hash a stored entry links to.
func prevOf(e pos.Entry) pos.Hash { return linkOf(e).Prev }

// linkOf returns a stored entry's seq and previous-record hash.
func linkOf(e pos.Entry) pos.Link {
	var l pos.Link
	json.Unmarshal(e.Body, &l) // stored entries were read once already
	return l
}

// adoptIssued records the issuance of every voucher of the upload's stored
// sales that the server holds no issuance record of (Store.AdoptIssued):
// after a restore from an older backup, the vouchers issued since come
// back this way, from their signed codes, with the holder reference and
// face value they carry (the member id stays unknown), so the member's
// cap counts them again and no later issue gets their ids. It runs after
// the upload committed; duplicates and rejected records add nothing new.
func (s *Server) adoptIssued(preps []prepared, results []wire.UploadResult) error {
	var iss []Issuance
	for i := range preps {
		p := &preps[i]
		if p.rec == nil || p.rec.Kind != pos.KindSale || p.invalid != nil || p.drop != nil ||
			(results[i].Result != pos.UploadAccepted && results[i].Result != pos.UploadConflict) {
			continue
		}
		for j, v := range p.vouchers {
			iss = append(iss, Issuance{ID: v.ID(), Holder: v.Holder, Unit: v.Unit, Value: v.Value,
				IssuedAt: v.IssuedAt.UTC(), Code: p.rec.Vouchers[j].Code})
		}
	}
	if len(iss) == 0 {
		return nil
	}
	n, err := s.Store.AdoptIssued(iss)
	if n > 0 {
		s.log().Warn("adopted issuance", "vouchers", n, "why", "redeemed vouchers the server holds no issuance record of (restored from an older backup?)")
	}
	return err
}
