// Package postgres is the PostgreSQL engine of the central server's
// storage (server.Store), for deployments that run several stateless
// voucherd instances on one database.
//
// Concurrency, across processes:
//   - Ledger writes (uploads, revocations) run in READ COMMITTED
//     transactions that first take one transaction-scoped advisory lock,
//     the ledger lock. Every statement after it sees every earlier commit,
//     so the rules above storage (chains, double spends, the redeemed cap)
//     read and write as in a single writer, on any number of instances.
//     Concurrent calls within one process share a transaction and a commit
//     (group commit, each call in its own savepoint), as bbolt's Batch does.
//   - Change feed seqs and incident ids come from counters in the meta row,
//     taken under the ledger lock; the lock is released only after the
//     commit is visible, so readers see ids in commit order and never n+1
//     without n.
//   - Issuance locks one row per (campaign, holder), in holder order, with
//     an upsert that adds the batch's value and returns the new total; the
//     issuance rule (pos.CheckIssuance, passed in by the server) runs on
//     the totals before the batch while the rows are locked, so two
//     instances issuing to one member at once can never pass the cap. The unique index on a voucher's live
//     counted claim is the database's own guard against a double count.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"fupinpos/pos"
	"fupinpos/sync/server"
)

// Store is server.Store on PostgreSQL.
type Store struct {
	pool  *pgxpool.Pool
	batch batcher
}

var _ server.Store = (*Store)(nil)

// Open connects to the database at url and checks that its schema is the
// one this build needs (apply it with Migrate, `voucherd migrate`).
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, pos.WrapError(pos.EINVALID, err, "database URL").Say("db_url")
	}
	// Plan each statement for its arguments. A pooled connection otherwise
	// keeps the generic plan PostgreSQL picks after five runs, and one picked
	// while the tables were small (a new deployment) scans them whole for
	// as long as the connection lives: ingest measured 2,300–3,500/s with
	// it, 4,800–5,500/s without. The statements are key lookups; planning
	// them costs microseconds. A URL that sets plan_cache_mode wins.
	if _, set := cfg.ConnConfig.RuntimeParams["plan_cache_mode"]; !set {
		cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, connectErr(err, url)
	}
	v, err := currentVersion(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, connectErr(err, url)
	}
	if want := SchemaVersion(); v != want {
		pool.Close()
		if v > want {
			return nil, pos.Errorf(pos.ECONFLICT, "the database schema is version %d, newer than this voucherd knows (%d): upgrade voucherd", v, want).
				Say("db_schema_new", "version", strconv.Itoa(v), "want", strconv.Itoa(want))
		}
		return nil, pos.Errorf(pos.ENOTPROVISIONED, "the database schema is version %d, this voucherd needs %d: run `voucherd migrate --db URL` first", v, want).
			Say("db_schema_old", "version", strconv.Itoa(v), "want", strconv.Itoa(want))
	}
	s := &Store{pool: pool}
	s.batch.s = s
	return s, nil
}

var _ server.VerifyLimiter = (*Store)(nil)

// VerifyProcs leaves one processor to the ledger writer (and to a database
// server on the same machine): measured on 2 cores with PostgreSQL local,
// ingest 4,000–5,100/s unbounded, 4,900–6,300/s with one processor left.
func (s *Store) VerifyProcs() int { return runtime.GOMAXPROCS(0) - 1 }

// Close closes the connection pool.
func (s *Store) Close() error { s.pool.Close(); return nil }

func ctx() context.Context { return context.Background() }

// dbErr marks database failures as ESTORAGE, keeping coded errors.
func dbErr(err error, what string) error {
	if err == nil {
		return nil
	}
	var pe *pos.Error
	if errors.As(err, &pe) {
		return err
	}
	if pos.ErrorCode(err) != pos.EINTERNAL {
		return err
	}
	return pos.WrapError(pos.ESTORAGE, err, "%s", what)
}

// retryable reports a serialization failure or deadlock: run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// inTx runs fn in a READ COMMITTED transaction, again on a serialization
// failure or deadlock.
func (s *Store) inTx(what string, fn func(pgx.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := pgx.BeginFunc(ctx(), s.pool, fn)
		if err != nil && retryable(err) && attempt < 10 {
			time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond)
			continue
		}
		return dbErr(err, what)
	}
}

