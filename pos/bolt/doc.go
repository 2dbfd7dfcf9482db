// Package bolt is the counter terminal's storage: one bbolt file holding its
// keys, configuration, trust list, catalogue, voucher status cache, users,
// the signed hash-chained ledger of sales, the outbox of records waiting for
// upload and the audit log — and the redemption service on top of it, so
// that checking a voucher and recording its sale happen in one transaction.
//
// Every write is one bbolt Update with fsync (NoSync is never set): when a
// method returns nil the sale survives a crash or a power cut, and when it
// returns an error with code pos.ESTORAGE nothing of it was recorded.
//
// # File layout
//
// All integers are big-endian; seq keys are 8-byte big-endian so that bbolt's
// byte order is sequence order.
//
//	meta       "schema"        uint32 schema version (1)
//	           "terminal_key"  64-byte Ed25519 private key of this terminal (made once, when the file is created)
//	           "root_key"      32-byte Ed25519 public key of the deployment root
//	           "clock"         floor, last sync: two int64 unix nanoseconds (0 = never)
//	           "queue"         unsynced records: int64 count, int64 voucher face total in fen
//	           "trust_seq"     uint64 sequence of the installed trust list
//	           "catalogue"     uint32 version of the installed catalogue
//	           "ledger_head"   uint64 last seq ‖ 32-byte hash of its entry
//	           "audit_head"    uint64 last seq ‖ 32-byte hash of its entry
//	config     "terminal"      pos.TerminalConfig as JSON
//	trust      seq             the signed trust-list document exactly as installed (history kept)
//	catalogue  version         the signed catalogue document exactly as installed (history kept)
//	status     campaign ‖ chunk   1 KiB: 2-bit pos.VoucherStatus of 4096 serials
//	                              (serial s at byte s%4096/4, bits 2*(s%4)); a missing chunk is all valid
//	holders    'S' ‖ holder                 present: the holder is suspended
//	           'T' ‖ holder ‖ campaign      int64 face total redeemed here (for the per-person cap)
//	redeemed   voucher id      pos.Redeemed as JSON: the sale that consumed the voucher here
//	voids      sale seq        uint64 seq of the void record that cancelled it
//	ledger     seq             entry: 32-byte hash ‖ 64-byte signature ‖ JSON body (pos.Record)
//	outbox     seq             int64 voucher face total of the record (for the queue amount)
//	audit      seq             entry as in ledger, body pos.AuditEvent
//	users      user id         JSON: pos.User plus salt and scrypt hash of the PIN
//
// The status cache is dense because it must hold every voucher of a province
// campaign: 2 bits per serial is 250 kB per million vouchers, where a key per
// voucher costs about 40 times more. Chunks of 4096 serials (1 KiB values)
// are written with a fill percent of 1.0, so three fit a 4 KiB page; see
// BenchmarkStatusSnapshot1M for the measured cost.
//
// # Voids
//
// A void is a new ledger record (Kind void, Voids = the sale's seq), never an
// edit. It releases the sale's vouchers: the redeemed marks are removed and
// the holders' totals reduced, so the customer can spend them again. The
// void travels to the server through the outbox like a sale, and the server
// releases them there too.
package bolt
