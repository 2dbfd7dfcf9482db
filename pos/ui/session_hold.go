package ui

import (
	"strconv"

	"fupinpos/pos"
)

// ErrHoldFull is returned by Hold when pos.MaxHeldSales baskets are parked.
var ErrHoldFull = pos.Errorf(pos.ECONFLICT, "%d baskets are held already", pos.MaxHeldSales).
	With("max", strconv.Itoa(pos.MaxHeldSales))

// ErrBasketBusy is returned by Resume while the current basket is not empty.
var ErrBasketBusy = pos.Errorf(pos.ECONFLICT, "finish or hold the current sale before resuming another")

// Hold parks the sale in progress (挂单): its lines, voucher codes, payment
// method and a manager's approval of a hand-typed code are stored durably
// (Store.HoldSale), then the session is emptied for the next customer.
// Nothing is redeemed. It refuses an empty basket (ErrEmpty) and a basket
// beyond pos.MaxHeldSales (ErrHoldFull).
func (s *Session) Hold() (pos.HeldSale, error) { return s.park(s.Basket()) }

// Basket returns the sale in progress as a basket to park: its lines,
// voucher codes, payment method, cashier and a manager's approval of a
// hand-typed code.
func (s *Session) Basket() pos.HeldSale {
	manual, manager := s.Manual()
	s.mu.Lock()
	defer s.mu.Unlock()
	h := pos.HeldSale{
		Lines: append([]pos.Line(nil), s.lines...), Codes: append([]string(nil), s.codes...),
		Method: s.method, Manual: manual, Manager: manager,
	}
	if s.cashier != nil {
		h.Cashier = s.cashier.ID
	}
	return h
}

// HoldAtLock parks the sale in progress for its cashier when the screen
// locks: durably, marked Locked, so the cashier's next login resumes it
// (ResumeLocked) even after a restart. When it cannot be parked (the
// held list is full, the store fails) the session is left as it is and
// the error returned; the caller keeps Basket() in memory instead.
func (s *Session) HoldAtLock() (pos.HeldSale, error) {
	h := s.Basket()
	h.Locked = true
	return s.park(h)
}

func (s *Session) park(h pos.HeldSale) (pos.HeldSale, error) {
	if len(h.Lines) == 0 && len(h.Codes) == 0 {
		return pos.HeldSale{}, ErrEmpty
	}
	held, err := s.store.HeldSales()
	if err != nil {
		return pos.HeldSale{}, err
	}
	if len(held) >= pos.MaxHeldSales {
		return pos.HeldSale{}, ErrHoldFull
	}
	h, err = s.store.HoldSale(h)
	if err != nil {
		return pos.HeldSale{}, err
	}
	s.mu.Lock()
	s.lines, s.vouchers, s.codes, s.manual = nil, nil, nil, nil
	s.verdict = Verdict{}
	s.method = pos.PayCash
	s.mu.Unlock()
	s.changed()
	return h, nil
}

// Resume takes parked basket id back (取单) into the session, which must be
// empty (ErrBasketBusy). Time has passed since it was parked, so the lines
// are priced again from the installed catalogue (a product no longer
// catalogued is dropped) and every voucher code is checked again
// (Store.Check and the settlement): a code refused now is dropped, and the
// verdict says why (the first refusal, with "dropped" = how many codes were
// dropped). The basket leaves the store's held list either way.
func (s *Session) Resume(id uint64) error {
	if !s.Empty() {
		return ErrBasketBusy
	}
	cat, err := s.store.Catalogue()
	if err != nil {
		return err
	}
	h, err := s.store.TakeHeld(id)
	if err != nil {
		return err
	}
	return s.restore(*h, cat)
}

// ResumeLocked gives the cashier back the basket the screen lock parked
// for them (HoldAtLock), checked again as Resume checks a held one; it
// reports whether there was one. The session must be empty.
func (s *Session) ResumeLocked() (bool, error) {
	if s.cashier == nil || !s.Empty() {
		return false, nil
	}
	held, err := s.store.HeldSales()
	if err != nil {
		return false, err
	}
	for _, h := range held {
		if h.Locked && h.Cashier == s.cashier.ID {
			return true, s.Resume(h.ID)
		}
	}
	return false, nil
}

// Restore puts basket h (kept in memory across the lock when it could not
// be parked) into the empty session, checked again as Resume checks a
// held one.
func (s *Session) Restore(h pos.HeldSale) error {
	if !s.Empty() {
		return ErrBasketBusy
	}
	cat, err := s.store.Catalogue()
	if err != nil {
		return err
	}
	return s.restore(h, cat)
}

// restore prices h's lines again from cat and checks its codes again; see
// Resume.
func (s *Session) restore(h pos.HeldSale, cat *pos.Catalogue) error {
	var firstErr error
	dropped := 0
	lines := make([]pos.Line, 0, len(h.Lines))
	for _, l := range h.Lines {
		p := cat.BySKU(l.SKU)
		if p == nil {
			dropped++
			if firstErr == nil {
				firstErr = pos.Errorf(pos.EUNKNOWNPRODUCT, "product %q is no longer catalogued", l.SKU).With("sku", l.SKU)
			}
			continue
		}
		lines = append(lines, pos.NewLineAt(p, l.Qty, s.now()))
	}
	method := h.Method
	if method == pos.PayNone {
		method = pos.PayCash
	}
	s.mu.Lock()
	s.lines, s.vouchers, s.codes, s.manual = lines, nil, nil, nil
	s.method = method
	s.mu.Unlock()
	for _, code := range h.Codes {
		v := s.addVoucher(code)
		if v.Kind != VerdictOK {
			dropped++
			if firstErr == nil {
				firstErr = v.Err
			}
			continue
		}
		if h.Manual && h.Manager != "" {
			// The approval was given for the basket; carry it to its codes.
			s.mu.Lock()
			if s.manual == nil {
				s.manual = map[string]string{}
			}
			s.manual[code] = h.Manager
			s.mu.Unlock()
		}
	}
	s.mu.Lock()
	if dropped > 0 {
		v := refusal(firstErr)
		p := map[string]string{"dropped": strconv.Itoa(dropped)}
		for k, x := range v.Params {
			p[k] = x
		}
		v.Params = p
		s.verdict = v
	} else {
		s.verdict = Verdict{}
	}
	s.mu.Unlock()
	s.changed()
	return nil
}
