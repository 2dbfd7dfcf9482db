// Package postest builds a complete, deterministic deployment for tests:
// root and issuer keys, the demo campaign with windows around a chosen
// instant, the demo catalogue and work units, signed documents and signed
// voucher codes. Tests of pos/bolt, posctl, the sync server and the UI share
// it so that they all exercise the real code format and signatures.
package postest

import (
	"bytes"
	"crypto/ed25519"
	"testing"
	"time"

	"fupinpos/assets"
	"fupinpos/pos"
	"fupinpos/pos/voucher"
)

// Key returns a deterministic Ed25519 key, different for each n.
func Key(n byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{n}, ed25519.SeedSize))
}

// Public returns the public half of k.
func Public(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

// Deployment is a central server's secrets and documents, in memory.
type Deployment struct {
	Root      ed25519.PrivateKey
	Issuer    ed25519.PrivateKey
	Secret    []byte // HMAC key for holder references
	Trust     *pos.TrustList
	Catalogue *pos.Catalogue
	Now       time.Time // the instant the windows are built around

	serial uint32
}

// CampaignID is the campaign of every deployment.
const CampaignID = 2020

// NewDeployment returns the demo deployment with campaign 2020 issuing from
// ten days before now and redeemable from ten days before to thirty days
// after now, cap ¥300, excess forfeited, and a trust list valid a week.
func NewDeployment(tb testing.TB, now time.Time) *Deployment {
	tb.Helper()
	now = now.In(pos.CST).Round(0)
	camp, err := assets.DemoCampaign()
	if err != nil {
		tb.Fatal(err)
	}
	cat, err := assets.DemoCatalogue()
	if err != nil {
		tb.Fatal(err)
	}
	units, err := assets.DemoUnits()
	if err != nil {
		tb.Fatal(err)
	}
	day := 24 * time.Hour
	camp.IssueFrom, camp.IssueUntil = now.Add(-10*day), now.Add(20*day)
	camp.RedeemFrom, camp.RedeemUntil = now.Add(-10*day), now.Add(30*day)
	cat.IssuedAt = now.Add(-11 * day)
	d := &Deployment{Root: Key(100), Issuer: Key(1), Secret: []byte("postest holder secret"), Catalogue: cat, Now: now}
	d.Trust = &pos.TrustList{
		Seq: 1, IssuedAt: now.Add(-time.Hour), Expires: now.Add(7 * day), Grace: pos.Duration(3 * day),
		Keys: []pos.IssuerKey{{
			ID: pos.KeyIDOf(Public(d.Issuer)), Public: Public(d.Issuer), Campaigns: []uint16{CampaignID},
			IssueFrom: camp.IssueFrom, IssueUntil: camp.IssueUntil,
		}},
		Campaigns: []pos.Campaign{*camp},
		Units:     units,
	}
	return d
}

// Campaign returns the deployment's campaign, for tests to change its rules
// before signing the trust list.
func (d *Deployment) Campaign() *pos.Campaign { return d.Trust.Campaign(CampaignID) }

// RootPublic returns the root public key terminals are provisioned with.
func (d *Deployment) RootPublic() ed25519.PublicKey { return Public(d.Root) }

// TrustDoc returns the trust list signed by the root key.
func (d *Deployment) TrustDoc(tb testing.TB) []byte {
	tb.Helper()
	b, err := voucher.SignTrust(d.Trust, d.Root)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// CatalogueDoc returns the catalogue signed by the root key.
func (d *Deployment) CatalogueDoc(tb testing.TB) []byte {
	tb.Helper()
	b, err := voucher.SignCatalogue(d.Catalogue, d.Root)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Bundle returns the provisioning bundle (trust list and catalogue).
func (d *Deployment) Bundle(tb testing.TB) []byte {
	tb.Helper()
	b, err := voucher.MakeBundle(d.TrustDoc(tb), d.CatalogueDoc(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Voucher returns an unsigned voucher for member with the next serial,
// valid through the campaign's redemption window, issued at Now-1h by unit 1001.
func (d *Deployment) Voucher(member string, value pos.Money) *pos.Voucher {
	d.serial++
	c := d.Campaign()
	return &pos.Voucher{
		Version: voucher.Version, KeyID: pos.KeyIDOf(Public(d.Issuer)), Campaign: CampaignID, Serial: d.serial,
		Holder: voucher.HolderOf(d.Secret, member), Unit: 1001, Value: value,
		NotBefore: c.RedeemFrom, NotAfter: c.RedeemUntil, IssuedAt: d.Now.Add(-time.Hour),
		Flags: pos.FlagNoChange,
	}
}

// Sign returns the code of v signed by the issuer key.
func (d *Deployment) Sign(tb testing.TB, v *pos.Voucher) string {
	tb.Helper()
	s, err := voucher.Encode(v, d.Issuer)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// Code returns a signed code for a new voucher of value for member.
func (d *Deployment) Code(tb testing.TB, member string, value pos.Money) string {
	tb.Helper()
	return d.Sign(tb, d.Voucher(member, value))
}
