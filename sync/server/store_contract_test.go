package server_test

import (
	"path/filepath"
	"testing"

	"fupinpos/sync/server"
	"fupinpos/sync/server/storetest"
)

// TestBoltContract runs the Store contract suite on bbolt.
func TestBoltContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) server.Store {
		st, err := server.OpenBolt(filepath.Join(t.TempDir(), server.DatabaseFile))
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}

// BenchmarkIngestBolt is storetest.BenchIngest on bbolt (8 terminals, 100
// records per upload), to compare with postgres.BenchmarkIngestPostgres.
func BenchmarkIngestBolt(b *testing.B) {
	st, err := server.OpenBolt(filepath.Join(b.TempDir(), server.DatabaseFile))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	storetest.BenchIngest(b, st, 8, 100)
}
