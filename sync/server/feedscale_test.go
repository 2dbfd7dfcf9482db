package server_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"fupinpos/sync/server"
	"fupinpos/sync/server/storetest"
)

// TestFeedScaleBolt logs the download cost after FEED_SCALE_N status
// changes on bbolt (storetest.FeedScale); skipped without FEED_SCALE_N.
//
//	FEED_SCALE_N=1000000 go test -run TestFeedScaleBolt -v ./sync/server/
func TestFeedScaleBolt(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("FEED_SCALE_N"))
	if n <= 0 {
		t.Skip("set FEED_SCALE_N to measure")
	}
	st, err := server.OpenBolt(filepath.Join(t.TempDir(), server.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.FeedScale(t, st, n)
}
