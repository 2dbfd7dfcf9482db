package bolt

import (
	"crypto/ed25519"
	"encoding/json"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
	"fupinpos/pos/voucher"
)

// Provision makes the file a terminal of a deployment: it records the
// deployment's root public key and the terminal's configuration. The root
// key cannot change afterwards (a terminal moved to another deployment gets
// a new file), nor can the store and terminal ids once there are sales;
// provisioning again otherwise updates the configuration. Returns the terminal's public key, which enrollment sends
// to the server.
func (db *DB) Provision(cfg pos.TerminalConfig, root ed25519.PublicKey, actor string) (ed25519.PublicKey, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(root) != ed25519.PublicKeySize {
		return nil, pos.Errorf(pos.EINVALID, "root key has %d bytes, want %d", len(root), ed25519.PublicKeySize)
	}
	var pub ed25519.PublicKey
	err := db.update("provision", func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if old := meta.Get(keyRootKey); old != nil && !ed25519.PublicKey(old).Equal(root) {
			return pos.Errorf(pos.ECONFLICT, "this terminal belongs to the deployment with root %s; use a new database file",
				voucher.Fingerprint(old)).Say("other_deployment", "fingerprint", voucher.Fingerprint(old))
		}
		if old, err := db.loadConfig(tx); err == nil && (old.Store != cfg.Store || old.Terminal != cfg.Terminal) && readLedgerHead(tx).Seq > 0 {
			return errHasSales(old)
		}
		if err := meta.Put(keyRootKey, root); err != nil {
			return err
		}
		if err := putConfig(tx, &cfg); err != nil {
			return err
		}
		k, err := loadKeys(tx)
		if err != nil {
			return err
		}
		pub = k.pub
		return db.audit(tx, actor, pos.AuditProvision, map[string]string{
			"store": cfg.Store, "terminal": cfg.Terminal, "root": voucher.Fingerprint(root)})
	})
	return pub, err
}

// errHasSales refuses to make a database that holds sales of terminal
// old's into another terminal: its receipts and ledger belong to old.
func errHasSales(old *pos.TerminalConfig) error {
	return pos.Errorf(pos.ECONFLICT, "this database has sales as %s/%s and cannot become another terminal: "+
		"enrol the new terminal with a new database file (posctl enroll --db NEW.db)", old.Store, old.Terminal).
		Say("terminal_renamed", "old", old.Store+"/"+old.Terminal, "terminal", old.Terminal)
}

// CheckEnroll refuses, before any server is asked, an enrollment that
// Provision would refuse for this database whatever the server answers: a
// database that holds sales belongs to its terminal for good (an
// enrollment registers a new terminal). Enroll calls it first, so a
// refused enrollment uses up no one-time code and registers no terminal
// with this database's key.
func (db *DB) CheckEnroll() error {
	return db.view("check enrollment", func(tx *bolt.Tx) error {
		if readLedgerHead(tx).Seq == 0 {
			return nil
		}
		old, err := db.loadConfig(tx)
		if err != nil {
			return nil
		}
		return errHasSales(old)
	})
}

// InstallBundle verifies a provisioning bundle (trust list and catalogue
// signed by the root key) and installs what is newer than the installed
// documents. An older or equal trust list is not an error here: the bundle
// may just repeat what the terminal has.
func (db *DB) InstallBundle(data []byte, actor string) (*pos.TrustList, *pos.Catalogue, error) {
	var b voucher.Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, nil, pos.WrapError(pos.EMALFORMED, err, "read provisioning bundle")
	}
	tl, err := db.InstallTrust(b.Trust, actor)
	if err != nil && pos.ErrorCode(err) != pos.ETRUSTSTALE {
		return nil, nil, err
	}
	if err != nil {
		if tl, err = db.Trust(); err != nil {
			return nil, nil, err
		}
	}
	var cat *pos.Catalogue
	if len(b.Catalogue) > 0 {
		if cat, err = db.InstallCatalogue(b.Catalogue, actor); err != nil {
			return nil, nil, err
		}
	}
	return tl, cat, nil
}

// InstallTrust verifies a signed trust list with the root key and installs
// it. A list whose sequence is not above the installed one is refused with
// pos.ETRUSTSTALE (a replayed old list could bring back a revoked key); an
// expired one with pos.ETRUSTEXPIRED.
func (db *DB) InstallTrust(doc []byte, actor string) (*pos.TrustList, error) {
	var tl *pos.TrustList
	err := db.update("install trust list", func(tx *bolt.Tx) (err error) {
		tl, err = db.installTrust(tx, doc, actor)
		return err
	})
	return tl, err
}

