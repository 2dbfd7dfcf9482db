package storetest

import (
	"fmt"
	"sync"
	"testing"

	"fupinpos/pos"
	"fupinpos/sync/server"
)

// BenchIngest uploads from terminals concurrent terminals, batch records
// per request, each record redeeming one voucher, through the server's
// ingest into st (empty), and reports redemptions per second. The same
// bench for every engine, so the figures compare.
func BenchIngest(b *testing.B, st server.Store, terminals, batch int) {
	e := newEnvOn(b, st)
	ts := make([]*term, terminals)
	for i := range ts {
		ts[i] = e.enroll(fmt.Sprintf("T%02d", i+1), byte(20+i))
	}
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
				rs, err := e.srv.Upload(tm.wire(), es)
				if err != nil {
					b.Error(err)
					return
				}
				for _, r := range rs {
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
