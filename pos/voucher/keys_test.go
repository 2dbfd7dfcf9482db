package voucher

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"

	"fupinpos/pos"
)

func TestFingerprint(t *testing.T) {
	p := pub(rootKey)
	fp := Fingerprint(p)
	if !regexp.MustCompile(`^[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}$`).MatchString(fp) {
		t.Fatalf("fingerprint %q", fp)
	}
	sum := sha256.Sum256(p)
	if strings.ReplaceAll(fp, " ", "") != hex.EncodeToString(sum[:8]) {
		t.Fatalf("fingerprint %q is not SHA-256 of the key", fp)
	}
	if !strings.HasPrefix(strings.ReplaceAll(fp, " ", ""), pos.KeyIDOf(p).String()) {
		t.Fatalf("fingerprint %q does not start with the key id %s", fp, pos.KeyIDOf(p))
	}
	if Fingerprint(pub(otherRt)) == fp {
		t.Fatalf("two keys, one fingerprint")
	}
}

func TestPublicKeyFile(t *testing.T) {
	p := pub(rootKey)
	file := MarshalPublicKey(p)
	if want := "fupinpos-ed25519-public " + hex.EncodeToString(p) + "\n"; string(file) != want {
		t.Fatalf("file %q, want %q", file, want)
	}
	h := hex.EncodeToString(p)
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"file", string(file), true},
		{"file with CRLF and spaces", "  " + strings.TrimSpace(string(file)) + "\r\n\r\n", true},
		{"bare hex", h, true},
		{"bare hex upper case", strings.ToUpper(h), true},
		{"bare hex with newline", h + "\n", true},
		{"empty", "", false},
		{"short", h[:62], false},
		{"long", h + "00", false},
		{"not hex", strings.Repeat("zz", 32), false},
		{"wrong label", "ssh-ed25519 " + h, false},
		{"private key file", string(MarshalPrivateKey(rootKey)), false},
		{"two keys", h + " " + h, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePublicKey(tt.in)
			if !tt.ok {
				wantCode(t, err, pos.EINVALID)
				return
			}
			if err != nil || !bytes.Equal(got, p) {
				t.Fatalf("ParsePublicKey = %x, %v", got, err)
			}
		})
	}
}

func TestPrivateKeyFile(t *testing.T) {
	file := MarshalPrivateKey(rootKey)
	if !bytes.HasPrefix(file, []byte("fupinpos-ed25519-private ")) || len(file) != len("fupinpos-ed25519-private ")+64+1 {
		t.Fatalf("file %q", file)
	}
	got, err := ParsePrivateKey(file)
	if err != nil || !got.Equal(rootKey) {
		t.Fatalf("ParsePrivateKey: %v", err)
	}
	seed := hex.EncodeToString(rootKey.Seed())
	for name, in := range map[string]string{
		"public key file": string(MarshalPublicKey(pub(rootKey))),
		"bare seed":       seed,
		"short":           "fupinpos-ed25519-private " + seed[:60],
		"not hex":         "fupinpos-ed25519-private " + strings.Repeat("zz", 32),
		"empty":           "",
	} {
		_, err := ParsePrivateKey([]byte(in))
		if pos.ErrorCode(err) != pos.EINVALID {
			t.Errorf("%s: %v, want %s", name, err, pos.EINVALID)
		}
		if err != nil && strings.Contains(err.Error(), seed[:16]) {
			t.Errorf("%s: error quotes the secret: %v", name, err)
		}
	}
	// A key file signs vouchers that verify.
	tl := testTrust()
	if _, err := Verify(mustEncode(t, testVoucher(), mustParsePriv(t, MarshalPrivateKey(keyA))), tl); err != nil {
		t.Fatalf("voucher signed with parsed key: %v", err)
	}
}

func mustParsePriv(t *testing.T, b []byte) ed25519.PrivateKey {
	t.Helper()
	k, err := ParsePrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestHolderOf(t *testing.T) {
	secret := []byte("issuer secret")
	member := "340104199001011234"
	h := HolderOf(secret, member)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(member))
	if want := m.Sum(nil)[:8]; !bytes.Equal(h[:], want) {
		t.Fatalf("holder %x, want %x", h, want)
	}
	if HolderOf(secret, member) != h {
		t.Fatalf("not deterministic")
	}
	if HolderOf(secret, member+"5") == h || HolderOf([]byte("other secret"), member) == h {
		t.Fatalf("different member or secret gives the same reference")
	}
	text := mustEncode(t, testVoucher(), keyA)
	if strings.Contains(text, member) {
		t.Fatalf("the code contains the member id")
	}
}
