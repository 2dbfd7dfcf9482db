package server

import (
	"fmt"
	"os"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"

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

// BenchmarkBytesPerRedemption issues 100,000 vouchers ($BYTES_SCALE_N
// overrides) and ingests one sale redeeming each from 8 terminals in
// uploads of 1,000, through the server's real issuance and ingest into a
// bbolt file, and reports the file's bytes per redemption (everything:
// issued table, ledger, claims, statuses, feed, day index) and per bucket
// in the log. Run with -benchtime=1x: the fixture is the work.
func BenchmarkBytesPerRedemption(b *testing.B) {
	n := 100_000
	if s := os.Getenv("BYTES_SCALE_N"); s != "" {
		fmt.Sscan(s, &n)
	}
	const terminals, batch = 8, 1000
	e := newEnv(b)
	st := e.srv.Store.(*Bolt)
	camp := e.dep.Campaign()
	// Issue through the store in batches of 10,000, codes signed as voucherd does.
	var codes []string
	for len(codes) < n {
		var reqs []IssueRequest
		for i := len(codes); i < min(n, len(codes)+10_000); i++ {
			v := e.dep.Voucher(fmt.Sprintf("M-%d", i), 1000)
			reqs = append(reqs, IssueRequest{Member: fmt.Sprintf("M-%d", i), Holder: v.Holder, Unit: v.Unit, Value: v.Value})
		}
		issued, err := st.Issue(camp.ID, reqs, func(map[pos.HolderRef]pos.Money) error { return nil }, func(serial uint32, r IssueRequest) (Issuance, error) {
			v := e.dep.Voucher(r.Member, r.Value)
			v.Serial = serial
			code := e.dep.Sign(b, v)
			return Issuance{ID: v.ID(), Member: r.Member, Holder: r.Holder, Unit: r.Unit, Value: r.Value, IssuedAt: e.now.UTC(), Code: code}, nil
		})
		if err != nil {
			b.Fatal(err)
		}
		for _, is := range issued {
			codes = append(codes, is.Code)
		}
	}
	ts := make([]*term, terminals)
	for i := range ts {
		ts[i] = e.enroll(fmt.Sprintf("T%02d", i+1), byte(20+i))
	}
	var wg sync.WaitGroup
	for i, tm := range ts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wt, err := st.Terminal(tm.id)
			if err != nil {
				b.Error(err)
				return
			}
			var es []pos.Entry
			for j := i; j < n; j += terminals {
				es = append(es, tm.sale(codes[j]))
				if len(es) == batch || j+terminals >= n {
					rs, err := e.srv.Upload(wt, es)
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
					es = es[:0]
				}
			}
		}()
	}
	wg.Wait()
	for b.Loop() {
	}
	var size int64
	err := st.db.View(func(tx *bolt.Tx) error {
		size = tx.Size()
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			s := bk.Stats()
			b.Logf("%-10s %8d keys %7.0f B/redemption in pages (%4.0f%% full)", name, s.KeyN,
				float64((s.LeafPageN+s.LeafOverflowN+s.BranchPageN+s.BranchOverflowN)*tx.DB().Info().PageSize)/float64(n),
				100*float64(s.LeafInuse+s.BranchInuse)/float64(max(1, (s.LeafPageN+s.LeafOverflowN+s.BranchPageN+s.BranchOverflowN)*tx.DB().Info().PageSize)))
			return nil
		})
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(size)/float64(n), "B/redemption")
	b.ReportMetric(float64(n), "redemptions")
}
