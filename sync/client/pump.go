package client

import (
	"context"
	"time"

	"fupinpos/pos"
)

// Sync uploads the outbox, then downloads what changed, and on a database
// restored from a backup checks its chain against the server's before
// sales may resume (see Store.ConfirmRestored). The terminal is
// online after a sync that reached the server and offline after one that
// did not; the offline limits of pos.Evaluate follow from that.
func (c *Client) Sync(ctx context.Context) error {
	_, err := c.Upload(ctx)
	if rs, ok := c.db.(ReturnStore); ok && err == nil {
		// A return the server may hold but never answered blocks sales
		// until it is settled: send it again as soon as the server answers.
		err = c.ResendPendingReturn(ctx, rs)
	}
	if err == nil {
		var skew time.Duration
		skew, err = c.Download(ctx)
		if err == nil && (skew > LargeSkew || skew < -LargeSkew) {
			_ = c.db.Audit("sync", pos.AuditSync, map[string]string{"skew": skew.Round(time.Second).String()})
		}
		if q, qerr := c.db.Queue(); err == nil && qerr == nil && q.Count > 0 {
			// The download may have put records back into the outbox (the
			// server was restored from an older backup): send them now.
			_, err = c.Upload(ctx)
		}
		if err == nil {
			err = c.confirmRestored(ctx)
		}
	}
	code := pos.ErrorCode(err)
	if code != pos.ESERVEROFFLINE {
		// Some server answered: the next client (the next posctl sync)
		// starts with it.
		_ = c.db.SetLastServer(c.servers.current())
	}
	c.db.SetOnline(err == nil || (code != pos.ESERVEROFFLINE && code != pos.EINTERNAL && code != pos.ESERVERREFUSED))
	c.mu.Lock()
	c.lastErr = err
	c.mu.Unlock()
	return err
}

// Wake asks the pump to sync now, e.g. after a redemption. It never blocks.
func (c *Client) Wake() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Run syncs when woken, every Interval, and after a failure again with
// growing, jittered waits, until ctx ends.
func (c *Client) Run(ctx context.Context) {
	fails := 0
	for {
		err := c.Sync(ctx)
		wait := c.opts.Interval
		if err != nil && ctx.Err() == nil {
			fails++
			c.opts.Logger.Printf("sync: %v", err)
			wait = min(backoff(c.opts.RetryMin*5, c.opts.Interval, fails, nil), c.opts.Interval)
		} else {
			fails = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-c.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// State is what the UI shows about sync.
type State struct {
	Online   bool
	Queue    pos.QueueState // records and voucher value waiting for upload
	LastSync time.Time      // zero before the first
	CacheAge time.Duration  // since the last sync
	Skew     time.Duration  // terminal clock minus server clock at the last download
	LastErr  error
	Stats    Stats
}

// State returns the current sync state.
func (c *Client) State() State {
	q, _ := c.db.Queue()
	cs, _ := c.db.ClockState()
	c.mu.Lock()
	defer c.mu.Unlock()
	st := State{Online: c.db.Online(), Queue: q, LastSync: cs.LastSync, Skew: c.skew, LastErr: c.lastErr, Stats: c.stats}
	if !cs.LastSync.IsZero() {
		st.CacheAge = c.opts.Now().Sub(cs.LastSync)
	}
	return st
}
