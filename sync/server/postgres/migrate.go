package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"fupinpos/pos"
)

// The schema is a small ordered list of embedded SQL files,
// migrations/NNNN_name.sql, applied in order, each in its own transaction
// that also records its number in schema_version. No migration library:
// the server needs forward migrations only, and this is forty lines
// instead of a dependency tree (goose would add down migrations, Go
// migrations and dialects we do not use).
//
//go:embed migrations/*.sql
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() []migration {
	ents, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		panic(err)
	}
	var out []migration
	for _, e := range ents {
		n, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			panic("migration without a number: " + e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			panic(err)
		}
		out = append(out, migration{version: n, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			panic(fmt.Sprintf("migration %s out of order: want number %d", m.name, i+1))
		}
	}
	return out
}

// SchemaVersion is the schema version this build needs.
func SchemaVersion() int { return len(migrations()) }

// migrateLock is the advisory lock key that keeps two migrating instances apart.
const migrateLock = 0x66707370_6d696772 // "fpspmigr"

func currentVersion(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (int, error) {
	var exists bool
	if err := q.QueryRow(ctx, `SELECT to_regclass('schema_version') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, err
	}
	if !exists {
		return 0, nil
	}
	var v int
	err := q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v)
	return v, err
}

// Migrate brings the database at url to the current schema and returns the
// versions before and after. It is safe to run from several places at once.
func Migrate(ctx context.Context, url string) (from, to int, err error) {
	if _, err := pgx.ParseConfig(url); err != nil {
		return 0, 0, pos.WrapError(pos.EINVALID, err, "database URL").Say("db_url")
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, 0, connectErr(err, url)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateLock)); err != nil {
		return 0, 0, pos.WrapError(pos.ESTORAGE, err, "lock for migration")
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrateLock))
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version int PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())`); err != nil {
		return 0, 0, pos.WrapError(pos.ESTORAGE, err, "create schema_version")
	}
	from, err = currentVersion(ctx, conn)
	if err != nil {
		return 0, 0, pos.WrapError(pos.ESTORAGE, err, "read schema version")
	}
	ms := migrations()
	if from > len(ms) {
		return from, from, pos.Errorf(pos.ECONFLICT, "database schema is version %d, newer than this voucherd (%d): upgrade voucherd", from, len(ms)).
			Say("db_schema_new", "version", strconv.Itoa(from), "want", strconv.Itoa(len(ms)))
	}
	for _, m := range ms[from:] {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_version (version, name) VALUES ($1, $2)`, m.version, m.name)
			return err
		})
		if err != nil {
			return from, m.version - 1, pos.WrapError(pos.ESTORAGE, err, "apply migration %s", m.name).Say("db_migrate", "name", m.name)
		}
	}
	return from, len(ms), nil
}

// redact drops a password from a connection URL for messages.
func redact(url string) string {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return "the database URL"
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}
