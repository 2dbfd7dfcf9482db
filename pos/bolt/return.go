package bolt

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// Returns (退货) are online only: the terminal prepares the return record
// as the next ledger entry, signed, and keeps it aside (PrepareReturn); the
// server checks it and holds it in its own ledger at the same seq; only
// then does the terminal append exactly that entry (CommitReturn), which
// also puts it in the outbox, so its later upload is answered duplicate.
// Between the two steps no other record may take the seq: sales and voids
// are refused while a return is pending (pendingReturnGuard), and a pending
// return is sent again as it is until the server answers it either way.
var (
	// bucketReturns indexes returns by sale: sale seq → the seqs of its returns.
	bucketReturns = []byte("returns")
	// bucketReturnPending holds the one return waiting for the server.
	bucketReturnPending = []byte("return_pending")
	keyPending          = []byte("pending")
)

// ReturnRequest is a return to prepare: the sale (its seq on terminal
// SaleTerminal, empty for this one), the goods taken back, and the manager
// who approves it. Known is the sale with its returns as the central
// server holds them (sync/client.LookupSale): needed for a sale of another
// terminal of the store, and for a sale of this one it adds the returns
// agreed at other terminals, which this ledger does not hold.
type ReturnRequest struct {
	Sale         uint64
	SaleTerminal string
	Known        *pos.SaleReturns
	Items        []pos.ReturnItem
	Manager      string
	PIN          string
	Reason       string
}

// PendingReturn is a prepared return: its record (numbered, timed) and the
// signed entry the server is asked to agree to.
type PendingReturn struct {
	Record *pos.Record `json:"record"`
	Entry  pos.Entry   `json:"entry"`
}

// PrepareReturn checks a return of goods of an earlier sale of this
// terminal or of another terminal of the store (any day, inside the
// redemption window of its vouchers' campaigns: pos.CheckReturnWindow),
// settles it again (pos.Resettle) on the returns the server knows of when
// req.Known says, and keeps the signed return record aside as the next
// ledger entry. It needs a manager's PIN and a reason. Nothing enters the
// ledger until CommitReturn. A return already pending for the same sale
// and goods is returned again (a retry sends the same entry); another one
// is refused.
func (db *DB) PrepareReturn(req ReturnRequest) (*PendingReturn, error) {
	if req.Reason == "" {
		return nil, pos.Errorf(pos.EINVALID, "a return needs a reason").Say("return_reason")
	}
	if _, err := db.Authorize(req.Manager, req.PIN, pos.RoleManager); err != nil {
		return nil, err
	}
	var out *PendingReturn
	err := db.update("prepare return", func(tx *bolt.Tx) error {
		if p, err := readPending(tx); err != nil || p != nil {
			if err == nil && p.Record.Returns == req.Sale && p.Record.SaleOf() == cmp.Or(req.SaleTerminal, p.Record.Terminal) && sameItems(req.Items, p.Record) {
				out = p
				return nil
			}
			if err == nil {
				err = pos.Errorf(pos.ECONFLICT, "return %s of %s waits for the server's answer: send it again first", p.Record.Receipt,
					p.Record.SaleReceipt()).With("receipt", p.Record.Receipt)
			}
			return err
		}
		if err := restoredGuard(tx); err != nil {
			return err
		}
		st, err := db.state(tx)
		if err != nil {
			return err
		}
		if err := pos.CheckClock(st.now, st.cfg, st.clock); err != nil {
			return err
		}
		if st.trustErr != nil {
			return st.trustErr
		}
		sale, prior, err := returnBasis(tx, st.cfg, req)
		if err != nil {
			return err
		}
		if err := pos.CheckReturnWindow(sale, st.trust, st.now); err != nil {
			return err
		}
		rec, err := pos.Resettle(sale, prior, req.Items, st.trust)
		if err != nil {
			return err
		}
		rec.Time, rec.Store, rec.Terminal = st.now, st.cfg.Store, st.cfg.Terminal
		if rec.SaleTerminal == rec.Terminal {
			rec.SaleTerminal = ""
		}
		rec.Cashier, rec.Manager, rec.Reason = req.Manager, req.Manager, req.Reason
		h := readLedgerHead(tx)
		rec.Seq, rec.Prev = h.Seq+1, h.Hash
		rec.Receipt = pos.ReceiptNumber(rec.Terminal, rec.Seq)
		e, err := pos.Seal(rec, st.keys.priv)
		if err != nil {
			return err
		}
		out = &PendingReturn{Record: rec, Entry: e}
		return putPending(tx, out)
	})
	return out, err
}

