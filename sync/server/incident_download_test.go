package server

import (
	"slices"
	"strings"
	"testing"

	"fupinpos/sync/wire"
)

// TestDownloadIncidents: a double spend's incident, opened by the second
// terminal's upload, reaches the first terminal in its download, once: the
// cursor moves past it; an old two-part cursor and a cursor of another
// database start over (the terminal deduplicates by incident, time and
// record); the uploader itself and a terminal whose claim was voided are not
// sent it again; a triple spend tells both earlier terminals.
func TestDownloadIncidents(t *testing.T) {
	e := newEnv(t)
	t1, t2, t3 := e.enroll("T01", 11), e.enroll("T02", 12), e.enroll("T03", 13)
	code := e.dep.Code(t, "M1", 10000)
	cur1, cur2, cur3 := t1.download("").Cursor, t2.download("").Cursor, t3.download("").Cursor
	if got := results(t1.upload(t1.sale(code))); !slices.Equal(got, []string{"accepted"}) {
		t.Fatalf("T01: %v", got)
	}
	if got := results(t2.upload(t2.sale(code))); !slices.Equal(got, []string{"conflict:redeemed_elsewhere"}) {
		t.Fatalf("T02: %v", got)
	}
	srv := e.incidents()
	if len(srv) != 1 {
		t.Fatalf("server incidents %+v", srv)
	}

	d1 := t1.download(cur1)
	if len(d1.Incidents) != 1 {
		t.Fatalf("T01 incidents %+v", d1.Incidents)
	}
	in := d1.Incidents[0]
	if in.Incident != srv[0].ID || in.Seq != 1 || in.Receipt != "T01-000001" || in.Kind != wire.IncidentDoubleSpend ||
		in.Reason != "redeemed_elsewhere" || in.Result != "conflict" || !in.Time.Equal(srv[0].Time) ||
		!strings.Contains(in.Detail, "T02 record 1 (receipt T02-000001)") || strings.Contains(in.Detail, "T01 record") {
		t.Errorf("T01 incident %+v", in)
	}
	if again := t1.download(d1.Cursor); len(again.Incidents) != 0 || again.Cursor != d1.Cursor {
		t.Errorf("T01 again: %+v, cursor %q → %q", again.Incidents, d1.Cursor, again.Cursor)
	}
	// The uploader learnt it from its upload answer; a bystander is not named.
	if d := t2.download(cur2); len(d.Incidents) != 0 {
		t.Errorf("T02 got its own incident again: %+v", d.Incidents)
	}
	if d := t3.download(cur3); len(d.Incidents) != 0 {
		t.Errorf("T03 is not named: %+v", d.Incidents)
	}
	// A cursor of an older server (epoch.seq) or of another database
	// delivers from the start: the terminal's key makes it harmless.
	epoch, seq, _ := strings.Cut(d1.Cursor, ".")
	seq, _, _ = strings.Cut(seq, ".")
	for _, c := range []string{epoch + "." + seq, "0123456789abcdef.3.9", ""} {
		if d := t1.download(c); len(d.Incidents) != 1 || d.Incidents[0].Incident != in.Incident || d.Incidents[0].Seq != in.Seq || !d.Incidents[0].Time.Equal(in.Time) {
			t.Errorf("cursor %q: %+v", c, d.Incidents)
		}
	}

	// T03 redeems the same voucher: a triple spend names T01 and T02.
	if got := results(t3.upload(t3.sale(code))); !slices.Equal(got, []string{"conflict:redeemed_elsewhere"}) {
		t.Fatalf("T03: %v", got)
	}
	if d := t1.download(d1.Cursor); len(d.Incidents) != 1 || !strings.Contains(d.Incidents[0].Detail, "T03 record 1") || !strings.Contains(d.Incidents[0].Detail, "T02 record 1") {
		t.Errorf("T01 after the third claim: %+v", d.Incidents)
	}
	if d := t2.download(cur2); len(d.Incidents) != 1 || d.Incidents[0].Seq != 1 || d.Incidents[0].Receipt != "T02-000001" {
		t.Errorf("T02 after the third claim: %+v", d.Incidents)
	}
	if d := t3.download(cur3); len(d.Incidents) != 0 {
		t.Errorf("T03 got its own incident again: %+v", d.Incidents)
	}

	// A sale voided before the double spend is not under review.
	code2 := e.dep.Code(t, "M2", 10000)
	t1.upload(t1.sale(code2))
	t1.upload(t1.void(t1.seq))
	t1.upload(t1.sale(code2)) // valid again after the void: accepted
	cur1 = t1.download("").Cursor
	if got := results(t2.upload(t2.sale(code2))); !slices.Equal(got, []string{"conflict:redeemed_elsewhere"}) {
		t.Fatalf("T02 on code2: %v", got)
	}
	d := t1.download(cur1)
	if len(d.Incidents) != 1 || d.Incidents[0].Seq != t1.seq {
		t.Errorf("voided claim told, or live claim not told: %+v (live seq %d)", d.Incidents, t1.seq)
	}
}

// TestDownloadIncidentsPaged: incidents page with the limit like changes,
// More is set until every one was scanned, and each arrives once.
func TestDownloadIncidentsPaged(t *testing.T) {
	e := newEnv(t)
	t1, t2 := e.enroll("T01", 11), e.enroll("T02", 12)
	cur := t1.download("").Cursor
	for i := range 5 {
		code := e.dep.Code(t, "M"+string(rune('A'+i)), 10000)
		t1.upload(t1.sale(code))
		t2.upload(t2.sale(code))
	}
	var seqs []uint64
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("no end of pages")
		}
		var d wire.DownloadResponse
		if st, werr := e.call("POST", wire.PathDownload, t1.signer(), wire.DownloadRequest{Cursor: cur, TrustSeq: 1,
			CatalogueVersion: e.dep.Catalogue.Version, Limit: 2}, &d); st != 200 {
			t.Fatalf("download: %d %v", st, werr)
		}
		if len(d.Incidents) > 2 {
			t.Fatalf("page of %d incidents, limit 2", len(d.Incidents))
		}
		for _, in := range d.Incidents {
			seqs = append(seqs, in.Seq)
		}
		cur = d.Cursor
		if !d.More {
			break
		}
	}
	if !slices.Equal(seqs, []uint64{1, 2, 3, 4, 5}) {
		t.Errorf("T01 told of records %v, want 1…5 once each", seqs)
	}
}
