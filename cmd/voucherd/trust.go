package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

func cmdTrust(args []string, stdout io.Writer) error {
	fs := newFlags("trust", stdout)
	dir := fs.String("data", "", "data `DIR` made by voucherd init")
	db := dbFlag(fs)
	out := fs.String("out", "", "bundle `FILE` to write (signed trust list + catalogue)")
	validity := fs.Duration("validity", 7*24*time.Hour, "how long terminals may use the trust list")
	grace := fs.Duration("grace", 72*time.Hour, "grace period after expiry")
	now, nowSet := nowFlag(fs), fs.Lookup("now")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := require(fs, "data", "out"); err != nil {
		return err
	}
	api, closeFn, err := openIssuing(*dir, *db, now, nowSet.Value.String() != "")
	if err != nil {
		return err
	}
	defer closeFn()
	tl, err := api.Trust(wire.TrustRequest{Validity: pos.Duration(*validity), Grace: pos.Duration(*grace)})
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, tl.Bundle, 0o644); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	say(stdout, "voucherd.trust.done", "seq", tl.Seq, "keys", tl.Keys, "campaigns", tl.Campaigns,
		"expires", tl.Expires.In(pos.CST).Format(time.DateTime), "grace", *grace, "file", *out)
	return nil
}

// issuingAPI is what issue and trust need: the server's signing of
// vouchers and trust lists, in this process or in a running serve.
type issuingAPI interface {
	Issue(wire.IssueRequest) (*wire.IssueResponse, error)
	Trust(wire.TrustRequest) (*wire.TrustResponse, error)
}

// openIssuing opens the keys in dir and the storage (openStore) with the
// clock now, or, while `voucherd serve` runs on dir and holds the
// database, that server's admin API (which signs with its own clock: a
// --now given then is refused).
func openIssuing(dir, db string, now func() time.Time, nowGiven bool) (issuingAPI, func() error, error) {
	if r, ok, err := remoteServe(dir); err != nil || ok {
		if err == nil && nowGiven {
			err = usagef("voucherd.usage_err.now_serving", "data", dir)
		}
		return r, func() error { return nil }, err
	}
	st, keys, err := openDeployment(dir, db)
	if err != nil {
		return nil, nil, err
	}
	srv := &server.Server{Store: st, Root: keys.RootPublic(), Issuer: &server.Issuer{Store: st, Keys: keys, Now: now}}
	return srv, st.Close, nil
}