// returnBasis returns the sale req takes goods back from and the returns
// to settle it on. A sale of this terminal is read from the ledger (a
// voided one is refused) with its returns from the server when req.Known
// holds them (it agreed to every return this ledger holds, and to those
// taken at other terminals), else from the ledger. A sale of another
// terminal is only known from the server: req.Known must hold it, for
// this store.
func returnBasis(tx *bolt.Tx, cfg *pos.TerminalConfig, req ReturnRequest) (*pos.Record, []*pos.Record, error) {
	k := req.Known
	if req.SaleTerminal != "" && req.SaleTerminal != cfg.Terminal {
		no := pos.ReceiptNumber(req.SaleTerminal, req.Sale)
		if k == nil || k.Sale == nil {
			return nil, nil, pos.Errorf(pos.ESERVEROFFLINE, "sale %s of another terminal is known only to the central server", no).With("receipt", no)
		}
		sale := k.Sale
		if sale.Kind != pos.KindSale || sale.Terminal != req.SaleTerminal || sale.Seq != req.Sale {
			return nil, nil, pos.Errorf(pos.ESYNC, "the server answered record %s for sale %s", sale.Receipt, no).With("receipt", no)
		}
		if err := pos.CheckReturnStore(sale, cfg.Store); err != nil {
			return nil, nil, err
		}
		return sale, k.Returns, nil
	}
	own, err := ownSale(tx, req.Sale)
	if err != nil {
		return nil, nil, err
	}
	if k != nil && k.Sale != nil {
		if k.Sale.Seq != own.Sale.Seq || k.Sale.Terminal != own.Sale.Terminal {
			return nil, nil, pos.Errorf(pos.ESYNC, "the server answered record %s for sale %s", k.Sale.Receipt, own.Sale.Receipt).
				With("receipt", own.Sale.Receipt)
		}
		return own.Sale, k.Returns, nil
	}
	return own.Sale, own.Returns, nil
}

// sameItems reports whether items ask for the goods return r takes back
// (the same quantity of each SKU).
func sameItems(items []pos.ReturnItem, r *pos.Record) bool {
	sum := map[string]int64{}
	for _, it := range items {
		sum[it.SKU] += it.Qty
	}
	for _, l := range r.Lines {
		sum[l.SKU] -= l.Qty
	}
	for _, q := range sum {
		if q != 0 {
			return false
		}
	}
	return true
}

// PendingReturn returns the return waiting for the server, or nil.
func (db *DB) PendingReturn() (*PendingReturn, error) {
	var p *PendingReturn
	err := db.view("read pending return", func(tx *bolt.Tx) (err error) {
		p, err = readPending(tx)
		return err
	})
	return p, err
}

// CommitReturn appends the pending return whose entry hash is h, exactly
// as it was signed, once the server has agreed to it: the ledger record,
// the outbox (by the ack watermark), the return index, the vouchers it
// reinstated released here (usable again, the members' totals reduced)
// and an audit event, in one transaction.
func (db *DB) CommitReturn(h pos.Hash) (*Sale, error) {
	var out *Sale
	err := db.update("record return", func(tx *bolt.Tx) error {
		p, err := readPending(tx)
		if err != nil {
			return err
		}
		if p == nil || p.Entry.Hash != h {
			return pos.Errorf(pos.ENOTFOUND, "no pending return %s", h).Say("no_pending_return")
		}
		keys, err := db.keysOf(tx)
		if err != nil {
			return err
		}
		rec := *p.Record
		e, err := appendLedger(tx, &rec, 0, keys.priv)
		if err != nil {
			return err
		}
		if e.Hash != h || !bytes.Equal(e.Body, p.Entry.Body) {
			return pos.Errorf(pos.ECONFLICT, "the ledger moved on since return %s was prepared; nothing was recorded", rec.Receipt).Say("return_stale", "receipt", rec.Receipt)
		}
		if rec.SaleOf() == rec.Terminal {
			b, err := tx.CreateBucketIfNotExists(bucketReturns)
			if err != nil {
				return err
			}
			if err := b.Put(u64(rec.Returns), append(slices.Clone(b.Get(u64(rec.Returns))), u64(rec.Seq)...)); err != nil {
				return err
			}
		}
		for _, v := range rec.Vouchers {
			if slices.Contains(rec.Reinstated, v.ID) {
				if err := deleteMark(tx, v); err != nil {
					return err
				}
			}
		}
		rein, lost := rec.ReturnAmounts()
		if err := db.audit(tx, rec.Manager, pos.AuditReturn, map[string]string{
			"receipt": rec.SaleReceipt(), "return": rec.Receipt, "reason": rec.Reason,
			"refund": rec.SelfPaid.String(), "reinstated": rein.String(), "forfeited": lost.String()}); err != nil {
			return err
		}
		if err := tx.Bucket(bucketReturnPending).Delete(keyPending); err != nil {
			return err
		}
		out = &Sale{Record: &rec, Hash: e.Hash}
		return nil
	})
	return out, err
}

// DiscardReturn drops the pending return whose entry hash is h after the
// server refused it (it holds no record at its seq): nothing was recorded.
func (db *DB) DiscardReturn(h pos.Hash, actor, why string) error {
	return db.update("discard return", func(tx *bolt.Tx) error {
		p, err := readPending(tx)
		if err != nil || p == nil || p.Entry.Hash != h {
			return err
		}
		if err := db.audit(tx, actor, pos.AuditReturn, map[string]string{
			"receipt": p.Record.SaleReceipt(), "refused": why}); err != nil {
			return err
		}
		return tx.Bucket(bucketReturnPending).Delete(keyPending)
	})
}

