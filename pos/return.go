package pos

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// EReturnPending refuses a sale or a void while a return waits for the
// central server's answer: the return holds the next ledger seq.
const EReturnPending = "return_pending"

// ReturnPolicy says what a return does with a voucher the goods kept no
// longer need (Campaign.Returns). Neither policy ever pays a voucher out.
type ReturnPolicy string

const (
	// ReturnReinstate gives the voucher back to its member whole: it is
	// valid again at every terminal (the default, also when empty). The
	// union's money then still buys poverty-area goods, and the member's
	// redeemed total, which counts against the cap, drops by its face.
	ReturnReinstate ReturnPolicy = "reinstate"
	// ReturnForfeit keeps the voucher spent: its value is forfeited.
	ReturnForfeit ReturnPolicy = "forfeit"
)

// Valid reports whether p is a known policy ("" is ReturnReinstate).
func (p ReturnPolicy) Valid() bool {
	return p == "" || p == ReturnReinstate || p == ReturnForfeit
}

// ReturnItem asks to take back Qty units of product SKU from a sale. The
// quantity is taken from the sale's lines of that SKU in basket order.
type ReturnItem struct {
	SKU string `json:"sku"`
	Qty int64  `json:"qty"`
}

// SaleState is a sale as it stands after the returns recorded against it:
// what is left of each line (parallel to the sale's lines), the vouchers
// still in the sale with what each pays now and forfeits, and the
// self-paid part still held by the store.
type SaleState struct {
	Left     []int64
	Vouchers []AppliedVoucher
	SelfPaid Money
}

// SaleReturns is a sale with the returns recorded against it: as the
// central server holds them (returns agreed at any terminal of the store,
// which is what the next return is settled on) or, without the server, as
// this terminal's own ledger holds them.
type SaleReturns struct {
	Sale    *Record
	Returns []*Record
}

// Returnable returns, per SKU, how many units of the sale are left to
// take back after its returns (StateOf, then SaleState.Returnable).
func (s *SaleReturns) Returnable() (map[string]int64, error) {
	st, err := StateOf(s.Sale, s.Returns)
	if err != nil {
		return nil, err
	}
	return st.Returnable(s.Sale), nil
}

// StateOf replays the earlier returns of sale (in ledger order) on it.
func StateOf(sale *Record, prior []*Record) (*SaleState, error) {
	if sale.Kind != KindSale {
		return nil, Errorf(EINVALID, "record %s is not a sale", sale.Receipt).With("receipt", sale.Receipt)
	}
	st := &SaleState{Left: make([]int64, len(sale.Lines)), Vouchers: slices.Clone(sale.Vouchers), SelfPaid: sale.SelfPaid}
	for i, l := range sale.Lines {
		st.Left[i] = l.Qty
	}
	for _, r := range prior {
		if r.Kind != KindReturn || r.Returns != sale.Seq || r.SaleOf() != sale.Terminal {
			return nil, Errorf(EINVALID, "record %s is not a return of %s", r.Receipt, sale.Receipt)
		}
		for _, l := range r.Lines {
			if _, err := st.take(sale.Lines, l.SKU, l.Price, l.Qty); err != nil {
				return nil, err
			}
		}
		for _, d := range r.Vouchers {
			for i := range st.Vouchers {
				if st.Vouchers[i].ID == d.ID {
					st.Vouchers[i].Applied -= d.Applied
					st.Vouchers[i].Forfeited += d.Forfeited
				}
			}
		}
		st.Vouchers = slices.DeleteFunc(st.Vouchers, func(v AppliedVoucher) bool {
			return v.Applied <= 0 || slices.Contains(r.Reinstated, v.ID)
		})
		st.SelfPaid -= r.SelfPaid
	}
	return st, nil
}

// take removes qty units of sku (at price, or any price when price is 0)
// from what is left, from the first lines of that SKU on, and returns how
// many it took from each line.
func (st *SaleState) take(lines []Line, sku string, price Money, qty int64) ([]int64, error) {
	out := make([]int64, len(lines))
	want := qty
	for i, l := range lines {
		if want == 0 {
			break
		}
		if l.SKU != sku || (price != 0 && l.Price != price) || st.Left[i] == 0 {
			continue
		}
		x := min(want, st.Left[i])
		st.Left[i] -= x
		out[i] = x
		want -= x
	}
	if want > 0 {
		return nil, Errorf(ECONFLICT, "%d of %s cannot be taken back: only %d left of the sale", qty, sku, qty-want).
			Say("return_too_many", "sku", sku, "qty", itoa(qty), "left", itoa(qty-want))
	}
	return out, nil
}

