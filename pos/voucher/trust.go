package voucher

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"

	"fupinpos/pos"
)

// SignTrust validates tl and returns it as a document signed by the root key.
func SignTrust(tl *pos.TrustList, root ed25519.PrivateKey) ([]byte, error) {
	if err := tl.Validate(); err != nil {
		return nil, fmt.Errorf("sign trust list: %w", err)
	}
	b, err := signDocument(KindTrust, tl, root)
	if err != nil {
		return nil, fmt.Errorf("sign trust list: %w", err)
	}
	return b, nil
}

// OpenTrust verifies a signed trust list with the root public key and
// returns it after tl.Validate. A document that is not JSON or not a trust
// list is pos.EMALFORMED; another signer or a bad signature is
// pos.EBADSIGNATURE. It checks neither the sequence (storage compares it
// with the installed list and refuses a lower one, pos.ETRUSTSTALE) nor the
// expiry (pos.TrustList.CheckFresh, against a trusted clock).
func OpenTrust(data []byte, root ed25519.PublicKey) (*pos.TrustList, error) {
	body, err := openDocument(KindTrust, data, root)
	if err != nil {
		return nil, fmt.Errorf("open trust list: %w", err)
	}
	var tl pos.TrustList
	if err := json.Unmarshal(body, &tl); err != nil {
		return nil, fmt.Errorf("open trust list: %w", pos.WrapError(pos.EMALFORMED, err, "signed body is not a trust list"))
	}
	if err := tl.Validate(); err != nil {
		return nil, fmt.Errorf("open trust list: %w", err)
	}
	return &tl, nil
}

// SignCatalogue validates c and returns it as a document signed by the root key.
func SignCatalogue(c *pos.Catalogue, root ed25519.PrivateKey) ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("sign catalogue: %w", err)
	}
	b, err := signDocument(KindCatalogue, c, root)
	if err != nil {
		return nil, fmt.Errorf("sign catalogue: %w", err)
	}
	return b, nil
}

// OpenCatalogue verifies a signed catalogue with the root public key and
// returns it after c.Validate, with the same error codes as OpenTrust. The
// caller compares its version with the installed one and the campaigns'.
func OpenCatalogue(data []byte, root ed25519.PublicKey) (*pos.Catalogue, error) {
	body, err := openDocument(KindCatalogue, data, root)
	if err != nil {
		return nil, fmt.Errorf("open catalogue: %w", err)
	}
	var c pos.Catalogue
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, fmt.Errorf("open catalogue: %w", pos.WrapError(pos.EMALFORMED, err, "signed body is not a catalogue"))
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("open catalogue: %w", err)
	}
	return &c, nil
}
