package client

import (
	"context"
	"fmt"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// LargeSkew is the clock difference from the server that the terminal
// reports to its technician.
const LargeSkew = time.Minute

// Download fetches what changed on the server, page by page, applying
// each page in one transaction, until the server has no more. It returns
// the terminal clock's skew from the server's.
func (c *Client) Download(ctx context.Context) (time.Duration, error) {
	var skew time.Duration
	open, err := c.db.OpenIncidentSeqs(wire.MaxOpenIncidents)
	if err != nil {
		return skew, err
	}
	for {
		cursor, err := c.db.SyncCursor()
		if err != nil {
			return skew, err
		}
		req := wire.DownloadRequest{Cursor: cursor, Open: open}
		open = nil // asked once per download
		if tl, err := c.db.Trust(); err == nil {
			req.TrustSeq = tl.Seq
		}
		if cat, err := c.db.Catalogue(); err == nil {
			req.CatalogueVersion = cat.Version
		}
		var resp wire.DownloadResponse
		if err := c.post(ctx, wire.PathDownload, req, &resp); err != nil {
			return skew, refused(err)
		}
		d := pos.Download{Trust: resp.Trust, Catalogue: resp.Catalogue, Vouchers: resp.Vouchers, Holders: resp.Holders,
			Cursor: resp.Cursor, ServerTime: resp.ServerTime}
		if resp.Head != nil {
			d.ServerSeq, d.HasServerSeq = resp.Head.Seq, true
		}
		for _, r := range resp.Resolved {
			d.Decisions = append(d.Decisions, pos.IncidentDecision{Seq: r.Seq, Resolution: pos.IncidentResolution{
				Time: r.Resolved, Keep: r.Keep, By: r.By, Note: r.Note, Paid: r.Paid}})
		}
		for _, in := range resp.Incidents {
			d.Incidents = append(d.Incidents, serverIncident(in))
		}
		for _, s := range resp.Snapshots {
			d.Snapshots = append(d.Snapshots, pos.StatusSnapshot{Campaign: s.Campaign, Packed: s.Packed})
		}
		if skew, err = c.db.ApplyDownload(d, "sync"); err != nil {
			return skew, err
		}
		if acked, err := c.db.Acked(); err != nil {
			return skew, err
		} else if resp.Head.Rewound(acked) {
			if _, err := c.rewind(resp.Head); err != nil {
				return skew, err
			}
		}
		c.mu.Lock()
		c.stats.Pages++
		c.skew = skew
		c.mu.Unlock()
		if !resp.More {
			return skew, nil
		}
	}
}

// serverIncident turns an incident the server sent about one of this
// terminal's records into an entry of the terminal's incident list. The key
// (server incident id, its time, the record) is the same on every delivery
// of it and differs for an incident of a replaced server database that
// reuses the id.
func serverIncident(in wire.TerminalIncident) pos.ServerIncident {
	result := in.Result
	if result == "" {
		result = pos.UploadConflict
	}
	return pos.ServerIncident{
		Key: fmt.Sprintf("%d/%s/%d", in.Incident, in.Time.UTC().Format(time.RFC3339Nano), in.Seq),
		Incident: pos.Incident{Time: in.Time, Seq: in.Seq, Receipt: in.Receipt, Result: result,
			Reason: in.Reason, Detail: in.Detail},
	}
}
