package bolt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// The outbox is the ledger's unacknowledged tail: every record after the
// ack watermark (meta "acked") except those the server answered out of
// order (bucket acks). A record enters it by being appended to the ledger,
// in the same transaction, and can never disagree with it.

func watermark(tx *bolt.Tx) uint64 { return getU64(tx.Bucket(bucketMeta).Get(keyAcked)) }

// queueState counts the outbox: records and voucher face value.
func queueState(tx *bolt.Tx) pos.QueueState {
	h := readLedgerHead(tx)
	w := watermark(tx)
	q := pos.QueueState{Count: int(h.Seq - w), Amount: h.Cum - cumAt(tx, w)}
	tx.Bucket(bucketAcks).ForEach(func(k, _ []byte) error {
		s := getU64(k)
		q.Count--
		q.Amount -= cumAt(tx, s) - cumAt(tx, s-1)
		return nil
	})
	return q
}

// Pending returns up to max ledger entries that the server has not
// answered for, oldest first, exactly as they were signed.
func (db *DB) Pending(max int) ([]pos.Entry, error) {
	var out []pos.Entry
	err := db.view("read outbox", func(tx *bolt.Tx) error {
		acks := tx.Bucket(bucketAcks)
		c := tx.Bucket(bucketLedger).Cursor()
		for k, v := c.Seek(u64(watermark(tx) + 1)); k != nil && !isHead(k) && len(out) < max; k, v = c.Next() {
			if acks.Get(k) != nil {
				continue
			}
			_, e, err := ledgerValue(v)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// Ack takes the server's answers to an upload in one transaction: each
// settled record leaves the outbox, and each conflict or rejection becomes
// an incident for the manager. Answers for records already settled or not
// in the ledger are ignored, so a repeated answer is harmless.
func (db *DB) Ack(answers []pos.UploadAnswer) error {
	if len(answers) == 0 {
		return nil
	}
	return db.update("acknowledge records", func(tx *bolt.Tx) error {
		h := readLedgerHead(tx)
		w := watermark(tx)
		acks := tx.Bucket(bucketAcks)
		cfg, err := db.loadConfig(tx)
		if err != nil {
			return err
		}
		for _, a := range answers {
			if !a.Result.Settled() || a.Seq <= w || a.Seq > h.Seq || acks.Get(u64(a.Seq)) != nil {
				continue
			}
			if err := acks.Put(u64(a.Seq), []byte{1}); err != nil {
				return err
			}
			if a.Result == pos.UploadConflict || a.Result == pos.UploadRejected {
				if err := db.addIncident(tx, pos.Incident{Seq: a.Seq, Receipt: pos.ReceiptNumber(cfg.Terminal, a.Seq),
					Result: a.Result, Reason: a.Reason, Detail: a.Detail}); err != nil {
					return err
				}
			}
		}
		for acks.Get(u64(w+1)) != nil {
			w++
			if err := acks.Delete(u64(w)); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keyAcked, u64(w))
	})
}

// AddIncident records an incident the server reported outside an upload
// answer (or a test sets up): in.ID is assigned, a zero in.Time is now.
func (db *DB) AddIncident(in pos.Incident) (pos.Incident, error) {
	err := db.update("record incident", func(tx *bolt.Tx) (err error) {
		in, err = db.putIncident(tx, in)
		return err
	})
	return in, err
}

func (db *DB) addIncident(tx *bolt.Tx, in pos.Incident) error {
	in.Time = time.Time{}
	_, err := db.putIncident(tx, in)
	return err
}

func (db *DB) putIncident(tx *bolt.Tx, in pos.Incident) (pos.Incident, error) {
	b := tx.Bucket(bucketIncidents)
	id, err := b.NextSequence()
	if err != nil {
		return in, err
	}
	in.ID = id
	if in.Time.IsZero() {
		in.Time = db.timestamp()
	}
	v, err := json.Marshal(in)
	if err != nil {
		return in, pos.WrapError(pos.EINTERNAL, err, "encode incident")
	}
	if err := b.Put(u64(id), v); err != nil {
		return in, err
	}
	in.Time = in.Time.In(pos.CST)
	return in, db.audit(tx, "server", "incident", map[string]string{
		"receipt": in.Receipt, "result": string(in.Result), "reason": in.Reason, "id": strconv.FormatUint(id, 10)})
}

// Incidents returns every incident, oldest first.
func (db *DB) Incidents() ([]pos.Incident, error) {
	var out []pos.Incident
	err := db.view("read incidents", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketIncidents).ForEach(func(_, v []byte) error {
			var in pos.Incident
			if err := json.Unmarshal(v, &in); err != nil {
				return pos.WrapError(pos.EINTERNAL, err, "decode incident")
			}
			in.Time = in.Time.In(pos.CST)
			out = append(out, in)
			return nil
		})
	})
	return out, err
}

// Acked is the outbox's watermark: every record up to it was answered by
// the server. An upload tells it (wire.UploadRequest.Acked) so a server
// restored from an older backup can say it holds less.
func (db *DB) Acked() (uint64, error) {
	var w uint64
	err := db.view("read outbox", func(tx *bolt.Tx) error {
		w = watermark(tx)
		return nil
	})
	return w, err
}

// keyRewound is the meta key of the last position Rewind sent again from
// (seq ‖ hash): the same position twice is not rewound again.
var keyRewound = []byte("rewound")

// Rewind puts back into the outbox every record after serverSeq, the last
// record of this terminal the server holds, when the server answered for
// more before (its database was restored from an older backup): they are
// sent again, so the sales made after the backup reach it and no chain gap
// opens. The server's record serverSeq must be this ledger's (serverHash);
// otherwise nothing changes (audited). It returns how many records went
// back into the outbox (0 when the server holds every answered record, or
// when it already sent them again from this very position once: the
// server refused to store the next one, and sending it again would only
// repeat the refusal). Audited.
func (db *DB) Rewind(serverSeq uint64, serverHash pos.Hash, actor string) (int, error) {
	point := append(u64(serverSeq), serverHash[:]...)
	quiet := false
	if err := db.view("read outbox", func(tx *bolt.Tx) error {
		quiet = serverSeq >= watermark(tx) || bytes.Equal(tx.Bucket(bucketMeta).Get(keyRewound), point)
		return nil
	}); err != nil || quiet {
		return 0, err
	}
	n := 0
	err := db.update("rewind outbox", func(tx *bolt.Tx) error {
		n = 0
		w := watermark(tx)
		if serverSeq >= w {
			return nil
		}
		meta := tx.Bucket(bucketMeta)
		if bytes.Equal(meta.Get(keyRewound), point) {
			// Sent again from here once already, and the server still
			// stops here: it did not store the next record (it refused it
			// as unreadable or not authentic). Sending it again would only
			// open the same case again.
			return nil
		}
		if serverSeq > 0 {
			_, e, err := ledgerValue(tx.Bucket(bucketLedger).Get(u64(serverSeq)))
			if err != nil {
				return err
			}
			if e.Hash != serverHash {
				// The server holds another record there: nothing is sent
				// again; uploads go on and the server flags what differs
				// (chain_rewritten) for review.
				if err := meta.Put(keyRewound, point); err != nil {
					return err
				}
				return db.audit(tx, actor, pos.AuditSync, map[string]string{"rewind": "refused: record differs", "server": fmt.Sprint(serverSeq), "acked": fmt.Sprint(w)})
			}
		}
		acks := tx.Bucket(bucketAcks)
		var drop [][]byte
		acks.ForEach(func(k, _ []byte) error {
			if getU64(k) > serverSeq {
				drop = append(drop, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range drop {
			if err := acks.Delete(k); err != nil {
				return err
			}
		}
		n = int(w-serverSeq) + len(drop)
		if err := meta.Put(keyAcked, u64(serverSeq)); err != nil {
			return err
		}
		if err := meta.Put(keyRewound, point); err != nil {
			return err
		}
		return db.audit(tx, actor, pos.AuditSync, map[string]string{"rewound": fmt.Sprint(n), "server": fmt.Sprint(serverSeq), "acked": fmt.Sprint(w)})
	})
	return n, err
}

// OpenIncidentSeqs returns the records (seqs) with an incident the server
// has not decided yet, oldest first, at most max: a download asks the
// server about them (wire.DownloadRequest.Open).
func (db *DB) OpenIncidentSeqs(max int) ([]uint64, error) {
	var out []uint64
	err := db.view("read incidents", func(tx *bolt.Tx) error {
		seen := map[uint64]bool{}
		return tx.Bucket(bucketIncidents).ForEach(func(_, v []byte) error {
			var in pos.Incident
			if err := json.Unmarshal(v, &in); err != nil {
				return pos.WrapError(pos.EINTERNAL, err, "decode incident")
			}
			if in.Resolution == nil && in.Seq != 0 && !seen[in.Seq] && len(out) < max {
				seen[in.Seq] = true
				out = append(out, in.Seq)
			}
			return nil
		})
	})
	return out, err
}

// applyDecisions closes the incidents of the records the server decided:
// each incident of such a record that is still open gets the resolution.
// It returns how many incidents it closed.
func applyDecisions(tx *bolt.Tx, ds []pos.IncidentDecision) (int, error) {
	if len(ds) == 0 {
		return 0, nil
	}
	bySeq := map[uint64]pos.IncidentResolution{}
	for _, d := range ds {
		bySeq[d.Seq] = d.Resolution
	}
	b := tx.Bucket(bucketIncidents)
	type put struct{ k, v []byte }
	var puts []put
	err := b.ForEach(func(k, v []byte) error {
		var in pos.Incident
		if err := json.Unmarshal(v, &in); err != nil {
			return pos.WrapError(pos.EINTERNAL, err, "decode incident")
		}
		r, ok := bySeq[in.Seq]
		if !ok || in.Resolution != nil {
			return nil
		}
		r.Time = r.Time.UTC()
		in.Resolution = &r
		nv, err := json.Marshal(in)
		if err != nil {
			return pos.WrapError(pos.EINTERNAL, err, "encode incident")
		}
		puts = append(puts, put{append([]byte(nil), k...), nv})
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, p := range puts {
		if err := b.Put(p.k, p.v); err != nil {
			return 0, err
		}
	}
	return len(puts), nil
}
