package server

import (
	"fmt"
	"sync"
	"testing"

	"fupinpos/pos"
)

// BenchmarkIngest8Terminals uploads from 8 concurrent terminals, 100
// records per request, each record redeeming one voucher, through the real
// HTTP API into a bbolt file with fsync on. It reports redemptions per second.
func BenchmarkIngest8Terminals(b *testing.B) {
	const terminals, batch = 8, 100
	e := newEnv(b)
	ts := make([]*term, terminals)
	for i := range ts {
		ts[i] = e.enroll(fmt.Sprintf("T%02d", i+1), byte(20+i))
	}
	// Sign everything before the clock starts: the bench measures the server.
	perTerm := (b.N + terminals - 1) / terminals
	work := make([][][]pos.Entry, terminals)
	for i, tm := range ts {
		for n := 0; n < perTerm; n += batch {
			var es []pos.Entry
			for j := n; j < min(n+batch, perTerm); j++ {
				es = append(es, tm.sale(e.dep.Code(b, fmt.Sprintf("M%d-%d", i, j), 1000)))
			}
			work[i] = append(work[i], es)
		}
	}
	b.ResetTimer()
	var wg sync.WaitGroup
	for i, tm := range ts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, es := range work[i] {
				for _, r := range tm.upload(es...) {
					if r.Result != pos.UploadAccepted {
						b.Errorf("%s: %+v", tm.id, r)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(perTerm*terminals)/b.Elapsed().Seconds(), "redemptions/s")
}
