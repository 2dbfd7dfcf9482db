package server_test

import (
	"path/filepath"
	"testing"

	"fupinpos/sync/server"
	"fupinpos/sync/server/storetest"
)

// BenchmarkReportDay is storetest.BenchReportDay on bbolt: the report of
// one day (1,000 records) with 10,000 and 100,000 ($REPORT_SCALE_N) records
// in the ledger; growth is the ratio of the two times.
func BenchmarkReportDay(b *testing.B) {
	storetest.BenchReportDay(b, func(tb testing.TB) server.Store {
		st, err := server.OpenBolt(filepath.Join(tb.TempDir(), server.DatabaseFile))
		if err != nil {
			tb.Fatal(err)
		}
		return st
	})
}

// BenchmarkReturnOldSale is storetest.BenchReturnOldSale on bbolt.
func BenchmarkReturnOldSale(b *testing.B) {
	storetest.BenchReturnOldSale(b, func(tb testing.TB) server.Store {
		st, err := server.OpenBolt(filepath.Join(tb.TempDir(), server.DatabaseFile))
		if err != nil {
			tb.Fatal(err)
		}
		return st
	})
}
