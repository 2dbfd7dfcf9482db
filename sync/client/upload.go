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
	for {
		entries, err := c.db.Pending(c.opts.BatchSize)
		if err != nil {
			return settled, err
		}
		if len(entries) == 0 {
			return settled, nil
		}
		var resp wire.UploadResponse
		if err := c.post(ctx, wire.PathUpload, wire.UploadRequest{Entries: entries}, &resp); err != nil {
			return settled, refused(err)
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
