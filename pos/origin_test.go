package pos

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"
)

// TestValidCreditCode: the GB 32100-2015 check character, on codes of real
// enterprises (published on their licences) and the standard's example,
// and on the ways a code is mistyped.
func TestValidCreditCode(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"91350100M000100Y43", true}, // the example of GB 32100-2015
		{"914403001922038216", true}, // 华为技术有限公司
		{"91330100716105852F", true}, // 阿里巴巴（中国）有限公司
		{"9144030071526726XG", true}, // 深圳市腾讯计算机系统有限公司
		{"91110108551385082Q", true}, // 小米科技有限责任公司
		{"91341524MA2N0QK65E", true}, // a 金寨县 enterprise (division 341524)
		{"11100000000013127D", true}, // an agency (category 11)
		{"914403001922038217", false},
		{"91330100716105852G", false},  // wrong check character
		{"91330100761105852F", false},  // two digits swapped
		{"91350100M000100Y4", false},   // 17 characters
		{"91350100M000100Y430", false}, // 19 characters
		{"91350100m000100y43", false},  // lower case
		{"9135010OM000100Y43", false},  // O is not in the alphabet (in the division code too)
		{"91350100M00010OY4I", false},  // I, O not in the alphabet
		{"91350100M000100Y4Z", false},  // Z is not a check character
		{"91A50100M000100Y43", false},  // positions 3–8 are digits
		{"", false},
		{"９１３５０１００Ｍ０００１００Ｙ４３", false}, // full-width
	}
	for _, tt := range tests {
		if got := ValidCreditCode(tt.code); got != tt.want {
			t.Errorf("ValidCreditCode(%q) = %v, want %v (check char %q)", tt.code, got, tt.want, CreditCheckChar(tt.code[:min(17, len(tt.code))]))
		}
	}
	// Every single-character change of a valid code is caught.
	code := "91330100716105852F"
	for i := 0; i < 18; i++ {
		for _, c := range []byte(creditCharset) {
			if c == code[i] {
				continue
			}
			b := []byte(code)
			b[i] = c
			if ValidCreditCode(string(b)) {
				t.Errorf("%s (position %d changed) passes", b, i+1)
			}
		}
	}
}

func certUntil(day string) *Certification {
	return &Certification{Number: "皖扶贫认〔2020〕0117", County: "砀山县", Supplier: "砀山县梨业有限公司", CreditCode: "91341321MA2N0QK67Y", ValidUntil: day}
}

// TestCertified: a certification is valid through the whole CST day it
// names and not a second longer, whatever the zone of the sale time; an
// entry without certification data (an older catalogue) keeps its listed
// eligibility; an ineligible product is never certified.
func TestCertified(t *testing.T) {
	tests := []struct {
		name   string
		p      Product
		t      time.Time
		want   bool
		reason string
	}{
		{"valid the day before", Product{Eligible: true, Cert: certUntil("2020-09-30")}, at("2020-09-29 12:00:00"), true, ""},
		{"valid on the last day's last second", Product{Eligible: true, Cert: certUntil("2020-09-30")}, at("2020-09-30 23:59:59").Add(999 * time.Millisecond), true, ""},
		{"expired at the next CST midnight", Product{Eligible: true, Cert: certUntil("2020-09-30")}, at("2020-10-01 00:00:00"), false, ReasonCertExpired},
		{"expired: UTC afternoon is the next CST day", Product{Eligible: true, Cert: certUntil("2020-09-30")}, time.Date(2020, 9, 30, 16, 0, 0, 0, time.UTC), false, ReasonCertExpired},
		{"valid: UTC morning of the same CST day", Product{Eligible: true, Cert: certUntil("2020-09-30")}, time.Date(2020, 9, 30, 15, 59, 59, 0, time.UTC), true, ""},
		{"no number", Product{Eligible: true, Cert: &Certification{ValidUntil: "2099-12-31"}}, at("2020-09-01 00:00:00"), false, ReasonCertExpired},
		{"legacy entry, no certification data", Product{Eligible: true, Listing: "皖扶贫认〔2020〕0117"}, at("2030-01-01 00:00:00"), true, ""},
		{"not eligible", Product{Cert: certUntil("2099-12-31")}, at("2020-09-01 00:00:00"), false, ReasonNotEligible},
		{"legacy bag", Product{}, at("2020-09-01 00:00:00"), false, ReasonNotEligible},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Certified(tt.t); got != tt.want {
				t.Errorf("Certified = %v, want %v", got, tt.want)
			}
			if got := tt.p.SelfPayReason(tt.t); got != tt.reason {
				t.Errorf("SelfPayReason = %q, want %q", got, tt.reason)
			}
			tt.p.SKU, tt.p.Price = "X", 100
			l := NewLineAt(&tt.p, 1, tt.t)
			if l.Eligible != tt.want || l.SelfPayReason() != tt.reason {
				t.Errorf("NewLineAt: eligible %v reason %q, want %v %q", l.Eligible, l.SelfPayReason(), tt.want, tt.reason)
			}
		})
	}
}