// SaleReturns returns sale seq of this terminal with the returns its
// ledger holds against it, in ledger order: what is left of it to take
// back (pos.SaleReturns.Returnable) when the central server cannot be
// asked. A record that is not a sale is EINVALID, a voided sale ECONFLICT,
// an unknown seq ENOTFOUND.
func (db *DB) SaleReturns(seq uint64) (*pos.SaleReturns, error) {
	var out *pos.SaleReturns
	err := db.view("read sale and returns", func(tx *bolt.Tx) (err error) {
		out, err = ownSale(tx, seq)
		return err
	})
	return out, err
}

// ownSale reads sale seq of this terminal and the returns its ledger
// holds against it (see SaleReturns).
func ownSale(tx *bolt.Tx, seq uint64) (*pos.SaleReturns, error) {
	s, err := readSale(tx, seq)
	if err != nil {
		return nil, err
	}
	sale := s.Record
	if sale.Kind != pos.KindSale {
		return nil, pos.Errorf(pos.EINVALID, "record %s is not a sale", sale.Receipt).Say("not_a_sale", "receipt", sale.Receipt)
	}
	if v := tx.Bucket(bucketVoids).Get(u64(sale.Seq)); v != nil {
		return nil, pos.Errorf(pos.ECONFLICT, "sale %s is voided by %s", sale.Receipt, pos.ReceiptNumber(sale.Terminal, getU64(v))).
			Say("sale_voided", "receipt", sale.Receipt, "void", pos.ReceiptNumber(sale.Terminal, getU64(v)))
	}
	prior, err := returnsOf(tx, seq)
	if err != nil {
		return nil, err
	}
	return &pos.SaleReturns{Sale: sale, Returns: prior}, nil
}

func returnsOf(tx *bolt.Tx, seq uint64) ([]*pos.Record, error) {
	b := tx.Bucket(bucketReturns)
	if b == nil {
		return nil, nil
	}
	v := b.Get(u64(seq))
	var out []*pos.Record
	for i := 0; i+8 <= len(v); i += 8 {
		s, err := readSale(tx, getU64(v[i:i+8]))
		if err != nil {
			return nil, err
		}
		out = append(out, s.Record)
	}
	return out, nil
}

func readPending(tx *bolt.Tx) (*PendingReturn, error) {
	b := tx.Bucket(bucketReturnPending)
	if b == nil {
		return nil, nil
	}
	v := b.Get(keyPending)
	if v == nil {
		return nil, nil
	}
	var p PendingReturn
	if err := json.Unmarshal(v, &p); err != nil {
		return nil, pos.WrapError(pos.EINTERNAL, err, "decode pending return")
	}
	return &p, nil
}

func putPending(tx *bolt.Tx, p *PendingReturn) error {
	b, err := tx.CreateBucketIfNotExists(bucketReturnPending)
	if err != nil {
		return err
	}
	v, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return b.Put(keyPending, v)
}

// pendingReturnGuard refuses a new sale or void while a return waits for
// the server: the return holds the next seq, which the server may already
// hold.
func pendingReturnGuard(tx *bolt.Tx) error {
	p, err := readPending(tx)
	if err != nil || p == nil {
		return err
	}
	return pos.Errorf(pos.EReturnPending, "return %s waits for the central server's answer: send it again (退货) before selling", p.Record.Receipt).
		With("receipt", p.Record.Receipt)
}

// PrepareReturnEntry is PrepareReturn for callers that know only pos
// types (sync/client.ReturnStore): the return of items of known.Sale (of
// this terminal or another of the store, as the server holds it with its
// returns), and the signed entry to send.
func (db *DB) PrepareReturnEntry(known *pos.SaleReturns, items []pos.ReturnItem, manager, pin, reason string) (pos.Entry, error) {
	if known == nil || known.Sale == nil {
		return pos.Entry{}, pos.Errorf(pos.EINVALID, "a return needs its sale")
	}
	p, err := db.PrepareReturn(ReturnRequest{Sale: known.Sale.Seq, SaleTerminal: known.Sale.Terminal, Known: known,
		Items: items, Manager: manager, PIN: pin, Reason: reason})
	if err != nil {
		return pos.Entry{}, err
	}
	return p.Entry, nil
}

// CommitReturnEntry is CommitReturn returning the return record's seq.
func (db *DB) CommitReturnEntry(h pos.Hash) (uint64, error) {
	s, err := db.CommitReturn(h)
	if err != nil {
		return 0, err
	}
	return s.Record.Seq, nil
}

// PendingReturnEntry returns the entry of the return waiting for the
// server, and its receipt number; ok is false when none waits.
func (db *DB) PendingReturnEntry() (e pos.Entry, receipt string, ok bool, err error) {
	p, err := db.PendingReturn()
	if err != nil || p == nil {
		return e, "", false, err
	}
	return p.Entry, p.Record.Receipt, true, nil
}
