package voucher

import (
	"crypto/hmac"
	"crypto/sha256"

	"fupinpos/pos"
)

// HolderOf returns the pseudonymous holder reference of member: the first 8
// bytes of HMAC-SHA256 keyed with the issuer's secret. A QR code anyone can
// read thus never holds a name or ID-card number, yet the server and the
// terminals can add up one member's redemptions against the per-person cap.
// The member id is used exactly as given: the caller normalises it (e.g. an
// upper-case X check digit) so that one member always gets one reference.
func HolderOf(secret []byte, member string) pos.HolderRef {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(member))
	var h pos.HolderRef
	copy(h[:], m.Sum(nil))
	return h
}
