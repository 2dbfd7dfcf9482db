package pos

import (
	"slices"
	"strings"
	"time"
)

// OriginKind is which of the notice's three kinds of eligible product a
// catalogue entry is: a product of a poverty county, of a poor village in a
// non-poverty area, or of a work unit's designated poverty-alleviation point
// (定点扶贫点).
type OriginKind string

const (
	// OriginPovertyCounty is a farm product of one of the province's
	// poverty counties (贫困县). It is the kind of every entry that does not
	// say otherwise: the catalogues before the kind existed listed only
	// such products, by origin county.
	OriginPovertyCounty OriginKind = "poverty_county"
	// OriginPoorVillage is a product of a poor village in a non-poverty
	// area (非贫困地区贫困村); the entry names the village.
	OriginPoorVillage OriginKind = "poor_village"
	// OriginDesignated is a product of a work unit's designated
	// poverty-alleviation point (定点扶贫点); the entry names the units whose
	// point it is, and the campaign's DesignatedPolicy says which vouchers
	// may pay for it.
	OriginDesignated OriginKind = "designated_point"
)

// Origins lists the kinds in the order reports show them.
var Origins = []OriginKind{OriginPovertyCounty, OriginPoorVillage, OriginDesignated}

// Valid reports whether k is a known kind or empty (OriginPovertyCounty).
func (k OriginKind) Valid() bool {
	return k == "" || slices.Contains(Origins, k)
}

// Or returns k, or OriginPovertyCounty when k is empty.
func (k OriginKind) Or() OriginKind {
	if k == "" {
		return OriginPovertyCounty
	}
	return k
}

// DesignatedPolicy is a campaign setting: which vouchers may pay for a
// product of a designated poverty-alleviation point.
type DesignatedPolicy string

const (
	// DesignatedOwnUnits lets only vouchers issued by the units whose point
	// it is pay for such a product. It is the default (also when empty).
	DesignatedOwnUnits DesignatedPolicy = "own_units"
	// DesignatedAnyUnit lets any voucher of the campaign pay for it.
	DesignatedAnyUnit DesignatedPolicy = "any_unit"
)

// Valid reports whether p is a known policy or empty (DesignatedOwnUnits).
func (p DesignatedPolicy) Valid() bool {
	return p == "" || p == DesignatedOwnUnits || p == DesignatedAnyUnit
}

// Certification is a product's poverty-alleviation product certification
// (扶贫产品认定): the certificate, the county that certified it, the
// supplier, and the last CST day it is valid (inclusive).
type Certification struct {
	Number     string `json:"number"`      // 认定证书号
	County     string `json:"county"`      // 认定县: the certifying county
	Supplier   string `json:"supplier"`    // 供应商: the enterprise's name
	CreditCode string `json:"credit_code"` // 统一社会信用代码 of the supplier (GB 32100-2015)
	ValidUntil string `json:"valid_until"` // 认定有效期至: last valid CST day, YYYY-MM-DD
}

// ValidOn reports whether the certification is valid on the CST day of t:
// it has a number and t's day is not after ValidUntil.
func (c *Certification) ValidOn(t time.Time) bool {
	return c != nil && c.Number != "" && c.ValidUntil != "" && DayOf(t) <= c.ValidUntil
}

// Validate checks that the certification is complete and well formed.
func (c *Certification) Validate() error {
	switch {
	case strings.TrimSpace(c.Number) == "":
		return Errorf(EINVALID, "no certificate number")
	case c.Supplier == "":
		return Errorf(EINVALID, "certificate %s: no supplier", c.Number)
	case !ValidCreditCode(c.CreditCode):
		return Errorf(EINVALID, "certificate %s: invalid unified social credit code %q", c.Number, c.CreditCode)
	}
	if _, err := ParseDay(c.ValidUntil); err != nil {
		return Errorf(EINVALID, "certificate %s: invalid valid-until day %q", c.Number, c.ValidUntil)
	}
	return nil
}

// Why a line is not payable by a voucher: reason codes, translated as
// "reason.<code>" in the translation files, carried by Line.SelfPay and
// Unpayable.Reason. Add codes, never rename one.
const (
	// ReasonNotEligible: the product is not in the voucher scope at all
	// (e.g. a shopping bag).
	ReasonNotEligible = "not_eligible"
	// ReasonCertExpired: the product's certification is not valid on the
	// sale day; it is sold for the customer's own money only.
	ReasonCertExpired = "cert_expired"
	// ReasonOtherUnit: a designated-point product of other work units, and
	// the campaign lets only those units' vouchers pay for it.
	ReasonOtherUnit = "designated_other_unit"
)

// Certified reports whether p counts as certified on the CST day of t.
// An entry with a Certification is certified while it is valid (ValidOn).
// An entry without one comes from a catalogue made before certifications
// were recorded: it keeps the eligibility it was listed with (its Listing
// number was the listing or certification of record), so that upgrading a
// running campaign does not turn its whole catalogue into self-pay goods.
func (p *Product) Certified(t time.Time) bool {
	if !p.Eligible {
		return false
	}
	return p.Cert == nil || p.Cert.ValidOn(t)
}

// SelfPayReason returns why p cannot be paid for with any voucher on the
// CST day of t (ReasonNotEligible, ReasonCertExpired), or "" when it can.
func (p *Product) SelfPayReason(t time.Time) string {
	switch {
	case !p.Eligible:
		return ReasonNotEligible
	case !p.Certified(t):
		return ReasonCertExpired
	}
	return ""
}

// NewLineAt returns a basket line for qty units of p sold at t (the
// terminal's trusted now): Eligible only when p is certified on t's CST day
// (Product.Certified), otherwise SelfPay says why. Sales and their previews
// use it; NewLine leaves the dates out.
func NewLineAt(p *Product, qty int64, t time.Time) Line {
	l := NewLine(p, qty)
	if r := p.SelfPayReason(t); r != "" {
		l.Eligible, l.SelfPay = false, r
	}
	return l
}

// PayableBy returns "" when a voucher of work unit unit in campaign c may
// pay for line l, or the reason code why not (ReasonNotEligible,
// ReasonCertExpired, ReasonOtherUnit). c nil counts as the default policy.
func (l *Line) PayableBy(unit uint32, c *Campaign) string {
	if !l.Eligible {
		return l.SelfPayReason()
	}
	if l.Origin == OriginDesignated && (c == nil || c.Designated != DesignatedAnyUnit) && !slices.Contains(l.Units, unit) {
		return ReasonOtherUnit
	}
	return ""
}

// creditCharset is the alphabet of the unified social credit code (GB
// 32100-2015): digits and capital letters without I, O, S, V and Z. A
// character's value is its index.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are the weights of positions 1–17 (3^(i-1) mod 31).
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCheckChar returns the check character (position 18) of the first
// 17 characters of a unified social credit code, or 0 when body is not 17
// characters of the code's alphabet.
func CreditCheckChar(body string) byte {
	if len(body) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCharset, body[i])
		if v < 0 {
			return 0
		}
		sum += v * creditWeights[i]
	}
	return creditCharset[(31-sum%31)%31]
}

// ValidCreditCode reports whether s is a well-formed unified social credit
// code (统一社会信用代码, GB 32100-2015): 18 characters of the code's
// alphabet, positions 3–8 an administrative division code (digits), and a
// correct check character in position 18. Lower case is refused: the code
// is printed in capitals.
func ValidCreditCode(s string) bool {
	if len(s) != 18 || !allDigits(s[2:8]) {
		return false
	}
	c := CreditCheckChar(s[:17])
	return c != 0 && c == s[17]
}
