package pos

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Hash is a SHA-256 digest that reads and writes JSON as hex.
type Hash [32]byte

// String returns the hash as 64 hex digits.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// MarshalText writes the hash as hex.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText reads 64 hex digits.
func (h *Hash) UnmarshalText(b []byte) error {
	if len(b) != 64 {
		return Errorf(EINVALID, "hash: want 64 hex digits")
	}
	if _, err := hex.Decode(h[:], b); err != nil {
		return Errorf(EINVALID, "hash: want 64 hex digits")
	}
	return nil
}

// Entry is one link of an append-only, tamper-evident log (the ledger and
// the audit log). Body is the record's JSON exactly as it was signed and
// carries its own seq and the previous entry's hash; Hash is SHA-256 of
// Body; Sig is the terminal's Ed25519 signature of Hash. Verifiers hash the
// stored bytes, never a re-encoding.
type Entry struct {
	Body json.RawMessage `json:"body"`
	Hash Hash            `json:"hash"`
	Sig  []byte          `json:"sig"`
}

// Link is the part of every chained body that the chain itself checks.
type Link struct {
	Seq  uint64 `json:"seq"`
	Prev Hash   `json:"prev"`
}

// Seal encodes body (which must already hold its seq and prev) and signs it.
func Seal(body any, key ed25519.PrivateKey) (Entry, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return Entry{}, WrapError(EINTERNAL, err, "encode log entry")
	}
	h := sha256.Sum256(b)
	return Entry{Body: b, Hash: h, Sig: ed25519.Sign(key, h[:])}, nil
}

// ChainVerifier walks a log entry by entry and reports the first entry that
// is out of sequence, re-hashed, re-signed or unlinked. The zero Prev is the
// start of a chain that begins at seq 1.
type ChainVerifier struct {
	Public ed25519.PublicKey
	Next   uint64 // seq expected next; 0 means 1
	Prev   Hash
}

// Check verifies e as the next entry and advances.
func (v *ChainVerifier) Check(e Entry) error {
	if v.Next == 0 {
		v.Next = 1
	}
	var l Link
	if err := json.Unmarshal(e.Body, &l); err != nil {
		return WrapError(ECONFLICT, err, "entry %d: body is not JSON", v.Next).With("seq", itoa(int64(v.Next)))
	}
	if l.Seq != v.Next {
		return Errorf(ECONFLICT, "entry %d: found seq %d (gap or reorder)", v.Next, l.Seq).With("seq", itoa(int64(v.Next)))
	}
	if l.Prev != v.Prev {
		return Errorf(ECONFLICT, "entry %d: previous hash does not link", l.Seq).With("seq", itoa(int64(l.Seq)))
	}
	h := sha256.Sum256(e.Body)
	if !bytes.Equal(h[:], e.Hash[:]) {
		return Errorf(ECONFLICT, "entry %d: content does not match its hash", l.Seq).With("seq", itoa(int64(l.Seq)))
	}
	if !ed25519.Verify(v.Public, e.Hash[:], e.Sig) {
		return Errorf(ECONFLICT, "entry %d: signature does not verify", l.Seq).With("seq", itoa(int64(l.Seq)))
	}
	v.Prev = e.Hash
	v.Next = l.Seq + 1
	return nil
}
