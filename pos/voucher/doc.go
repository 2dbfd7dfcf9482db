// Package voucher is the signed voucher code of fupinpos (DESIGN.md §3) and
// the signed documents a terminal trusts: the trust list and the catalogue.
//
// A voucher code is a 44-byte big-endian body signed with Ed25519 and written
// as 267 decimal digits, so that it survives keyboard-wedge scanners and fits
// QR numeric mode. A terminal checks it offline: cheap structural checks
// first, then the issuer key from the trust list, the signature and the key's
// policy. Nothing in a code is trusted before its signature verifies.
//
// The package imports only the standard library and package pos.
package voucher
