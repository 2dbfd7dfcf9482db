package server

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// ReasonReturnUnagreed is the conflict reason of a return record that
// reaches the server by upload without the server having agreed to it
// (PathReturn): returns are online only.
const ReasonReturnUnagreed = "return_unagreed"

// Return agrees to a return (退货) of terminal t, or refuses it. The entry
// is the terminal's next ledger record: the server must hold every record
// before it (else sync_required: upload the outbox first). The sale must be
// one of t's, accepted by the server, not voided, its vouchers' campaigns
// inside their redemption window by the server's clock, and the goods not
// taken back already; the server settles the return again with
// pos.Resettle on the sale and its earlier returns as it holds them and
// the deployment's campaigns, and refuses a record that says otherwise. An
// agreed return is stored in the ledger at its seq (a later upload of the
// same entry is a duplicate), the vouchers it reinstates are released
// (valid again in every terminal's status feed) and the same answer is
// given to every repetition of the entry: a replayed return counts once.
func (s *Server) Return(t *wire.Terminal, req wire.ReturnRequest) (*wire.ReturnResponse, error) {
	tl, _, err := s.verifier()
	if err != nil {
		return nil, err
	}
	p := s.prepare(t, req.Entry, tl)
	now := s.now().UTC()
	var resp *wire.ReturnResponse
	no := func(code string, params map[string]string, format string, args ...any) {
		resp = &wire.ReturnResponse{Result: wire.ReturnRefused, Reason: code, Params: params, Detail: fmt.Sprintf(format, args...), Seq: p.seq, ServerTime: now}
	}
	refuseErr := func(err error) {
		no(pos.ErrorCode(err), pos.ErrorParams(err), "%v", err)
	}
	switch {
	case p.drop != nil:
		no(p.drop.Reason, nil, "%s", p.drop.Detail)
		return resp, nil
	case p.invalid != nil:
		no(p.invalid.Reason, nil, "%s", p.invalid.Detail)
		return resp, nil
	case p.rec.Kind != pos.KindReturn:
		no(pos.EINVALID, nil, "record %d is a %s, not a return", p.seq, p.rec.Kind)
		return resp, nil
	}
	rec := p.rec
	err = s.Store.UpdateLedger(func(tx LedgerTx) error {
		resp = nil
		old, err := tx.Record(t.ID, p.seq)
		if err != nil {
			return err
		}
		if old != nil {
			if old.Entry.Hash == p.entry.Hash && old.Result == pos.UploadAccepted {
				resp = returnAnswer(rec, pos.UploadDuplicate, now)
			} else {
				no(pos.ECONFLICT, nil, "the server holds another record %d of terminal %s", p.seq, t.ID)
			}
			return nil
		}
		head, err := tx.Head(t.ID)
		if err != nil {
			return err
		}
		if p.seq != head.Seq+1 || rec.Prev != head.Hash {
			no(pos.ESYNC, nil, "return %d: the server holds this terminal's records up to %d; upload the outbox first", p.seq, head.Seq)
			return nil
		}
		sale, prior, err := saleAndReturns(tx, t.ID, rec.Returns, head.Seq)
		if err != nil {
			if pos.ErrorCode(err) == pos.EINTERNAL {
				return err
			}
			refuseErr(err)
			return nil
		}
		if err := pos.CheckReturnWindow(sale, tl, now); err != nil {
			refuseErr(err)
			return nil
		}
		want, err := pos.Resettle(sale, prior, pos.ReturnItems(rec), tl)
		if err != nil {
			refuseErr(err)
			return nil
		}
		if !pos.SameReturn(want, rec) {
			no(pos.ESYNC, nil, "return %d: the server settles it as %s back in vouchers and %s refunded, the terminal as %s and %s: sync and try again",
				p.seq, want.VoucherAmount, want.SelfPaid, rec.VoucherAmount, rec.SelfPaid)
			return nil
		}
		if err := reinstate(tx, t.ID, sale, rec); err != nil {
			return err
		}
		if err := tx.PutRecord(t.ID, p.seq, &StoredRecord{Entry: p.entry, Result: pos.UploadAccepted, Received: now}); err != nil {
			return err
		}
		head.Seq, head.Hash, head.LastSeen = p.seq, p.entry.Hash, now
		head.Records++
		resp = returnAnswer(rec, pos.UploadAccepted, now)
		return tx.SetHead(t.ID, head)
	})
	if err != nil {
		return nil, err
	}
	if resp.Result == wire.ReturnRefused {
		s.log().Info("return refused", "terminal", t.ID, "seq", p.seq, "reason", resp.Reason, "detail", resp.Detail)
	}
	return resp, nil
}

