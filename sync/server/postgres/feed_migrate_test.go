package postgres

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"fupinpos/sync/server"
	"fupinpos/sync/server/pgtest"
)

// databaseAt returns a new database with the schema of the first n
// migrations, as a voucherd of that time left it, and a connection to it.
func databaseAt(t *testing.T, n int) (string, *pgx.Conn) {
	t.Helper()
	url := pgtest.NewDatabase(t)
	c := context.Background()
	conn, err := pgx.Connect(c, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(c, `CREATE TABLE schema_version (version int PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())`); err != nil {
		t.Fatal(err)
	}
	for _, m := range migrations()[:n] {
		if _, err := conn.Exec(c, m.sql); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(c, `INSERT INTO schema_version (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
			t.Fatal(err)
		}
	}
	return url, conn
}

// TestMigrateCompactsFeed: a schema-1 database whose change feed kept
// every change is compacted by migration 2 (the latest change of each key
// stays with its seq) and new changes keep it compact.
func TestMigrateCompactsFeed(t *testing.T) {
	c := context.Background()
	url, conn := databaseAt(t, 1)
	for _, q := range []string{
		`INSERT INTO changes (seq, voucher, status, holder, suspended) VALUES
			(1, 10, 1, NULL, false), (2, NULL, NULL, '\x01', true), (3, 11, 1, NULL, false),
			(4, 10, 0, NULL, false), (5, NULL, NULL, '\x01', false), (6, 10, 2, NULL, false)`,
		`UPDATE meta SET change_seq = 6`,
	} {
		if _, err := conn.Exec(c, q); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close(c)
	if _, _, err := Migrate(c, url); err != nil {
		t.Fatal(err)
	}
	st, err := Open(c, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	feed := func() string {
		var out string
		err := st.ViewLedger(func(l server.LedgerView) error {
			chs, _, err := l.Changes(0, 100)
			for _, ch := range chs {
				if ch.Holder != nil {
					out += fmt.Sprintf("%d:h=%v ", ch.Seq, ch.Suspended)
				} else {
					out += fmt.Sprintf("%d:%d=%d ", ch.Seq, ch.Voucher, ch.Status)
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got, want := feed(), "3:11=1 5:h=false 6:10=2 "; got != want {
		t.Errorf("migrated feed %q, want %q", got, want)
	}
	if err := st.UpdateLedger(func(tx server.LedgerTx) error { return tx.SetStatus(11, 0) }); err != nil {
		t.Fatal(err)
	}
	if got, want := feed(), "5:h=false 6:10=2 7:11=0 "; got != want {
		t.Errorf("feed after a new change %q, want %q", got, want)
	}
}