// CheckReturnWindow refuses a return at now outside the redemption window
// of a campaign whose vouchers paid the sale; a sale paid without vouchers
// may be returned while some campaign of trust is redeemable.
func CheckReturnWindow(sale *Record, trust *TrustList, now time.Time) error {
	closed := func(id uint16) error {
		return Errorf(ECAMPAIGNCLOSED, "returns of sale %s: campaign %d is outside its redemption window", sale.Receipt, id).
			With("campaign", itoa(int64(id))).With("receipt", sale.Receipt)
	}
	for _, v := range sale.Vouchers {
		c := trust.Campaign(v.Campaign)
		if c == nil || !c.Redeemable(now) {
			return closed(v.Campaign)
		}
	}
	if len(sale.Vouchers) > 0 {
		return nil
	}
	for i := range trust.Campaigns {
		if trust.Campaigns[i].Redeemable(now) {
			return nil
		}
	}
	return closed(0)
}

// Resettle computes the return of items from sale, after the earlier
// returns prior, by the rules of a sale: the goods kept are settled again
// with pos.Settle and the vouchers still in the sale, in their order. A
// voucher is already spent, so one worth more than what it may still pay
// stays consumed whole with the excess forfeited, whatever the campaign's
// excess policy (a return never asks the customer for money); a voucher
// that would pay nothing is no longer needed and is reinstated or
// forfeited whole, as its campaign's ReturnPolicy says. Only the self-paid
// part the store still holds is refunded, by the sale's method: never cash
// for a voucher. A return whose goods kept would cost the customer more
// than was paid is refused (take back more, or the whole sale).
//
// The return record it fills (not yet numbered, timed or signed; its
// SaleTerminal names the sale's terminal, which the terminal that records
// it clears when that is itself) holds
// differences, so that a sale plus its returns adds up:
//   - Lines, Total, Eligible: the goods taken back, at their sale price;
//   - Vouchers: per voucher the return touched, Applied is the voucher
//     value taken back (the union no longer owes it to the store) and
//     Forfeited the change of its forfeited part (new − old; negative only
//     for a reinstated voucher that had an excess forfeited in the sale);
//   - Reinstated: the vouchers given back whole;
//   - VoucherAmount, Forfeited: the sums of the two; SelfPaid: the refund;
//   - always Total = VoucherAmount + SelfPaid.
func Resettle(sale *Record, prior []*Record, items []ReturnItem, trust *TrustList) (*Record, error) {
	st, err := StateOf(sale, prior)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, Errorf(EINVALID, "a return needs at least one line").Say("return_empty")
	}
	took := make([]int64, len(sale.Lines))
	for _, it := range items {
		if it.Qty <= 0 {
			return nil, Errorf(EINVALID, "line %s: quantity %d out of range", it.SKU, it.Qty).Say("quantity", "sku", it.SKU, "qty", itoa(it.Qty))
		}
		t, err := st.take(sale.Lines, it.SKU, 0, it.Qty)
		if err != nil {
			return nil, err
		}
		for i := range t {
			took[i] += t[i]
		}
	}
	ret := &Record{Kind: KindReturn, Returns: sale.Seq, SaleTerminal: sale.Terminal}
	var kept []Line
	for i, l := range sale.Lines {
		if took[i] > 0 {
			r := l
			r.Qty = took[i]
			ret.Lines = append(ret.Lines, r)
			ret.Total += r.Amount()
			if r.Eligible {
				ret.Eligible += r.Amount()
			}
		}
		if st.Left[i] > 0 {
			k := l
			k.Qty = st.Left[i]
			kept = append(kept, k)
		}
	}

	// Spent vouchers are consumed whole: settle the goods kept as if every
	// campaign forfeited a voucher's excess.
	spent := *trust
	spent.Campaigns = slices.Clone(trust.Campaigns)
	for i := range spent.Campaigns {
		spent.Campaigns[i].Excess = ExcessForfeit
	}
	var keep []*Voucher
	for _, a := range st.Vouchers {
		v := &Voucher{KeyID: a.KeyID, Campaign: a.Campaign, Serial: a.ID.Serial(), Holder: a.Holder, Unit: a.Unit, Value: a.Face}
		if _, err := Settle(kept, append(slices.Clone(keep), v), &spent); err == nil {
			keep = append(keep, v)
		}
	}
	s, err := Settle(kept, keep, &spent)
	if err != nil {
		return nil, err
	}
	if s.SelfPaid > st.SelfPaid {
		return nil, Errorf(ECONFLICT, "the goods kept would cost %s of the customer's own money, more than the %s paid: take back more", s.SelfPaid, st.SelfPaid).
			Say("return_kept_costs", "amount", s.SelfPaid.String(), "paid", st.SelfPaid.String())
	}
	now := map[VoucherID]AppliedVoucher{}
	for _, a := range s.Vouchers {
		now[a.ID] = a
	}
	for _, old := range st.Vouchers {
		d := old
		d.Code = ""
		if a, ok := now[old.ID]; ok {
			d.Applied, d.Forfeited = old.Applied-a.Applied, a.Forfeited-old.Forfeited
			if d.Applied == 0 && d.Forfeited == 0 {
				continue
			}
		} else if c := trust.Campaign(old.Campaign); c != nil && c.Returns == ReturnForfeit {
			d.Applied, d.Forfeited = old.Applied, old.Applied
		} else {
			d.Applied, d.Forfeited = old.Applied, -old.Forfeited
			ret.Reinstated = append(ret.Reinstated, old.ID)
		}
		ret.Vouchers = append(ret.Vouchers, d)
		ret.VoucherAmount += d.Applied
		ret.Forfeited += d.Forfeited
	}
	ret.SelfPaid = st.SelfPaid - s.SelfPaid
	if ret.SelfPaid > 0 {
		ret.Method = sale.Method
	}
	if ret.Total != ret.VoucherAmount+ret.SelfPaid {
		return nil, Errorf(EINTERNAL, "return of %s does not add up: %s ≠ %s + %s", sale.Receipt, ret.Total, ret.VoucherAmount, ret.SelfPaid)
	}
	return ret, nil
}

