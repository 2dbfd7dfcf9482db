package client_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/client"
)

// BenchmarkDrain drains 10,000 queued redemptions to a real server on
// loopback (bbolt, fsync on) in batches of client.DefaultBatchSize, and the
// same number from a second terminal one record per request, in the same
// run. Goals: batched ≤ 5 s and ≥ 10× faster than one by one.
//
//	go test -run '^$' -bench Drain -benchtime 1x ./sync/client
func BenchmarkDrain(b *testing.B) {
	const n = 10_000
	for range b.N {
		b.StopTimer()
		e := newEnv(b)
		batched, single := e.enroll("HF-001-T01", e.http.URL), e.enroll("HF-001-T02", e.http.URL)
		for i := range n {
			batched.redeem(b, e.dep.Code(b, member(i), pos.Yuan(10)))
			single.redeem(b, e.dep.Code(b, member(n+i), pos.Yuan(10)))
		}
		b.StartTimer()
		drain := func(tm *terminal, batch int) (time.Duration, int) {
			c, err := client.New(tm.DB, client.Options{BatchSize: batch})
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			if got, err := c.Upload(context.Background()); err != nil || got != n {
				b.Fatalf("uploaded %d: %v", got, err)
			}
			return time.Since(start), c.State().Stats.Requests
		}
		bd, br := drain(batched, client.DefaultBatchSize)
		sd, sr := drain(single, 1)
		b.ReportMetric(bd.Seconds(), "batched-s")
		b.ReportMetric(float64(br), "batched-requests")
		b.ReportMetric(sd.Seconds(), "single-s")
		b.ReportMetric(float64(sr), "single-requests")
		b.ReportMetric(float64(sd)/float64(bd), "speedup")
	}
}

// BenchmarkBatchSize measures drain time for a few batch sizes, which is
// how DefaultBatchSize was chosen.
func BenchmarkBatchSize(b *testing.B) {
	const n = 5_000
	for _, size := range []int{25, 100, 250, 1000} {
		b.Run(strconv.Itoa(size), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				e := newEnv(b)
				tm := e.enroll("HF-001-T01", e.http.URL)
				for i := range n {
					tm.redeem(b, e.dep.Code(b, member(i), pos.Yuan(10)))
				}
				c, _ := client.New(tm.DB, client.Options{BatchSize: size})
				b.StartTimer()
				start := time.Now()
				if _, err := c.Upload(context.Background()); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(time.Since(start).Milliseconds()), "drain-ms")
			}
		})
	}
}
