package voucher

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"fupinpos/pos"
)

func mustSignTrust(t testing.TB, tl *pos.TrustList) []byte {
	t.Helper()
	b, err := SignTrust(tl, rootKey)
	if err != nil {
		t.Fatalf("SignTrust: %v", err)
	}
	return b
}

func mustSignCatalogue(t testing.TB, c *pos.Catalogue) []byte {
	t.Helper()
	b, err := SignCatalogue(c, rootKey)
	if err != nil {
		t.Fatalf("SignCatalogue: %v", err)
	}
	return b
}

func TestTrustRoundTrip(t *testing.T) {
	want := testTrust()
	got, err := OpenTrust(mustSignTrust(t, want), pub(rootKey))
	if err != nil {
		t.Fatalf("OpenTrust: %v", err)
	}
	if got.Seq != want.Seq || len(got.Keys) != 3 || len(got.Campaigns) != 2 || got.Units[0] != want.Units[0] {
		t.Fatalf("got %+v", got)
	}
	for i := range want.Keys {
		g, w := got.Keys[i], want.Keys[i]
		if g.ID != w.ID || !bytes.Equal(g.Public, w.Public) || !reflect.DeepEqual(g.Campaigns, w.Campaigns) ||
			!g.IssueFrom.Equal(w.IssueFrom) || !g.IssueUntil.Equal(w.IssueUntil) {
			t.Fatalf("key %d: got %+v, want %+v", i, g, w)
		}
	}
	if !got.Expires.Equal(want.Expires) || got.Grace != want.Grace || got.Campaigns[0].Cap != want.Campaigns[0].Cap {
		t.Fatalf("expiry, grace or cap lost: %+v", got)
	}
	// A voucher verifies against the opened list.
	if _, err := Verify(mustEncode(t, testVoucher(), keyA), got); err != nil {
		t.Fatalf("Verify with opened list: %v", err)
	}
}

func TestCatalogueRoundTrip(t *testing.T) {
	want := testCatalogue()
	data := mustSignCatalogue(t, want)
	got, err := OpenCatalogue(data, pub(rootKey))
	if err != nil {
		t.Fatalf("OpenCatalogue: %v", err)
	}
	if got.Version != want.Version || !reflect.DeepEqual(got.Products, want.Products) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestSignRefusesInvalid(t *testing.T) {
	tl := testTrust()
	tl.Keys[0].ID = pos.KeyID{}
	_, err := SignTrust(tl, rootKey)
	wantCode(t, err, pos.EINVALID)
	c := testCatalogue()
	c.Products[1].SKU = c.Products[0].SKU
	_, err = SignCatalogue(c, rootKey)
	wantCode(t, err, pos.EINVALID)
	_, err = SignTrust(testTrust(), rootKey[:10])
	wantCode(t, err, pos.EINVALID)
}

// resign returns a document whose body is replaced and correctly signed by
// the root, to reach the checks that follow the signature.
func resign(t *testing.T, kind string, body string) []byte {
	t.Helper()
	b, err := json.Marshal(Document{Kind: kind, Body: json.RawMessage(body), Key: pos.KeyIDOf(pub(rootKey)),
		Sig: ed25519Sign(kind, body)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ed25519Sign(kind, body string) []byte {
	return signDoc(rootKey, kind, []byte(body))
}

func TestOpenTrustRefuses(t *testing.T) {
	good := mustSignTrust(t, testTrust())
	var doc Document
	if err := json.Unmarshal(good, &doc); err != nil {
		t.Fatal(err)
	}
	fromOther, err := SignTrust(testTrust(), otherRt)
	if err != nil {
		t.Fatal(err)
	}
	// Signed by the other root but claiming the real root's key id.
	var imposter Document
	if err := json.Unmarshal(fromOther, &imposter); err != nil {
		t.Fatal(err)
	}
	imposter.Key = doc.Key
	tamperedBody := bytes.Replace(good, []byte(`"seq":7`), []byte(`"seq":8`), 1)
	if bytes.Equal(tamperedBody, good) {
		t.Fatal("test did not tamper")
	}
	invalidTrust := testTrust()
	invalidTrust.Campaigns[0].Cap = 0
	invalidBody, _ := json.Marshal(invalidTrust)

	tests := []struct {
		name string
		data []byte
		root []byte
		want string
	}{
		{"valid", good, pub(rootKey), ""},
		{"signed by another root", fromOther, pub(rootKey), pos.EBADSIGNATURE},
		{"opened with another root", good, pub(otherRt), pos.EBADSIGNATURE},
		{"another root claiming our key id", marshal(t, imposter), pub(rootKey), pos.EBADSIGNATURE},
		{"catalogue as trust list", mustSignCatalogue(t, testCatalogue()), pub(rootKey), pos.EMALFORMED},
		{"kind relabelled", marshal(t, Document{Kind: KindTrust, Body: mustDoc(t, mustSignCatalogue(t, testCatalogue())).Body,
			Key: doc.Key, Sig: mustDoc(t, mustSignCatalogue(t, testCatalogue())).Sig}), pub(rootKey), pos.EBADSIGNATURE},
		{"tampered body", tamperedBody, pub(rootKey), pos.EBADSIGNATURE},
		{"re-indented body", indent(t, good), pub(rootKey), pos.EBADSIGNATURE},
		{"signature cut", marshal(t, Document{Kind: doc.Kind, Body: doc.Body, Key: doc.Key, Sig: doc.Sig[:63]}), pub(rootKey), pos.EBADSIGNATURE},
		{"no signature", marshal(t, Document{Kind: doc.Kind, Body: doc.Body, Key: doc.Key}), pub(rootKey), pos.EBADSIGNATURE},
		{"not JSON", []byte("fupinpos"), pub(rootKey), pos.EMALFORMED},
		{"empty", nil, pub(rootKey), pos.EMALFORMED},
		{"JSON array", []byte("[]"), pub(rootKey), pos.EMALFORMED},
		{"bad key id", []byte(`{"kind":"fupinpos/trust-list","body":{},"key":"xyz","sig":""}`), pub(rootKey), pos.EMALFORMED},
		{"signed body not a trust list", resign(t, KindTrust, `[1,2,3]`), pub(rootKey), pos.EMALFORMED},
		{"signed but invalid list", resign(t, KindTrust, string(invalidBody)), pub(rootKey), pos.EINVALID},
		{"no root", good, nil, pos.ENOTPROVISIONED},
		{"short root", good, pub(rootKey)[:31], pos.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl, err := OpenTrust(tt.data, tt.root)
			wantCode(t, err, tt.want)
			if (tl != nil) != (tt.want == "") {
				t.Fatalf("list %v with error %v", tl, err)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "open trust list: ") {
				t.Fatalf("error %q lacks context", err)
			}
		})
	}
}

func TestOpenTrustEveryBodyByte(t *testing.T) {
	good := mustSignTrust(t, testTrust())
	doc := mustDoc(t, good)
	for i := range doc.Body {
		body := bytes.Clone(doc.Body)
		body[i] ^= 0x01
		d := doc
		d.Body = body
		data, err := json.Marshal(d)
		if err != nil {
			continue // no longer JSON: cannot even be presented
		}
		if tl, err := OpenTrust(data, pub(rootKey)); err == nil || tl != nil {
			t.Fatalf("body byte %d flipped: accepted", i)
		} else if c := pos.ErrorCode(err); c != pos.EBADSIGNATURE {
			t.Fatalf("body byte %d flipped: code %q (%v)", i, c, err)
		}
	}
}

func TestOpenCatalogueRefuses(t *testing.T) {
	good := mustSignCatalogue(t, testCatalogue())
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"valid", good, ""},
		{"trust list as catalogue", mustSignTrust(t, testTrust()), pos.EMALFORMED},
		{"tampered price", bytes.Replace(good, []byte(`"price":4980`), []byte(`"price":498`), 1), pos.EBADSIGNATURE},
		{"signed but invalid", resign(t, KindCatalogue, `{"version":1,"products":[{"sku":"A","name":"x","price":-1}]}`), pos.EINVALID},
		{"signed body not a catalogue", resign(t, KindCatalogue, `"catalogue"`), pos.EMALFORMED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := OpenCatalogue(tt.data, pub(rootKey))
			wantCode(t, err, tt.want)
			if (c != nil) != (tt.want == "") {
				t.Fatalf("catalogue %v with error %v", c, err)
			}
		})
	}
	if _, err := OpenCatalogue(good, pub(otherRt)); pos.ErrorCode(err) != pos.EBADSIGNATURE {
		t.Fatalf("other root: %v", err)
	}
}

