// Package server is the central side of fupinpos: the deployment's
// campaigns, units and catalogue, voucher issuance with the per-person cap,
// and (with the sync protocol) the redemption ledger. Storage sits behind
// the Store interface; Bolt is the embedded default.
package server
