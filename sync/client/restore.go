package client

import (
	"context"

	"fupinpos/pos"
)

// pathHead is the server's signed chain-head endpoint (server.PathHead).
const pathHead = "/v1/head"

// chainHead is the server's answer on pathHead (server.ChainHead).
type chainHead struct {
	Terminal string   `json:"terminal"`
	Seq      uint64   `json:"seq"`
	Hash     pos.Hash `json:"hash"`
}

// confirmRestored runs after a sync whose upload emptied the outbox, when
// the database is a restored backup: it asks the server for this
// terminal's chain head and lets the database lift its sales block if the
// server holds nothing newer (Store.ConfirmRestored).
func (c *Client) confirmRestored(ctx context.Context) error {
	on, err := c.db.Restored()
	if err != nil || !on {
		return err
	}
	var h chainHead
	if err := c.post(ctx, pathHead, struct{}{}, &h); err != nil {
		return refused(err)
	}
	return c.db.ConfirmRestored(h.Seq, h.Hash, "sync")
}
