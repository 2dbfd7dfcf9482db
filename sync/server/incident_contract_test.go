package server_test

import (
	"path/filepath"
	"testing"

	"fupinpos/sync/server"
	"fupinpos/sync/server/storetest"
)

// TestBoltIncidents runs the incident review contract (filters, paging,
// resolution) on bbolt.
func TestBoltIncidents(t *testing.T) {
	storetest.RunIncidents(t, func(t *testing.T) server.Store {
		st, err := server.OpenBolt(filepath.Join(t.TempDir(), server.DatabaseFile))
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}
