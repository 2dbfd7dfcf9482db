package main

import (
	"fupinpos/pos"
	"fupinpos/pos/bolt"
)

// printReceipt prints the receipt of ledger record seq on the printer at
// uri. Until device/printer lands this reports the printer as offline, so a
// sale made with --printer says the receipt must be reprinted.
func printReceipt(db *bolt.DB, seq uint64, reprint bool, uri, actor string) error {
	return pos.Errorf(pos.EPRINTEROFFLINE, "printing is not available in this build (printer %s)", uri)
}
