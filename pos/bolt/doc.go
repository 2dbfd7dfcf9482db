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
//	meta       "schema"        uint32 schema version (3; see schemaVersion for the history)
//	           "terminal_key"  64-byte Ed25519 private key of this terminal (made once, when the file is created)
//	           "root_key"      32-byte Ed25519 public key of the deployment root
//	           "clock"         floor, last sync: two int64 unix nanoseconds (0 = never)
//	           "acked"         uint64 ack watermark: every record up to it is settled with the server
//	           "sync_cursor"   the server's download cursor (opaque)
//	           "trust_seq"     uint64 sequence of the installed trust list
//	           "audit_head"    uint64 last seq ‖ 32-byte hash of its entry
//	           "ledger_head"   last ledger seq ‖ its hash ‖ running total ‖ its time
//	           "verified"      the last verified checkpoint: ledger seq ‖ hash ‖ running total,
//	                           audit seq ‖ hash ‖ 0, and the terminal's signature of them
//	config     "terminal"      pos.TerminalConfig as JSON
//	trust      seq             the signed trust-list document exactly as installed (history kept)
//	catalogue  version         the signed catalogue document exactly as installed (history kept)
//	status     campaign ‖ chunk   1 KiB: 2-bit pos.VoucherStatus of 4096 serials
//	                              (serial s at byte s%4096/4, bits 2*(s%4)); a missing chunk is all valid
//	holders    'S' ‖ holder    present: the member is suspended
//	redeemed   holder ‖ campaign ‖ serial   seq ‖ time ‖ face of the sale that used the voucher here
//	voids      sale seq        uint64 seq of the void record that cancelled it
//	ledger     seq             int64 running voucher face total ‖ 32-byte hash ‖ 64-byte signature ‖ body:
//	                           0x01 ‖ the signed JSON (pos.Record) DEFLATE-compressed with a fixed
//	                           dictionary, or the JSON as it is (schema-1 records, or when not smaller)
//	days       "2006-01-02"    first seq ‖ last seq of the ledger records of that CST day
//	acks       seq             records above the watermark the server answered out of order
//	incidents  id              pos.Incident as JSON: a record the server found in conflict or rejected
//	audit      seq             entry as in ledger (without the running total), body pos.AuditEvent
//	users      user id         JSON: pos.User plus salt and scrypt hash of the PIN
//	held       id              pos.HeldSale as JSON: a parked basket (挂单); ids from the bucket sequence
//
// A redemption writes the ledger (its record, on the rightmost page: only
// ascending seqs live there, so pages fill), the head in meta, the day
// index and the redemption marks. The outbox is the
// ledger's tail past the ack watermark, so it is appended by the same write
// and cannot disagree with the ledger; the queue's count and amount follow
// from the head and the running totals. The clock floor is the stored floor
// raised to the head's time. BenchmarkRedeemCommit measures the result
// against a bare one-key bbolt commit.
//
// The per-person cap is checked against the marks: a member's marks are
// adjacent (keyed by holder first), so their total is a short scan.
//
// The status cache is dense because it must hold every voucher of a province
// campaign: 2 bits per serial is 250 kB per million vouchers, where a key per
// voucher costs about 40 times more. Chunks of 4096 serials (1 KiB values)
// are written with a fill percent of 1.0, so three fit a 4 KiB page; see
// BenchmarkStatusSnapshot1M for the measured cost.
//
// # Reports, disk and verification
//
// A day's report reads only that day's records: the day index gives their
// seq range (DayRecords), so its cost is what the day holds, not the
// ledger (BenchmarkDayReportScale). A record is stored in about half its
// JSON size (the dictionary holds the keys every record repeats; a voucher
// code's digits take about 3.3 bits each). Verify walks from the last
// verified checkpoint unless asked for a full walk, which verifies
// signatures on every CPU (BenchmarkVerifyLedger).
//
// # Upgrades
//
// Open upgrades a database of an earlier release in one transaction (with
// progress on stderr when it is long) or refuses it with ESchemaUpgrade
// and changes nothing; a database of a later release is refused with
// ESchemaNewer before any write. testdata holds a database made by each
// release, and TestOpenEveryRelease opens them all.
//
// # Voids
//
// A void is a new ledger record (Kind void, Voids = the sale's seq), never an
// edit. It needs a manager's PIN and works on the same CST day only. It
// releases the sale's vouchers: their redemption marks are removed (and with
// them the member's total), so the customer can spend them again. The
// void travels to the server through the outbox like a sale, and the server
// releases them there too.
package bolt
