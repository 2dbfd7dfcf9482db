package pos

import "slices"

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
	SKU    string `json:"sku"`
	Name   string `json:"name"`
	Unit   string `json:"unit"`
	County string `json:"county"`
	Price  Money  `json:"price"`
	Qty    int64  `json:"qty"`
	// Eligible says a voucher may pay for the line: the product is in the
	// voucher scope and certified on the sale day (Product.Certified).
	// Reports count eligible lines as certified sales, the others as
	// non-certified; SelfPay says why a line is not eligible.
	Eligible bool `json:"eligible"`
	// SelfPay is the reason code of a line that is not eligible when the
	// reason is other than the product being outside the voucher scope
	// (ReasonCertExpired); see SelfPayReason.
	SelfPay string `json:"self_pay,omitempty"`
	// Origin, Village and Units are the product's (Product.Origin …): a
	// designated-point line is payable only as the campaign's
	// DesignatedPolicy says (PayableBy). Cert is the certificate number
	// the line was sold under, when the catalogue recorded one.
	Origin  OriginKind `json:"origin,omitempty"`
	Village string     `json:"village,omitempty"`
	Units   []uint32   `json:"units,omitempty"`
	Cert    string     `json:"cert,omitempty"`
}

// SelfPayReason returns why no voucher may pay for l (SelfPay, or
// ReasonNotEligible for a product outside the voucher scope), or "" for an
// eligible line.
func (l Line) SelfPayReason() string {
	switch {
	case l.Eligible:
		return ""
	case l.SelfPay != "":
		return l.SelfPay
	}
	return ReasonNotEligible
}

// Amount returns price × quantity.
func (l Line) Amount() Money { return l.Price * Money(l.Qty) }