// Deployment returns the stored deployment.
func (s *Store) Deployment() (*server.Deployment, error) {
	var d server.Deployment
	err := s.pool.QueryRow(ctx(), `SELECT body FROM deployment WHERE id = 1`).Scan(&d)
	if errors.Is(err, pgx.ErrNoRows) {
		return &d, pos.Errorf(pos.ENOTFOUND, "no deployment: run voucherd init")
	}
	return &d, dbErr(err, "read deployment")
}

// UpdateDeployment runs fn on the deployment (empty before init) and stores it.
func (s *Store) UpdateDeployment(fn func(d *server.Deployment) error) error {
	return s.inTx("update deployment", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx(), `INSERT INTO deployment (id, body) VALUES (1, '{}') ON CONFLICT DO NOTHING`); err != nil {
			return err
		}
		var d server.Deployment
		if err := tx.QueryRow(ctx(), `SELECT body FROM deployment WHERE id = 1 FOR UPDATE`).Scan(&d); err != nil {
			return err
		}
		if err := fn(&d); err != nil {
			return err
		}
		_, err := tx.Exec(ctx(), `UPDATE deployment SET body = $1 WHERE id = 1`, &d)
		return err
	})
}

// Issue records a batch of vouchers, all or nothing. It locks each
// member's row of holder_issued in holder order (no deadlocks between
// batches) and passes the locked, latest committed totals to check, so two
// instances issuing to one member at once can never both pass the cap.
func (s *Store) Issue(campaign uint16, reqs []server.IssueRequest, check func(map[pos.HolderRef]pos.Money) error, build func(uint32, server.IssueRequest) (server.Issuance, error)) ([]server.Issuance, error) {
	var out []server.Issuance
	err := s.inTx("record issuance", func(tx pgx.Tx) error {
		out = out[:0]
		// Adding the batch's value with an upsert takes the row lock (and
		// creates a missing row, which SELECT … FOR UPDATE cannot lock);
		// the total before the batch is the returned one less the sum.
		sums := map[pos.HolderRef]pos.Money{}
		for _, r := range reqs {
			sums[r.Holder] += r.Value
		}
		holders := make([]pos.HolderRef, 0, len(sums))
		for h := range sums {
			holders = append(holders, h)
		}
		sort.Slice(holders, func(i, j int) bool { return string(holders[i][:]) < string(holders[j][:]) })
		before := map[pos.HolderRef]pos.Money{}
		for _, h := range holders {
			var total int64
			err := tx.QueryRow(ctx(), `INSERT INTO holder_issued (campaign, holder, issued) VALUES ($1, $2, $3)
				ON CONFLICT (campaign, holder) DO UPDATE SET issued = holder_issued.issued + excluded.issued
				RETURNING issued`, int32(campaign), h[:], int64(sums[h])).Scan(&total)
			if err != nil {
				return err
			}
			if b := pos.Money(total) - sums[h]; b != 0 {
				before[h] = b
			}
		}
		if err := check(before); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx(), `INSERT INTO serials (campaign, last) VALUES ($1, 0) ON CONFLICT DO NOTHING`, int32(campaign)); err != nil {
			return err
		}
		var last int64
		if err := tx.QueryRow(ctx(), `UPDATE serials SET last = last + $2 WHERE campaign = $1 RETURNING last`,
			int32(campaign), int64(len(reqs))).Scan(&last); err != nil {
			return err
		}
		if last > int64(^uint32(0)) {
			return pos.Errorf(pos.ECONFLICT, "campaign %d has no serials left", campaign)
		}
		first := uint32(last - int64(len(reqs)) + 1)
		rows := make([][]any, 0, len(reqs))
		for i, r := range reqs {
			is, err := build(first+uint32(i), r)
			if err != nil {
				return err
			}
			out = append(out, is)
			rows = append(rows, []any{int64(is.ID), int32(campaign), is.Member, is.Holder[:], int64(is.Unit), int64(is.Value), is.IssuedAt, is.Code})
		}
		_, err := tx.CopyFrom(ctx(), pgx.Identifier{"issued"},
			[]string{"id", "campaign", "member", "holder", "unit", "value", "issued_at", "code"}, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AdoptIssued records the issuances the database lacks
// (server.Store.AdoptIssued). One read finds them first, so the usual
// upload, whose vouchers are all known, writes nothing; each insert that
// wins (ON CONFLICT DO NOTHING: another instance may adopt the same id at
// once) adds to its holder's total and moves the serial counter.
func (s *Store) AdoptIssued(iss []server.Issuance) (int, error) {
	if len(iss) == 0 {
		return 0, nil
	}
	ids := make([]int64, len(iss))
	for i, is := range iss {
		ids[i] = int64(is.ID)
	}
	rows, err := s.pool.Query(ctx(), `SELECT id FROM issued WHERE id = ANY($1)`, ids)
	if err != nil {
		return 0, dbErr(err, "read issuance")
	}
	known := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, dbErr(err, "read issuance")
		}
		known[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, dbErr(err, "read issuance")
	}
	var todo []server.Issuance
	for _, is := range iss {
		if !known[int64(is.ID)] {
			known[int64(is.ID)] = true
			todo = append(todo, is)
		}
	}
	if len(todo) == 0 {
		return 0, nil
	}
	n := 0
	err = s.inTx("record issuance", func(tx pgx.Tx) error {
		n = 0
		for _, is := range todo {
			c := int32(is.ID.Campaign())
			tag, err := tx.Exec(ctx(), `INSERT INTO issued (id, campaign, member, holder, unit, value, issued_at, code)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
				int64(is.ID), c, is.Member, is.Holder[:], int64(is.Unit), int64(is.Value), is.IssuedAt, is.Code)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				continue
			}
			n++
			if _, err := tx.Exec(ctx(), `INSERT INTO holder_issued (campaign, holder, issued) VALUES ($1, $2, $3)
				ON CONFLICT (campaign, holder) DO UPDATE SET issued = holder_issued.issued + excluded.issued`,
				c, is.Holder[:], int64(is.Value)); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx(), `INSERT INTO serials (campaign, last) VALUES ($1, $2)
				ON CONFLICT (campaign) DO UPDATE SET last = GREATEST(serials.last, excluded.last)`,
				c, int64(is.ID.Serial())); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// IssuedTotal returns the value issued to holder in campaign.
func (s *Store) IssuedTotal(campaign uint16, h pos.HolderRef) (pos.Money, error) {
	var total int64
	err := s.pool.QueryRow(ctx(), `SELECT issued FROM holder_issued WHERE campaign = $1 AND holder = $2`, int32(campaign), h[:]).Scan(&total)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return pos.Money(total), dbErr(err, "read issued total")
}

// Issued returns the issuance record of id.
func (s *Store) Issued(id pos.VoucherID) (*server.Issuance, error) {
	var is server.Issuance
	var holder []byte
	var unit, value int64
	err := s.pool.QueryRow(ctx(), `SELECT member, holder, unit, value, issued_at, code FROM issued WHERE id = $1`, int64(id)).
		Scan(&is.Member, &holder, &unit, &value, &is.IssuedAt, &is.Code)
	if errors.Is(err, pgx.ErrNoRows) {
		return &is, pos.Errorf(pos.ENOTFOUND, "voucher %s was not issued here", id)
	}
	if err != nil {
		return &is, dbErr(err, "read issuance")
	}
	is.ID, is.Unit, is.Value = id, uint32(unit), pos.Money(value)
	copy(is.Holder[:], holder)
	return &is, nil
}

// Documents returns the published documents (empty before the first).
func (s *Store) Documents() (*server.Documents, error) {
	var d server.Documents
	var seq, ver int64
	err := s.pool.QueryRow(ctx(), `SELECT trust, trust_seq, catalogue, catalogue_version FROM documents WHERE id = 1`).
		Scan(&d.Trust, &seq, &d.Catalogue, &ver)
	if errors.Is(err, pgx.ErrNoRows) {
		return &d, nil
	}
	d.TrustSeq, d.CatalogueVersion = uint64(seq), uint32(ver)
	return &d, dbErr(err, "read documents")
}

// SetDocuments publishes d.
func (s *Store) SetDocuments(d *server.Documents) error {
	_, err := s.pool.Exec(ctx(), `INSERT INTO documents (id, trust, trust_seq, catalogue, catalogue_version) VALUES (1, $1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET trust = excluded.trust, trust_seq = excluded.trust_seq,
			catalogue = excluded.catalogue, catalogue_version = excluded.catalogue_version`,
		nonNil(d.Trust), int64(d.TrustSeq), nonNil(d.Catalogue), int64(d.CatalogueVersion))
	return dbErr(err, "publish documents")
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// ledgerLock is the advisory lock key every ledger write takes first.
const ledgerLock = 0x66707370_6c656467 // "fpspledg"

// ViewLedger runs fn in a read-only REPEATABLE READ transaction: one snapshot.
func (s *Store) ViewLedger(fn func(server.LedgerView) error) error {
	tx, err := s.pool.BeginTx(ctx(), pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return dbErr(err, "read ledger")
	}
	defer tx.Rollback(ctx())
	if err := fn(&ledger{tx: tx}); err != nil {
		return dbErr(err, "read ledger")
	}
	return dbErr(tx.Commit(ctx()), "read ledger")
}

// UpdateLedger runs fn in a write transaction under the ledger lock,
// committed before it returns. Concurrent calls share one transaction, each
// in its own savepoint: a call whose fn fails leaves no trace and gets its
// error; the others commit.
func (s *Store) UpdateLedger(fn func(server.LedgerTx) error) error {
	return s.batch.do(fn)
}

type call struct {
	fn   func(server.LedgerTx) error
	err  error
	done chan struct{}
}

// batcher groups concurrent UpdateLedger calls: the first caller runs
// transactions while others queue; each transaction takes all queued calls.
type batcher struct {
	s       *Store
	mu      sync.Mutex
	queue   []*call
	running bool
}

// maxBatch bounds the calls in one transaction.
const maxBatch = 64

func (b *batcher) do(fn func(server.LedgerTx) error) error {
	c := &call{fn: fn, done: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, c)
	if b.running {
		b.mu.Unlock()
		<-c.done
		return c.err
	}
	b.running = true
	for len(b.queue) > 0 {
		n := min(len(b.queue), maxBatch)
		calls := slices.Clone(b.queue[:n])
		b.queue = b.queue[n:]
		b.mu.Unlock()
		b.s.runBatch(calls)
		for _, c := range calls {
			close(c.done)
		}
		b.mu.Lock()
	}
	b.running = false
	b.mu.Unlock()
	return c.err
}

func (s *Store) runBatch(calls []*call) {
	err := s.inTx("update ledger", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx(), `SELECT pg_advisory_xact_lock($1)`, int64(ledgerLock)); err != nil {
			return err
		}
		var cnt counters
		for _, c := range calls {
			c.err = nil
			if len(calls) == 1 {
				w := newWLedger(tx, &cnt)
				if err := c.fn(w); err != nil {
					return err
				}
				if err := w.flush(); err != nil {
					return err
				}
				continue
			}
			// Each call in its own savepoint, so one call's error undoes only
			// its writes; the savepoint rides on the call's first round trip
			// and its release on the last.
			saved := cnt
			w := newWLedger(tx, &cnt)
			w.pre = []string{`SAVEPOINT call`}
			err := c.fn(w)
			if err == nil {
				err = w.flush(`RELEASE SAVEPOINT call`)
			}
			if err != nil {
				if retryable(err) {
					return err
				}
				cnt = saved
				c.err = dbErr(err, "update ledger")
				if len(w.pre) == 0 { // the savepoint was sent
					if _, rerr := tx.Exec(ctx(), `ROLLBACK TO SAVEPOINT call; RELEASE SAVEPOINT call`); rerr != nil {
						return rerr
					}
				}
				continue
			}
		}
		return nil
	})
	if err != nil {
		for _, c := range calls {
			if c.err == nil || len(calls) == 1 {
				c.err = err
			}
		}
	}
}

func fmtHolder(h pos.HolderRef) string { return fmt.Sprintf("%x", h[:]) }

// connectErr words a database that cannot be reached (refused, unknown
// host, wrong password): the URL without its password names it.
func connectErr(err error, url string) error {
	return pos.WrapError(pos.ESTORAGE, err, "connect to %s", redact(url)).Say("db_connect", "url", redact(url))
}