func TestBundle(t *testing.T) {
	trust, cat := mustSignTrust(t, testTrust()), mustSignCatalogue(t, testCatalogue())
	b, err := MakeBundle(trust, cat)
	if err != nil {
		t.Fatalf("MakeBundle: %v", err)
	}
	tl, c, err := OpenBundle(b, pub(rootKey))
	if err != nil || tl == nil || c == nil {
		t.Fatalf("OpenBundle: %v", err)
	}
	if tl.Seq != 7 || c.Version != 3 || len(c.Products) != 2 {
		t.Fatalf("bundle content: seq %d catalogue %d", tl.Seq, c.Version)
	}

	onlyTrust, err := MakeBundle(trust, nil)
	if err != nil {
		t.Fatalf("MakeBundle without catalogue: %v", err)
	}
	if tl, c, err := OpenBundle(onlyTrust, pub(rootKey)); err != nil || tl == nil || c != nil {
		t.Fatalf("OpenBundle without catalogue: %v %v %v", tl, c, err)
	}

	if _, _, err := OpenBundle(b, pub(otherRt)); pos.ErrorCode(err) != pos.EBADSIGNATURE {
		t.Fatalf("other root: %v", err)
	}
	tamperedCat := bytes.Replace(b, []byte(`4980`), []byte(`4981`), 1)
	if _, _, err := OpenBundle(tamperedCat, pub(rootKey)); pos.ErrorCode(err) != pos.EBADSIGNATURE {
		t.Fatalf("tampered catalogue: %v", err)
	}
	for name, data := range map[string]string{
		"not JSON":  "trust",
		"no trust":  `{"catalogue":null}`,
		"null":      `null`,
		"swapped":   `{"trust":` + string(cat) + `,"catalogue":` + string(trust) + `}`,
		"bad inner": `{"trust":{"kind":"x"}}`,
	} {
		if _, _, err := OpenBundle([]byte(data), pub(rootKey)); pos.ErrorCode(err) != pos.EMALFORMED {
			t.Errorf("%s: %v, want %s", name, err, pos.EMALFORMED)
		}
	}

	if _, err := MakeBundle(cat, trust); pos.ErrorCode(err) != pos.EMALFORMED {
		t.Fatalf("MakeBundle swapped: %v", err)
	}
	if _, err := MakeBundle([]byte("x"), nil); pos.ErrorCode(err) != pos.EMALFORMED {
		t.Fatalf("MakeBundle garbage: %v", err)
	}
	if _, err := MakeBundle(indent(t, trust), nil); pos.ErrorCode(err) != pos.EINVALID {
		t.Fatalf("MakeBundle of an indented document: %v", err)
	}
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustDoc(t *testing.T, data []byte) Document {
	t.Helper()
	var d Document
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func indent(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Indent(&b, data, "", "  "); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
