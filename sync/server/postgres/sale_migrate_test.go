package postgres

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/server"
)

// TestMigrateIndexesSales: records stored before migration 4 get the sale
// their void or return acts on from their body; a sale, another kind and a
// body that is not JSON get none, and the migration does not fail on them.
func TestMigrateIndexesSales(t *testing.T) {
	c := context.Background()
	url, conn := databaseAt(t, 3)
	bodies := []string{
		`{"seq":1,"kind":"sale","time":"2020-09-15T10:00:00+08:00"}`,
		`{"seq":2,"kind":"return","time":"2020-09-15T11:00:00+08:00","returns":1}`,
		`{"seq":3,"kind":"void","time":"2020-09-15T12:00:00+08:00","voids":1}`,
		`{"seq":4,"kind":"void" not json`,
		"\xff\xfe\"kind\":\"return\"",
	}
	for i, b := range bodies {
		if _, err := conn.Exec(c, `INSERT INTO records (terminal, seq, body, hash, sig, result, received) VALUES ('T01', $1, $2, $3, '', 'accepted', now())`,
			i+1, []byte(b), []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close(c)
	if from, to, err := Migrate(c, url); err != nil || from != 3 || to != SchemaVersion() {
		t.Fatalf("migrate: %d → %d %v", from, to, err)
	}
	st, err := Open(c, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.ViewLedger(func(l server.LedgerView) error {
		got, err := l.(server.SaleFollowers).Followers("T01", 1)
		if fmt.Sprint(got) != "[{T01 2} {T01 3}]" {
			t.Errorf("followers of sale 1 after the migration: %v, want [{T01 2} {T01 3}]", got)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMigrateSaleTerminal: voids and returns stored before migration 5
// (their sale on their own terminal) get that terminal as their sale's,
// and are found with a return written after it at another terminal.
func TestMigrateSaleTerminal(t *testing.T) {
	c := context.Background()
	url, conn := databaseAt(t, 4)
	for i, b := range []string{
		`{"seq":1,"kind":"sale","time":"2020-09-15T10:00:00+08:00"}`,
		`{"seq":2,"kind":"return","time":"2020-09-15T11:00:00+08:00","returns":1}`,
		`{"seq":3,"kind":"void","time":"2020-09-15T12:00:00+08:00","voids":1}`,
	} {
		var sale *int64
		if i > 0 {
			one := int64(1)
			sale = &one
		}
		if _, err := conn.Exec(c, `INSERT INTO records (terminal, seq, body, hash, sig, result, received, sale) VALUES ('T01', $1, $2, $3, '', 'accepted', now(), $4)`,
			i+1, []byte(b), []byte{byte(i)}, sale); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close(c)
	if from, to, err := Migrate(c, url); err != nil || from != 4 || to != SchemaVersion() {
		t.Fatalf("migrate: %d → %d %v", from, to, err)
	}
	st, err := Open(c, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	body := []byte(`{"seq":1,"kind":"return","time":"2020-09-15T13:00:00+08:00","terminal":"T02","returns":1,"sale_terminal":"T01"}`)
	err = st.UpdateLedger(func(tx server.LedgerTx) error {
		return tx.PutRecord("T02", 1, &server.StoredRecord{Entry: pos.Entry{Body: body}, Result: pos.UploadAccepted, Received: time.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.ViewLedger(func(l server.LedgerView) error {
		got, err := l.(server.SaleFollowers).Followers("T01", 1)
		if fmt.Sprint(got) != "[{T01 2} {T01 3} {T02 1}]" {
			t.Errorf("followers of sale T01 1: %v, want [{T01 2} {T01 3} {T02 1}]", got)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