func returnAnswer(r *pos.Record, result pos.UploadResult, now time.Time) *wire.ReturnResponse {
	rein, lost := r.ReturnAmounts()
	return &wire.ReturnResponse{Result: result, Seq: r.Seq, Receipt: r.Receipt, Refund: r.SelfPaid, Method: r.Method,
		Reinstated: rein, Forfeited: lost, Vouchers: r.Reinstated, ServerTime: now.UTC()}
}

// saleAndReturns reads sale seq of terminal as the server holds it (it
// must be an accepted sale, not voided) and its accepted returns up to
// head: the records SaleFollowers names, or else every record after the
// sale.
func saleAndReturns(tx LedgerTx, terminal string, seq, head uint64) (*pos.Record, []*pos.Record, error) {
	sr, err := tx.Record(terminal, seq)
	if err != nil {
		return nil, nil, pos.WrapError(pos.EINTERNAL, err, "read record %d", seq)
	}
	if sr == nil {
		return nil, nil, pos.Errorf(pos.ENOTFOUND, "the server holds no record %d of terminal %s", seq, terminal).
			With("receipt", pos.ReceiptNumber(terminal, seq))
	}
	sale, err := pos.DecodeRecord(sr.Entry)
	if err != nil {
		return nil, nil, err
	}
	if sale.Kind != pos.KindSale || sr.Result != pos.UploadAccepted {
		return nil, nil, pos.Errorf(pos.ECONFLICT, "record %s is not an accepted sale (%s %s)", sale.Receipt, sale.Kind, sr.Result).
			With("receipt", sale.Receipt)
	}
	var seqs []uint64
	if f, ok := tx.(SaleFollowers); ok {
		if seqs, err = f.Followers(terminal, seq); err != nil {
			return nil, nil, pos.WrapError(pos.EINTERNAL, err, "read the records of sale %d", seq)
		}
	} else {
		for k := seq + 1; k <= head; k++ {
			seqs = append(seqs, k)
		}
	}
	seqs = slices.DeleteFunc(seqs, func(k uint64) bool { return k <= seq || k > head })
	if pf, ok := tx.(LedgerPrefetcher); ok && len(seqs) > 0 {
		if err := pf.Prefetch(terminal, seqs, nil, nil); err != nil {
			return nil, nil, pos.WrapError(pos.EINTERNAL, err, "prefetch records")
		}
	}
	var prior []*pos.Record
	for _, k := range seqs {
		r, err := tx.Record(terminal, k)
		if err != nil {
			return nil, nil, pos.WrapError(pos.EINTERNAL, err, "read record %d", k)
		}
		if r == nil || r.Result != pos.UploadAccepted ||
			!(bytes.Contains(r.Entry.Body, []byte(`"kind":"return"`)) || bytes.Contains(r.Entry.Body, []byte(`"kind":"void"`))) {
			continue
		}
		rec, err := pos.DecodeRecord(r.Entry)
		if err != nil {
			continue
		}
		switch {
		case rec.Kind == pos.KindVoid && rec.Voids == seq:
			return nil, nil, pos.Errorf(pos.ECONFLICT, "sale %s is voided by %s", sale.Receipt, rec.Receipt).With("receipt", sale.Receipt)
		case rec.Kind == pos.KindReturn && rec.Returns == seq:
			prior = append(prior, rec)
		}
	}
	return sale, prior, nil
}

// reinstate releases the vouchers a return gives back, as a void releases
// a sale's: the sale's claim no longer counts, the member's redeemed total
// drops by the face, and a voucher with no live claim left becomes valid
// again for every terminal (a change in the status feed).
func reinstate(tx LedgerTx, terminal string, sale, ret *pos.Record) error {
	for _, av := range sale.Vouchers {
		if containsID(ret.Reinstated, av.ID) {
			if err := releaseClaim(tx, terminal, sale.Seq, av); err != nil {
				return err
			}
		}
	}
	return nil
}

func containsID(ids []pos.VoucherID, id pos.VoucherID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// unagreedReturn answers a return record uploaded without the server's
// agreement (the server does not hold it): it is kept as a conflict for
// review and changes nothing.
func (s *Server) unagreedReturn(tx LedgerTx, p *prepared, v *verdict, st *ingestState, base wire.Incident) error {
	in := base
	in.Kind, in.Reason = wire.IncidentChain, ReasonReturnUnagreed
	in.Detail = fmt.Sprintf("record %d returns goods of record %d without the server's agreement; nothing was reinstated", p.seq, p.rec.Returns)
	v.conflict(ReasonReturnUnagreed, in.Detail)
	return s.incident(tx, st, in)
}
