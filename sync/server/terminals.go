package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/voucher"
	"fupinpos/sync/wire"
)

// DefaultCodeTTL is how long an enrollment code works when the admin does
// not say: a technician's working day.
const DefaultCodeTTL = 24 * time.Hour

// codeDigits is the length of an enrollment code: 12 digits, typed on a
// counter keyboard as 1234-5678-9012 (40 bits, single use, expiring).
const codeDigits = 12

// validID reports whether id can name a terminal or store: 1–64 of
// A–Z a–z 0–9 . _ -, so it is safe in receipts, keys and file names.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// NormalizeCode strips everything but digits from a typed enrollment code.
func NormalizeCode(code string) string {
	var b strings.Builder
	for _, c := range code {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func newCode() (string, error) {
	var buf [8]byte
	if _, err := rand.Read(buf[:]); err != nil {
		return "", err
	}
	n := binary.BigEndian.Uint64(buf[:]) % 1_000_000_000_000
	s := fmt.Sprintf("%012d", n)
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12], nil
}

func codeHash(code string) [32]byte {
	return sha256.Sum256([]byte("fupinpos-enroll\n" + NormalizeCode(code)))
}

// AddTerminal creates a pending terminal named name (also its id) in store
// and returns its one-time enrollment code, valid for ttl (0: DefaultCodeTTL).
// Only the code's hash is stored: it is shown this once.
func (s *Server) AddTerminal(req wire.AddTerminalRequest) (*wire.AddTerminalResponse, error) {
	if !validID(req.Store) || !validID(req.Name) {
		return nil, pos.Errorf(pos.EINVALID, "store and name must be 1–64 letters, digits, '.', '_' or '-'").Say("terminal_name")
	}
	ttl := req.TTL.D()
	if ttl <= 0 {
		ttl = DefaultCodeTTL
	}
	code, err := newCode()
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Second)
	t := wire.Terminal{ID: req.Name, Store: req.Store, Name: req.Name, State: wire.TerminalPending, Created: now, CodeExpires: now.Add(ttl)}
	if err := s.Store.AddTerminal(t, codeHash(code)); err != nil {
		return nil, err
	}
	s.log().Info("terminal added", "terminal", t.ID, "store", t.Store, "code_expires", t.CodeExpires)
	return &wire.AddTerminalResponse{Terminal: t, Code: code, Expires: t.CodeExpires}, nil
}

// Enroll registers a terminal's public key with a one-time code and returns
// what the terminal needs to start: its id, the root key and the bundle.
func (s *Server) Enroll(req wire.EnrollRequest) (*wire.EnrollResponse, error) {
	if len(req.Public) != ed25519.PublicKeySize {
		return nil, pos.Errorf(pos.EINVALID, "public key has %d bytes, want %d", len(req.Public), ed25519.PublicKeySize)
	}
	if len(NormalizeCode(req.Code)) != codeDigits {
		return nil, &wire.Error{Code: wire.AuthBadCode, Message: "an enrollment code has 12 digits"}
	}
	docs, err := s.Store.Documents()
	if err != nil {
		return nil, err
	}
	if len(docs.Trust) == 0 {
		return nil, pos.Errorf(pos.ENOTPROVISIONED, "the server has not published a trust list yet")
	}
	bundle, err := voucher.MakeBundle(docs.Trust, docs.Catalogue)
	if err != nil {
		return nil, err
	}
	now := s.now()
	t, err := s.Store.Enroll(codeHash(req.Code), req.Public, req.Hostname, now.UTC().Truncate(time.Second))
	if err != nil {
		return nil, err
	}
	s.log().Info("terminal enrolled", "terminal", t.ID, "store", t.Store, "hostname", req.Hostname,
		"key", voucher.Fingerprint(req.Public))
	return &wire.EnrollResponse{
		Terminal: t.ID, Store: t.Store, Name: t.Name,
		RootPublic: s.Root, RootFingerprint: voucher.Fingerprint(s.Root),
		Bundle: bundle, ServerTime: now.UTC(),
	}, nil
}

// DisableTerminal refuses the terminal from now on (403). Its records stay.
func (s *Server) DisableTerminal(req wire.DisableRequest) (*wire.Terminal, error) {
	t, err := s.Store.DisableTerminal(req.Terminal)
	if err != nil {
		return nil, err
	}
	s.log().Warn("terminal disabled", "terminal", t.ID, "reason", req.Reason)
	return t, nil
}

// SeenEvery is how old a terminal's last contact (Head.LastSeen, shown by
// voucherd terminal list) may get before an authenticated request that
// records nothing (a download, a head or reconcile query) refreshes it: at
// most one write per terminal a minute, not one per request.
const SeenEvery = time.Minute

// Seen records that terminal t, as read when its request was
// authenticated, was seen now (every signed request calls it), unless its last contact is younger than
// SeenEvery (an upload just made sets it itself). A failure is logged: the
// request itself succeeded.
func (s *Server) Seen(t *wire.Terminal) {
	now := s.now().UTC().Truncate(time.Second)
	if now.Sub(t.LastSeen) < SeenEvery {
		return
	}
	stale := func(h Head) bool { return now.Sub(h.LastSeen) >= SeenEvery }
	var h Head
	err := s.Store.ViewLedger(func(l LedgerView) error {
		var err error
		h, err = l.Head(t.ID)
		return err
	})
	if err == nil && stale(h) {
		err = s.Store.UpdateLedger(func(tx LedgerTx) error {
			h, err := tx.Head(t.ID)
			if err != nil || !stale(h) {
				return err
			}
			h.LastSeen = now
			return tx.SetHead(t.ID, h)
		})
	}
	if err != nil {
		s.log().Warn("record last contact", "terminal", t.ID, "error", err.Error())
	}
}
