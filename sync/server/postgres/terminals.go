package postgres

import (
	"bytes"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

const terminalCols = `t.id, t.store, t.name, t.state, t.public, t.hostname, t.created, t.code_expires, t.enrolled,
	coalesce(h.seq, 0), coalesce(h.records, 0), h.last_seen`

const terminalFrom = ` FROM terminals t LEFT JOIN heads h ON h.terminal = t.id `

func scanTerminal(row pgx.Row) (*wire.Terminal, error) {
	var t wire.Terminal
	var codeExpires, enrolled, lastSeen *time.Time
	var seq int64
	if err := row.Scan(&t.ID, &t.Store, &t.Name, &t.State, &t.Public, &t.Hostname, &t.Created, &codeExpires, &enrolled,
		&seq, &t.Records, &lastSeen); err != nil {
		return nil, err
	}
	t.Created, t.HeadSeq = t.Created.UTC(), uint64(seq)
	if codeExpires != nil {
		t.CodeExpires = codeExpires.UTC()
	}
	if enrolled != nil {
		t.Enrolled = enrolled.UTC()
	}
	if lastSeen != nil {
		t.LastSeen = lastSeen.UTC()
	}
	if len(t.Public) == 0 {
		t.Public = nil
	}
	return &t, nil
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// AddTerminal stores a new pending terminal and its code hash.
func (s *Store) AddTerminal(t wire.Terminal, codeHash [32]byte) error {
	return s.inTx("add terminal", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx(), `INSERT INTO terminals (id, store, name, state, public, hostname, created, code_expires, enrolled)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			t.ID, t.Store, t.Name, t.State, t.Public, t.Hostname, t.Created, optTime(t.CodeExpires), optTime(t.Enrolled))
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" {
			return pos.Errorf(pos.ECONFLICT, "terminal %s already exists", t.ID).With("terminal", t.ID).Say("terminal_exists")
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx(), `INSERT INTO enroll_codes (hash, terminal, expires) VALUES ($1, $2, $3)`, codeHash[:], t.ID, t.CodeExpires)
		return err
	})
}

// Enroll consumes a one-time code and registers the terminal's key.
func (s *Store) Enroll(codeHash [32]byte, public []byte, hostname string, now time.Time) (*wire.Terminal, error) {
	var out *wire.Terminal
	err := s.inTx("enroll terminal", func(tx pgx.Tx) error {
		var id string
		var expires time.Time
		err := tx.QueryRow(ctx(), `SELECT terminal, expires FROM enroll_codes WHERE hash = $1 FOR UPDATE`, codeHash[:]).Scan(&id, &expires)
		if errors.Is(err, pgx.ErrNoRows) {
			return &wire.Error{Code: wire.AuthBadCode, Message: "unknown or already used enrollment code"}
		}
		if err != nil {
			return err
		}
		if now.After(expires) {
			return &wire.Error{Code: wire.AuthBadCode, Message: "enrollment code expired at " + expires.UTC().Format(time.RFC3339)}
		}
		t, err := scanTerminal(tx.QueryRow(ctx(), `SELECT `+terminalCols+terminalFrom+`WHERE t.id = $1 FOR UPDATE OF t`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return &wire.Error{Code: wire.AuthBadCode, Message: "enrollment code of a removed terminal"}
		}
		if err != nil {
			return err
		}
		if t.State != wire.TerminalPending {
			return &wire.Error{Code: wire.AuthBadCode, Message: "terminal " + t.ID + " is " + t.State}
		}
		t.State, t.Public, t.Hostname, t.Enrolled, t.CodeExpires = wire.TerminalActive, bytes.Clone(public), hostname, now.UTC(), time.Time{}
		if _, err := tx.Exec(ctx(), `DELETE FROM enroll_codes WHERE hash = $1`, codeHash[:]); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx(), `UPDATE terminals SET state = $2, public = $3, hostname = $4, enrolled = $5, code_expires = NULL WHERE id = $1`,
			t.ID, t.State, t.Public, t.Hostname, t.Enrolled); err != nil {
			return err
		}
		out = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Terminal returns terminal id with its chain head.
func (s *Store) Terminal(id string) (*wire.Terminal, error) {
	t, err := scanTerminal(s.pool.QueryRow(ctx(), `SELECT `+terminalCols+terminalFrom+`WHERE t.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, pos.Errorf(pos.ENOTFOUND, "no terminal %q", id).With("terminal", id).Say("no_terminal")
	}
	if err != nil {
		return nil, dbErr(err, "read terminal")
	}
	return t, nil
}

// Terminals returns every terminal by id.
func (s *Store) Terminals() ([]wire.Terminal, error) {
	rows, err := s.pool.Query(ctx(), `SELECT `+terminalCols+terminalFrom+`ORDER BY t.id COLLATE "C"`)
	if err != nil {
		return nil, dbErr(err, "read terminals")
	}
	defer rows.Close()
	var out []wire.Terminal
	for rows.Next() {
		t, err := scanTerminal(rows)
		if err != nil {
			return nil, dbErr(err, "read terminals")
		}
		out = append(out, *t)
	}
	return out, dbErr(rows.Err(), "read terminals")
}

// DisableTerminal disables id and deletes its unused code, if any.
func (s *Store) DisableTerminal(id string) (*wire.Terminal, error) {
	var out *wire.Terminal
	err := s.inTx("disable terminal", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx(), `UPDATE terminals SET state = $2 WHERE id = $1`, id, wire.TerminalDisabled)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return pos.Errorf(pos.ENOTFOUND, "no terminal %q", id).With("terminal", id).Say("no_terminal")
		}
		if _, err := tx.Exec(ctx(), `DELETE FROM enroll_codes WHERE terminal = $1`, id); err != nil {
			return err
		}
		out, err = scanTerminal(tx.QueryRow(ctx(), `SELECT `+terminalCols+terminalFrom+`WHERE t.id = $1`, id))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
