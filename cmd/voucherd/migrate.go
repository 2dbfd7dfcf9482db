package main

import (
	"context"
	"io"

	"fupinpos/sync/server/postgres"
)

// cmdMigrate applies the embedded schema migrations to a PostgreSQL
// database: `voucherd migrate --db URL`. Every other command refuses a
// database whose schema is not current. Running it twice, or from two
// places at once, is harmless.
func cmdMigrate(args []string, stdout io.Writer) error {
	fs := newFlags("migrate", stdout)
	db := dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *db == "" {
		return usagef("voucherd.usage_err.migrate_db", "env", dbEnv)
	}
	from, to, err := postgres.Migrate(context.Background(), *db)
	if err != nil {
		return err
	}
	if from == to {
		say(stdout, "voucherd.migrate.current", "version", to)
	} else {
		say(stdout, "voucherd.migrate.done", "from", from, "to", to)
	}
	return nil
}
