package client

import (
	"context"
	"encoding/json"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// Upload sends the outbox to the server in batches, oldest first, until it
// is empty, and settles each record the server answers for (conflicts and
// rejections become incidents). It returns how many records were settled.
// On an error the unsent and unanswered records stay in the outbox.
func (c *Client) Upload(ctx context.Context) (int, error) {
	settled := 0
	check := true // tell the server our acknowledged position (wire.UploadRequest.Acked)
	for {
		entries, err := c.db.Pending(c.opts.BatchSize)
		if err != nil {
			return settled, err
		}
		if len(entries) == 0 {
			return settled, nil
		}
		var acked uint64
		if check {
			if acked, err = c.db.Acked(); err != nil {
				return settled, err
			}
		}
		var resp wire.UploadResponse
		if err := c.post(ctx, wire.PathUpload, wire.UploadRequest{Entries: entries, Acked: acked}, &resp); err != nil {
			return settled, refused(err)
		}
		if len(resp.Results) == 0 && resp.Head.Rewound(acked) {
			// The server holds less of this chain than it answered for
			// (restored from an older backup): send again from its head.
			n, err := c.rewind(resp.Head)
			if err != nil {
				return settled, err
			}
			if n == 0 {
				// Already sent again from there once: the server refused
				// to store the next record. Upload without the check.
				check = false
			}
			continue
		}
		answers, err := answersFor(entries, resp)
		if err != nil {
			return settled, err
		}
		if err := c.db.Ack(answers); err != nil {
			return settled, err
		}
		settled += len(answers)
		c.mu.Lock()
		c.stats.Uploaded += len(answers)
		for _, a := range answers {
			if a.Result == pos.UploadConflict || a.Result == pos.UploadRejected {
				c.stats.Conflicts++
			}
		}
		c.mu.Unlock()
	}
}

// answersFor checks that resp answers exactly the entries sent, in order,
// before anything is settled: a confused answer settles nothing.
func answersFor(entries []pos.Entry, resp wire.UploadResponse) ([]pos.UploadAnswer, error) {
	if len(resp.Results) != len(entries) {
		return nil, pos.Errorf(pos.ESERVEROFFLINE, "server answered %d results for %d records", len(resp.Results), len(entries))
	}
	out := make([]pos.UploadAnswer, len(entries))
	for i, e := range entries {
		var l pos.Link
		r := resp.Results[i]
		if err := json.Unmarshal(e.Body, &l); err != nil || r.Seq != l.Seq || !r.Result.Settled() {
			return nil, pos.Errorf(pos.ESERVEROFFLINE, "server result %d (seq %d, %q) does not answer record %d", i, r.Seq, r.Result, l.Seq)
		}
		out[i] = pos.UploadAnswer{Seq: r.Seq, Result: r.Result, Reason: r.Reason, Detail: r.Detail}
	}
	return out, nil
}

// rewind puts the records the server no longer holds back into the outbox
// (Store.Rewind) and notes that the next upload must send them.
func (c *Client) rewind(h *wire.ChainHead) (int, error) {
	n, err := c.db.Rewind(h.Seq, h.Hash, "sync")
	if n > 0 {
		c.opts.Logger.Printf("sync: the server holds this terminal's records only up to %d: %d sent again", h.Seq, n)
		c.mu.Lock()
		c.stats.Rewound += n
		c.mu.Unlock()
	}
	return n, err
}
