package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/server"
)

func cmdTrust(args []string, stdout io.Writer) error {
	fs := newFlags("trust", stdout)
	dir := fs.String("data", "", "data `DIR` made by voucherd init")
	db := dbFlag(fs)
	out := fs.String("out", "", "bundle `FILE` to write (signed trust list + catalogue)")
	validity := fs.Duration("validity", 7*24*time.Hour, "how long terminals may use the trust list")
	grace := fs.Duration("grace", 72*time.Hour, "grace period after expiry")
	now := nowFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := require(fs, "data", "out"); err != nil {
		return err
	}
	is, closeFn, err := openIssuer(*dir, *db, now)
	if err != nil {
		return err
	}
	defer closeFn()
	b, tl, err := is.TrustBundle(*validity, *grace)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	say(stdout, "voucherd.trust.done", "seq", tl.Seq, "keys", len(tl.Keys), "campaigns", len(tl.Campaigns),
		"expires", tl.Expires.In(pos.CST).Format(time.DateTime), "grace", *grace, "file", *out)
	return nil
}

// openIssuer opens the keys in dir and the storage (openStore).
func openIssuer(dir, db string, now func() time.Time) (*server.Issuer, func() error, error) {
	keys, err := server.LoadKeyring(dir)
	if err != nil {
		return nil, nil, err
	}
	st, err := openStore(dir, db)
	if err != nil {
		return nil, nil, err
	}
	return &server.Issuer{Store: st, Keys: keys, Now: now}, st.Close, nil
}
