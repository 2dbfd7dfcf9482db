package pos

import (
	"strings"
	"time"
)

// Product is one catalogued farm product of a poverty area (or of a unit's
// designated poverty-alleviation point). Only Eligible products may be paid
// for with vouchers.
type Product struct {
	SKU      string `json:"sku"`
	EAN      string `json:"ean"` // EAN-13 (or EAN-8) on the package
	Name     string `json:"name"`
	NameEn   string `json:"name_en,omitempty"`
	Unit     string `json:"unit"` // 袋, 盒, 斤 …
	Price    Money  `json:"price"`
	County   string `json:"county"`  // origin county, for the poverty-alleviation statistics
	Listing  string `json:"listing"` // listing or certification number
	Category string `json:"category"`
	Eligible bool   `json:"eligible"`
	// Origin is which of the notice's three kinds of product this is
	// (empty: OriginPovertyCounty); Village names the poor village of an
	// OriginPoorVillage product; Units are the work units whose designated
	// poverty-alleviation point an OriginDesignated product comes from.
	Origin  OriginKind `json:"origin,omitempty"`
	Village string     `json:"village,omitempty"`
	Units   []uint32   `json:"units,omitempty"`
	// Cert is the product's poverty-alleviation certification (认定). Nil in
	// catalogues made before certifications were recorded (see Certified).
	Cert *Certification `json:"cert,omitempty"`
}

// Catalogue is a versioned list of products. The server signs it like the
// trust list; a campaign names the catalogue version it requires.
type Catalogue struct {
	Version  uint32    `json:"version"`
	IssuedAt time.Time `json:"issued_at"`
	Products []Product `json:"products"`
}

// BySKU returns the product with sku, or nil.
func (c *Catalogue) BySKU(sku string) *Product {
	for i := range c.Products {
		if c.Products[i].SKU == sku {
			return &c.Products[i]
		}
	}
	return nil
}

// ByEAN returns the product with barcode ean, or nil.
func (c *Catalogue) ByEAN(ean string) *Product {
	for i := range c.Products {
		if c.Products[i].EAN == ean {
			return &c.Products[i]
		}
	}
	return nil
}

// Validate checks that SKUs and barcodes are unique and well formed,
// prices are positive, origins are known (a designated-point product names
// its units, no other product does) and certifications are complete.
func (c *Catalogue) Validate() error {
	skus, eans := map[string]bool{}, map[string]bool{}
	for _, p := range c.Products {
		if p.SKU == "" || strings.ContainsAny(p.SKU, ": \t\n") {
			return Errorf(EINVALID, "product %q: invalid SKU", p.SKU)
		}
		if skus[p.SKU] {
			return Errorf(EINVALID, "product %q listed twice", p.SKU)
		}
		skus[p.SKU] = true
		if p.EAN != "" {
			if !ValidEAN(p.EAN) {
				return Errorf(EINVALID, "product %q: invalid barcode %q", p.SKU, p.EAN)
			}
			if eans[p.EAN] {
				return Errorf(EINVALID, "barcode %q listed twice", p.EAN)
			}
			eans[p.EAN] = true
		}
		if p.Price <= 0 {
			return Errorf(EINVALID, "product %q: price must be positive", p.SKU)
		}
		if p.Name == "" {
			return Errorf(EINVALID, "product %q: no name", p.SKU)
		}
		if err := p.validateOrigin(); err != nil {
			return err
		}
	}
	return nil
}

// ValidEAN reports whether s is an EAN-13 or EAN-8 with a correct check digit.
func ValidEAN(s string) bool {
	if (len(s) != 13 && len(s) != 8) || !allDigits(s) {
		return false
	}
	sum := 0
	for i := 0; i < len(s)-1; i++ {
		d := int(s[i] - '0')
		// Weights run 3,1,3,1… from the digit next to the check digit.
		if (len(s)-1-i)%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return (10-sum%10)%10 == int(s[len(s)-1]-'0')
}

// validateOrigin checks the origin kind, its units and the certification.
func (p *Product) validateOrigin() error {
	switch {
	case !p.Origin.Valid():
		return Errorf(EINVALID, "product %q: unknown origin kind %q", p.SKU, p.Origin)
	case p.Origin == OriginDesignated && len(p.Units) == 0:
		return Errorf(EINVALID, "product %q: a designated-point product names its work units", p.SKU)
	case p.Origin != OriginDesignated && len(p.Units) > 0:
		return Errorf(EINVALID, "product %q: only a designated-point product names work units", p.SKU)
	case p.Origin == OriginPoorVillage && p.Village == "":
		return Errorf(EINVALID, "product %q: a poor-village product names its village", p.SKU)
	}
	if p.Cert != nil {
		if err := p.Cert.Validate(); err != nil {
			return WrapError(EINVALID, err, "product %q", p.SKU)
		}
	}
	return nil
}
