package voucher

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
)

func FuzzDecode(f *testing.F) {
	valid := mustEncode(f, testVoucher(), keyA)
	extreme := testVoucher()
	extreme.Serial, extreme.Value, extreme.Flags = math.MaxUint32, math.MaxUint32, 0xff
	extreme.NotBefore, extreme.NotAfter = time.Unix(0, 0), time.Unix(math.MaxUint32, 0)
	for _, s := range []string{
		valid,
		mustEncode(f, extreme, keyX),
		" " + valid + "\r\n",
		"9902" + valid[4:],
		valid[:266],
		valid + "0",
		"9901" + strings.Repeat("9", 263),
		"",
		"9912345678905",
		"１２３",
		valid[:100] + "\x00" + valid[100:],
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Decode(s)
		if err != nil {
			if v != nil {
				t.Fatalf("voucher with error %v", err)
			}
			if c := pos.ErrorCode(err); c != pos.EMALFORMED && c != pos.EUPDATE {
				t.Fatalf("code %q", c)
			}
			return
		}
		raw, err := decodeText(s)
		if err != nil {
			t.Fatalf("Decode accepted what decodeText refuses: %v", err)
		}
		if got := encodeText(raw[:]); got != trimASCIISpace(s) {
			t.Fatalf("not canonical:\n%q\nre-encodes as\n%q", s, got)
		}
		body, err := marshalBody(v)
		if err != nil || !bytes.Equal(body[:], raw[:BodySize]) {
			t.Fatalf("decoded voucher does not re-marshal to its body: %v", err)
		}
		if !Looks(s) {
			t.Fatalf("Looks refuses a decodable code")
		}
	})
}

func FuzzOpenTrust(f *testing.F) {
	good := mustSignTrust(f, testTrust())
	other, _ := SignTrust(testTrust(), otherRt)
	cat := mustSignCatalogue(f, testCatalogue())
	for _, b := range [][]byte{
		good, other, cat,
		bytes.Replace(good, []byte(`"seq":7`), []byte(`"seq":8`), 1),
		[]byte(`{"kind":"fupinpos/trust-list","body":{},"key":"00000000","sig":""}`),
		[]byte("null"), []byte("{}"), nil,
	} {
		f.Add(b)
	}
	root := pub(rootKey)
	f.Fuzz(func(t *testing.T, data []byte) {
		tl, err := OpenTrust(data, root)
		if err != nil {
			if tl != nil {
				t.Fatalf("list with error %v", err)
			}
			return
		}
		var doc struct {
			Kind string          `json:"kind"`
			Body json.RawMessage `json:"body"`
			Sig  []byte          `json:"sig"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("accepted a document that does not parse: %v", err)
		}
		if doc.Kind != KindTrust || !ed25519.Verify(root, []byte(doc.Kind+"\n"+string(doc.Body)), doc.Sig) {
			t.Fatalf("accepted a document without a valid root signature: %q", data)
		}
		if err := tl.Validate(); err != nil {
			t.Fatalf("accepted an invalid list: %v", err)
		}
	})
}
