package voucher

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"fupinpos/pos"
)

// Labels of the key files, so that a public key file is never taken for a
// private one and a stray hex string in the wrong place is noticed.
const (
	publicKeyLabel  = "fupinpos-ed25519-public"
	privateKeyLabel = "fupinpos-ed25519-private"
)

// Fingerprint returns the first 8 bytes of SHA-256 of pub as hex in groups of
// four ("ab12 cd34 ef56 7890"). A technician reads it aloud or compares it
// with the deployment sheet when enrolling a terminal, so the terminal trusts
// the right root key. The first 8 digits are the key's pos.KeyID.
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	h := hex.EncodeToString(sum[:8])
	return h[0:4] + " " + h[4:8] + " " + h[8:12] + " " + h[12:16]
}

// MarshalPublicKey returns the contents of a public key file (root.pub):
// one line, "fupinpos-ed25519-public <64 hex digits>".
func MarshalPublicKey(pub ed25519.PublicKey) []byte {
	return []byte(publicKeyLabel + " " + hex.EncodeToString(pub) + "\n")
}

// ParsePublicKey reads a public key as 64 hex digits or as the contents of a
// public key file (MarshalPublicKey), with any surrounding whitespace, so a
// technician may paste either.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	f := strings.Fields(s)
	switch {
	case len(f) == 2 && f[0] == publicKeyLabel:
		f = f[1:]
	case len(f) >= 1 && f[0] == privateKeyLabel:
		return nil, pos.Errorf(pos.EINVALID, "public key: this is a private key file").Say("public_key_private")
	}
	if len(f) != 1 || len(f[0]) != 2*ed25519.PublicKeySize {
		return nil, pos.Errorf(pos.EINVALID, "public key: want %d hex digits or a %s line", 2*ed25519.PublicKeySize, publicKeyLabel).Say("public_key")
	}
	b, err := hex.DecodeString(f[0])
	if err != nil {
		return nil, pos.WrapError(pos.EINVALID, err, "public key: want %d hex digits", 2*ed25519.PublicKeySize).Say("public_key")
	}
	return ed25519.PublicKey(b), nil
}

// MarshalPrivateKey returns the contents of a private key file: one line,
// "fupinpos-ed25519-private <hex of the 32-byte seed>". The caller writes it
// with mode 0600. priv must be a full Ed25519 private key.
func MarshalPrivateKey(priv ed25519.PrivateKey) []byte {
	return []byte(privateKeyLabel + " " + hex.EncodeToString(priv.Seed()) + "\n")
}

// ParsePrivateKey reads a private key file written by MarshalPrivateKey. It
// accepts only the labelled form, so a public key or a stray hex string is
// never taken for a signing key. Errors never quote the file's contents.
func ParsePrivateKey(b []byte) (ed25519.PrivateKey, error) {
	f := strings.Fields(string(b))
	if len(f) != 2 || f[0] != privateKeyLabel {
		return nil, pos.Errorf(pos.EINVALID, "private key: want a %s line", privateKeyLabel)
	}
	if len(f[1]) != 2*ed25519.SeedSize {
		return nil, pos.Errorf(pos.EINVALID, "private key: want %d hex digits", 2*ed25519.SeedSize)
	}
	seed, err := hex.DecodeString(f[1])
	if err != nil {
		return nil, pos.Errorf(pos.EINVALID, "private key: want %d hex digits", 2*ed25519.SeedSize)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}