// NewLine returns a basket line for qty units of p, eligible as the
// catalogue lists p, without judging the certification's dates: a sale and
// its preview use NewLineAt with the terminal's trusted now.
func NewLine(p *Product, qty int64) Line {
	l := Line{SKU: p.SKU, Name: p.Name, Unit: p.Unit, County: p.County, Price: p.Price, Qty: qty, Eligible: p.Eligible,
		Origin: p.Origin, Village: p.Village, Units: p.Units}
	if p.Cert != nil {
		l.Cert = p.Cert.Number
	}
	return l
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
// paid out. Unpayable says, per line, why a voucher could not pay for it.
type Settlement struct {
	Total         Money            `json:"total"`
	Eligible      Money            `json:"eligible"`
	VoucherAmount Money            `json:"voucher_amount"`
	Forfeited     Money            `json:"forfeited"`
	SelfPaid      Money            `json:"self_paid"`
	Vouchers      []AppliedVoucher `json:"vouchers"`
	Unpayable     []Unpayable      `json:"unpayable,omitempty"`
}

// Unpayable says that basket line Line (an index) is not payable by
// voucher Voucher, or by any voucher when Voucher is 0, and why: a reason
// code (ReasonNotEligible, ReasonCertExpired, ReasonOtherUnit), translated
// as "reason.<code>".
type Unpayable struct {
	Line    int       `json:"line"`
	Voucher VoucherID `json:"voucher,omitempty"`
	Reason  string    `json:"reason"`
}

// Reasons returns the reason codes that apply to line i, each once, in
// the order found: what the basket shows next to the line.
func (s *Settlement) Reasons(i int) []string {
	var out []string
	for _, u := range s.Unpayable {
		if u.Line == i && !slices.Contains(out, u.Reason) {
			out = append(out, u.Reason)
		}
	}
	return out
}

// ValidateLines checks quantities and prices of a basket.
func ValidateLines(lines []Line) error {
	for _, l := range lines {
		if l.Qty <= 0 || l.Qty > 9999 {
			return Errorf(EINVALID, "line %s: quantity %d out of range", l.SKU, l.Qty).Say("quantity", "sku", l.SKU, "qty", itoa(l.Qty))
		}
		if l.Price <= 0 {
			return Errorf(EINVALID, "line %s: price must be positive", l.SKU)
		}
	}
	return nil
}

// Settle applies the vouchers, in order, to the eligible part of the basket.
// Each voucher pays only for the lines it may pay for (Line.PayableBy: a
// designated-point product takes only its own units' vouchers unless the
// campaign says any unit's); it pays the lines of designated points first,
// those of fewer units before those of more, then the others in basket
// order, so a restricted line is not left to a voucher that may not pay it.
// A voucher worth more than what it may still pay is refused or consumed
// whole with the excess forfeited, as its campaign says; a voucher that
// would pay nothing at all is always refused (ENOTPAYABLE when lines are
// left that only other units' vouchers may pay). Vouchers need at least one
// eligible line. The same voucher twice is refused. Unpayable lists every
// line that is not eligible, and every eligible line a voucher may not pay.
func Settle(lines []Line, vouchers []*Voucher, trust *TrustList) (Settlement, error) {
	var s Settlement
	if err := ValidateLines(lines); err != nil {
		return s, err
	}
	rest := make([]Money, len(lines)) // what is left to pay on each eligible line
	var order []int                   // eligible lines in the order vouchers pay them
	for i, l := range lines {
		s.Total += l.Amount()
		if l.Eligible {
			s.Eligible += l.Amount()
			rest[i] = l.Amount()
			order = append(order, i)
		} else {
			s.Unpayable = append(s.Unpayable, Unpayable{Line: i, Reason: l.SelfPayReason()})
		}
	}
	if len(vouchers) > 0 && s.Eligible == 0 {
		return s, Errorf(ENOELIGIBLE, "the basket has no eligible lines")
	}
	slices.SortStableFunc(order, func(a, b int) int { return payRank(&lines[a]) - payRank(&lines[b]) })
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
		var avail Money // what this voucher may still pay
		for i := range lines {
			if !lines[i].Eligible {
				continue
			}
			if r := lines[i].PayableBy(v.Unit, c); r != "" {
				s.Unpayable = append(s.Unpayable, Unpayable{Line: i, Voucher: v.ID(), Reason: r})
			} else {
				avail += rest[i]
			}
		}
		a := AppliedVoucher{ID: v.ID(), Campaign: v.Campaign, KeyID: v.KeyID, Holder: v.Holder, Unit: v.Unit, Face: v.Value}
		switch {
		case left == 0:
			return s, Errorf(ECHANGEREFUSED, "voucher %s: nothing eligible left to pay", v.ID()).
				With("face", v.Value.String()).With("left", left.String())
		case avail == 0:
			return s, Errorf(ENOTPAYABLE, "voucher %s of unit %d: the %s eligible left are designated-point products of other units", v.ID(), v.Unit, left).
				With("unit", trust.UnitName(v.Unit)).With("left", left.String())
		case v.Value <= avail:
			a.Applied = v.Value
		case c.Excess == ExcessForfeit:
			a.Applied, a.Forfeited = avail, v.Value-avail
		default:
			return s, Errorf(ECHANGEREFUSED, "voucher %s worth %s exceeds the %s eligible it may pay", v.ID(), v.Value, avail).
				With("face", v.Value.String()).With("left", avail.String())
		}
		pay := a.Applied
		for _, i := range order {
			if pay == 0 {
				break
			}
			if lines[i].PayableBy(v.Unit, c) == "" {
				x := min(pay, rest[i])
				rest[i] -= x
				pay -= x
			}
		}
		left -= a.Applied
		s.VoucherAmount += a.Applied
		s.Forfeited += a.Forfeited
		s.Vouchers = append(s.Vouchers, a)
	}
	s.SelfPaid = s.Total - s.VoucherAmount
	return s, nil
}

// payRank orders eligible lines for payment: designated-point lines by
// their number of units, then every other line.
func payRank(l *Line) int {
	if l.Origin == OriginDesignated {
		return min(len(l.Units), 1<<20)
	}
	return 1 << 21
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
