package server

import (
	"slices"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// decisions answers a download's Open: for each of terminal t's records
// in open, when every case for review that names it (as its own record or
// as a claim, the way settlement reads them) is resolved, the latest
// resolution and whether the record is paid as decided (naming.pays).
// Records with a case still open, or with none, are left out. It reads the
// incidents of the terminal's store only, and only when the terminal holds
// a case open, so a quiet terminal costs nothing.
func (s *Server) decisions(t *wire.Terminal, open []uint64) ([]wire.IncidentDecision, error) {
	if len(open) == 0 {
		return nil, nil
	}
	if len(open) > wire.MaxOpenIncidents {
		return nil, pos.Errorf(wire.ErrTooLarge, "%d open incidents in one download, at most %d", len(open), wire.MaxOpenIncidents)
	}
	type acc struct {
		d       wire.IncidentDecision
		pending bool
	}
	want := map[uint64]*acc{}
	for _, seq := range open {
		want[seq] = &acc{d: wire.IncidentDecision{Seq: seq, Paid: true}}
	}
	// note adds case in to record seq's answer; settled says whether
	// settlement reads the record's part in it (n), as the cases' own
	// records and double spends' claims; other claims only inform.
	note := func(seq uint64, in *wire.Incident, n naming, settled bool) {
		a := want[seq]
		if a == nil || slices.Contains(a.d.Incidents, in.ID) {
			return
		}
		a.d.Incidents = append(a.d.Incidents, in.ID)
		if in.Open() {
			a.pending = true
			return
		}
		a.d.Paid = a.d.Paid && (!settled || n.pays())
		if !in.Resolved.Before(a.d.Resolved) {
			a.d.Resolved = in.Resolved
			a.d.Keep, a.d.By, a.d.Note, _ = wire.ParseDecision(in.Resolution)
		}
	}
	q := IncidentQuery{Store: t.Store, Limit: wire.MaxIncidentLimit}
	for {
		page, more, err := s.Store.ListIncidents(q)
		if err != nil {
			return nil, err
		}
		for i := range page {
			in := &page[i]
			keep, _, _, _ := wire.ParseDecision(in.Resolution)
			n := naming{id: in.ID, open: in.Open(), keep: keep, kind: in.Kind, role: wire.KeepA}
			if in.Kind == wire.IncidentDoubleSpend {
				b := n
				b.role = wire.KeepB
				if in.Terminal == t.ID {
					note(in.Seq, in, b, true)
				}
				for _, c := range in.Claims {
					if c.Voided || (c.Terminal == in.Terminal && c.Seq == in.Seq) {
						continue
					}
					if c.Terminal == t.ID {
						note(c.Seq, in, n, true)
					}
					break
				}
				continue
			}
			if in.Terminal == t.ID && in.Seq != 0 {
				note(in.Seq, in, n, true)
			}
			for _, c := range in.Claims {
				if c.Terminal == t.ID && !(in.Terminal == t.ID && c.Seq == in.Seq) && !c.Voided {
					note(c.Seq, in, n, false)
				}
			}
		}
		if !more || len(page) == 0 {
			break
		}
		q.After = page[len(page)-1].ID
	}
	var out []wire.IncidentDecision
	for _, seq := range open {
		if a := want[seq]; a != nil && !a.pending && len(a.d.Incidents) > 0 {
			out = append(out, a.d)
			want[seq] = nil
		}
	}
	return out, nil
}
