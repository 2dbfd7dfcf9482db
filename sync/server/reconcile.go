package server

import (
	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// Reconcile answers PathReconcile for terminal t: how the server holds t's
// records req.From..req.To (the terminal's seqs of CST day req.Day), and
// the server's totals of the accepted ones on that day (sales, voids and
// returns: a return counts once, as the one record the server holds for
// its seq, however often it was sent). It reads those
// records by key, not the day's ledger.
func (s *Server) Reconcile(t *wire.Terminal, req wire.ReconcileRequest) (*wire.ReconcileResponse, error) {
	if _, err := pos.ParseDay(req.Day); err != nil {
		return nil, pos.Errorf(pos.EINVALID, "day %q: want YYYY-MM-DD", req.Day)
	}
	if req.From > req.To || (req.From == 0 && req.To != 0) || req.To-req.From >= wire.MaxReconcileRecords {
		return nil, pos.Errorf(pos.EINVALID, "records %d to %d: want 1 ≤ from ≤ to, at most %d", req.From, req.To, wire.MaxReconcileRecords)
	}
	out := &wire.ReconcileResponse{Terminal: t.ID, Day: req.Day, Records: []wire.ReconcileRecord{}}
	if req.To == 0 {
		return out, nil
	}
	err := s.Store.ViewLedger(func(l LedgerView) error {
		for seq := req.From; seq <= req.To; seq++ {
			sr, err := l.Record(t.ID, seq)
			if err != nil {
				return err
			}
			if sr == nil {
				continue
			}
			r, err := pos.DecodeRecord(sr.Entry)
			if err != nil {
				return err
			}
			day := pos.DayOf(r.Time)
			out.Records = append(out.Records, wire.ReconcileRecord{Seq: seq, Result: sr.Result, Reason: sr.Reason, Day: day})
			if day != req.Day || sr.Result != pos.UploadAccepted {
				continue
			}
			var sale *pos.Record
			if r.Kind == pos.KindVoid {
				if sale, err = voidedSale(l, t.ID, r); err != nil {
					return err
				}
			}
			out.Totals.Add(r, sale)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
