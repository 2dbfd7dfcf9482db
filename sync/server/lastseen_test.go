package server

import (
	"testing"
	"time"
)

// TestLastSeenOnDownload: a terminal that only downloads still shows when
// it was last in contact, refreshed at most once a minute (SeenEvery),
// and an upload sets it as before.
func TestLastSeenOnDownload(t *testing.T) {
	e := newEnv(t)
	tm := e.enroll("HF-001-T01", 1)
	start := e.now.UTC()
	for _, step := range []struct {
		after time.Duration // since start
		do    string
		want  time.Duration // last seen, since start
	}{
		{0, "download", 0},
		{30 * time.Second, "download", 0}, // younger than a minute: no write
		{2 * time.Minute, "download", 2 * time.Minute},
		{2*time.Minute + 10*time.Second, "upload", 2*time.Minute + 10*time.Second},
		{3 * time.Minute, "download", 2*time.Minute + 10*time.Second},
		{10 * time.Minute, "head", 10 * time.Minute},
	} {
		e.now = start.Add(step.after)
		switch step.do {
		case "download":
			tm.download("")
		case "upload":
			tm.upload(tm.sale(e.dep.Code(t, "M-1", 5000)))
		case "head":
			if st, werr := e.call("POST", PathHead, tm.signer(), struct{}{}, &ChainHead{}); st != 200 {
				t.Fatalf("head: %d %v", st, werr)
			}
		}
		got, err := e.srv.Store.Terminal(tm.id)
		if err != nil {
			t.Fatal(err)
		}
		if want := start.Add(step.want); !got.LastSeen.Equal(want) {
			t.Errorf("after %s at +%s: last seen %s, want %s", step.do, step.after, got.LastSeen, want)
		}
	}
}