func (db *DB) installTrust(tx *bolt.Tx, doc []byte, actor string) (*pos.TrustList, error) {
	root, err := rootOf(tx, "install trust list")
	if err != nil {
		return nil, err
	}
	tl, err := voucher.OpenTrust(doc, root)
	if err != nil {
		return nil, err
	}
	meta := tx.Bucket(bucketMeta)
	if cur := getU64(meta.Get(keyTrustSeq)); tl.Seq <= cur {
		return nil, pos.Errorf(pos.ETRUSTSTALE, "trust list %d is not newer than the installed %d", tl.Seq, cur).
			With("seq", strconv.FormatUint(tl.Seq, 10)).With("installed", strconv.FormatUint(cur, 10))
	}
	if err := tl.CheckFresh(db.timestamp()); err != nil {
		return nil, err
	}
	if err := tx.Bucket(bucketTrust).Put(u64(tl.Seq), doc); err != nil {
		return nil, err
	}
	if err := meta.Put(keyTrustSeq, u64(tl.Seq)); err != nil {
		return nil, err
	}
	if err := raiseFloor(tx, tl.IssuedAt); err != nil {
		return nil, err
	}
	return tl, db.audit(tx, actor, pos.AuditTrust, map[string]string{"seq": strconv.FormatUint(tl.Seq, 10)})
}

// InstallCatalogue verifies a signed catalogue and installs it when its
// version is newer; an equal version is a no-op, an older one ETRUSTSTALE.
func (db *DB) InstallCatalogue(doc []byte, actor string) (*pos.Catalogue, error) {
	var cat *pos.Catalogue
	err := db.update("install catalogue", func(tx *bolt.Tx) (err error) {
		cat, err = db.installCatalogue(tx, doc, actor)
		return err
	})
	return cat, err
}

func (db *DB) installCatalogue(tx *bolt.Tx, doc []byte, actor string) (*pos.Catalogue, error) {
	root, err := rootOf(tx, "install catalogue")
	if err != nil {
		return nil, err
	}
	cat, err := voucher.OpenCatalogue(doc, root)
	if err != nil {
		return nil, err
	}
	cur, _ := tx.Bucket(bucketCatalogue).Cursor().Last()
	switch {
	case cur != nil && uint32(getU64(cur)) == cat.Version:
		return cat, nil
	case cur != nil && uint32(getU64(cur)) > cat.Version:
		return nil, pos.Errorf(pos.ETRUSTSTALE, "catalogue %d is older than the installed %d", cat.Version, getU64(cur))
	}
	if err := tx.Bucket(bucketCatalogue).Put(u64(uint64(cat.Version)), doc); err != nil {
		return nil, err
	}
	return cat, db.audit(tx, actor, pos.AuditTrust, map[string]string{"catalogue": strconv.FormatUint(uint64(cat.Version), 10)})
}

// Trust returns the installed trust list (shared: read only).
func (db *DB) Trust() (*pos.TrustList, error) {
	var tl *pos.TrustList
	err := db.view("read trust list", func(tx *bolt.Tx) (err error) {
		tl, err = db.loadTrust(tx)
		return err
	})
	return tl, err
}

// Catalogue returns the installed catalogue (shared: read only).
func (db *DB) Catalogue() (*pos.Catalogue, error) {
	var c *pos.Catalogue
	err := db.view("read catalogue", func(tx *bolt.Tx) (err error) {
		c, err = db.loadCatalogue(tx)
		return err
	})
	return c, err
}

