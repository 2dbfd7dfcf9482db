package postgres

import (
	"time"

	"github.com/jackc/pgx/v5"

	"fupinpos/pos"
)

// queueRows queues, into b, one statement per table for the rows marked
// dirty, with each row's latest value, and clears the marks. A key written
// twice since the last flush is sent once (an upsert may not touch a row
// twice in one statement).
func (w *wledger) queueRows(b *pgx.Batch) {
	d := w.dirty
	w.dirty = newDirtyKeys()
	if n := len(d.records); n > 0 {
		var (
			terms                  = make([]string, 0, n)
			seqs                   = make([]int64, 0, n)
			bodies, hashes, sigs   = make([][]byte, 0, n), make([][]byte, 0, n), make([][]byte, 0, n)
			results, reasons, dets = make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
			received               = make([]time.Time, 0, n)
			saleTimes              = make([]*time.Time, 0, n)
			sales                  = make([]*int64, 0, n)
			saleTerms              = make([]*string, 0, n)
		)
		for k := range d.records {
			r := w.records[k]
			terms, seqs = append(terms, k.terminal), append(seqs, int64(k.seq))
			bodies, hashes, sigs = append(bodies, []byte(r.Entry.Body)), append(hashes, r.Entry.Hash[:]), append(sigs, nonNil(r.Entry.Sig))
			results, reasons, dets = append(results, string(r.Result)), append(reasons, r.Reason), append(dets, r.Detail)
			t, sale, st := recordIndex(r.Entry)
			received, saleTimes, sales, saleTerms = append(received, r.Received), append(saleTimes, t), append(sales, sale), append(saleTerms, st)
		}
		b.Queue(sqlPutRecords, terms, seqs, bodies, hashes, sigs, results, reasons, dets, received, saleTimes, sales, saleTerms)
	}
	if len(d.heads) > 0 {
		var (
			terms   []string
			seqs    []int64
			hashes  [][]byte
			records []int32
			seen    []time.Time
		)
		for t := range d.heads {
			h := w.heads[t]
			terms, seqs, hashes = append(terms, t), append(seqs, int64(h.Seq)), append(hashes, h.Hash[:])
			records, seen = append(records, int32(h.Records)), append(seen, h.LastSeen)
		}
		b.Queue(sqlSetHeads, terms, seqs, hashes, records, seen)
	}
	if len(d.claims) > 0 {
		var (
			del, vs, seqs        []int64
			idx                  []int32
			terms, stores, recps []string
			times                []time.Time
			voided, counted      []bool
		)
		for id := range d.claims {
			del = append(del, int64(id))
			for i, c := range w.claims[id] {
				vs, idx, seqs = append(vs, int64(id)), append(idx, int32(i)), append(seqs, int64(c.Seq))
				terms, stores, recps = append(terms, c.Terminal), append(stores, c.Store), append(recps, c.Receipt)
				times, voided, counted = append(times, c.Time), append(voided, c.Voided), append(counted, c.Counted)
			}
		}
		b.Queue(sqlDeleteClaims, del)
		if len(vs) > 0 {
			b.Queue(sqlPutClaims, vs, idx, terms, stores, seqs, recps, times, voided, counted)
		}
	}
	if len(d.redeemed) > 0 {
		var (
			camps   []int32
			holders [][]byte
			totals  []int64
		)
		for k := range d.redeemed {
			camps, holders, totals = append(camps, int32(k.campaign)), append(holders, clone(k.holder)), append(totals, int64(w.redeemed[k]))
		}
		b.Queue(sqlSetRedeemed, camps, holders, totals)
	}
	if len(d.status) > 0 {
		var valid, ids []int64
		var sts []int16
		for id := range d.status {
			if s := w.status[id]; s == pos.StatusValid {
				valid = append(valid, int64(id))
			} else {
				ids, sts = append(ids, int64(id)), append(sts, int16(s))
			}
		}
		if len(valid) > 0 {
			b.Queue(sqlDeleteStatus, valid)
		}
		if len(ids) > 0 {
			b.Queue(sqlSetStatus, ids, sts)
		}
	}
	if len(d.suspended) > 0 {
		var holders [][]byte
		var on []bool
		for h := range d.suspended {
			holders, on = append(holders, clone(h)), append(on, w.suspended[h])
		}
		b.Queue(sqlSetSuspended, holders, on)
	}
	if len(d.vchange) > 0 {
		var seqs, ids []int64
		var sts []int16
		for id, seq := range d.vchange {
			seqs, ids, sts = append(seqs, seq), append(ids, int64(id)), append(sts, int16(w.status[id]))
		}
		b.Queue(sqlAddVoucherChanges, seqs, ids, sts)
	}
	if len(d.hchange) > 0 {
		var seqs []int64
		var holders [][]byte
		var on []bool
		for h, seq := range d.hchange {
			seqs, holders, on = append(seqs, seq), append(holders, clone(h)), append(on, w.suspended[h])
		}
		b.Queue(sqlAddHolderChanges, seqs, holders, on)
	}
}

func clone(h pos.HolderRef) []byte { return append([]byte(nil), h[:]...) }
