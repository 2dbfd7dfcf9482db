package client

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"fupinpos/pos"
	"fupinpos/pos/voucher"
	"fupinpos/sync/wire"
)

// Confirm asks the technician whether the server's root key fingerprint is
// the one on the deployment sheet; enrollment stops unless it returns true.
type Confirm func(fingerprint string) bool

// Enroll registers the terminal in db with the server at server (one base
// URL, or several instances of one deployment separated by commas, tried
// in turn; the list is stored as the terminal's Server) using a
// one-time code from `voucherd terminal add`: it sends the terminal's own
// public key, checks that the answer's root key matches its fingerprint and
// the bundle verifies with it, lets the technician confirm the fingerprint,
// and provisions db (store and terminal id from the server, root key,
// trust list, catalogue, server URL). base may carry other settings (store
// name, counter, devices) to keep.
func Enroll(ctx context.Context, db Provisioner, server, code string, base pos.TerminalConfig, confirm Confirm, opts Options) (*wire.EnrollResponse, error) {
	if opts.Transport == nil && base.ServerCA != "" {
		var err error
		if opts.Transport, err = PinnedTransport(base.ServerCA); err != nil {
			return nil, err
		}
	}
	setDefaults(&opts)
	if err := db.CheckEnroll(); err != nil {
		return nil, err
	}
	pub, err := db.PublicKey()
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	body, _ := json.Marshal(wire.EnrollRequest{Code: code, Public: pub, Hostname: host, Software: "fupinpos"})
	list, err := pos.ParseServers(server)
	if err != nil {
		return nil, err
	}
	server = strings.Join(list, ",")
	f, err := newFailover(server, opts.Transport, nil)
	if err != nil {
		return nil, err
	}
	req, err := f.request(ctx, wire.PathEnroll, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := newHTTP(opts, f).Do(req)
	if err != nil {
		return nil, offline(err, wire.PathEnroll)
	}
	defer resp.Body.Close()
	var er wire.EnrollResponse
	if err := decode(resp, wire.PathEnroll, &er); err != nil {
		return nil, refused(err)
	}
	root := ed25519.PublicKey(er.RootPublic)
	if len(root) != ed25519.PublicKeySize || voucher.Fingerprint(root) != er.RootFingerprint {
		return nil, pos.Errorf(pos.ESERVERREFUSED, "the server's root key does not match the fingerprint it sent").With("reason", "root key")
	}
	if confirm != nil && !confirm(er.RootFingerprint) {
		return nil, pos.Errorf(pos.ESERVERREFUSED, "the technician did not confirm root key %s", er.RootFingerprint).With("reason", "not confirmed")
	}
	if _, _, err := voucher.OpenBundle(er.Bundle, root); err != nil {
		return nil, fmt.Errorf("enroll: the server's bundle: %w", err)
	}
	cfg := base
	cfg.Store, cfg.Terminal, cfg.Server = er.Store, er.Terminal, server
	if cfg.StoreName == "" {
		cfg.StoreName = er.Name
	}
	if _, err := db.Provision(cfg, root, "enroll"); err != nil {
		return nil, err
	}
	if _, _, err := db.InstallBundle(er.Bundle, "enroll"); err != nil {
		return nil, err
	}
	if _, err := db.RecordSync(er.ServerTime); err != nil {
		return nil, err
	}
	return &er, nil
}

// refused turns a server's error answer into ESERVERREFUSED with its code.
func refused(err error) error {
	if code := pos.ErrorCode(err); code != pos.EINTERNAL {
		return err
	}
	var we *wire.Error
	if errors.As(err, &we) {
		return pos.WrapError(pos.ESERVERREFUSED, err, "the server refused").With("reason", we.Code)
	}
	return err
}
