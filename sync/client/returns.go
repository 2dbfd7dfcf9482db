package client

import (
	"context"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// ReturnSteps are the terminal database's three steps of a return
// (pos/bolt.DB: PrepareReturn, CommitReturn, DiscardReturn), as functions
// so that the client needs no storage type, and the sale they act on.
type ReturnSteps struct {
	// Receipt is the receipt number of the sale whose goods come back, at
	// this terminal or another terminal of the store: Return asks the
	// server for it and its agreed returns (LookupSale) and hands them to
	// Prepare. Empty when Prepare needs nothing (a waiting return sent
	// again).
	Receipt string
	// Prepare signs the return record as the next ledger entry and keeps
	// it aside (or returns the one already waiting for the same return);
	// known is the sale as the server holds it (nil without Receipt).
	Prepare func(known *pos.SaleReturns) (pos.Entry, error)
	// Commit appends the prepared entry with hash h after the server agreed.
	Commit func(h pos.Hash) error
	// Discard drops it after the server refused it (why: the reason code).
	Discard func(h pos.Hash, why string) error
}

// Return carries out a return (退货), which needs the central server: it
// uploads the outbox (so that the server holds the sale and every record
// before the return), downloads what changed (so that both sides settle
// the return with the same campaigns), looks the sale up at the server
// (steps.Receipt: a sale of any terminal of the store, with the returns
// agreed against it anywhere), prepares the return, asks the server to
// agree (wire.PathReturn) and commits or discards it by the answer. A
// server that cannot be reached before the return is prepared leaves
// nothing behind (pos.ESERVEROFFLINE). When the request went out but no
// answer came back the prepared return stays pending and blocks sales
// until Return is called again and sends the same entry, which the
// server answers as before (a replay counts once). A refusal is a
// *pos.Error with the server's reason code and parameters.
func (c *Client) Return(ctx context.Context, steps ReturnSteps) (*wire.ReturnResponse, error) {
	if _, err := c.Upload(ctx); err != nil {
		return nil, err
	}
	if _, err := c.Download(ctx); err != nil {
		return nil, err
	}
	var known *pos.SaleReturns
	if steps.Receipt != "" {
		var err error
		if known, err = c.lookupSale(ctx, steps.Receipt); err != nil {
			return nil, err
		}
	}
	e, err := steps.Prepare(known)
	if err != nil {
		return nil, err
	}
	var resp wire.ReturnResponse
	if err := c.post(ctx, wire.PathReturn, wire.ReturnRequest{Entry: e}, &resp); err != nil {
		return nil, refused(err)
	}
	switch resp.Result {
	case pos.UploadAccepted, pos.UploadDuplicate:
		if err := steps.Commit(e.Hash); err != nil {
			return nil, err
		}
		// The vouchers reinstated are valid again in the status feed: take
		// it now so this terminal accepts them at once (best effort: the
		// pump downloads it later anyway).
		_, _ = c.Download(ctx)
		c.Wake()
		return &resp, nil
	case wire.ReturnRefused:
		if err := steps.Discard(e.Hash, resp.Reason); err != nil {
			return nil, err
		}
		return nil, refusal("the central server refused the return", resp.Reason, resp.Detail, resp.Params)
	}
	return nil, pos.Errorf(pos.ESERVEROFFLINE, "the server answered the return with %q", resp.Result)
}

// refusal is the *pos.Error of a server's refusal: its reason code, detail
// and message parameters.
func refusal(what, reason, detail string, params map[string]string) error {
	pe := pos.Errorf(reason, "%s: %s", what, detail)
	for k, v := range params {
		pe.With(k, v)
	}
	return pe
}

// LookupSale returns the sale with receipt number no (as printed, e.g.
// T02-000042), of this terminal or another terminal of its store, with
// the returns the server agreed to against it at any terminal: what the
// return dialog shows as left to take back, and what the next return is
// settled on. It uploads the outbox first, so that a sale made here a
// moment ago is found. A refusal is a *pos.Error with the server's code:
// pos.ENOTFOUND, pos.EReturnElsewhere (another store), pos.ECONFLICT
// (voided, or held for review); an unreachable server pos.ESERVEROFFLINE.
func (c *Client) LookupSale(ctx context.Context, no string) (*pos.SaleReturns, error) {
	if _, err := c.Upload(ctx); err != nil {
		return nil, err
	}
	return c.lookupSale(ctx, no)
}

func (c *Client) lookupSale(ctx context.Context, no string) (*pos.SaleReturns, error) {
	var resp wire.SaleResponse
	if err := c.post(ctx, wire.PathSale, wire.SaleRequest{Receipt: no}, &resp); err != nil {
		return nil, refused(err)
	}
	if resp.Result != wire.SaleFound {
		return nil, refusal("the central server has no returnable sale "+no, resp.Reason, resp.Detail, resp.Params)
	}
	if resp.Sale == nil {
		return nil, pos.Errorf(pos.ESERVEROFFLINE, "the server answered sale %s without it", no)
	}
	sale, err := pos.DecodeRecord(*resp.Sale)
	if err != nil {
		return nil, err
	}
	out := &pos.SaleReturns{Sale: sale}
	for _, e := range resp.Returns {
		r, err := pos.DecodeRecord(e)
		if err != nil {
			return nil, err
		}
		out.Returns = append(out.Returns, r)
	}
	return out, nil
}

// ReturnStore is the terminal database side of a return in pos types;
// pos/bolt.DB is one.
type ReturnStore interface {
	PrepareReturnEntry(known *pos.SaleReturns, items []pos.ReturnItem, manager, pin, reason string) (pos.Entry, error)
	CommitReturnEntry(h pos.Hash) (uint64, error)
	DiscardReturn(h pos.Hash, actor, why string) error
	PendingReturnEntry() (e pos.Entry, receipt string, ok bool, err error)
}

// ReturnSale is Return on db for a return of items of the sale with
// receipt number no (of this terminal or another of the store) approved
// by manager (PIN checked by db), and returns the seq of the return
// record. When the request went out but its answer did not come back, the
// error has code pos.EReturnPending: calling ReturnSale again for the same
// goods sends the waiting return again.
func (c *Client) ReturnSale(ctx context.Context, db ReturnStore, no string, items []pos.ReturnItem, manager, pin, reason string) (uint64, *wire.ReturnResponse, error) {
	var seq uint64
	resp, err := c.Return(ctx, ReturnSteps{
		Receipt: no,
		Prepare: func(known *pos.SaleReturns) (pos.Entry, error) {
			return db.PrepareReturnEntry(known, items, manager, pin, reason)
		},
		Commit: func(h pos.Hash) (err error) {
			seq, err = db.CommitReturnEntry(h)
			return err
		},
		Discard: func(h pos.Hash, why string) error { return db.DiscardReturn(h, manager, why) },
	})
	if err != nil {
		if _, receipt, ok, _ := db.PendingReturnEntry(); ok && pos.ErrorCode(err) == pos.ESERVEROFFLINE {
			return 0, nil, pos.WrapError(pos.EReturnPending, err, "return %s was sent but not answered", receipt).With("receipt", receipt)
		}
		return 0, nil, err
	}
	return seq, resp, nil
}

// ResendPendingReturn sends the return waiting for the server's answer
// again, if one waits, and commits or discards it by the answer (a replay
// counts once on the server). The pump may call it after each upload so
// that a lost answer does not block sales longer than the network is out.
func (c *Client) ResendPendingReturn(ctx context.Context, db ReturnStore) error {
	e, _, ok, err := db.PendingReturnEntry()
	if err != nil || !ok {
		return err
	}
	_, err = c.Return(ctx, ReturnSteps{
		Prepare: func(*pos.SaleReturns) (pos.Entry, error) { return e, nil },
		Commit:  func(h pos.Hash) error { _, err := db.CommitReturnEntry(h); return err },
		Discard: func(h pos.Hash, why string) error { return db.DiscardReturn(h, "sync", why) },
	})
	return err
}
