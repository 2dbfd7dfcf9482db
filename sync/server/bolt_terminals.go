package server

import (
	"bytes"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// pendingCode is an unused enrollment code, stored by its SHA-256.
type pendingCode struct {
	Terminal string    `json:"terminal"`
	Expires  time.Time `json:"expires"`
}

func getJSON(b *bolt.Bucket, k []byte, v any) (bool, error) {
	raw := b.Get(k)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, pos.WrapError(pos.EINTERNAL, err, "decode %s record", k)
	}
	return true, nil
}

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return pos.WrapError(pos.EINTERNAL, err, "encode record")
	}
	return b.Put(k, raw)
}

// storageErr marks plain bbolt failures as ESTORAGE, keeping coded errors.
func storageErr(err error, what string) error {
	if err != nil && pos.ErrorCode(err) == pos.EINTERNAL {
		return pos.WrapError(pos.ESTORAGE, err, "%s", what)
	}
	return err
}

// getTerminal reads the stored terminal id into t; false when there is none.
func getTerminal(b *bolt.Bucket, id string, t *wire.Terminal) (bool, error) {
	var r terminalRec
	ok, err := getJSON(b, []byte(id), &r)
	if ok && err == nil {
		*t = r.wire()
	}
	return ok, err
}

// putTerminal stores t (its head lives in bucketHeads).
func putTerminal(b *bolt.Bucket, t *wire.Terminal) error {
	r := terminalToRec(t)
	return putJSON(b, []byte(t.ID), &r)
}

// AddTerminal stores a new pending terminal and its code hash.
func (s *Bolt) AddTerminal(t wire.Terminal, codeHash [32]byte) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTerminals)
		if b.Get([]byte(t.ID)) != nil {
			return pos.Errorf(pos.ECONFLICT, "terminal %s already exists", t.ID).With("terminal", t.ID).Say("terminal_exists")
		}
		if err := putTerminal(b, &t); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketCodes), codeHash[:], pendingCode{Terminal: t.ID, Expires: t.CodeExpires})
	})
	return storageErr(err, "add terminal")
}

// Enroll consumes a one-time code and registers the terminal's key.
func (s *Bolt) Enroll(codeHash [32]byte, public []byte, hostname string, now time.Time) (*wire.Terminal, error) {
	var t wire.Terminal
	err := s.db.Update(func(tx *bolt.Tx) error {
		codes := tx.Bucket(bucketCodes)
		var pc pendingCode
		ok, err := getJSON(codes, codeHash[:], &pc)
		if err != nil {
			return err
		}
		if !ok {
			return &wire.Error{Code: wire.AuthBadCode, Message: "unknown or already used enrollment code"}
		}
		if now.After(pc.Expires) {
			return &wire.Error{Code: wire.AuthBadCode, Message: "enrollment code expired at " + pc.Expires.UTC().Format(time.RFC3339)}
		}
		b := tx.Bucket(bucketTerminals)
		if ok, err := getTerminal(b, pc.Terminal, &t); err != nil || !ok {
			return &wire.Error{Code: wire.AuthBadCode, Message: "enrollment code of a removed terminal"}
		}
		if t.State != wire.TerminalPending {
			return &wire.Error{Code: wire.AuthBadCode, Message: "terminal " + t.ID + " is " + t.State}
		}
		t.State, t.Public, t.Hostname, t.Enrolled, t.CodeExpires = wire.TerminalActive, bytes.Clone(public), hostname, now, time.Time{}
		if err := codes.Delete(codeHash[:]); err != nil {
			return err
		}
		return putTerminal(b, &t)
	})
	if err != nil {
		return nil, storageErr(err, "enroll terminal")
	}
	return &t, nil
}

// Terminal returns terminal id with its chain head.
func (s *Bolt) Terminal(id string) (*wire.Terminal, error) {
	var t wire.Terminal
	err := s.db.View(func(tx *bolt.Tx) error {
		ok, err := getTerminal(tx.Bucket(bucketTerminals), id, &t)
		if err != nil {
			return err
		}
		if !ok {
			return pos.Errorf(pos.ENOTFOUND, "no terminal %q", id).With("terminal", id).Say("no_terminal")
		}
		return fillHead(tx, &t)
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func fillHead(tx *bolt.Tx, t *wire.Terminal) error {
	h, err := boltLedger{tx}.Head(t.ID)
	if err != nil {
		return err
	}
	t.HeadSeq, t.Records, t.LastSeen = h.Seq, h.Records, h.LastSeen
	return nil
}

// Terminals returns every terminal by id.
func (s *Bolt) Terminals() ([]wire.Terminal, error) {
	var out []wire.Terminal
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTerminals).ForEach(func(_, v []byte) error {
			var r terminalRec
			if err := json.Unmarshal(v, &r); err != nil {
				return pos.WrapError(pos.EINTERNAL, err, "decode terminal")
			}
			t := r.wire()
			if err := fillHead(tx, &t); err != nil {
				return err
			}
			out = append(out, t)
			return nil
		})
	})
	return out, err
}

// DisableTerminal disables id and deletes its unused code, if any.
func (s *Bolt) DisableTerminal(id string) (*wire.Terminal, error) {
	var t wire.Terminal
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTerminals)
		ok, err := getTerminal(b, id, &t)
		if err != nil {
			return err
		}
		if !ok {
			return pos.Errorf(pos.ENOTFOUND, "no terminal %q", id).With("terminal", id).Say("no_terminal")
		}
		t.State = wire.TerminalDisabled
		codes := tx.Bucket(bucketCodes)
		var drop [][]byte
		codes.ForEach(func(k, v []byte) error {
			var pc pendingCode
			if json.Unmarshal(v, &pc) == nil && pc.Terminal == id {
				drop = append(drop, bytes.Clone(k))
			}
			return nil
		})
		for _, k := range drop {
			if err := codes.Delete(k); err != nil {
				return err
			}
		}
		if err := putTerminal(b, &t); err != nil {
			return err
		}
		return fillHead(tx, &t)
	})
	if err != nil {
		return nil, storageErr(err, "disable terminal")
	}
	return &t, nil
}
