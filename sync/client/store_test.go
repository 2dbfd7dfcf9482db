package client_test

import (
	"fupinpos/pos/bolt"
	"fupinpos/sync/client"
)

// The terminal's bbolt database is what cmd/posctl and cmd/fupinpos pass.
var (
	_ client.Store       = (*bolt.DB)(nil)
	_ client.Provisioner = (*bolt.DB)(nil)
)
