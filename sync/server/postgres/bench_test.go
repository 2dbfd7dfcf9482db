package postgres

import (
	"context"
	"testing"

	"fupinpos/sync/server"
	"fupinpos/sync/server/pgtest"
	"fupinpos/sync/server/storetest"
)

// openBench returns a migrated store on a fresh database, and its URL.
func openBench(tb testing.TB) (*Store, string) {
	tb.Helper()
	url := pgtest.NewDatabase(tb)
	if _, _, err := Migrate(context.Background(), url); err != nil {
		tb.Fatal(err)
	}
	st, err := Open(context.Background(), url)
	if err != nil {
		tb.Fatal(err)
	}
	return st, url
}

// BenchmarkReportDay is storetest.BenchReportDay on PostgreSQL: the report
// of one day (1,000 records) with 10,000 and 100,000 ($REPORT_SCALE_N)
// records in the ledger, read through the sale_time index.
func BenchmarkReportDay(b *testing.B) {
	storetest.BenchReportDay(b, func(tb testing.TB) server.Store {
		st, _ := openBench(tb)
		return st
	})
}

// BenchmarkIngestTwoInstances ingests 8 terminals × 2,000 redemptions
// (uploads of 100) through one server.Server on a database, then the same
// through two server.Server values with a connection pool each (two
// instances) on another, and reports both rates and their ratio.
func BenchmarkIngestTwoInstances(b *testing.B) {
	const terminals, perTerm, batch = 8, 2000, 100
	one, _ := openBench(b)
	defer one.Close()
	a, url := openBench(b)
	defer a.Close()
	c, err := Open(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	r1 := storetest.BenchIngestInstances(b, []server.Store{one}, terminals, perTerm, batch)
	r2 := storetest.BenchIngestInstances(b, []server.Store{a, c}, terminals, perTerm, batch)
	for b.Loop() { // the figures are the ingests above, run once
	}
	b.ReportMetric(r1, "one-redemptions/s")
	b.ReportMetric(r2, "two-redemptions/s")
	b.ReportMetric(r2/r1, "two/one")
}

// BenchmarkReturnOldSale is storetest.BenchReturnOldSale on PostgreSQL.
func BenchmarkReturnOldSale(b *testing.B) {
	storetest.BenchReturnOldSale(b, func(tb testing.TB) server.Store {
		st, _ := openBench(tb)
		return st
	})
}
