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
		return nil, pos.Errorf(pos.EINVALID, "--db wants a postgres:// URL")
	}
	return postgres.Open(context.Background(), dbURL)
}
