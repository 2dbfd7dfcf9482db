package server

import (
	"strconv"
	"strings"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// IncidentQuery selects a page of incidents from storage: those matching
// every filter that is set, with an id above After, by id, at most Limit.
type IncidentQuery struct {
	Day    string // CST day (2006-01-02) of the incident's time; "" any
	Store  string // the store the incident names; "" any
	Status string // wire.IncidentOpen, wire.IncidentResolved or "" for both
	After  uint64 // ids above
	Limit  int    // at most (> 0)
}

// Resolution closes an incident: when, and what was decided.
type Resolution struct {
	Time time.Time
	Note string
}

// IncidentStore lists incidents for review and closes them. Engines keep
// indexes so a filtered page reads what it returns, not every incident.
type IncidentStore interface {
	// ListIncidents returns the incidents q selects, by id, with their
	// resolution, and whether more match after the last one.
	ListIncidents(q IncidentQuery) ([]wire.Incident, bool, error)
	// ResolveIncident closes incident id with r and returns it: ENOTFOUND
	// when there is no such incident, ECONFLICT when it is already closed.
	ResolveIncident(id uint64, r Resolution) (*wire.Incident, error)
}

// ListIncidents returns the page of incidents q selects (see
// wire.IncidentQuery): the admin's view of the cases, filtered by day,
// store and status, oldest first.
func (s *Server) ListIncidents(q wire.IncidentQuery) (*wire.IncidentPage, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	in, more, err := s.Store.ListIncidents(IncidentQuery{Day: q.Day, Store: q.Store, Status: q.Status, After: q.After, Limit: q.Limit})
	if err != nil {
		return nil, err
	}
	page := &wire.IncidentPage{Incidents: in, More: more}
	if page.Incidents == nil {
		page.Incidents = []wire.Incident{}
	}
	if more && len(in) > 0 {
		page.Next = in[len(in)-1].ID
	}
	return page, nil
}

// ResolveIncident closes an incident with what was decided. The evidence
// stays as it was; the incident no longer lists as open.
func (s *Server) ResolveIncident(req wire.ResolveRequest) (*wire.Incident, error) {
	note := strings.TrimSpace(req.Resolution)
	if req.Incident == 0 || note == "" {
		return nil, pos.Errorf(pos.EINVALID, "resolve needs an incident id and what was decided")
	}
	in, err := s.Store.ResolveIncident(req.Incident, Resolution{Time: s.now().UTC(), Note: note})
	if err != nil {
		return nil, err
	}
	s.log().Info("incident resolved", "incident", in.ID, "kind", in.Kind, "store", in.Store, "resolution", note)
	return in, nil
}

// DecideIncident closes an incident with a decision on which of its records
// are paid (wire.DecideRequest): the resolution records who decided, when
// (the server's clock) and what, as wire.FormatDecision writes it, so both
// engines keep it as any resolution and settlement reads it back. B and
// both are decisions on a double spend only.
func (s *Server) DecideIncident(req wire.DecideRequest) (*wire.Incident, error) {
	note, by := strings.TrimSpace(req.Note), strings.TrimSpace(req.By)
	if req.Incident == 0 || note == "" || by == "" {
		return nil, pos.Errorf(pos.EINVALID, "a decision needs an incident id, who decided and what was decided")
	}
	switch req.Keep {
	case wire.KeepA, wire.KeepB, wire.KeepBoth:
	default:
		return nil, pos.Errorf(pos.EINVALID, "keep %q: want %s, %s or %s", req.Keep, wire.KeepA, wire.KeepB, wire.KeepBoth)
	}
	page, _, err := s.Store.ListIncidents(IncidentQuery{After: req.Incident - 1, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(page) == 0 || page[0].ID != req.Incident {
		return nil, pos.Errorf(pos.ENOTFOUND, "no incident %d", req.Incident).With("incident", strconv.FormatUint(req.Incident, 10)).Say("no_incident")
	}
	if page[0].Kind != wire.IncidentDoubleSpend && req.Keep != wire.KeepA {
		return nil, pos.Errorf(pos.EINVALID, "incident %d (%s) names one record: only --keep %s (pay it) applies", req.Incident, page[0].Kind, wire.KeepA)
	}
	res := wire.FormatDecision(req.Keep, by, note)
	in, err := s.Store.ResolveIncident(req.Incident, Resolution{Time: s.now().UTC(), Note: res})
	if err != nil {
		return nil, err
	}
	s.log().Info("incident decided", "incident", in.ID, "kind", in.Kind, "store", in.Store, "keep", req.Keep, "by", by, "note", note)
	return in, nil
}
