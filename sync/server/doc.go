// Package server is the central side of fupinpos: the deployment's
// campaigns, units and catalogue, voucher issuance with the per-person cap,
// and the sync service terminals talk to (Server: enrollment, signed
// uploads of ledger records with double-spend, chain and cap checks, the
// status feed and snapshots terminals download, incidents, revocation,
// settlement reports, and the HTTP API of sync/wire). Storage sits behind
// the Store interface; Bolt is the embedded default, one bbolt file.
package server
