package client_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/sync/client"
	"fupinpos/sync/synctest"
)

func mustBolt(t *testing.T) *bolt.DB {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "t.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestFaultyNetwork puts a fault-injecting proxy between two terminals and
// the server (500s, 429 with Retry-After, stalls past the timeout, resets,
// truncated and garbage answers, answers lost after the server committed)
// and syncs 2 × 1,000 redemptions through it until the outboxes are empty.
// The server must end with exactly the set, each once.
func TestFaultyNetwork(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 200
	}
	e := newEnv(t)
	proxy := synctest.New(e.http.URL, synctest.Random(7, 0.35), time.Second)
	defer proxy.Close()
	terms := []*terminal{e.enroll("HF-001-T01", e.http.URL), e.enroll("HF-001-T02", e.http.URL)}
	var want pos.Money
	for ti, tm := range terms {
		cfg, _ := tm.Config()
		cfg.Server = proxy.URL
		if err := tm.SetConfig(*cfg, "tech"); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			tm.redeem(t, e.dep.Code(t, member(ti*n+i), pos.Yuan(50)))
			want += pos.Yuan(50)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(terms))
	for i, tm := range terms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := client.New(tm.DB, fastOptions(40))
			if err != nil {
				errs[i] = err
				return
			}
			for round := 0; round < 400; round++ {
				if c.Sync(context.Background()) == nil {
					if q, _ := tm.Queue(); q.Count == 0 {
						return
					}
				}
			}
			q, _ := tm.Queue()
			errs[i] = pos.Errorf(pos.EINTERNAL, "%s: %d records still queued after 400 rounds", tm.id, q.Count)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	counts := proxy.Counts()
	for f := synctest.Status500; f <= synctest.LostAnswer; f++ {
		if counts[f] == 0 {
			t.Errorf("fault %s never happened (%v)", f, counts)
		}
	}
	rep, err := e.srv.Report(pos.DayOf(time.Now()), 0)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sales != 2*n || rep.VoucherAmount != want || len(rep.Review) != 0 {
		t.Fatalf("server has %d sales, %s vouchers, review %v; want %d, %s", rep.Sales, rep.VoucherAmount, rep.Review, 2*n, want)
	}
	if in, _ := e.srv.Incidents(); len(in) != 0 {
		t.Fatalf("server incidents %+v", in)
	}
	for _, tm := range terms {
		if in, _ := tm.Incidents(); len(in) != 0 {
			t.Fatalf("%s incidents %+v", tm.id, in)
		}
		if lc, err := tm.VerifyLedger(); err != nil || lc.Pending != 0 {
			t.Fatalf("%s: %+v %v", tm.id, lc, err)
		}
	}
	t.Logf("faults: %v", counts)
}
