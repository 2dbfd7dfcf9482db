package voucher

import (
	"bytes"
	"crypto/ed25519"
	"testing"
	"time"

	"fupinpos/pos"
)

// testKey returns a deterministic key pair, different for each n.
func testKey(n byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{n}, ed25519.SeedSize))
}

func pub(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

func cst(y int, m time.Month, d, h, min, s int) time.Time {
	return time.Date(y, m, d, h, min, s, 0, pos.CST)
}

var (
	keyA    = testKey(1) // campaign 2020, issuing Jul–Aug 2020
	keyB    = testKey(2) // campaign 2021, issuing 2021
	keyC    = testKey(3) // campaigns 2020 and 2021, issuing 2020–2021
	keyX    = testKey(9) // in no trust list
	rootKey = testKey(100)
	otherRt = testKey(101)
)

func issuer(k ed25519.PrivateKey, from, until time.Time, campaigns ...uint16) pos.IssuerKey {
	return pos.IssuerKey{ID: pos.KeyIDOf(pub(k)), Public: pub(k), Campaigns: campaigns, IssueFrom: from, IssueUntil: until}
}

// testTrust is a trust list with three issuer keys and two campaigns.
func testTrust() *pos.TrustList {
	camp := func(id uint16, y int) pos.Campaign {
		return pos.Campaign{
			ID: id, Name: "抗疫扶贫消费券", NameEn: "Anti-epidemic poverty-alleviation voucher",
			IssueFrom: cst(y, 7, 10, 0, 0, 0), IssueUntil: cst(y, 8, 31, 23, 59, 59),
			RedeemFrom: cst(y, 7, 10, 0, 0, 0), RedeemUntil: cst(y, 10, 31, 23, 59, 59),
			Cap: pos.Yuan(300), CatalogueVersion: 3, Excess: pos.ExcessRefuse,
		}
	}
	return &pos.TrustList{
		Seq:      7,
		IssuedAt: cst(2020, 7, 20, 8, 0, 0),
		Expires:  cst(2020, 7, 27, 8, 0, 0),
		Grace:    pos.Duration(72 * time.Hour),
		Keys: []pos.IssuerKey{
			issuer(keyA, cst(2020, 7, 1, 0, 0, 0), cst(2020, 8, 31, 23, 59, 59), 2020),
			issuer(keyB, cst(2021, 1, 1, 0, 0, 0), cst(2021, 12, 31, 23, 59, 59), 2021),
			issuer(keyC, cst(2020, 1, 1, 0, 0, 0), cst(2021, 12, 31, 23, 59, 59), 2020, 2021),
		},
		Campaigns: []pos.Campaign{camp(2020, 2020), camp(2021, 2021)},
		Units:     []pos.WorkUnit{{ID: 3401001, Name: "合肥市总工会"}},
	}
}

func testCatalogue() *pos.Catalogue {
	return &pos.Catalogue{
		Version:  3,
		IssuedAt: cst(2020, 7, 15, 9, 0, 0),
		Products: []pos.Product{
			{SKU: "AH-001", EAN: "6901234567892", Name: "金寨猕猴桃", Unit: "盒", Price: 4980, County: "金寨县", Listing: "AH2020-0001", Eligible: true},
			{SKU: "AH-002", Name: "岳西翠兰 <250g> & more", Unit: "袋", Price: 12800, County: "岳西县", Eligible: true},
		},
	}
}

// testVoucher is a realistic 2020 voucher signed by keyA.
func testVoucher() *pos.Voucher {
	return &pos.Voucher{
		Campaign:  2020,
		Serial:    42,
		Holder:    HolderOf([]byte("issuer secret"), "340104199001011234"),
		Unit:      3401001,
		Value:     pos.Yuan(300),
		NotBefore: cst(2020, 8, 1, 0, 0, 0),
		NotAfter:  cst(2020, 10, 31, 23, 59, 59),
		IssuedAt:  cst(2020, 7, 20, 10, 30, 0),
		Scope:     0,
		Flags:     pos.FlagNoChange,
	}
}

func mustEncode(t testing.TB, v *pos.Voucher, k ed25519.PrivateKey) string {
	t.Helper()
	s, err := Encode(v, k)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return s
}

// rawOf returns the code bytes of a valid text.
func rawOf(t testing.TB, text string) []byte {
	t.Helper()
	raw, err := decodeText(text)
	if err != nil {
		t.Fatalf("decodeText: %v", err)
	}
	return raw[:]
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := pos.ErrorCode(err); got != code {
		t.Fatalf("error code %q (%v), want %q", got, err, code)
	}
}

// sameVoucher reports the first field that differs, or "".
func sameVoucher(a, b *pos.Voucher) string {
	switch {
	case a.Version != b.Version:
		return "version"
	case a.KeyID != b.KeyID:
		return "key id"
	case a.Campaign != b.Campaign:
		return "campaign"
	case a.Serial != b.Serial:
		return "serial"
	case a.Holder != b.Holder:
		return "holder"
	case a.Unit != b.Unit:
		return "unit"
	case a.Value != b.Value:
		return "value"
	case !a.NotBefore.Equal(b.NotBefore):
		return "not-before"
	case !a.NotAfter.Equal(b.NotAfter):
		return "not-after"
	case !a.IssuedAt.Equal(b.IssuedAt):
		return "issued-at"
	case a.Scope != b.Scope:
		return "scope"
	case a.Flags != b.Flags:
		return "flags"
	}
	return ""
}

// signDoc signs a document body the way signDocument does, independently.
func signDoc(k ed25519.PrivateKey, kind string, body []byte) []byte {
	return ed25519.Sign(k, []byte(kind+"\n"+string(body)))
}
