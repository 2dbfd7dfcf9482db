package voucher

import (
	"crypto/ed25519"
	"encoding/binary"
	"math"
	"strconv"
	"time"

	"fupinpos/pos"
)

// Version is the code format this package writes and reads. A code with
// another version asks for an update (pos.EUPDATE), never says "forged".
const Version = 1

// Layout of format version 1: the body, then the signature over the body.
const (
	BodySize = 44
	SigSize  = ed25519.SignatureSize
	CodeSize = BodySize + SigSize
)

// Offsets of the body fields.
const (
	offVersion   = 0
	offKeyID     = 1
	offCampaign  = 5
	offSerial    = 7
	offHolder    = 11
	offUnit      = 19
	offValue     = 23
	offNotBefore = 27
	offNotAfter  = 31
	offIssuedAt  = 35
	offScope     = 39
	offFlags     = 43
)

// knownFlags are the option bits this terminal understands. A verified
// voucher with any other bit set may carry a restriction this terminal would
// ignore, so Verify asks for an update instead of accepting it.
const knownFlags = pos.FlagNoChange | pos.FlagOnlineOnly | pos.FlagTest

// Encode signs v with the issuer key and returns its text form. It sets
// v.KeyID to the key's id and v.Version to Version. Times are written as
// whole unix seconds (fractions are dropped); a time before 1970 or after
// 2106, a value outside 1..2^32-1 fen or a window that ends before it starts
// is refused with pos.EINVALID, since Decode would never accept it.
func Encode(v *pos.Voucher, key ed25519.PrivateKey) (string, error) {
	if len(key) != ed25519.PrivateKeySize {
		return "", pos.Errorf(pos.EINVALID, "encode voucher: issuer key has %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	v.KeyID = pos.KeyIDOf(key.Public().(ed25519.PublicKey))
	v.Version = Version
	body, err := marshalBody(v)
	if err != nil {
		return "", err
	}
	raw := make([]byte, 0, CodeSize)
	raw = append(raw, body[:]...)
	raw = append(raw, ed25519.Sign(key, body[:])...)
	return encodeText(raw), nil
}

// Decode parses a code's structure without checking its signature. It is
// for tooling (printing what a code says); a terminal deciding whether to
// accept a voucher calls Verify. Errors carry pos.EMALFORMED or pos.EUPDATE.
func Decode(text string) (*pos.Voucher, error) {
	raw, err := decodeText(text)
	if err != nil {
		return nil, err
	}
	return parseBody(raw[:BodySize])
}

// Verify decodes a code and checks it against the trust list: the issuer key
// must be listed (else pos.ESYNC: sync required, not forged), the signature
// must verify (else pos.EBADSIGNATURE), and the key must be allowed to sign
// for the voucher's campaign at its issue time (else pos.EKEYNOTALLOWED).
// It does not check validity times, status or campaign rules: those depend
// on the terminal's clock and cache. Times are returned in pos.CST.
func Verify(text string, tl *pos.TrustList) (*pos.Voucher, error) {
	raw, err := decodeText(text)
	if err != nil {
		return nil, err
	}
	v, err := parseBody(raw[:BodySize])
	if err != nil {
		return nil, err
	}
	if tl == nil {
		return nil, pos.Errorf(pos.ENOTPROVISIONED, "verify voucher: no trust list installed")
	}
	k := tl.Key(v.KeyID)
	if k == nil {
		return nil, pos.Errorf(pos.ESYNC, "voucher signed by key %s, which this terminal does not know yet", v.KeyID).
			With("key", v.KeyID.String())
	}
	if len(k.Public) != ed25519.PublicKeySize {
		return nil, pos.Errorf(pos.EINVALID, "trust list key %s has %d bytes", k.ID, len(k.Public))
	}
	if !ed25519.Verify(k.Public, raw[:BodySize], raw[BodySize:]) {
		return nil, pos.Errorf(pos.EBADSIGNATURE, "voucher signature does not verify with key %s", v.KeyID).
			With("key", v.KeyID.String())
	}
	if !k.Allows(v.Campaign, v.IssuedAt) {
		return nil, pos.Errorf(pos.EKEYNOTALLOWED, "key %s may not sign for campaign %d issued at %s",
			v.KeyID, v.Campaign, v.IssuedAt.Format(time.DateTime)).
			With("key", v.KeyID.String()).With("campaign", strconv.Itoa(int(v.Campaign)))
	}
	if v.Flags&^knownFlags != 0 {
		return nil, pos.Errorf(pos.EUPDATE, "voucher %s has option flags %#02x this terminal does not know", v.ID(), uint8(v.Flags)).
			With("flags", strconv.Itoa(int(v.Flags)))
	}
	return v, nil
}

// marshalBody writes the signed body of v.
func marshalBody(v *pos.Voucher) ([BodySize]byte, error) {
	var b [BodySize]byte
	if v.Value <= 0 || v.Value > math.MaxUint32 {
		return b, pos.Errorf(pos.EINVALID, "encode voucher: value %d fen outside 1..%d", int64(v.Value), uint32(math.MaxUint32))
	}
	if v.NotAfter.Before(v.NotBefore) {
		return b, pos.Errorf(pos.EINVALID, "encode voucher: not-after %s is before not-before %s", v.NotAfter, v.NotBefore)
	}
	times := []struct {
		name string
		t    time.Time
		off  int
	}{
		{"not-before", v.NotBefore, offNotBefore},
		{"not-after", v.NotAfter, offNotAfter},
		{"issued-at", v.IssuedAt, offIssuedAt},
	}
	for _, f := range times {
		s := f.t.Unix()
		if s < 0 || s > math.MaxUint32 {
			return b, pos.Errorf(pos.EINVALID, "encode voucher: %s %s does not fit 32-bit unix seconds", f.name, f.t)
		}
		binary.BigEndian.PutUint32(b[f.off:], uint32(s))
	}
	b[offVersion] = v.Version
	copy(b[offKeyID:], v.KeyID[:])
	binary.BigEndian.PutUint16(b[offCampaign:], v.Campaign)
	binary.BigEndian.PutUint32(b[offSerial:], v.Serial)
	copy(b[offHolder:], v.Holder[:])
	binary.BigEndian.PutUint32(b[offUnit:], v.Unit)
	binary.BigEndian.PutUint32(b[offValue:], uint32(v.Value))
	binary.BigEndian.PutUint32(b[offScope:], v.Scope)
	b[offFlags] = byte(v.Flags)
	return b, nil
}

// parseBody reads a body and applies the structural checks that need no key.
func parseBody(b []byte) (*pos.Voucher, error) {
	if len(b) != BodySize {
		return nil, pos.Errorf(pos.EMALFORMED, "voucher body has %d bytes, want %d", len(b), BodySize)
	}
	if b[offVersion] != Version {
		return nil, pos.Errorf(pos.EMALFORMED, "voucher body version %d does not match its prefix version %d", b[offVersion], Version)
	}
	v := &pos.Voucher{
		Version:   b[offVersion],
		Campaign:  binary.BigEndian.Uint16(b[offCampaign:]),
		Serial:    binary.BigEndian.Uint32(b[offSerial:]),
		Unit:      binary.BigEndian.Uint32(b[offUnit:]),
		Value:     pos.Money(binary.BigEndian.Uint32(b[offValue:])),
		NotBefore: unixCST(b[offNotBefore:]),
		NotAfter:  unixCST(b[offNotAfter:]),
		IssuedAt:  unixCST(b[offIssuedAt:]),
		Scope:     binary.BigEndian.Uint32(b[offScope:]),
		Flags:     pos.Flags(b[offFlags]),
	}
	copy(v.KeyID[:], b[offKeyID:])
	copy(v.Holder[:], b[offHolder:])
	if v.NotAfter.Before(v.NotBefore) {
		return nil, pos.Errorf(pos.EMALFORMED, "voucher window ends before it starts")
	}
	if v.Value == 0 {
		return nil, pos.Errorf(pos.EMALFORMED, "voucher value is zero")
	}
	return v, nil
}

func unixCST(b []byte) time.Time {
	return time.Unix(int64(binary.BigEndian.Uint32(b)), 0).In(pos.CST)
}
