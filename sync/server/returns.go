package server

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// ReasonReturnUnagreed and ReasonVoidAfterReturn are the wire's reasons
// (wire.ReasonReturnUnagreed, wire.ReasonVoidAfterReturn), named here too
// for the server's callers.
const (
	ReasonReturnUnagreed  = wire.ReasonReturnUnagreed
	ReasonVoidAfterReturn = wire.ReasonVoidAfterReturn
)

// Return agrees to a return (退货) of terminal t, or refuses it. The entry
// is the terminal's next ledger record: the server must hold every record
// before it (else sync_required: upload the outbox first). The sale must be
// one of t's store (at t or at another of its terminals: the record's
// SaleTerminal), accepted by the server, not voided, its vouchers'
// campaigns inside their redemption window by the server's clock, and the
// goods not taken back already at any terminal; the server settles the
// return again with pos.Resettle on the sale and its earlier returns as it
// holds them and the deployment's campaigns, and refuses a record that
// says otherwise. An agreed return is stored in the ledger at its seq (a
// later upload of the same entry is a duplicate), the vouchers it
// reinstates are released (valid again in every terminal's status feed)
// and the same answer is given to every repetition of the entry: a
// replayed return counts once.
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
		saleHead := head
		if st := rec.SaleOf(); st != t.ID {
			if saleHead, err = tx.Head(st); err != nil {
				return err
			}
		}
		held, err := saleAndReturns(tx, rec.SaleOf(), rec.Returns, saleHead.Seq, t.Store)
		if err != nil {
			if pos.ErrorCode(err) == pos.EINTERNAL {
				return err
			}
			refuseErr(err)
			return nil
		}
		sale, prior := held.sale, held.returns
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
		if err := reinstate(tx, sale, rec); err != nil {
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

// heldSale is a sale as the server holds it and the returns it agreed to
// against it, at any terminal, in the order it agreed to them.
type heldSale struct {
	sale    *pos.Record
	entry   pos.Entry
	returns []*pos.Record
	entries []pos.Entry // of returns
}

// saleAndReturns reads sale seq of terminal as the server holds it for a
// return at a terminal of store: it must be a sale of store (else
// pos.EReturnElsewhere), accepted, not voided. With it come its accepted
// returns of every terminal (followersOf), in the order the server agreed
// to them: what pos.StateOf replays.
func saleAndReturns(l LedgerView, terminal string, seq, head uint64, store string) (*heldSale, error) {
	sr, err := l.Record(terminal, seq)
	if err != nil {
		return nil, pos.WrapError(pos.EINTERNAL, err, "read record %d", seq)
	}
	if sr == nil {
		return nil, pos.Errorf(pos.ENOTFOUND, "the server holds no record %d of terminal %s", seq, terminal).
			With("receipt", pos.ReceiptNumber(terminal, seq))
	}
	sale, err := pos.DecodeRecord(sr.Entry)
	if err != nil {
		return nil, err
	}
	if err := pos.CheckReturnStore(sale, store); err != nil {
		return nil, err
	}
	if sale.Kind != pos.KindSale || sr.Result != pos.UploadAccepted {
		return nil, pos.Errorf(pos.ECONFLICT, "record %s is not an accepted sale (%s %s)", sale.Receipt, sale.Kind, sr.Result).
			With("receipt", sale.Receipt)
	}
	recs, err := followersOf(l, terminal, seq, head)
	if err != nil {
		return nil, err
	}
	held := &heldSale{sale: sale, entry: sr.Entry}
	for _, f := range recs {
		if f.rec.Kind == pos.KindVoid {
			return nil, pos.Errorf(pos.ECONFLICT, "sale %s is voided by %s", sale.Receipt, f.rec.Receipt).With("receipt", sale.Receipt)
		}
		held.returns, held.entries = append(held.returns, f.rec), append(held.entries, f.sr.Entry)
	}
	return held, nil
}

// follower is an accepted void or return of a sale, as the server holds it.
type follower struct {
	k   RecordKey
	sr  *StoredRecord
	rec *pos.Record
}

// followersOf reads the accepted voids and returns of sale seq of
// terminal, of every terminal (of the sale's terminal, only up to head):
// the records SaleFollowers names, or else every record of the ledger, in
// the order the server agreed to them (received, then terminal and seq).
func followersOf(l LedgerView, terminal string, seq, head uint64) ([]follower, error) {
	// follows returns record (k, sr) decoded when it is an accepted void
	// or return of the sale, else nil.
	follows := func(k RecordKey, sr *StoredRecord) *pos.Record {
		if sr == nil || sr.Result != pos.UploadAccepted || (k.Terminal == terminal && (k.Seq <= seq || k.Seq > head)) ||
			!(bytes.Contains(sr.Entry.Body, []byte(`"kind":"return"`)) || bytes.Contains(sr.Entry.Body, []byte(`"kind":"void"`))) {
			return nil
		}
		rec, err := pos.DecodeRecord(sr.Entry)
		if err != nil || rec.SaleSeq() != seq || rec.SaleOf() != terminal || rec.Terminal != k.Terminal {
			return nil
		}
		return rec
	}
	var out []follower
	if f, ok := l.(SaleFollowers); ok {
		keys, err := f.Followers(terminal, seq)
		if err != nil {
			return nil, pos.WrapError(pos.EINTERNAL, err, "read the records of sale %d", seq)
		}
		if err := prefetchKeys(l, keys); err != nil {
			return nil, err
		}
		for _, k := range keys {
			r, err := l.Record(k.Terminal, k.Seq)
			if err != nil {
				return nil, pos.WrapError(pos.EINTERNAL, err, "read record %s/%d", k.Terminal, k.Seq)
			}
			if rec := follows(k, r); rec != nil {
				out = append(out, follower{k, r, rec})
			}
		}
	} else {
		err := l.ForEachRecord(func(term string, r *StoredRecord) error {
			k := RecordKey{Terminal: term, Seq: linkOf(r.Entry).Seq}
			if rec := follows(k, r); rec != nil {
				out = append(out, follower{k, r, rec})
			}
			return nil
		})
		if err != nil {
			return nil, pos.WrapError(pos.EINTERNAL, err, "read the records of sale %d", seq)
		}
	}
	slices.SortFunc(out, func(a, b follower) int {
		if c := a.sr.Received.Compare(b.sr.Received); c != 0 {
			return c
		}
		return compareKeys(a.k, b.k)
	})
	return out, nil
}

// prefetchKeys hands an engine that is a LedgerPrefetcher the records at
// keys, terminal by terminal.
func prefetchKeys(l LedgerView, keys []RecordKey) error {
	pf, ok := l.(LedgerPrefetcher)
	if !ok {
		return nil
	}
	for i := 0; i < len(keys); {
		j := i
		var seqs []uint64
		for ; j < len(keys) && keys[j].Terminal == keys[i].Terminal; j++ {
			seqs = append(seqs, keys[j].Seq)
		}
		if err := pf.Prefetch(keys[i].Terminal, seqs, nil, nil); err != nil {
			return pos.WrapError(pos.EINTERNAL, err, "prefetch records")
		}
		i = j
	}
	return nil
}

// reinstate releases the vouchers a return gives back, as a void releases
// a sale's: the sale's claim (on the sale's terminal, wherever the return
// was taken) no longer counts, the member's redeemed total drops by the
// face, and a voucher with no live claim left becomes valid again for
// every terminal (a change in the status feed).
func reinstate(tx LedgerTx, sale, ret *pos.Record) error {
	for _, av := range sale.Vouchers {
		if containsID(ret.Reinstated, av.ID) {
			if err := releaseClaim(tx, sale.Terminal, sale.Seq, av); err != nil {
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
	in.Detail = fmt.Sprintf("record %d returns goods of sale %s without the server's agreement; nothing was reinstated", p.seq, p.rec.SaleReceipt())
	v.conflict(ReasonReturnUnagreed, in.Detail)
	return s.incident(tx, st, in)
}

// agreedReturns returns the accepted returns of sale seq of terminal, at
// any terminal (the followers index, or the whole ledger without one).
func agreedReturns(l LedgerView, terminal string, seq uint64) ([]*pos.Record, error) {
	fs, err := followersOf(l, terminal, seq, math.MaxUint64)
	if err != nil {
		return nil, err
	}
	var out []*pos.Record
	for _, f := range fs {
		if f.rec.Kind == pos.KindReturn {
			out = append(out, f.rec)
		}
	}
	return out, nil
}

// voidAfterReturn answers void p of sale, whose returns rets the server
// agreed to already: a conflict for review that names the sale and the
// returns (so that the sale's terminal, and each return's, learns of it
// by download), releasing nothing.
func (s *Server) voidAfterReturn(tx LedgerTx, p *prepared, sale *pos.Record, rets []*pos.Record, v *verdict, st *ingestState, base wire.Incident) error {
	in := base
	in.Kind, in.Reason = wire.IncidentChain, ReasonVoidAfterReturn
	in.Claims = []wire.Claim{{Terminal: sale.Terminal, Store: sale.Store, Seq: sale.Seq, Receipt: sale.Receipt, Time: sale.Time}}
	var names []string
	for _, r := range rets {
		in.Claims = append(in.Claims, wire.Claim{Terminal: r.Terminal, Store: r.Store, Seq: r.Seq, Receipt: r.Receipt, Time: r.Time})
		names = append(names, r.Receipt)
	}
	in.Detail = fmt.Sprintf("record %d voids sale %s, of which the server agreed the return %s before; the void is kept for review and released nothing",
		p.seq, sale.Receipt, strings.Join(names, ", "))
	v.conflict(ReasonVoidAfterReturn, in.Detail)
	return s.incident(tx, st, in)
}
