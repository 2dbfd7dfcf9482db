package pos

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// KeyID names an issuer key: the first four bytes of SHA-256 of its Ed25519
// public key. It is carried in every voucher so a terminal finds the key.
type KeyID [4]byte

// KeyIDOf returns the KeyID of pub.
func KeyIDOf(pub ed25519.PublicKey) KeyID {
	sum := sha256.Sum256(pub)
	var id KeyID
	copy(id[:], sum[:4])
	return id
}

// String returns the id as 8 hex digits.
func (id KeyID) String() string { return hex.EncodeToString(id[:]) }

// MarshalText writes the id as hex.
func (id KeyID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText reads 8 hex digits.
func (id *KeyID) UnmarshalText(b []byte) error {
	if len(b) != 8 {
		return Errorf(EINVALID, "key id %q: want 8 hex digits", b)
	}
	_, err := hex.Decode(id[:], b)
	if err != nil {
		return Errorf(EINVALID, "key id %q: want 8 hex digits", b)
	}
	return nil
}

// HolderRef is the pseudonymous member reference in a voucher: 8 bytes of a
// keyed HMAC of the member id. It never contains a name or ID-card number,
// but lets the terminal and server add up one member's redemptions.
type HolderRef [8]byte

// String returns the reference as 16 hex digits.
func (h HolderRef) String() string { return hex.EncodeToString(h[:]) }

// MarshalText writes the reference as hex.
func (h HolderRef) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText reads 16 hex digits.
func (h *HolderRef) UnmarshalText(b []byte) error {
	if len(b) != 16 {
		return Errorf(EINVALID, "holder %q: want 16 hex digits", b)
	}
	if _, err := hex.Decode(h[:], b); err != nil {
		return Errorf(EINVALID, "holder %q: want 16 hex digits", b)
	}
	return nil
}

// VoucherID is the single-use key of a voucher: campaign and serial, both
// signed. Deduplication is always on this id, never on the code's text.
type VoucherID uint64

// NewVoucherID returns the id of serial in campaign.
func NewVoucherID(campaign uint16, serial uint32) VoucherID {
	return VoucherID(uint64(campaign)<<32 | uint64(serial))
}

// Campaign returns the campaign part of the id.
func (id VoucherID) Campaign() uint16 { return uint16(id >> 32) }

// Serial returns the serial part of the id.
func (id VoucherID) Serial() uint32 { return uint32(id) }

// String returns the id as campaign-serial, e.g. 2020-00000042.
func (id VoucherID) String() string { return fmt.Sprintf("%04d-%08d", id.Campaign(), id.Serial()) }

// Masked returns the id with all but the last four digits hidden, for receipts.
func (id VoucherID) Masked() string { return fmt.Sprintf("****-****%04d", id.Serial()%10000) }

// Flags are the voucher's signed option bits.
type Flags uint8

const (
	// FlagNoChange marks a single-use voucher that never gives change.
	FlagNoChange Flags = 1 << iota
	// FlagOnlineOnly marks a voucher that a terminal may accept only online.
	FlagOnlineOnly
	// FlagTest marks a training voucher: valid only on terminals in test mode.
	FlagTest
)

// Voucher is the decoded, signed content of a voucher code. Its fields are
// trusted only after pos/voucher has verified the signature.
type Voucher struct {
	Version   uint8
	KeyID     KeyID
	Campaign  uint16
	Serial    uint32
	Holder    HolderRef
	Unit      uint32 // issuing work unit, for settlement with its fund
	Value     Money  // face value in fen
	NotBefore time.Time
	NotAfter  time.Time // last valid second, inclusive
	IssuedAt  time.Time
	Scope     uint32 // store group or region; 0 = anywhere in the campaign
	Flags     Flags
}

// ID returns the voucher's single-use id.
func (v *Voucher) ID() VoucherID { return NewVoucherID(v.Campaign, v.Serial) }

// VoucherStatus is what the status cache knows about a voucher from the
// server: two bits per serial.
type VoucherStatus uint8

const (
	StatusValid VoucherStatus = iota
	StatusRevoked
	StatusRedeemedElsewhere
	StatusSuspended
)

// String returns the status name used in files and the API.
func (s VoucherStatus) String() string {
	switch s {
	case StatusValid:
		return "valid"
	case StatusRevoked:
		return "revoked"
	case StatusRedeemedElsewhere:
		return "redeemed_elsewhere"
	case StatusSuspended:
		return "suspended"
	}
	return fmt.Sprintf("status(%d)", s)
}
