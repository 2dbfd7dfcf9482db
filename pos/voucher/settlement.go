package voucher

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"fupinpos/pos"
)

// KindSettlement is the kind of a signed settlement manifest.
const KindSettlement = "fupinpos/settlement"

// HashFile returns the manifest entry of the file at path, under its base name.
func HashFile(path string) (pos.ManifestFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return pos.ManifestFile{}, pos.WrapError(pos.ENOTFOUND, err, "open %s", filepath.Base(path))
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return pos.ManifestFile{}, pos.WrapError(pos.EINTERNAL, err, "read %s", filepath.Base(path))
	}
	return pos.ManifestFile{Name: filepath.Base(path), Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// SignSettlement validates m and returns it as a document signed by the root
// key: the contents of the MANIFEST file.
func SignSettlement(m *pos.SettlementManifest, root ed25519.PrivateKey) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("sign settlement: %w", err)
	}
	b, err := signDocument(KindSettlement, m, root)
	if err != nil {
		return nil, fmt.Errorf("sign settlement: %w", err)
	}
	return append(b, '\n'), nil
}

// VerifySettlement checks the settlement in dir offline: its MANIFEST is
// signed by root, and every file it lists is in dir with that size and
// SHA-256, and dir holds no other regular file. It returns the manifest;
// the first difference is a pos.EBADSIGNATURE error (a bad signature,
// or a file changed, missing or added, named in the error's "file").
func VerifySettlement(dir string, root ed25519.PublicKey) (*pos.SettlementManifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, pos.ManifestName))
	if err != nil {
		return nil, pos.WrapError(pos.ENOTFOUND, err, "settlement: no %s in %s", pos.ManifestName, dir)
	}
	body, err := openDocument(KindSettlement, data, root)
	if err != nil {
		return nil, fmt.Errorf("settlement: %w", err)
	}
	var m pos.SettlementManifest
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, pos.WrapError(pos.EMALFORMED, err, "settlement: signed body is not a manifest")
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("settlement: %w", err)
	}
	listed := map[string]bool{}
	for _, f := range m.Files {
		listed[f.Name] = true
		got, err := HashFile(filepath.Join(dir, f.Name))
		if err != nil {
			return &m, pos.Errorf(pos.EBADSIGNATURE, "settlement: %s is missing", f.Name).With("file", f.Name)
		}
		if got.Size != f.Size || got.SHA256 != f.SHA256 {
			return &m, pos.Errorf(pos.EBADSIGNATURE, "settlement: %s was changed", f.Name).With("file", f.Name)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return &m, pos.WrapError(pos.EINTERNAL, err, "settlement: read %s", dir)
	}
	var extra []string
	for _, e := range entries {
		if e.Type().IsRegular() && e.Name() != pos.ManifestName && !listed[e.Name()] {
			extra = append(extra, e.Name())
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return &m, pos.Errorf(pos.EBADSIGNATURE, "settlement: %s is not in the manifest", extra[0]).With("file", extra[0])
	}
	return &m, nil
}