// Config returns a copy of the terminal configuration.
func (db *DB) Config() (*pos.TerminalConfig, error) {
	var c pos.TerminalConfig
	err := db.view("read configuration", func(tx *bolt.Tx) error {
		shared, err := db.loadConfig(tx)
		if err != nil {
			return err
		}
		c = *shared
		c.Scopes = append([]uint32(nil), shared.Scopes...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// SetConfig replaces the terminal configuration. The store and terminal
// ids are fixed at provisioning: receipts and the ledger carry them.
func (db *DB) SetConfig(cfg pos.TerminalConfig, actor string) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	return db.update("save configuration", func(tx *bolt.Tx) error {
		old, err := db.loadConfig(tx)
		if err != nil {
			return err
		}
		if old.Store != cfg.Store || old.Terminal != cfg.Terminal {
			return pos.Errorf(pos.EINVALID, "store and terminal ids cannot change after provisioning")
		}
		if err := putConfig(tx, &cfg); err != nil {
			return err
		}
		return db.audit(tx, actor, pos.AuditConfig, configDiff(old, &cfg))
	})
}

// configDiff names the settings that changed, for the audit log.
func configDiff(a, b *pos.TerminalConfig) map[string]string {
	var ma, mb map[string]any
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	_ = json.Unmarshal(ja, &ma)
	_ = json.Unmarshal(jb, &mb)
	d := map[string]string{}
	for k, v := range mb {
		x, _ := json.Marshal(ma[k])
		y, _ := json.Marshal(v)
		if string(x) != string(y) {
			d[k] = string(y)
		}
	}
	return d
}

// PublicKey returns the terminal's public key: the server verifies its
// ledger records and signed requests with it.
func (db *DB) PublicKey() (ed25519.PublicKey, error) {
	k, err := db.readKeys()
	if err != nil {
		return nil, err
	}
	return k.pub, nil
}

// PrivateKey returns the terminal's signing key, for signing sync
// requests. It never leaves the process.
func (db *DB) PrivateKey() (ed25519.PrivateKey, error) {
	k, err := db.readKeys()
	if err != nil {
		return nil, err
	}
	return k.priv, nil
}

// RootKey returns the deployment root key, or ENOTPROVISIONED.
func (db *DB) RootKey() (ed25519.PublicKey, error) {
	var root ed25519.PublicKey
	err := db.view("read keys", func(tx *bolt.Tx) (err error) {
		root, err = rootOf(tx, "read root key")
		return err
	})
	return root, err
}

func (db *DB) readKeys() (*keys, error) {
	var k *keys
	err := db.view("read keys", func(tx *bolt.Tx) (err error) {
		k, err = loadKeys(tx)
		return err
	})
	return k, err
}

// rootOf returns the deployment root key, or ENOTPROVISIONED for what.
func rootOf(tx *bolt.Tx, what string) (ed25519.PublicKey, error) {
	k, err := loadKeys(tx)
	if err != nil {
		return nil, err
	}
	if k.root == nil {
		return nil, pos.Errorf(pos.ENOTPROVISIONED, "%s: the terminal has no root key yet", what)
	}
	return k.root, nil
}

func putConfig(tx *bolt.Tx, cfg *pos.TerminalConfig) error {
	b, err := json.Marshal(cfg)
	if err != nil {
		return pos.WrapError(pos.EINTERNAL, err, "encode configuration")
	}
	return tx.Bucket(bucketConfig).Put(keyConfig, b)
}

// loadKeys reads the key pair and root key, cached once the root is set.
func loadKeys(tx *bolt.Tx) (*keys, error) {
	meta := tx.Bucket(bucketMeta)
	priv := meta.Get(keyTerminalKey)
	if len(priv) != ed25519.PrivateKeySize {
		return nil, pos.Errorf(pos.EINTERNAL, "terminal key is damaged")
	}
	k := &keys{priv: ed25519.PrivateKey(append([]byte(nil), priv...))}
	k.pub = k.priv.Public().(ed25519.PublicKey)
	if r := meta.Get(keyRootKey); r != nil {
		k.root = ed25519.PublicKey(append([]byte(nil), r...))
	}
	return k, nil
}

// keysOf returns the cached keys, loading them on first use after provisioning.
func (db *DB) keysOf(tx *bolt.Tx) (*keys, error) {
	if k := db.keys.Load(); k != nil {
		return k, nil
	}
	k, err := loadKeys(tx)
	if err != nil {
		return nil, err
	}
	if k.root != nil {
		db.keys.Store(k)
	}
	return k, nil
}

func (db *DB) loadConfig(tx *bolt.Tx) (*pos.TerminalConfig, error) {
	raw := tx.Bucket(bucketConfig).Get(keyConfig)
	if raw == nil {
		return nil, pos.Errorf(pos.ENOTPROVISIONED, "the terminal is not provisioned")
	}
	return decodeCached(&db.cfg, raw, func(b []byte) (*pos.TerminalConfig, error) {
		var c pos.TerminalConfig
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, pos.WrapError(pos.EINTERNAL, err, "decode configuration")
		}
		return &c, nil
	})
}

func (db *DB) loadTrust(tx *bolt.Tx) (*pos.TrustList, error) {
	_, raw := tx.Bucket(bucketTrust).Cursor().Last()
	if raw == nil {
		return nil, pos.Errorf(pos.ENOTPROVISIONED, "no trust list installed")
	}
	return decodeCached(&db.trust, raw, func(b []byte) (*pos.TrustList, error) {
		k, err := db.keysOf(tx)
		if err != nil {
			return nil, err
		}
		return voucher.OpenTrust(b, k.root)
	})
}

func (db *DB) loadCatalogue(tx *bolt.Tx) (*pos.Catalogue, error) {
	_, raw := tx.Bucket(bucketCatalogue).Cursor().Last()
	if raw == nil {
		return nil, pos.Errorf(pos.ENOTPROVISIONED, "no catalogue installed")
	}
	return decodeCached(&db.cat, raw, func(b []byte) (*pos.Catalogue, error) {
		k, err := db.keysOf(tx)
		if err != nil {
			return nil, err
		}
		return voucher.OpenCatalogue(b, k.root)
	})
}
