package voucher

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"

	"fupinpos/pos"
)

// Bundle is the provisioning file that `voucherd trust --out FILE` writes:
// the signed trust list and, optionally, the signed catalogue, so that a
// technician can set up a terminal from a USB stick before sync works. Both
// stay signed documents; the bundle itself needs no signature.
type Bundle struct {
	Trust     json.RawMessage `json:"trust"`
	Catalogue json.RawMessage `json:"catalogue,omitempty"`
}

// MakeBundle puts a signed trust list and an optional signed catalogue (nil
// for none) into one file. It refuses documents of the wrong kind, and
// documents whose body would change when embedded (not compact JSON), since
// their signatures would no longer verify.
func MakeBundle(trust, catalogue []byte) ([]byte, error) {
	docs := []struct {
		kind string
		data []byte
	}{{KindTrust, trust}, {KindCatalogue, catalogue}}
	bodies := make([]json.RawMessage, len(docs))
	for i, d := range docs {
		if d.data == nil && d.kind == KindCatalogue {
			continue
		}
		var doc Document
		if err := json.Unmarshal(d.data, &doc); err != nil {
			return nil, fmt.Errorf("make bundle: %w", pos.WrapError(pos.EMALFORMED, err, "%s is not a signed document", d.kind))
		}
		if doc.Kind != d.kind {
			return nil, fmt.Errorf("make bundle: %w", pos.Errorf(pos.EMALFORMED, "document is a %q, want %q", doc.Kind, d.kind))
		}
		bodies[i] = doc.Body
	}
	out, err := json.Marshal(Bundle{Trust: trust, Catalogue: catalogue})
	if err != nil {
		return nil, fmt.Errorf("make bundle: %w", pos.WrapError(pos.EINTERNAL, err, "encode bundle"))
	}
	var back struct{ Trust, Catalogue Document }
	if err := json.Unmarshal(out, &back); err != nil {
		return nil, fmt.Errorf("make bundle: %w", pos.WrapError(pos.EINTERNAL, err, "re-read bundle"))
	}
	if !bytes.Equal(back.Trust.Body, bodies[0]) || !bytes.Equal(back.Catalogue.Body, bodies[1]) {
		return nil, fmt.Errorf("make bundle: %w", pos.Errorf(pos.EINVALID, "a document body is not compact JSON; sign it again"))
	}
	return out, nil
}

// OpenBundle verifies both documents of a provisioning bundle with the root
// public key. The catalogue is nil when the bundle has none. Like OpenTrust
// it checks neither sequence nor expiry.
func OpenBundle(data []byte, root ed25519.PublicKey) (*pos.TrustList, *pos.Catalogue, error) {
	var b Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, nil, fmt.Errorf("open bundle: %w", pos.WrapError(pos.EMALFORMED, err, "not a provisioning bundle"))
	}
	if len(b.Trust) == 0 || string(b.Trust) == "null" {
		return nil, nil, fmt.Errorf("open bundle: %w", pos.Errorf(pos.EMALFORMED, "bundle has no trust list"))
	}
	tl, err := OpenTrust(b.Trust, root)
	if err != nil {
		return nil, nil, fmt.Errorf("open bundle: %w", err)
	}
	if len(b.Catalogue) == 0 || string(b.Catalogue) == "null" {
		return tl, nil, nil
	}
	c, err := OpenCatalogue(b.Catalogue, root)
	if err != nil {
		return nil, nil, fmt.Errorf("open bundle: %w", err)
	}
	return tl, c, nil
}
