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
// signed by root, every file it lists is in dir with that size and
// SHA-256, and dir holds nothing else — no other file, no folder, nothing
// in a subfolder. It returns the manifest; the first difference is an
// error whose Key words it for the settlement (not as a forged voucher):
// settle_no_manifest (pos.ENOTFOUND), settle_manifest (pos.EMALFORMED: the
// MANIFEST is not one), settle_signature, settle_missing, settle_changed
// or settle_extra (pos.EBADSIGNATURE), the file named in "file".
func VerifySettlement(dir string, root ed25519.PublicKey) (*pos.SettlementManifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, pos.ManifestName))
	if err != nil {
		return nil, pos.WrapError(pos.ENOTFOUND, err, "settlement: no %s in %s", pos.ManifestName, dir).
			Say("settle_no_manifest", "file", pos.ManifestName, "dir", dir)
	}
	body, err := openDocument(KindSettlement, data, root)
	if err != nil {
		code := pos.ErrorCode(err)
		key := "settle_signature"
		if code != pos.EBADSIGNATURE {
			code, key = pos.EMALFORMED, "settle_manifest"
		}
		return nil, pos.WrapError(code, err, "settlement").Say(key, "file", pos.ManifestName)
	}
	var m pos.SettlementManifest
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, pos.WrapError(pos.EMALFORMED, err, "settlement: signed body is not a manifest").Say("settle_manifest", "file", pos.ManifestName)
	}
	if err := m.Validate(); err != nil {
		return nil, pos.WrapError(pos.EMALFORMED, err, "settlement").Say("settle_manifest", "file", pos.ManifestName)
	}
	listed := map[string]bool{}
	for _, f := range m.Files {
		listed[f.Name] = true
		got, err := HashFile(filepath.Join(dir, f.Name))
		if err != nil {
			return &m, pos.Errorf(pos.EBADSIGNATURE, "settlement: %s is missing", f.Name).Say("settle_missing", "file", f.Name)
		}
		if got.Size != f.Size || got.SHA256 != f.SHA256 {
			return &m, pos.Errorf(pos.EBADSIGNATURE, "settlement: %s was changed", f.Name).Say("settle_changed", "file", f.Name)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return &m, pos.WrapError(pos.EINTERNAL, err, "settlement: read %s", dir)
	}
	// Anything but the listed regular files and the MANIFEST is extra: a
	// folder (whatever it holds), a link, another file.
	var extra []string
	for _, e := range entries {
		name := e.Name()
		if e.Type().IsRegular() && (name == pos.ManifestName || listed[name]) {
			continue
		}
		if e.IsDir() {
			name += string(filepath.Separator)
		}
		extra = append(extra, name)
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return &m, pos.Errorf(pos.EBADSIGNATURE, "settlement: %s is not in the manifest", extra[0]).Say("settle_extra", "file", extra[0])
	}
	return &m, nil
}
