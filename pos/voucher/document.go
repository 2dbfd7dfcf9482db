package voucher

import (
	"crypto/ed25519"
	"encoding/json"

	"fupinpos/pos"
)

// Kinds of signed documents. The kind is part of the signed message, so a
// catalogue signed by the root can never be presented as a trust list.
const (
	KindTrust     = "fupinpos/trust-list"
	KindCatalogue = "fupinpos/catalogue"
)

// Document is a JSON body signed by the deployment's root key. Sig is the
// Ed25519 signature of Kind + "\n" + Body, over the Body bytes exactly as
// stored: verifiers never re-encode the body. Write documents with
// json.Marshal as produced; re-indenting the file changes Body and breaks
// the signature.
type Document struct {
	Kind string          `json:"kind"`
	Body json.RawMessage `json:"body"`
	Key  pos.KeyID       `json:"key"` // id of the root key that signed
	Sig  []byte          `json:"sig"`
}

// signedMessage is what a document's signature covers.
func signedMessage(kind string, body []byte) []byte {
	m := make([]byte, 0, len(kind)+1+len(body))
	m = append(m, kind...)
	m = append(m, '\n')
	return append(m, body...)
}

// signDocument encodes v as the body of a document of kind and signs it.
func signDocument(kind string, v any, root ed25519.PrivateKey) ([]byte, error) {
	if len(root) != ed25519.PrivateKeySize {
		return nil, pos.Errorf(pos.EINVALID, "root key has %d bytes, want %d", len(root), ed25519.PrivateKeySize)
	}
	body, err := json.Marshal(v)
	if err != nil {
		return nil, pos.WrapError(pos.EINTERNAL, err, "encode %s", kind)
	}
	doc := Document{
		Kind: kind,
		Body: body,
		Key:  pos.KeyIDOf(root.Public().(ed25519.PublicKey)),
		Sig:  ed25519.Sign(root, signedMessage(kind, body)),
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, pos.WrapError(pos.EINTERNAL, err, "encode %s document", kind)
	}
	return out, nil
}

// openDocument parses a document, checks its kind and verifies its
// signature with root, and returns the body. Malformed JSON and the wrong
// kind are pos.EMALFORMED; another root or a bad signature is
// pos.EBADSIGNATURE; no root at all is pos.ENOTPROVISIONED.
func openDocument(kind string, data []byte, root ed25519.PublicKey) (json.RawMessage, error) {
	if len(root) == 0 {
		return nil, pos.Errorf(pos.ENOTPROVISIONED, "no root key: the terminal is not enrolled")
	}
	if len(root) != ed25519.PublicKeySize {
		return nil, pos.Errorf(pos.EINVALID, "root key has %d bytes, want %d", len(root), ed25519.PublicKeySize)
	}
	var doc Document
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, pos.WrapError(pos.EMALFORMED, err, "not a signed document")
	}
	if doc.Kind != kind {
		return nil, pos.Errorf(pos.EMALFORMED, "document is a %q, want %q", doc.Kind, kind)
	}
	if want := pos.KeyIDOf(root); doc.Key != want {
		return nil, pos.Errorf(pos.EBADSIGNATURE, "%s signed by key %s, not by the root key %s", kind, doc.Key, want).
			With("key", doc.Key.String())
	}
	if !ed25519.Verify(root, signedMessage(kind, doc.Body), doc.Sig) {
		return nil, pos.Errorf(pos.EBADSIGNATURE, "%s signature does not verify with the root key", kind)
	}
	return doc.Body, nil
}
