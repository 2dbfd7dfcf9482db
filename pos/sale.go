package pos

// PayMethod is how the customer paid the self-paid remainder. The terminal
// only records it; there is no payment integration.
type PayMethod string

const (
	PayNone   PayMethod = ""       // nothing left to pay
	PayCash   PayMethod = "cash"   // 现金
	PayWeChat PayMethod = "wechat" // 微信
	PayAlipay PayMethod = "alipay" // 支付宝
	PayCard   PayMethod = "card"   // 银行卡
)

// Valid reports whether m is a known method.
func (m PayMethod) Valid() bool {
	switch m {
	case PayNone, PayCash, PayWeChat, PayAlipay, PayCard:
		return true
	}
	return false
}

// Line is one basket line: a catalogued product, its price when sold and
// the quantity (in the product's unit).
type Line struct {
	SKU      string `json:"sku"`
	Name     string `json:"name"`
	Unit     string `json:"unit"`
	County   string `json:"county"`
	Price    Money  `json:"price"`
	Qty      int64  `json:"qty"`
	Eligible bool   `json:"eligible"`
}

// Amount returns price × quantity.
func (l Line) Amount() Money { return l.Price * Money(l.Qty) }

// NewLine returns a basket line for qty units of p.
func NewLine(p *Product, qty int64) Line {
	return Line{SKU: p.SKU, Name: p.Name, Unit: p.Unit, County: p.County, Price: p.Price, Qty: qty, Eligible: p.Eligible}
}

// AppliedVoucher is one voucher used in a sale: its face value, the part
// that paid for eligible goods, and the part forfeited under the campaign's
// no-change rule. Face = Applied + Forfeited, always.
type AppliedVoucher struct {
	ID        VoucherID `json:"id"`
	Campaign  uint16    `json:"campaign"`
	KeyID     KeyID     `json:"key"`
	Holder    HolderRef `json:"holder"`
	Unit      uint32    `json:"unit"`
	Face      Money     `json:"face"`
	Applied   Money     `json:"applied"`
	Forfeited Money     `json:"forfeited"`
	Code      string    `json:"code"` // the signed code, so the server can re-verify it
}

// Settlement is how a basket is paid: vouchers first, on eligible lines only,
// then the customer's own money for the rest. No part of a voucher is ever
// paid out.
type Settlement struct {
	Total         Money            `json:"total"`
	Eligible      Money            `json:"eligible"`
	VoucherAmount Money            `json:"voucher_amount"`
	Forfeited     Money            `json:"forfeited"`
	SelfPaid      Money            `json:"self_paid"`
	Vouchers      []AppliedVoucher `json:"vouchers"`
}

// ValidateLines checks quantities and prices of a basket.
func ValidateLines(lines []Line) error {
	for _, l := range lines {
		if l.Qty <= 0 || l.Qty > 9999 {
			return Errorf(EINVALID, "line %s: quantity %d out of range", l.SKU, l.Qty)
		}
		if l.Price <= 0 {
			return Errorf(EINVALID, "line %s: price must be positive", l.SKU)
		}
	}
	return nil
}

// Settle applies the vouchers, in order, to the eligible part of the basket.
// A voucher worth more than what is left is refused or consumed whole with
// the excess forfeited, as its campaign says; a voucher that would pay
// nothing at all is always refused. Vouchers need at least one eligible
// line. The same voucher twice is refused.
func Settle(lines []Line, vouchers []*Voucher, trust *TrustList) (Settlement, error) {
	var s Settlement
	if err := ValidateLines(lines); err != nil {
		return s, err
	}
	for _, l := range lines {
		s.Total += l.Amount()
		if l.Eligible {
			s.Eligible += l.Amount()
		}
	}
	if len(vouchers) > 0 && s.Eligible == 0 {
		return s, Errorf(ENOELIGIBLE, "the basket has no eligible lines")
	}
	left := s.Eligible
	seen := map[VoucherID]bool{}
	for _, v := range vouchers {
		if seen[v.ID()] {
			return s, Errorf(EDUPLICATEINSALE, "voucher %s is already in this sale", v.ID()).With("voucher", v.ID().String())
		}
		seen[v.ID()] = true
		c := trust.Campaign(v.Campaign)
		if c == nil {
			return s, Errorf(ECAMPAIGNCLOSED, "campaign %d is not in the trust list", v.Campaign).With("campaign", itoa(int64(v.Campaign)))
		}
		a := AppliedVoucher{ID: v.ID(), Campaign: v.Campaign, KeyID: v.KeyID, Holder: v.Holder, Unit: v.Unit, Face: v.Value}
		switch {
		case left == 0:
			return s, Errorf(ECHANGEREFUSED, "voucher %s: nothing eligible left to pay", v.ID()).
				With("face", v.Value.String()).With("left", left.String())
		case v.Value <= left:
			a.Applied = v.Value
		case c.Excess == ExcessForfeit:
			a.Applied, a.Forfeited = left, v.Value-left
		default:
			return s, Errorf(ECHANGEREFUSED, "voucher %s worth %s exceeds the %s eligible left", v.ID(), v.Value, left).
				With("face", v.Value.String()).With("left", left.String())
		}
		left -= a.Applied
		s.VoucherAmount += a.Applied
		s.Forfeited += a.Forfeited
		s.Vouchers = append(s.Vouchers, a)
	}
	s.SelfPaid = s.Total - s.VoucherAmount
	return s, nil
}

// CheckCap returns ECAPEXCEEDED when, for any member and campaign, what the
// terminal already knows was redeemed plus this sale's face values passes the
// campaign's per-person cap. known returns the redeemed face total.
func CheckCap(vouchers []*Voucher, trust *TrustList, known func(HolderRef, uint16) Money) error {
	type hk struct {
		h HolderRef
		c uint16
	}
	sum := map[hk]Money{}
	for _, v := range vouchers {
		k := hk{v.Holder, v.Campaign}
		if _, ok := sum[k]; !ok {
			sum[k] = known(v.Holder, v.Campaign)
		}
		sum[k] += v.Value
		c := trust.Campaign(v.Campaign)
		if c != nil && sum[k] > c.Cap {
			return Errorf(ECAPEXCEEDED, "member %s would redeem %s, over the %s cap", v.Holder, sum[k], c.Cap).
				With("total", sum[k].String()).With("cap", c.Cap.String())
		}
	}
	return nil
}
