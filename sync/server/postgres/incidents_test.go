package postgres

import (
	"testing"

	"fupinpos/sync/server"
	"fupinpos/sync/server/storetest"
)

// TestIncidents runs the incident review contract (filters, paging,
// resolution) on PostgreSQL.
func TestIncidents(t *testing.T) {
	storetest.RunIncidents(t, func(t *testing.T) server.Store {
		st, _ := openFresh(t)
		return st
	})
}
