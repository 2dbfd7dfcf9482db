package postgres

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/sync/server"
	"fupinpos/sync/server/pgtest"
	"fupinpos/sync/server/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// openFresh returns a migrated store on a fresh database and its URL.
func openFresh(t *testing.T) (*Store, string) {
	t.Helper()
	url := pgtest.NewDatabase(t)
	if _, _, err := Migrate(context.Background(), url); err != nil {
		t.Fatal(err)
	}
	st, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	return st, url
}

// TestContract runs the Store contract suite on PostgreSQL.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) server.Store {
		st, _ := openFresh(t)
		return st
	})
}

// BenchmarkIngestPostgres is storetest.BenchIngest on PostgreSQL (8
// terminals, 100 records per upload, fsync on).
func BenchmarkIngestPostgres(b *testing.B) {
	url := pgtest.NewDatabase(b)
	if _, _, err := Migrate(context.Background(), url); err != nil {
		b.Fatal(err)
	}
	st, err := Open(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.BenchIngest(b, st, 8, 100)
}

// TestOpenRefusesOldSchema: a database without the schema is refused with
// the command that fixes it; Migrate twice is harmless.
func TestOpenRefusesOldSchema(t *testing.T) {
	url := pgtest.NewDatabase(t)
	_, err := Open(context.Background(), url)
	if err == nil || !strings.Contains(err.Error(), "voucherd migrate") {
		t.Fatalf("open before migrate: %v", err)
	}
	for i, want := range [][2]int{{0, SchemaVersion()}, {SchemaVersion(), SchemaVersion()}} {
		from, to, err := Migrate(context.Background(), url)
		if err != nil || from != want[0] || to != want[1] {
			t.Errorf("migrate %d: %d→%d %v, want %v", i, from, to, err, want)
		}
	}
}

// TestRecordsByTime: a day's records come by their own time, from the
// sale_time index, not a scan of the ledger.
func TestRecordsByTime(t *testing.T) {
	st, _ := openFresh(t)
	defer st.Close()
	key := postest.Key(1)
	day := time.Date(2020, 9, 15, 0, 0, 0, 0, pos.CST)
	times := []time.Time{day.Add(-time.Nanosecond), day, day.Add(12 * time.Hour), day.Add(24*time.Hour - time.Second), day.Add(24 * time.Hour)}
	err := st.UpdateLedger(func(tx server.LedgerTx) error {
		for i, at := range times {
			e, err := pos.Seal(&pos.Record{Seq: uint64(i + 1), Kind: pos.KindSale, Time: at, Terminal: "T1"}, key)
			if err != nil {
				return err
			}
			if err := tx.PutRecord("T1", uint64(i+1), &server.StoredRecord{Entry: e, Result: pos.UploadAccepted, Received: at}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	err = st.ViewLedger(func(l server.LedgerView) error {
		return l.(server.RecordsByTime).ForEachRecordBetween(day, day.Add(24*time.Hour), func(_ string, r *server.StoredRecord) error {
			rec, err := pos.DecodeRecord(r.Entry)
			seqs = append(seqs, rec.Seq)
			return err
		})
	})
	if err != nil || fmt.Sprint(seqs) != "[2 3 4]" {
		t.Errorf("records of the day %v %v, want [2 3 4]", seqs, err)
	}
	conn, err := st.pool.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	conn.Exec(context.Background(), `SET enable_seqscan = off`)
	var plan []string
	rows, err := conn.Query(context.Background(), `EXPLAIN SELECT terminal FROM records WHERE sale_time >= now() AND sale_time < now() + interval '1 day'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var line string
		rows.Scan(&line)
		plan = append(plan, line)
	}
	rows.Close()
	if !strings.Contains(strings.Join(plan, "\n"), "records_sale_time") {
		t.Errorf("plan does not use the sale_time index:\n%s", strings.Join(plan, "\n"))
	}
}
