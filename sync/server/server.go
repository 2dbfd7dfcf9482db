package server

import (
	"crypto/ed25519"
	"log/slog"
	"sync"
	"time"

	"fupinpos/pos"
)

// Server is the sync service over a Store: enrollment, signed uploads and
// downloads, and the admin operations. The HTTP handlers (Handler) and the
// voucherd commands both call its methods, so the CLI on a stopped server
// and the admin API on a running one behave the same.
type Server struct {
	Store      Store
	Root       ed25519.PublicKey // the deployment's root key, sent at enrollment
	AdminToken string            // bearer token of the admin endpoints; "" disables them
	Log        *slog.Logger      // refusals and incidents; nil discards
	Now        func() time.Time  // the server clock; nil is time.Now
	// AlertConfig holds the supervision thresholds (LoadAlertConfig, from
	// the data directory's alerts.json); nil: pos.DefaultAlertConfig.
	AlertConfig *pos.AlertConfig
	// Issuer signs vouchers and trust lists for the admin endpoints (the
	// admin CLI's issue and trust while serve holds the database); nil
	// refuses them.
	Issuer *Issuer

	mu    sync.Mutex
	trust *pos.TrustList // cached for voucher verification
	seq   uint64         // deployment TrustSeq the cache was built at
	camps map[uint16]pos.Campaign

	slotsOnce sync.Once
	slots     chan struct{} // uploads checking signatures; nil: no bound
}

// verifySlot waits until an upload may check its signatures, as bounded by
// a Store that is a VerifyLimiter, and returns the call that frees the slot.
func (s *Server) verifySlot() func() {
	s.slotsOnce.Do(func() {
		if l, ok := s.Store.(VerifyLimiter); ok {
			s.slots = make(chan struct{}, max(1, l.VerifyProcs()))
		}
	})
	if s.slots == nil {
		return func() {}
	}
	s.slots <- struct{}{}
	return func() { <-s.slots }
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

// verifier returns the trust list vouchers are checked against: every key
// and campaign of the deployment, published or not, since the server is
// where they come from. It is rebuilt whenever the deployment's trust
// sequence or its number of keys or campaigns changes.
func (s *Server) verifier() (*pos.TrustList, map[uint16]pos.Campaign, error) {
	d, err := s.Store.Deployment()
	if err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.trust != nil && s.seq == d.TrustSeq && len(s.trust.Keys) == len(d.Keys) && len(s.camps) == len(d.Campaigns) {
		return s.trust, s.camps, nil
	}
	s.trust = &pos.TrustList{Seq: d.TrustSeq, Keys: d.Keys, Campaigns: d.Campaigns, Units: d.Units}
	s.seq = d.TrustSeq
	s.camps = map[uint16]pos.Campaign{}
	for _, c := range d.Campaigns {
		s.camps[c.ID] = c
	}
	return s.trust, s.camps, nil
}
