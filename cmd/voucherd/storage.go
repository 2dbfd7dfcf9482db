package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fupinpos/pos"
	"fupinpos/sync/server"
	"fupinpos/sync/server/postgres"
)

// dbEnv names the environment variable that gives --db its default, so a
// password in the URL need not show in the process list.
const dbEnv = "VOUCHERD_DB"

// dbFlag adds --db to fs: the PostgreSQL URL of a deployment that runs
// several instances. Without it the storage is the bbolt file in --data.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", os.Getenv(dbEnv), "PostgreSQL `URL` (postgres://…, default $"+dbEnv+"); without it the database is the bbolt file in --data DIR")
}

// openStore opens the server's storage: PostgreSQL at dbURL, whose schema
// must be current (`voucherd migrate` applies it), or else the bbolt file
// in dir. Keys stay in files in dir either way.
func openStore(dir, dbURL string) (server.Store, error) {
	if dbURL == "" {
		st, err := server.OpenBolt(filepath.Join(dir, server.DatabaseFile))
		if err != nil {
			return nil, err
		}
		if up := st.Upgraded(); up != nil {
			fmt.Fprintln(os.Stderr, "voucherd: "+tr("voucherd.upgraded", "db", filepath.Join(dir, server.DatabaseFile),
				"from", up.From, "to", up.To, "records", up.Records))
		}
		return st, nil
	}
	if !strings.HasPrefix(dbURL, "postgres://") && !strings.HasPrefix(dbURL, "postgresql://") {
		return nil, pos.Errorf(pos.EINVALID, "--db wants a postgres:// URL").Say("db_url")
	}
	return postgres.Open(context.Background(), dbURL)
}

// openDeployment loads the keys in dir and opens the storage (openStore),
// and refuses when the keys are not the deployment's (server.CheckKeys):
// every command that works on the storage with a data directory's keys
// opens it so, whichever engine holds the database. A storage without a
// deployment yet (before init) passes; its commands fail on their own.
func openDeployment(dir, dbURL string) (server.Store, *server.Keyring, error) {
	keys, err := server.LoadKeyring(dir)
	if err != nil {
		return nil, nil, err
	}
	st, err := openStore(dir, dbURL)
	if err != nil {
		return nil, nil, err
	}
	d, err := st.Deployment()
	if err == nil {
		err = server.CheckKeys(d, keys)
	} else if pos.ErrorCode(err) == pos.ENOTFOUND {
		err = nil
	}
	if err == nil && d != nil && len(d.Root) == 0 && !d.Empty() {
		// A deployment made before the root was recorded, whose issuer key
		// this directory holds: record the root once, so that from now on
		// the check is by the root.
		err = st.UpdateDeployment(func(d *server.Deployment) error {
			if len(d.Root) == 0 {
				d.Root = keys.RootPublic()
			}
			return nil
		})
	}
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, keys, nil
}
