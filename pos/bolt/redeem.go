package bolt

import (
	"strconv"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// Item is one basket line as the cashier enters it: a catalogued product
// and a quantity. The price comes from the installed catalogue, never from
// the caller.
type Item struct {
	SKU string `json:"sku"`
	Qty int64  `json:"qty"`
}

// SaleRequest is a sale to record: the basket, the voucher codes presented
// (several allowed), and how the customer paid the remainder.
type SaleRequest struct {
	Cashier string
	Items   []Item
	Codes   []string
	Method  pos.PayMethod
	// Mode is how the codes were entered; EntryManual needs Manager, a
	// manager whose PIN the caller has checked with Authorize.
	Mode    pos.EntryMode
	Manager string
	// Tendered is the cash the customer handed over for the self-paid
	// part (实收), when the cashier keyed it in; 0 when not. It is only
	// for a cash payment with a self-paid part: the record then carries
	// it and the change (pos.Change). Vouchers never give change, so a
	// sale the vouchers pay in full refuses a tendered amount.
	Tendered pos.Money
}

// Sale is a committed ledger record and the hash of its entry, which the
// receipt's audit QR carries.
type Sale struct {
	Record *pos.Record
	Hash   pos.Hash
}

// Redeem validates every code, settles the basket (vouchers on eligible
// lines only, no change, no cash), checks the per-member cap, and records
// the sale in one transaction: voucher marks, ledger record, outbox entry
// and clock floor together. A cash Tendered amount is checked against the
// self-paid part inside the transaction (pos.Change) and recorded with the
// change. When it returns nil the sale is on disk; when it
// returns an error nothing of it is (a failed write has code pos.ESTORAGE).
// Print the receipt only after it returns.
func (db *DB) Redeem(req SaleRequest) (*Sale, error) {
	if len(req.Items) == 0 {
		return nil, pos.Errorf(pos.EINVALID, "a sale needs at least one line").Say("empty_sale")
	}
	if req.Mode == "" {
		req.Mode = pos.EntryScan
	}
	if !req.Method.Valid() {
		return nil, pos.Errorf(pos.EINVALID, "unknown payment method %q", req.Method).Say("pay_method", "value", string(req.Method))
	}
	if req.Tendered != 0 && req.Method != pos.PayCash {
		return nil, pos.Errorf(pos.EINVALID, "cash tendered (%s) with payment by %s: only a cash payment takes a tendered amount", req.Tendered, req.Method).
			Say("tendered_not_cash", "tendered", req.Tendered.String())
	}
	var sale *Sale
	err := db.update("record sale", func(tx *bolt.Tx) error {
		if err := pendingReturnGuard(tx); err != nil {
			return err
		}
		st, err := db.state(tx)
		if err != nil {
			return err
		}
		if _, err := activeUser(tx, req.Cashier, pos.RoleCashier, pos.RoleManager); err != nil {
			return err
		}
		if req.Mode == pos.EntryManual {
			if _, err := activeUser(tx, req.Manager, pos.RoleManager); err != nil {
				return pos.WrapError(pos.EFORBIDDEN, err, "a typed voucher code needs a manager's approval")
			}
		}
		cat, err := db.loadCatalogue(tx)
		if err != nil {
			return err
		}
		lines := make([]pos.Line, 0, len(req.Items))
		for _, it := range req.Items {
			p := cat.BySKU(it.SKU)
			if p == nil {
				return pos.Errorf(pos.EUNKNOWNPRODUCT, "product %q is not in catalogue %d", it.SKU, cat.Version).Say("sku", "sku", it.SKU)
			}
			lines = append(lines, pos.NewLineAt(p, it.Qty, st.now))
		}
		vs := make([]*pos.Voucher, 0, len(req.Codes))
		q := st.queue
		for _, code := range req.Codes {
			v, err := db.judge(tx, st, code, q)
			if err != nil {
				return err
			}
			q.Amount += v.Value
			vs = append(vs, v)
		}
		s, err := pos.Settle(lines, vs, st.trust)
		if err != nil {
			return err
		}
		if err := pos.CheckCap(vs, st.trust, func(h pos.HolderRef, c uint16) pos.Money { return holderTotal(tx, h, c) }); err != nil {
			return err
		}
		method := req.Method
		switch {
		case s.SelfPaid == 0:
			method = pos.PayNone
		case method == pos.PayNone:
			return pos.Errorf(pos.EINVALID, "%s is left to pay: choose cash, WeChat, Alipay or card", s.SelfPaid).Say("self_paid_method", "amount", s.SelfPaid.String())
		}
		var change pos.Money
		if req.Tendered != 0 {
			if s.SelfPaid == 0 {
				// The vouchers pay it all: there is no cash to take, and a
				// voucher's excess is never paid out as change.
				return pos.Errorf(pos.EINVALID, "cash tendered (%s) but nothing is left to pay: vouchers give no change", req.Tendered).
					Say("tendered_nothing_due", "tendered", req.Tendered.String())
			}
			if change, err = pos.Change(s.SelfPaid, req.Tendered); err != nil {
				return err
			}
		}
		for i := range s.Vouchers {
			s.Vouchers[i].Code = req.Codes[i]
		}
		rec := &pos.Record{
			Kind: pos.KindSale, Time: st.now, Store: st.cfg.Store, Terminal: st.cfg.Terminal,
			Cashier: req.Cashier, Mode: req.Mode, Lines: lines, Total: s.Total, Eligible: s.Eligible,
			Vouchers: s.Vouchers, VoucherAmount: s.VoucherAmount, Forfeited: s.Forfeited, SelfPaid: s.SelfPaid,
			Method: method, Tendered: req.Tendered, Change: change,
		}
		if req.Mode == pos.EntryManual {
			rec.Manager = req.Manager
		}
		e, err := appendLedger(tx, rec, faceOf(rec), st.keys.priv)
		if err != nil {
			return err
		}
		for _, v := range vs {
			if err := putMark(tx, v, mark{seq: rec.Seq, time: rec.Time, face: v.Value}); err != nil {
				return err
			}
		}
		if req.Mode == pos.EntryManual {
			if err := db.audit(tx, req.Manager, pos.AuditManualEntry, map[string]string{
				"receipt": rec.Receipt, "cashier": req.Cashier, "vouchers": strconv.Itoa(len(vs))}); err != nil {
				return err
			}
		}
		sale = &Sale{Record: rec, Hash: e.Hash}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sale, nil
}
