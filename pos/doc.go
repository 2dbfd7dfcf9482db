// Package pos holds the domain of the fupinpos counter terminal: money in fen,
// vouchers and campaigns, the eligible-product catalogue, sales, ledger records,
// the campaign rules and the errors (with stable codes) that the rules return.
//
// It imports only the standard library. Adapters live in subpackages, one per
// dependency they wrap (pos/bolt for bbolt, pos/voucher for the signed code
// format), and wiring lives in cmd/.
package pos
