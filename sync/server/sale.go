package server

import (
	"fmt"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// Sale answers PathSale for terminal t: the sale with receipt number
// req.Receipt (a number without a terminal part names one of t's), so that
// goods of it can be taken back (退货) at t, any terminal of the store that
// sold them. It reads the ledger as the server holds it, as Return will:
// the sale's entry as its terminal signed it and the entries of the
// returns the server agreed to against it at any terminal, in the order
// it agreed to them (saleAndReturns). It refuses (wire.ReturnRefused)
// a number the server holds no record for (pos.ENOTFOUND), a sale of
// another store (pos.EReturnElsewhere, before anything else is said about
// it), and a record that is not an accepted sale or a voided sale
// (pos.ECONFLICT). It changes nothing.
func (s *Server) Sale(t *wire.Terminal, req wire.SaleRequest) (*wire.SaleResponse, error) {
	now := s.now().UTC()
	refuse := func(err error) *wire.SaleResponse {
		resp := &wire.SaleResponse{Result: wire.ReturnRefused, Reason: pos.ErrorCode(err), Params: pos.ErrorParams(err), Detail: err.Error(), ServerTime: now}
		s.log().Info("sale lookup refused", "terminal", t.ID, "receipt", req.Receipt, "reason", resp.Reason, "detail", resp.Detail)
		return resp
	}
	terminal, seq, err := pos.ParseReceipt(req.Receipt)
	if err != nil {
		return refuse(err), nil
	}
	if terminal == "" {
		terminal = t.ID
	}
	var held *heldSale
	err = s.Store.ViewLedger(func(l LedgerView) error {
		head, err := l.Head(terminal)
		if err != nil {
			return err
		}
		held, err = saleAndReturns(l, terminal, seq, head.Seq, t.Store)
		return err
	})
	switch pos.ErrorCode(err) {
	case "":
	case pos.ENOTFOUND, pos.ECONFLICT, pos.EReturnElsewhere:
		return refuse(err), nil
	default:
		return nil, fmt.Errorf("sale %s: %w", req.Receipt, err)
	}
	return &wire.SaleResponse{Result: wire.SaleFound, Sale: &held.entry, Returns: held.entries, ServerTime: now}, nil
}
