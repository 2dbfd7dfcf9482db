package client

import (
	"context"
	"fmt"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// DayReader is a terminal database that reads one CST day of its ledger
// (pos/bolt.DB): for a void, sale is the record it cancels.
type DayReader interface {
	DayRecords(day string, fn func(r, sale *pos.Record) error) error
}

// Reconcile compares the terminal's records of CST day with the server's
// record of them (PathReconcile) and lists every difference: a record not
// uploaded yet, one the server does not hold, refused, keeps in conflict or
// holds on another day, and the day's totals when they differ (the
// terminal's against those the server accepted). The database must be a
// DayReader. It audits the outcome.
func (c *Client) Reconcile(ctx context.Context, day string) (*pos.Reconciliation, error) {
	if _, err := pos.ParseDay(day); err != nil {
		return nil, pos.Errorf(pos.EINVALID, "day %q: want YYYY-MM-DD", day)
	}
	dr, ok := c.db.(DayReader)
	if !ok {
		return nil, pos.Errorf(pos.EINTERNAL, "this terminal database cannot read a day")
	}
	out := &pos.Reconciliation{Day: day, Terminal: c.terminal, Time: c.now().UTC(), Diffs: []pos.ReconcileDiff{}}
	var local []*pos.Record
	err := dr.DayRecords(day, func(r, sale *pos.Record) error {
		local = append(local, r)
		out.Local.Add(r, sale)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Records = len(local)
	req := wire.ReconcileRequest{Day: day}
	if len(local) > 0 {
		req.From, req.To = local[0].Seq, local[len(local)-1].Seq
	}
	var resp wire.ReconcileResponse
	if err := c.post(ctx, wire.PathReconcile, req, &resp); err != nil {
		return nil, refused(err)
	}
	out.Server = resp.Totals
	held := make(map[uint64]wire.ReconcileRecord, len(resp.Records))
	for _, r := range resp.Records {
		held[r.Seq] = r
	}
	pending := map[uint64]bool{}
	if len(local) > 0 {
		q, err := c.db.Queue()
		if err != nil {
			return nil, err
		}
		entries, err := c.db.Pending(q.Count + 1)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if r, err := pos.DecodeRecord(e); err == nil {
				pending[r.Seq] = true
			}
		}
	}
	for _, r := range local {
		d := pos.ReconcileDiff{Seq: r.Seq, Receipt: r.Receipt}
		s, ok := held[r.Seq]
		switch {
		case !ok && pending[r.Seq]:
			d.Kind = pos.DiffNotUploaded
		case !ok:
			d.Kind = pos.DiffMissing
		case s.Result == pos.UploadRejected:
			d.Kind, d.Reason = pos.DiffRejected, s.Reason
		case s.Result == pos.UploadConflict:
			d.Kind, d.Reason = pos.DiffConflict, s.Reason
		case s.Day != day:
			d.Kind, d.Detail = pos.DiffOtherDay, s.Day
		default:
			continue
		}
		out.Diffs = append(out.Diffs, d)
	}
	if out.Local != out.Server {
		out.Diffs = append(out.Diffs, pos.ReconcileDiff{Kind: pos.DiffTotals,
			Detail: fmt.Sprintf("terminal %d sales %d voids %s vouchers %s; server %d sales %d voids %s vouchers %s",
				out.Local.Sales, out.Local.Voids, out.Local.Total, out.Local.VoucherAmount,
				out.Server.Sales, out.Server.Voids, out.Server.Total, out.Server.VoucherAmount)})
	}
	c.db.Audit("sync", "reconcile", map[string]string{"day": day, "records": fmt.Sprint(out.Records), "differences": fmt.Sprint(out.Differences())})
	return out, nil
}

// Alerts fetches the supervision alerts of the terminal's store on CST day
// (PathAlerts).
func (c *Client) Alerts(ctx context.Context, day string) ([]pos.Alert, error) {
	var resp wire.AlertsResponse
	if err := c.post(ctx, wire.PathAlerts, wire.AlertsRequest{Day: day}, &resp); err != nil {
		return nil, refused(err)
	}
	return resp.Alerts, nil
}
