package postgres

import (
	"os"
	"strconv"
	"testing"

	"fupinpos/sync/server/storetest"
)

// TestFeedScalePostgres logs the download cost after FEED_SCALE_N status
// changes on PostgreSQL (storetest.FeedScale: bytes, requests and time for
// a terminal 10, 1k, 50k and N changes behind), the figures of
// TestFeedScaleBolt on the other engine; skipped without FEED_SCALE_N.
//
//	FEED_SCALE_N=500000 go test -run 'TestFeedScale' -v ./sync/server/ ./sync/server/postgres/
func TestFeedScalePostgres(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("FEED_SCALE_N"))
	if n <= 0 {
		t.Skip("set FEED_SCALE_N to measure")
	}
	st, _ := openFresh(t)
	defer st.Close()
	storetest.FeedScale(t, st, n)
}
