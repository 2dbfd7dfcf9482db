package server

import (
	"slices"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// TestIngestWindowEdges: the server judges the time of an uploaded sale by
// the terminal's rule (pos.CheckValidity: whole seconds, both ends
// inclusive) — one nanosecond inside the voucher's validity or the
// campaign's redemption window is accepted, one nanosecond outside is kept
// as a conflict with an out_of_window incident.
func TestIngestWindowEdges(t *testing.T) {
	e := newEnv(t)
	t1 := e.enroll("T01", 11)
	day := 24 * time.Hour
	nb, na := e.now.Add(day), e.now.Add(2*day).Add(-time.Second) // the voucher's own window, inside the campaign's
	campUntil := e.dep.Campaign().RedeemUntil
	tests := []struct {
		name     string
		from, to time.Time // the voucher's not-before / not-after
		at       time.Time // the sale's time
		want     string
	}{
		{"not-before-1ns", nb, na, nb.Add(-time.Nanosecond), "conflict:" + pos.ENOTYETVALID},
		{"not-before", nb, na, nb, "accepted"},
		{"not-after", nb, na, na, "accepted"},
		{"not-after+0.5s", nb, na, na.Add(500 * time.Millisecond), "accepted"},
		{"not-after+1s-1ns", nb, na, na.Add(time.Second - time.Nanosecond), "accepted"},
		{"not-after+1s", nb, na, na.Add(time.Second), "conflict:" + pos.EEXPIRED},
		{"campaign until+1s-1ns", nb, campUntil.Add(day), campUntil.Add(time.Second - time.Nanosecond), "accepted"},
		{"campaign until+1s", nb, campUntil.Add(day), campUntil.Add(time.Second), "conflict:" + pos.ECAMPAIGNCLOSED},
	}
	incidents := 0
	for i, tt := range tests {
		v := e.dep.Voucher("W"+string(rune('A'+i)), 100)
		v.NotBefore, v.NotAfter = tt.from, tt.to
		code := e.dep.Sign(t, v)
		e.now = tt.at
		got := results(t1.upload(t1.sale(code)))
		if !slices.Equal(got, []string{tt.want}) {
			t.Errorf("%s: %v, want %s", tt.name, got, tt.want)
		}
		if tt.want != "accepted" {
			incidents++
			in := e.incidents()
			if len(in) != incidents || in[len(in)-1].Kind != wire.IncidentOutOfWindow || in[len(in)-1].Voucher != v.ID() {
				t.Errorf("%s: incidents %+v", tt.name, in)
			}
		}
	}
}