// TestSettleOrigins: a designated-point line takes only its own units'
// vouchers unless the campaign says any unit's; vouchers pay restricted
// lines first; the settlement says per line and voucher why not.
func TestSettleOrigins(t *testing.T) {
	county := Line{SKU: "PEAR", Price: 3000, Qty: 1, Eligible: true}
	village := Line{SKU: "RICE", Price: 2000, Qty: 1, Eligible: true, Origin: OriginPoorVillage, Village: "陈集村"}
	own := Line{SKU: "TEA", Price: 4000, Qty: 1, Eligible: true, Origin: OriginDesignated, Units: []uint32{1001}}
	other := Line{SKU: "HONEY", Price: 2500, Qty: 1, Eligible: true, Origin: OriginDesignated, Units: []uint32{1002, 1003}}
	expired := Line{SKU: "OLD", Price: 1000, Qty: 1, SelfPay: ReasonCertExpired}
	bag := Line{SKU: "BAG", Price: 200, Qty: 1}
	v := func(serial uint32, unit uint32, value Money) *Voucher {
		x := testVoucher()
		x.Serial, x.Unit, x.Value = serial, unit, value
		return x
	}
	type want struct {
		code                   string
		voucher, forf, selfPay Money
		unpayable              []Unpayable
	}
	id := func(serial uint32) VoucherID { return NewVoucherID(2020, serial) }
	tests := []struct {
		name   string
		policy DesignatedPolicy
		lines  []Line
		vs     []*Voucher
		want   want
	}{
		{"own unit's voucher pays its point", "", []Line{own}, []*Voucher{v(1, 1001, 4000)}, want{"", 4000, 0, 0, nil}},
		{"other unit's voucher refused", "", []Line{own}, []*Voucher{v(1, 1002, 4000)},
			want{code: ENOTPAYABLE}},
		{"other unit's voucher pays only the rest", "", []Line{own, county}, []*Voucher{v(1, 1002, 5000)},
			want{"", 3000, 2000, 4000, []Unpayable{{Line: 0, Voucher: id(1), Reason: ReasonOtherUnit}}}},
		{"any-unit campaign", DesignatedAnyUnit, []Line{own, county}, []*Voucher{v(1, 1002, 5000)}, want{"", 5000, 0, 2000, nil}},
		{"explicit own-units policy", DesignatedOwnUnits, []Line{own}, []*Voucher{v(1, 1002, 4000)}, want{code: ENOTPAYABLE}},
		{"point of several units", "", []Line{other}, []*Voucher{v(1, 1003, 2500)}, want{"", 2500, 0, 0, nil}},
		{"poor village takes any voucher", "", []Line{village}, []*Voucher{v(1, 1005, 2000)}, want{"", 2000, 0, 0, nil}},
		// The 1001 voucher pays its own point first, so the 1002 voucher
		// still finds the county line: in basket order it would not.
		{"restricted lines first", "", []Line{county, own}, []*Voucher{v(1, 1001, 3000), v(2, 1002, 3000)},
			want{"", 6000, 0, 1000, []Unpayable{{Line: 1, Voucher: id(2), Reason: ReasonOtherUnit}}}},
		{"fewer units first", "", []Line{other, own}, []*Voucher{v(1, 1001, 4000), v(2, 1003, 2500)}, want{"", 6500, 0, 0, []Unpayable{
			{Line: 0, Voucher: id(1), Reason: ReasonOtherUnit}, {Line: 1, Voucher: id(2), Reason: ReasonOtherUnit}}}},
		{"excess over what this voucher may pay is forfeited", "", []Line{own, other}, []*Voucher{v(1, 1001, 5000)},
			want{"", 4000, 1000, 2500, []Unpayable{{Line: 1, Voucher: id(1), Reason: ReasonOtherUnit}}}},
		{"self-pay-only lines", "", []Line{county, expired, bag}, []*Voucher{v(1, 1001, 3000)}, want{"", 3000, 0, 1200, []Unpayable{
			{Line: 1, Reason: ReasonCertExpired}, {Line: 2, Reason: ReasonNotEligible}}}},
		{"only expired goods", "", []Line{expired}, []*Voucher{v(1, 1001, 100)}, want{code: ENOELIGIBLE}},
		{"no vouchers: reasons of self-pay lines only", "", []Line{own, bag}, nil, want{"", 0, 0, 4200, []Unpayable{{Line: 1, Reason: ReasonNotEligible}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			trust := testTrust()
			trust.Campaigns[0].Designated = tt.policy
			s, err := Settle(tt.lines, tt.vs, trust)
			if got := ErrorCode(err); got != tt.want.code {
				t.Fatalf("Settle error %v, want code %q", err, tt.want.code)
			}
			if err != nil {
				return
			}
			if s.VoucherAmount != tt.want.voucher || s.Forfeited != tt.want.forf || s.SelfPaid != tt.want.selfPay {
				t.Errorf("voucher %s forfeited %s self-paid %s, want %s %s %s", s.VoucherAmount, s.Forfeited, s.SelfPaid, tt.want.voucher, tt.want.forf, tt.want.selfPay)
			}
			if !slices.Equal(s.Unpayable, tt.want.unpayable) {
				t.Errorf("unpayable %+v, want %+v", s.Unpayable, tt.want.unpayable)
			}
			if s.SelfPaid+s.VoucherAmount != s.Total || s.VoucherAmount > s.Eligible {
				t.Errorf("settlement pays out: %+v", s)
			}
		})
	}
}

// TestNotPayableError names the voucher's unit for the cashier.
func TestNotPayableError(t *testing.T) {
	x := testVoucher()
	x.Unit = 1001
	_, err := Settle([]Line{{SKU: "TEA", Price: 4000, Qty: 1, Eligible: true, Origin: OriginDesignated, Units: []uint32{1002}}}, []*Voucher{x}, testTrust())
	if ErrorCode(err) != ENOTPAYABLE || ErrorParams(err)["unit"] != "合肥市总工会机关" || ErrorParams(err)["left"] != "￥40.00" {
		t.Fatalf("err %v params %v", err, ErrorParams(err))
	}
}

// TestValidateOrigin: the catalogue's origin and certification rules.
func TestValidateOrigin(t *testing.T) {
	ok := Product{SKU: "A", Name: "a", Price: 100, Eligible: true}
	tests := []struct {
		name string
		edit func(p *Product)
		ok   bool
	}{
		{"legacy entry", func(p *Product) {}, true},
		{"poor village with village", func(p *Product) { p.Origin, p.Village = OriginPoorVillage, "陈集村" }, true},
		{"poor village without village", func(p *Product) { p.Origin = OriginPoorVillage }, false},
		{"designated with units", func(p *Product) { p.Origin, p.Units = OriginDesignated, []uint32{1001} }, true},
		{"designated without units", func(p *Product) { p.Origin = OriginDesignated }, false},
		{"units on a county product", func(p *Product) { p.Units = []uint32{1001} }, false},
		{"unknown origin", func(p *Product) { p.Origin = "abroad" }, false},
		{"complete certification", func(p *Product) { p.Cert = certUntil("2021-12-31") }, true},
		{"bad credit code", func(p *Product) { p.Cert = certUntil("2021-12-31"); p.Cert.CreditCode = "91341321MA2N0QK67X" }, false},
		{"bad valid-until", func(p *Product) { p.Cert = certUntil("2021-13-01") }, false},
		{"no certificate number", func(p *Product) { p.Cert = certUntil("2021-12-31"); p.Cert.Number = " " }, false},
		{"no supplier", func(p *Product) { p.Cert = certUntil("2021-12-31"); p.Cert.Supplier = "" }, false},
	}
	for _, tt := range tests {
		p := ok
		tt.edit(&p)
		c := Catalogue{Products: []Product{p}}
		if err := c.Validate(); (err == nil) != tt.ok {
			t.Errorf("%s: Validate = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
	camp := testTrust()
	camp.Campaigns[0].Designated = "some_units"
	if err := camp.Validate(); ErrorCode(err) != EINVALID {
		t.Errorf("unknown designated policy: %v", err)
	}
}

// TestOldDataCompatible: a catalogue, a campaign and a ledger line written
// before origins and certifications existed decode to the defaults
// (poverty county, certified as listed, own units only) and encode back to
// the very same bytes, so signed documents and chained records keep their
// hashes; a new terminal's encoding of an old entry adds no field.
func TestOldDataCompatible(t *testing.T) {
	oldProduct := `{"sku":"DS-PEAR-5","ean":"6937777001005","name":"砀山酥梨 5斤装","unit":"箱","price":3990,"county":"砀山县","listing":"皖扶贫认〔2020〕0117","category":"水果","eligible":true}`
	var p Product
	if err := json.Unmarshal([]byte(oldProduct), &p); err != nil {
		t.Fatal(err)
	}
	if p.Origin.Or() != OriginPovertyCounty || !p.Certified(at("2020-10-31 23:59:59")) || !p.Certified(at("2035-01-01 00:00:00")) {
		t.Errorf("old entry: origin %q certified %v", p.Origin.Or(), p.Certified(at("2020-10-31 23:59:59")))
	}
	if b, _ := json.Marshal(p); string(b) != oldProduct {
		t.Errorf("old entry re-encodes as\n%s\nwant\n%s", b, oldProduct)
	}
	oldLine := `{"sku":"DS-PEAR-5","name":"砀山酥梨 5斤装","unit":"箱","county":"砀山县","price":3990,"qty":2,"eligible":true}`
	if b, _ := json.Marshal(NewLineAt(&p, 2, at("2020-09-01 10:00:00"))); string(b) != oldLine {
		t.Errorf("line of an old entry encodes as\n%s\nwant\n%s", b, oldLine)
	}
	var l Line
	if err := json.Unmarshal([]byte(oldLine), &l); err != nil || l.PayableBy(1001, nil) != "" {
		t.Errorf("old line: %v payable %q", err, l.PayableBy(1001, nil))
	}
	bag := `{"sku":"BAG","name":"袋","unit":"个","county":"","price":200,"qty":1,"eligible":false}`
	if err := json.Unmarshal([]byte(bag), &l); err != nil || l.SelfPayReason() != ReasonNotEligible {
		t.Errorf("old ineligible line: %v reason %q", err, l.SelfPayReason())
	}
	var c Campaign
	if err := json.Unmarshal([]byte(`{"id":2020,"cap":30000,"excess":"forfeit"}`), &c); err != nil {
		t.Fatal(err)
	}
	tea := Line{Eligible: true, Origin: OriginDesignated, Units: []uint32{1001}}
	if tea.PayableBy(1002, &c) != ReasonOtherUnit || tea.PayableBy(1001, &c) != "" {
		t.Errorf("an old campaign does not default to own units only")
	}
	if b, _ := json.Marshal(c); bytes.Contains(b, []byte("designated")) {
		t.Errorf("old campaign re-encodes with a new field: %s", b)
	}
}

// TestLineNotes: why none of a sale's vouchers paid a line, for the receipt.
func TestLineNotes(t *testing.T) {
	trust := testTrust()
	lines := []Line{
		{SKU: "PEAR", Eligible: true},
		{SKU: "TEA", Eligible: true, Origin: OriginDesignated, Units: []uint32{1001}},
		{SKU: "HONEY", Eligible: true, Origin: OriginDesignated, Units: []uint32{1002}},
		{SKU: "OLD", SelfPay: ReasonCertExpired},
		{SKU: "BAG"},
	}
	vs := []AppliedVoucher{{Campaign: 2020, Unit: 1001}, {Campaign: 2020, Unit: 1005}}
	want := []string{"", "", ReasonOtherUnit, ReasonCertExpired, ReasonNotEligible}
	if got := LineNotes(lines, vs, trust); !slices.Equal(got, want) {
		t.Errorf("LineNotes = %q, want %q", got, want)
	}
	if got := LineNotes(lines[:3], nil, trust); got != nil {
		t.Errorf("no vouchers, no notes: %q", got)
	}
	trust.Campaigns[0].Designated = DesignatedAnyUnit
	if got := LineNotes(lines[:3], vs, trust); got != nil {
		t.Errorf("any-unit campaign: %q", got)
	}
	rc := &Receipt{Lines: lines, LineNotes: LineNotes(lines, vs, testTrust())}
	rc.Lines[0].Price, rc.Lines[0].Qty = 1000, 1
	rc.Lines[3].Price, rc.Lines[3].Qty = 300, 2
	if c, o := rc.Split(); c != 1000 || o != 600 {
		t.Errorf("Split = %s, %s", c, o)
	}
}
