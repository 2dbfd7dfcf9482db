package postgres

import (
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"fupinpos/pos"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// ledger implements server.LedgerView over one transaction; wledger adds
// the writes.
type ledger struct{ tx pgx.Tx }

var _ server.LedgerView = (*ledger)(nil)

func (l *ledger) Epoch() string {
	var e string
	l.tx.QueryRow(ctx(), `SELECT epoch FROM meta WHERE id = 1`).Scan(&e)
	return e
}

const recordCols = `body, hash, sig, result, reason, detail, received`

func scanRecord(row pgx.Row, extra ...any) (*server.StoredRecord, error) {
	var r server.StoredRecord
	var hash []byte
	var result string
	dst := append(extra, &r.Entry.Body, &hash, &r.Entry.Sig, &result, &r.Reason, &r.Detail, &r.Received)
	if err := row.Scan(dst...); err != nil {
		return nil, err
	}
	copy(r.Entry.Hash[:], hash)
	r.Result = pos.UploadResult(result)
	r.Received = r.Received.UTC()
	return &r, nil
}

func (l *ledger) Record(terminal string, seq uint64) (*server.StoredRecord, error) {
	r, err := scanRecord(l.tx.QueryRow(ctx(), `SELECT `+recordCols+` FROM records WHERE terminal = $1 AND seq = $2`, terminal, int64(seq)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return r, err
}

func (l *ledger) ForEachRecord(fn func(string, *server.StoredRecord) error) error {
	return l.eachRecord(`TRUE`, nil, fn)
}

// recordPage is how many records eachRecord holds at once.
const recordPage = 1000

// eachRecord calls fn for the records where cond holds (with args from $3
// on), by terminal then seq, a page at a time by key, so fn may read the
// ledger itself (one connection runs one query at a time).
func (l *ledger) eachRecord(cond string, args []any, fn func(string, *server.StoredRecord) error) error {
	type row struct {
		terminal string
		seq      int64
		r        *server.StoredRecord
	}
	afterT, afterS := "", int64(-1)
	for {
		rows, err := l.tx.Query(ctx(), `SELECT terminal, seq, `+recordCols+` FROM records
			WHERE (terminal COLLATE "C", seq) > ($1 COLLATE "C", $2) AND `+cond+`
			ORDER BY terminal COLLATE "C", seq LIMIT `+fmt.Sprint(recordPage), append([]any{afterT, afterS}, args...)...)
		if err != nil {
			return err
		}
		var page []row
		for rows.Next() {
			var x row
			if x.r, err = scanRecord(rows, &x.terminal, &x.seq); err != nil {
				rows.Close()
				return err
			}
			page = append(page, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, x := range page {
			if err := fn(x.terminal, x.r); err != nil {
				return err
			}
		}
		if len(page) < recordPage {
			return nil
		}
		afterT, afterS = page[len(page)-1].terminal, page[len(page)-1].seq
	}
}

func (l *ledger) Head(terminal string) (server.Head, error) {
	return scanHead(l.tx.QueryRow(ctx(), `SELECT seq, hash, records, last_seen FROM heads WHERE terminal = $1`, terminal))
}

// scanHead reads a row of heads; no row is the zero head.
func scanHead(row pgx.Row) (server.Head, error) {
	var h server.Head
	var seq int64
	var hash []byte
	err := row.Scan(&seq, &hash, &h.Records, &h.LastSeen)
	if errors.Is(err, pgx.ErrNoRows) {
		return server.Head{}, nil
	}
	h.Seq, h.LastSeen = uint64(seq), h.LastSeen.UTC()
	copy(h.Hash[:], hash)
	return h, err
}

const claimCols = `terminal, store, seq, receipt, time, voided, counted`

func scanClaims(rows pgx.Rows) ([]wire.Claim, error) {
	defer rows.Close()
	var out []wire.Claim
	for rows.Next() {
		var c wire.Claim
		var seq int64
		if err := rows.Scan(&c.Terminal, &c.Store, &seq, &c.Receipt, &c.Time, &c.Voided, &c.Counted); err != nil {
			return nil, err
		}
		c.Seq = uint64(seq)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (l *ledger) Claims(id pos.VoucherID) ([]wire.Claim, error) {
	rows, err := l.tx.Query(ctx(), `SELECT `+claimCols+` FROM claims WHERE voucher = $1 ORDER BY idx`, int64(id))
	if err != nil {
		return nil, err
	}
	return scanClaims(rows)
}

func (l *ledger) Status(id pos.VoucherID) (pos.VoucherStatus, error) {
	var s int16
	err := l.tx.QueryRow(ctx(), `SELECT status FROM voucher_status WHERE voucher = $1`, int64(id)).Scan(&s)
	if errors.Is(err, pgx.ErrNoRows) {
		return pos.StatusValid, nil
	}
	return pos.VoucherStatus(s), err
}

func (l *ledger) ForEachStatus(fn func(pos.VoucherID, pos.VoucherStatus) error) error {
	rows, err := l.tx.Query(ctx(), `SELECT voucher, status FROM voucher_status ORDER BY voucher`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var s int16
		if err := rows.Scan(&id, &s); err != nil {
			return err
		}
		if err := fn(pos.VoucherID(id), pos.VoucherStatus(s)); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (l *ledger) RedeemedTotal(campaign uint16, h pos.HolderRef) (pos.Money, error) {
	var t int64
	err := l.tx.QueryRow(ctx(), `SELECT total FROM redeemed WHERE campaign = $1 AND holder = $2`, int32(campaign), h[:]).Scan(&t)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return pos.Money(t), err
}

func (l *ledger) Suspended(h pos.HolderRef) (bool, error) {
	var on bool
	err := l.tx.QueryRow(ctx(), `SELECT suspended FROM suspended WHERE holder = $1`, h[:]).Scan(&on)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return on, err
}

func (l *ledger) ForEachHolder(fn func(pos.HolderRef, bool) error) error {
	rows, err := l.tx.Query(ctx(), `SELECT holder, suspended FROM suspended ORDER BY holder`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var b []byte
		var on bool
		if err := rows.Scan(&b, &on); err != nil {
			return err
		}
		var h pos.HolderRef
		copy(h[:], b)
		if err := fn(h, on); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (l *ledger) Changes(after uint64, limit int) ([]server.Change, bool, error) {
	rows, err := l.tx.Query(ctx(), `SELECT seq, voucher, status, holder, suspended FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2`,
		int64(after), limit+1)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []server.Change
	for rows.Next() {
		var seq int64
		var voucher *int64
		var status *int16
		var holder []byte
		var ch server.Change
		if err := rows.Scan(&seq, &voucher, &status, &holder, &ch.Suspended); err != nil {
			return nil, false, err
		}
		ch.Seq = uint64(seq)
		if voucher != nil {
			ch.Voucher = pos.VoucherID(*voucher)
		}
		if status != nil {
			ch.Status = pos.VoucherStatus(*status)
		}
		if holder != nil {
			var h pos.HolderRef
			copy(h[:], holder)
			ch.Holder = &h
		}
		out = append(out, ch)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

func (l *ledger) CountChanges(after uint64, most int) (int, error) {
	var n int
	err := l.tx.QueryRow(ctx(), `SELECT count(*) FROM (SELECT 1 FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2) c`,
		int64(after), most).Scan(&n)
	return n, err
}

// SnapshotExtent finds the highest voucher not valid of each campaign by a
// skip scan of the primary key (one index probe per campaign, from the
// last down) and counts the holders.
func (l *ledger) SnapshotExtent() (server.SnapshotExtent, error) {
	x := server.SnapshotExtent{MaxSerial: map[uint16]uint32{}}
	rows, err := l.tx.Query(ctx(), `WITH RECURSIVE c(v) AS (
			SELECT max(voucher) FROM voucher_status
			UNION ALL
			SELECT (SELECT max(voucher) FROM voucher_status WHERE voucher < (c.v >> 32) << 32) FROM c WHERE c.v >= 4294967296
		) SELECT v FROM c WHERE v IS NOT NULL`)
	if err != nil {
		return x, err
	}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return x, err
		}
		id := pos.VoucherID(v)
		x.MaxSerial[id.Campaign()] = id.Serial()
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return x, err
	}
	err = l.tx.QueryRow(ctx(), `SELECT count(*) FROM suspended`).Scan(&x.Holders)
	return x, err
}

func (l *ledger) LastChange() (uint64, error) {
	var seq int64
	err := l.tx.QueryRow(ctx(), `SELECT change_seq FROM meta WHERE id = 1`).Scan(&seq)
	return uint64(seq), err
}

const incidentCols = `id, time, kind, reason, terminal, store, seq, voucher, holder, amount, detail`

func (l *ledger) incidents(where string, args ...any) ([]wire.Incident, error) {
	rows, err := l.tx.Query(ctx(), `SELECT `+incidentCols+` FROM incidents `+where, args...)
	if err != nil {
		return nil, err
	}
	var out []wire.Incident
	for rows.Next() {
		var in wire.Incident
		var id, seq, voucher, amount int64
		var holder []byte
		if err := rows.Scan(&id, &in.Time, &in.Kind, &in.Reason, &in.Terminal, &in.Store, &seq, &voucher, &holder, &amount, &in.Detail); err != nil {
			rows.Close()
			return nil, err
		}
		in.ID, in.Seq, in.Voucher, in.Amount, in.Time = uint64(id), uint64(seq), pos.VoucherID(voucher), pos.Money(amount), in.Time.UTC()
		copy(in.Holder[:], holder)
		out = append(out, in)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	// The claims kept as evidence, for the incidents read, in one query.
	rows, err = l.tx.Query(ctx(), `SELECT incident, `+claimCols+` FROM incident_claims
		WHERE incident BETWEEN $1 AND $2 ORDER BY incident, idx`, int64(out[0].ID), int64(out[len(out)-1].ID))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	at := map[uint64]int{}
	for i, in := range out {
		at[in.ID] = i
	}
	for rows.Next() {
		var inc, seq int64
		var c wire.Claim
		if err := rows.Scan(&inc, &c.Terminal, &c.Store, &seq, &c.Receipt, &c.Time, &c.Voided, &c.Counted); err != nil {
			return nil, err
		}
		c.Seq = uint64(seq)
		if i, ok := at[uint64(inc)]; ok {
			out[i].Claims = append(out[i].Claims, c)
		}
	}
	return out, rows.Err()
}

func (l *ledger) Incidents() ([]wire.Incident, error) { return l.incidents(`ORDER BY id`) }

func (l *ledger) IncidentsAfter(after uint64, limit int) ([]wire.Incident, bool, error) {
	out, err := l.incidents(`WHERE id > $1 ORDER BY id LIMIT $2`, int64(after), limit+1)
	if err != nil {
		return nil, false, err
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// recordIndex returns the columns a record is found by: its own time (for
// reports by day) and, for a void or a return, the sale it acts on and
// that sale's terminal (nil when none).
func recordIndex(e pos.Entry) (*time.Time, *int64, *string) {
	r, err := pos.DecodeRecord(e)
	if err != nil {
		return nil, nil, nil
	}
	var t *time.Time
	if !r.Time.IsZero() {
		t = &r.Time
	}
	var sale *int64
	var saleTerminal *string
	if s := r.SaleSeq(); s != 0 {
		v, st := int64(s), r.SaleOf()
		sale, saleTerminal = &v, &st
	}
	return t, sale, saleTerminal
}

// Statements of the ledger's writes, each taking arrays (one element per
// row) so that a flush writes every row of a table in one statement.
const (
	sqlPutRecords = `INSERT INTO records (terminal, seq, body, hash, sig, result, reason, detail, received, sale_time, sale, sale_terminal)
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[], $4::bytea[], $5::bytea[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[], $11::bigint[], $12::text[])
		ON CONFLICT (terminal, seq) DO UPDATE SET body = excluded.body, hash = excluded.hash, sig = excluded.sig,
			result = excluded.result, reason = excluded.reason, detail = excluded.detail, received = excluded.received,
			sale_time = excluded.sale_time, sale = excluded.sale, sale_terminal = excluded.sale_terminal`
	sqlSetHeads = `INSERT INTO heads (terminal, seq, hash, records, last_seen)
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[], $4::int[], $5::timestamptz[])
		ON CONFLICT (terminal) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, records = excluded.records, last_seen = excluded.last_seen`
	sqlDeleteClaims = `DELETE FROM claims WHERE voucher = ANY($1)`
	sqlPutClaims    = `INSERT INTO claims (voucher, idx, terminal, store, seq, receipt, time, voided, counted)
		SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::timestamptz[], $8::boolean[], $9::boolean[])`
	sqlSetRedeemed = `INSERT INTO redeemed (campaign, holder, total)
		SELECT * FROM unnest($1::int[], $2::bytea[], $3::bigint[])
		ON CONFLICT (campaign, holder) DO UPDATE SET total = excluded.total`
	sqlDeleteStatus = `DELETE FROM voucher_status WHERE voucher = ANY($1)`
	sqlSetStatus    = `INSERT INTO voucher_status (voucher, status)
		SELECT * FROM unnest($1::bigint[], $2::smallint[])
		ON CONFLICT (voucher) DO UPDATE SET status = excluded.status`
	sqlSetSuspended = `INSERT INTO suspended (holder, suspended)
		SELECT * FROM unnest($1::bytea[], $2::boolean[])
		ON CONFLICT (holder) DO UPDATE SET suspended = excluded.suspended`
	// The feed keeps the latest change of each voucher and holder: a new
	// change takes the place (and a new seq) of the key's previous one.
	sqlAddVoucherChanges = `INSERT INTO changes (seq, voucher, status)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::smallint[])
		ON CONFLICT (voucher) WHERE voucher IS NOT NULL DO UPDATE SET seq = excluded.seq, status = excluded.status`
	sqlAddHolderChanges = `INSERT INTO changes (seq, holder, suspended)
		SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::boolean[])
		ON CONFLICT (holder) WHERE holder IS NOT NULL DO UPDATE SET seq = excluded.seq, suspended = excluded.suspended`
	sqlAddIncident = `INSERT INTO incidents (id, time, kind, reason, terminal, store, seq, voucher, holder, amount, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`
	sqlAddIncidentClaim = `INSERT INTO incident_claims (incident, idx, terminal, store, seq, receipt, time, voided, counted)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
)

var _ server.SaleFollowers = (*ledger)(nil)

// Followers lists the voids and returns of sale seq of terminal, of any
// terminal, by the records_sale index.
func (l *ledger) Followers(terminal string, sale uint64) ([]server.RecordKey, error) {
	rows, err := l.tx.Query(ctx(), `SELECT terminal, seq FROM records WHERE sale_terminal = $1 AND sale = $2 ORDER BY terminal, seq`, terminal, int64(sale))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (server.RecordKey, error) {
		var k server.RecordKey
		var s int64
		err := row.Scan(&k.Terminal, &s)
		k.Seq = uint64(s)
		return k, err
	})
}

var _ server.RecordsByTime = (*ledger)(nil)

// ForEachRecordBetween reads the records of a time range by the sale_time
// index: a day's report without a scan of the ledger.
func (l *ledger) ForEachRecordBetween(from, to time.Time, fn func(string, *server.StoredRecord) error) error {
	return l.eachRecord(`sale_time >= $3 AND sale_time < $4`, []any{from, to}, fn)
}