// ReturnAmounts returns what return r did with voucher value: the face
// value it reinstated (vouchers given back whole) and the value it
// forfeited (vouchers kept spent for less, or released under
// ReturnForfeit). Both are never cash.
func (r *Record) ReturnAmounts() (reinstated, forfeited Money) {
	for _, v := range r.Vouchers {
		if slices.Contains(r.Reinstated, v.ID) {
			reinstated += v.Face
		} else {
			forfeited += v.Forfeited
		}
	}
	return reinstated, forfeited
}

// SameReturn reports whether two return records agree on everything the
// return decides (not on seq, time or who): the server compares the
// terminal's record with its own Resettle.
func SameReturn(a, b *Record) bool {
	if a.Kind != b.Kind || a.Returns != b.Returns || a.SaleOf() != b.SaleOf() || a.Total != b.Total || a.Eligible != b.Eligible ||
		a.VoucherAmount != b.VoucherAmount || a.Forfeited != b.Forfeited || a.SelfPaid != b.SelfPaid || a.Method != b.Method ||
		!slices.Equal(a.Reinstated, b.Reinstated) || len(a.Lines) != len(b.Lines) || len(a.Vouchers) != len(b.Vouchers) {
		return false
	}
	for i := range a.Lines {
		x, y := a.Lines[i], b.Lines[i]
		if x.SKU != y.SKU || x.Qty != y.Qty || x.Price != y.Price || x.Eligible != y.Eligible {
			return false
		}
	}
	for i := range a.Vouchers {
		x, y := a.Vouchers[i], b.Vouchers[i]
		if x.ID != y.ID || x.Applied != y.Applied || x.Forfeited != y.Forfeited || x.Face != y.Face {
			return false
		}
	}
	return true
}

// ReturnItems returns the items a return record took back, to recompute it.
func ReturnItems(r *Record) []ReturnItem {
	var out []ReturnItem
	for _, l := range r.Lines {
		out = append(out, ReturnItem{SKU: l.SKU, Qty: l.Qty})
	}
	return out
}

// Returnable returns, per SKU, how many units of sale are left to take
// back after the returns that st replayed (StateOf): the sale's quantity
// less what earlier returns took. The terminal's return dialog shows it
// ("可退 N"); pos.Resettle refuses more by the same count.
func (st *SaleState) Returnable(sale *Record) map[string]int64 {
	out := make(map[string]int64, len(sale.Lines))
	for i, l := range sale.Lines {
		out[l.SKU] += st.Left[i]
	}
	return out
}

// EReturnElsewhere refuses a return of a sale made at another store: goods
// come back at any terminal of the store that sold them (the central
// server holds the sale for every terminal of that store), never at
// another store's. Params "store" (the store that sold them) and
// "receipt".
const EReturnElsewhere = "return_elsewhere"

// EOtherTerminal says that a sale was made at another terminal of the
// store, so this terminal's ledger does not hold it: only the central
// server can look it up (params "terminal" and "receipt").
const EOtherTerminal = "other_terminal"

// CheckReturnStore refuses a return, at a terminal of store, of sale
// (EReturnElsewhere) when the sale was made at another store.
func CheckReturnStore(sale *Record, store string) error {
	if sale.Store == store {
		return nil
	}
	return Errorf(EReturnElsewhere, "sale %s was made at store %s: goods come back only at the store that sold them", sale.Receipt, sale.Store).
		With("store", sale.Store).With("receipt", sale.Receipt)
}

// ParseReceipt splits a receipt number as printed (T02-000042) into its
// terminal (T02) and ledger seq (42); a number without a terminal part
// gives terminal "". Anything else is ENOTFOUND: no record has it.
func ParseReceipt(no string) (terminal string, seq uint64, err error) {
	i := strings.LastIndexByte(no, '-')
	seq, perr := strconv.ParseUint(no[i+1:], 10, 64)
	if perr != nil || seq == 0 || i == 0 {
		return "", 0, Errorf(ENOTFOUND, "no receipt %q", no).With("receipt", no).Say("no_receipt")
	}
	if i > 0 {
		terminal = no[:i]
	}
	return terminal, seq, nil
}
