package postgres

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"fupinpos/pos"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

var _ server.IncidentStore = (*Store)(nil)

const incidentReviewCols = incidentCols + `, resolved, resolution`

// ListIncidents selects the page by SQL on the incident indexes
// (migration 0003): a day is a range of time, the store and open cases
// have their own; the claims of the page's incidents come in one query.
func (s *Store) ListIncidents(q server.IncidentQuery) ([]wire.Incident, bool, error) {
	where := []string{"id > $1"}
	args := []any{int64(q.After)}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.Day != "" {
		from, err := pos.ParseDay(q.Day)
		if err != nil {
			return nil, false, pos.Errorf(pos.EINVALID, "day %q: want YYYY-MM-DD", q.Day)
		}
		where = append(where, "time >= "+arg(from), "time < "+arg(from.AddDate(0, 0, 1)))
	}
	if q.Store != "" {
		where = append(where, "store = "+arg(q.Store))
	}
	switch q.Status {
	case wire.IncidentOpen:
		where = append(where, "resolved IS NULL")
	case wire.IncidentResolved:
		where = append(where, "resolved IS NOT NULL")
	}
	sql := `SELECT ` + incidentReviewCols + ` FROM incidents WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY id LIMIT ` + arg(q.Limit+1)
	out, err := s.incidentsWhere(sql, args...)
	if err != nil {
		return nil, false, dbErr(err, "list incidents")
	}
	if len(out) > q.Limit {
		return out[:q.Limit], true, nil
	}
	return out, false, nil
}

// incidentsWhere runs sql (selecting incidentReviewCols) and adds each
// incident's claims.
func (s *Store) incidentsWhere(sql string, args ...any) ([]wire.Incident, error) {
	rows, err := s.pool.Query(ctx(), sql, args...)
	if err != nil {
		return nil, err
	}
	var out []wire.Incident
	var ids []int64
	for rows.Next() {
		var in wire.Incident
		var id, seq, voucher, amount int64
		var holder []byte
		var resolved *time.Time
		if err := rows.Scan(&id, &in.Time, &in.Kind, &in.Reason, &in.Terminal, &in.Store, &seq, &voucher, &holder, &amount, &in.Detail,
			&resolved, &in.Resolution); err != nil {
			rows.Close()
			return nil, err
		}
		in.ID, in.Seq, in.Voucher, in.Amount, in.Time = uint64(id), uint64(seq), pos.VoucherID(voucher), pos.Money(amount), in.Time.UTC()
		if resolved != nil {
			in.Resolved = resolved.UTC()
		}
		copy(in.Holder[:], holder)
		out = append(out, in)
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = s.pool.Query(ctx(), `SELECT incident, `+claimCols+` FROM incident_claims
		WHERE incident = ANY($1) ORDER BY incident, idx`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	at := make(map[uint64]int, len(out))
	for i, in := range out {
		at[in.ID] = i
	}
	for rows.Next() {
		var inc, seq int64
		var c wire.Claim
		if err := rows.Scan(&inc, &c.Terminal, &c.Store, &seq, &c.Receipt, &c.Time, &c.Voided, &c.Counted); err != nil {
			return nil, err
		}
		c.Seq, c.Time = uint64(seq), c.Time.UTC()
		if i, ok := at[uint64(inc)]; ok {
			out[i].Claims = append(out[i].Claims, c)
		}
	}
	return out, rows.Err()
}

// ResolveIncident closes the incident if it is open, in one statement, so
// two instances resolving at once close it once.
func (s *Store) ResolveIncident(id uint64, r server.Resolution) (*wire.Incident, error) {
	var got int64
	err := s.pool.QueryRow(ctx(), `UPDATE incidents SET resolved = $2, resolution = $3
		WHERE id = $1 AND resolved IS NULL RETURNING id`, int64(id), r.Time.UTC(), r.Note).Scan(&got)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, dbErr(err, "resolve incident")
	}
	out, lerr := s.incidentsWhere(`SELECT `+incidentReviewCols+` FROM incidents WHERE id = $1`, int64(id))
	if lerr != nil {
		return nil, dbErr(lerr, "resolve incident")
	}
	switch {
	case len(out) == 0:
		return nil, pos.Errorf(pos.ENOTFOUND, "no incident %d", id).With("incident", strconv.FormatUint(id, 10)).Say("no_incident")
	case err != nil:
		return nil, pos.Errorf(pos.ECONFLICT, "incident %d was resolved at %s: %s", id, out[0].Resolved.In(pos.CST).Format(time.DateTime), out[0].Resolution)
	}
	return &out[0], nil
}
