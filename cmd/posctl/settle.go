package main

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"strconv"

	"fupinpos/pos"
	"fupinpos/pos/voucher"
)

// cmdSettleVerify checks a settlement folder written by `voucherd settle`
// offline: the MANIFEST is signed by the deployment's root key (the one the
// terminal database holds, or --root-key for an auditor without a
// terminal), and every file it lists is there, unchanged, with no other.
func cmdSettleVerify(args []string, stdout io.Writer) error {
	fs := newFlags("settle verify", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE` whose root key to use")
	rootKey := fs.String("root-key", "", "the deployment's root public key, a `FILE` (root.pub) or 64 hex digits, instead of --db")
	if err := parse(fs, args, true); err != nil {
		return err
	}
	if fs.NArg() != 1 || (*dbPath == "") == (*rootKey == "") {
		return usagef("posctl.usage_err.settle_verify")
	}
	root, err := settleRoot(*dbPath, *rootKey)
	if err != nil {
		return err
	}
	m, err := voucher.VerifySettlement(fs.Arg(0), root)
	if err != nil {
		fmt.Fprintln(stdout, msgs().T("settle.bad", map[string]string{"detail": msgs().Error(err), "file": pos.ErrorParams(err)["file"]}))
		return errRefused
	}
	fmt.Fprintln(stdout, msgs().T("settle.ok", map[string]string{"day": m.Day, "files": strconv.Itoa(len(m.Files)),
		"payable": m.Payable.String(), "withheld": strconv.Itoa(m.Withheld)}))
	return nil
}

// settleRoot returns the root key from the terminal database or --root-key.
func settleRoot(dbPath, rootKey string) (ed25519.PublicKey, error) {
	if rootKey != "" {
		s := rootKey
		if b, err := os.ReadFile(rootKey); err == nil {
			s = string(b)
		}
		return voucher.ParsePublicKey(s)
	}
	db, err := openDB(dbPath, false)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.RootKey()
}
