package voucher

import (
	"crypto/ed25519"
	"testing"
)

// BenchmarkEd25519VerifyRaw is the baseline: one Ed25519 verification of a
// 44-byte message, without any decoding.
func BenchmarkEd25519VerifyRaw(b *testing.B) {
	msg := make([]byte, BodySize)
	sig := ed25519.Sign(keyA, msg)
	p := pub(keyA)
	for b.Loop() {
		if !ed25519.Verify(p, msg, sig) {
			b.Fatal("does not verify")
		}
	}
}

// BenchmarkVerify decodes and verifies a text code against a trust list of three keys.
func BenchmarkVerify(b *testing.B) {
	text := mustEncode(b, testVoucher(), keyC)
	tl := testTrust()
	for b.Loop() {
		if _, err := Verify(text, tl); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode is the structural part of Verify alone.
func BenchmarkDecode(b *testing.B) {
	text := mustEncode(b, testVoucher(), keyA)
	for b.Loop() {
		if _, err := Decode(text); err != nil {
			b.Fatal(err)
		}
	}
}
