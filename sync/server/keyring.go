package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fupinpos/pos"
	"fupinpos/pos/voucher"
)

// Keyring holds the deployment's secrets: the root key that signs trust
// lists and catalogues, the issuer key that signs vouchers, and the HMAC
// secret that turns member ids into holder references. Each lives in its
// own 0600 file in the data directory.
type Keyring struct {
	Root         ed25519.PrivateKey
	Issuer       ed25519.PrivateKey
	HolderSecret []byte
}

// Files in a voucherd data directory.
const (
	RootKeyFile   = "root.key"
	RootPubFile   = "root.pub"
	IssuerKeyFile = "issuer.key"
	HolderKeyFile = "holder.key"
	DatabaseFile  = "voucherd.db"
)

// NewKeyring generates fresh keys in dir and writes them, refusing to
// overwrite an existing root key: losing it orphans every terminal.
func NewKeyring(dir string) (*Keyring, error) {
	if _, err := os.Stat(filepath.Join(dir, RootKeyFile)); err == nil {
		return nil, pos.Errorf(pos.ECONFLICT, "%s already holds a root key; refusing to replace it", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	_, root, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	_, issuer, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	k := &Keyring{Root: root, Issuer: issuer, HolderSecret: secret}
	files := []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{RootKeyFile, voucher.MarshalPrivateKey(root), fileMode},
		{IssuerKeyFile, voucher.MarshalPrivateKey(issuer), fileMode},
		{HolderKeyFile, []byte("fupinpos-holder-secret " + hex.EncodeToString(secret) + "\n"), fileMode},
		{RootPubFile, voucher.MarshalPublicKey(root.Public().(ed25519.PublicKey)), 0o644},
	}
	for _, f := range files {
		if err := writeFileSync(filepath.Join(dir, f.name), f.data, f.mode); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// LoadKeyring reads the keys from dir.
func LoadKeyring(dir string) (*Keyring, error) {
	read := func(name string) ([]byte, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil {
			return b, nil
		}
		e := pos.WrapError(pos.ENOTFOUND, err, "read %s (run voucherd init?)", name)
		if !os.IsNotExist(err) {
			e.Code = pos.ESTORAGE
			return nil, e.Say("read_keys", "dir", dir, "file", name)
		}
		if st, serr := os.Stat(dir); serr != nil || !st.IsDir() {
			return nil, e.Say("no_data_dir", "dir", dir)
		}
		return nil, e.Say("no_keys", "dir", dir, "file", name)
	}
	var k Keyring
	b, err := read(RootKeyFile)
	if err != nil {
		return nil, err
	}
	if k.Root, err = voucher.ParsePrivateKey(b); err != nil {
		return nil, fmt.Errorf("%s: %w", RootKeyFile, err)
	}
	if b, err = read(IssuerKeyFile); err != nil {
		return nil, err
	}
	if k.Issuer, err = voucher.ParsePrivateKey(b); err != nil {
		return nil, fmt.Errorf("%s: %w", IssuerKeyFile, err)
	}
	if b, err = read(HolderKeyFile); err != nil {
		return nil, err
	}
	f := strings.Fields(string(b))
	if len(f) != 2 || f[0] != "fupinpos-holder-secret" {
		return nil, pos.Errorf(pos.EINVALID, "%s: not a holder secret file", HolderKeyFile)
	}
	if k.HolderSecret, err = hex.DecodeString(f[1]); err != nil || len(k.HolderSecret) < 16 {
		return nil, pos.Errorf(pos.EINVALID, "%s: bad holder secret", HolderKeyFile)
	}
	return &k, nil
}

// RootPublic returns the root public key terminals pin at provisioning.
func (k *Keyring) RootPublic() ed25519.PublicKey { return k.Root.Public().(ed25519.PublicKey) }

// IssuerPublic returns the issuer public key listed in the trust list.
func (k *Keyring) IssuerPublic() ed25519.PublicKey { return k.Issuer.Public().(ed25519.PublicKey) }

func writeFileSync(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return f.Close()
}
