package voucher

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fupinpos/pos"
)

func TestSettlementManifest(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	_, otherPriv, _ := ed25519.GenerateKey(nil)
	write := func(t *testing.T, signer ed25519.PrivateKey) string {
		dir := t.TempDir()
		m := &pos.SettlementManifest{Day: "2020-10-01", Created: time.Unix(1601510400, 0).UTC(), Payable: 12345}
		for name, body := range map[string]string{"settlement.csv": "\ufeff门店,单位,金额\nHF-001,1001,123.45\n", "settlement.xlsx": "PK\x03\x04..."} {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := HashFile(p)
			if err != nil {
				t.Fatal(err)
			}
			m.Files = append(m.Files, f)
		}
		doc, err := SignSettlement(m, signer)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, pos.ManifestName), doc, 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	tests := []struct {
		name   string
		signer ed25519.PrivateKey
		change func(dir string)
		code   string
		file   string
		key    string
	}{
		{name: "intact", signer: priv},
		{name: "a byte changed", signer: priv, code: pos.EBADSIGNATURE, file: "settlement.csv", key: "settle_changed",
			change: func(dir string) {
				os.WriteFile(filepath.Join(dir, "settlement.csv"), []byte("\ufeff门店,单位,金额\nHF-001,1001,923.45\n"), 0o644)
			}},
		{name: "a file removed", signer: priv, code: pos.EBADSIGNATURE, file: "settlement.xlsx", key: "settle_missing",
			change: func(dir string) { os.Remove(filepath.Join(dir, "settlement.xlsx")) }},
		{name: "a file added", signer: priv, code: pos.EBADSIGNATURE, file: "extra.csv", key: "settle_extra",
			change: func(dir string) { os.WriteFile(filepath.Join(dir, "extra.csv"), []byte("x"), 0o644) }},
		{name: "a file in a subfolder", signer: priv, code: pos.EBADSIGNATURE, file: "sub/", key: "settle_extra",
			change: func(dir string) {
				os.Mkdir(filepath.Join(dir, "sub"), 0o755)
				os.WriteFile(filepath.Join(dir, "sub", "settlement-2020-10-02.csv"), []byte("x"), 0o644)
			}},
		{name: "an empty subfolder", signer: priv, code: pos.EBADSIGNATURE, file: "empty/", key: "settle_extra",
			change: func(dir string) { os.Mkdir(filepath.Join(dir, "empty"), 0o755) }},
		{name: "a link", signer: priv, code: pos.EBADSIGNATURE, file: "link.csv", key: "settle_extra",
			change: func(dir string) { os.Symlink("settlement.csv", filepath.Join(dir, "link.csv")) }},
		{name: "signed by another key", signer: otherPriv, code: pos.EBADSIGNATURE, key: "settle_signature"},
		{name: "manifest not a document", signer: priv, code: pos.EMALFORMED, key: "settle_manifest",
			change: func(dir string) { os.WriteFile(filepath.Join(dir, pos.ManifestName), []byte("hello"), 0o644) }},
		{name: "manifest missing", signer: priv, code: pos.ENOTFOUND, key: "settle_no_manifest",
			change: func(dir string) { os.Remove(filepath.Join(dir, pos.ManifestName)) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := write(t, tc.signer)
			if tc.change != nil {
				tc.change(dir)
			}
			m, err := VerifySettlement(dir, pub)
			if got := pos.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q, want %q (%v)", got, tc.code, err)
			}
			if tc.code == "" && (m.Payable != 12345 || len(m.Files) != 2 || m.Day != "2020-10-01") {
				t.Errorf("manifest %+v", m)
			}
			if got := pos.ErrorKey(err); got != tc.key {
				t.Errorf("key %q, want %q", got, tc.key)
			}
			if tc.file != "" {
				if got := pos.ErrorParams(err)["file"]; got != tc.file {
					t.Errorf("names %q, want %q", got, tc.file)
				}
			}
		})
	}
}

func TestSettlementManifestValidate(t *testing.T) {
	ok := pos.ManifestFile{Name: "a.csv", SHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}
	for _, bad := range []pos.ManifestFile{
		{Name: "../a.csv", SHA256: ok.SHA256}, {Name: ".hidden", SHA256: ok.SHA256}, {Name: "MANIFEST", SHA256: ok.SHA256},
		{Name: `c:\a.csv`, SHA256: ok.SHA256}, {Name: "a.csv", SHA256: "xyz"},
	} {
		m := &pos.SettlementManifest{Day: "2020-10-01", Files: []pos.ManifestFile{bad}}
		if err := m.Validate(); pos.ErrorCode(err) != pos.EMALFORMED {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	dup := &pos.SettlementManifest{Day: "2020-10-01", Files: []pos.ManifestFile{ok, ok}}
	if pos.ErrorCode(dup.Validate()) != pos.EMALFORMED {
		t.Error("duplicate file accepted")
	}
}
