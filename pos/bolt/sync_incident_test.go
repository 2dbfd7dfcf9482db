package bolt_test

import (
	"testing"
	"time"

	"fupinpos/pos"
)

// TestApplyDownloadIncidents: the server's incidents about this terminal's
// records land in the incident list with the server's time, in the same
// transaction as the cursor; a key already stored is skipped, so a page
// applied twice adds nothing; an incident without a key refuses the whole
// download.
func TestApplyDownloadIncidents(t *testing.T) {
	f := newFixture(t, nil)
	at := t0.Add(-time.Hour)
	a := pos.ServerIncident{Key: "7/x/1", Incident: pos.Incident{Time: at, Seq: 1, Receipt: "T01-000001",
		Result: pos.UploadConflict, Reason: pos.EREDEEMEDELSEWHERE, Detail: "also redeemed by T02 record 1"}}
	b := a
	b.Key, b.Incident.Detail = "9/x/1", "also redeemed by T03 record 1"
	for i, d := range []pos.Download{
		{Incidents: []pos.ServerIncident{a}, Cursor: "c-1"},
		{Incidents: []pos.ServerIncident{a}, Cursor: "c-1"},    // the same page again
		{Incidents: []pos.ServerIncident{a, b}, Cursor: "c-2"}, // re-delivered with a new one
	} {
		if _, err := f.ApplyDownload(d, "sync"); err != nil {
			t.Fatalf("download %d: %v", i, err)
		}
	}
	in, err := f.Incidents()
	if err != nil {
		t.Fatal(err)
	}
	if len(in) != 2 || in[0].Detail != a.Incident.Detail || in[1].Detail != b.Incident.Detail || in[0].ID != 1 || in[1].ID != 2 ||
		!in[0].Time.Equal(at) || in[0].Receipt != "T01-000001" || in[0].Reason != pos.EREDEEMEDELSEWHERE || in[0].Result != pos.UploadConflict {
		t.Fatalf("incidents %+v", in)
	}
	_, err = f.ApplyDownload(pos.Download{Incidents: []pos.ServerIncident{{Incident: a.Incident}}, Cursor: "c-3"}, "sync")
	wantCode(t, err, pos.EINVALID)
	if c, _ := f.SyncCursor(); c != "c-2" {
		t.Errorf("cursor %q after a refused download, want c-2", c)
	}
	if in, _ := f.Incidents(); len(in) != 2 {
		t.Errorf("%d incidents after a refused download", len(in))
	}
}
