package wire

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"net/http"
	"testing"
	"time"

	"fupinpos/pos"
)

func key(n byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{n}, ed25519.SeedSize))
}

func TestCanonical(t *testing.T) {
	got := string(Canonical("POST", "/v1/upload", 1600000000, []byte("{}"), "T01"))
	want := "fupinpos-request-v1\nPOST\n/v1/upload\n1600000000\n" +
		"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\nT01"
	if got != want {
		t.Errorf("Canonical =\n%q\nwant\n%q", got, want)
	}
}

func TestSignVerify(t *testing.T) {
	now := time.Unix(1600000000, 0)
	body := []byte(`{"entries":[]}`)
	tests := []struct {
		name   string
		change func(r *http.Request, body *[]byte, pub *ed25519.PublicKey, at *time.Time)
		code   string
	}{
		{"good", func(*http.Request, *[]byte, *ed25519.PublicKey, *time.Time) {}, ""},
		{"tampered body", func(_ *http.Request, b *[]byte, _ *ed25519.PublicKey, _ *time.Time) { *b = []byte(`{"entries":null}`) }, AuthBadSignature},
		{"wrong key", func(_ *http.Request, _ *[]byte, p *ed25519.PublicKey, _ *time.Time) {
			*p = key(2).Public().(ed25519.PublicKey)
		}, AuthBadSignature},
		{"other terminal", func(r *http.Request, _ *[]byte, _ *ed25519.PublicKey, _ *time.Time) {
			r.Header.Set(HeaderTerminal, "T02")
		}, AuthBadSignature},
		{"stale", func(_ *http.Request, _ *[]byte, _ *ed25519.PublicKey, at *time.Time) {
			*at = at.Add(MaxSkew + time.Second)
		}, AuthStale},
		{"future", func(_ *http.Request, _ *[]byte, _ *ed25519.PublicKey, at *time.Time) {
			*at = at.Add(-MaxSkew - time.Second)
		}, AuthStale},
		{"within skew", func(_ *http.Request, _ *[]byte, _ *ed25519.PublicKey, at *time.Time) { *at = at.Add(MaxSkew) }, ""},
		{"unsigned", func(r *http.Request, _ *[]byte, _ *ed25519.PublicKey, _ *time.Time) { r.Header.Del(HeaderSignature) }, AuthUnsigned},
		{"garbage signature", func(r *http.Request, _ *[]byte, _ *ed25519.PublicKey, _ *time.Time) {
			r.Header.Set(HeaderSignature, "!!")
		}, AuthUnsigned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest("POST", "https://server.example/v1/upload", nil)
			Sign(r, body, "T01", key(1), now)
			b, pub, at := body, key(1).Public().(ed25519.PublicKey), now
			tt.change(r, &b, &pub, &at)
			s, err := ReadSignature(r.Header)
			if err == nil {
				err = s.Verify(r.Method, CanonicalPath(r.URL), b, pub, at)
			}
			var we *Error
			switch {
			case tt.code == "" && err != nil:
				t.Fatalf("want success, got %v", err)
			case tt.code != "" && (!errors.As(err, &we) || we.Code != tt.code):
				t.Fatalf("got %v, want code %s", err, tt.code)
			}
		})
	}
}

func TestParseVoucherID(t *testing.T) {
	tests := []struct {
		in   string
		want pos.VoucherID
		ok   bool
	}{
		{"2020-00000042", pos.NewVoucherID(2020, 42), true},
		{"8675833937962", pos.VoucherID(8675833937962), true},
		{"2020-x", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseVoucherID(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseVoucherID(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
