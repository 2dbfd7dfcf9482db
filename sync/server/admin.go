package server

import (
	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// Revoke revokes one voucher (every terminal then refuses it) or suspends
// or reinstates one holder (every voucher of that member), for example
// after a double spend. The change reaches terminals on their next download.
func (s *Server) Revoke(req wire.RevokeRequest) (*wire.RevokeResponse, error) {
	hasHolder := req.Holder != (pos.HolderRef{})
	if (req.Voucher == 0) == !hasHolder {
		return nil, pos.Errorf(pos.EINVALID, "revoke needs exactly one of a voucher or a holder")
	}
	if !hasHolder {
		// A revocation is final: reinstating is for suspended holders.
		if req.Reinstate {
			return nil, pos.Errorf(pos.EINVALID, "a revoked voucher cannot be reinstated; --reinstate is for a suspended holder").Say("reinstate_voucher")
		}
		// Only a voucher this deployment issued can be revoked: a typo
		// must not be reported as done.
		if _, err := s.Store.Issued(req.Voucher); err != nil {
			if pos.ErrorCode(err) == pos.ENOTFOUND {
				return nil, pos.WrapError(pos.ENOTFOUND, err, "voucher %s was never issued", req.Voucher).Say("no_voucher", "voucher", req.Voucher.String())
			}
			return nil, err
		}
	}
	resp := &wire.RevokeResponse{}
	err := s.Store.UpdateLedger(func(tx LedgerTx) error {
		*resp = wire.RevokeResponse{}
		if hasHolder {
			resp.Holder = &pos.HolderChange{Holder: req.Holder, Suspended: !req.Reinstate}
			return tx.SetSuspended(req.Holder, !req.Reinstate)
		}
		resp.Voucher, resp.Status = req.Voucher, pos.StatusRevoked
		return tx.SetStatus(req.Voucher, pos.StatusRevoked)
	})
	if err != nil {
		return nil, err
	}
	s.log().Warn("revoked", "voucher", req.Voucher.String(), "holder", req.Holder.String(), "reinstate", req.Reinstate, "reason", req.Reason)
	return resp, nil
}

// Incidents returns every incident, oldest first.
func (s *Server) Incidents() ([]wire.Incident, error) {
	var out []wire.Incident
	err := s.Store.ViewLedger(func(l LedgerView) error {
		var err error
		out, err = l.Incidents()
		return err
	})
	return out, err
}

// Terminals returns every terminal.
func (s *Server) Terminals() ([]wire.Terminal, error) { return s.Store.Terminals() }
