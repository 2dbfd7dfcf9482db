package server

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// scanStore is a Store whose ledger transactions hide the followers index:
// a return then reads every record after its sale, as before the index.
type scanStore struct{ Store }

func (s scanStore) UpdateLedger(fn func(LedgerTx) error) error {
	return s.Store.UpdateLedger(func(tx LedgerTx) error { return fn(struct{ LedgerTx }{tx}) })
}

// BenchmarkReturnOldSale: the server agrees to a return of a terminal's
// first sale after RETURN_BEHIND_N (default 20,000) later sales, through
// the followers index and, for the baseline, reading every record since
// the sale. The ledger lock is held for that time: every upload waits.
func BenchmarkReturnOldSale(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("RETURN_BEHIND_N")); err == nil {
		n = v
	}
	var perReturn [2]time.Duration
	for i, scan := range []bool{false, true} {
		e := newEnv(b)
		if scan {
			e.srv.Store = scanStore{e.srv.Store}
		}
		tm := e.enroll("T01", 1)
		wt, err := e.srv.Store.Terminal(tm.id)
		if err != nil {
			b.Fatal(err)
		}
		sale := tm.sale(e.dep.Code(b, "m1", pos.Yuan(100)))
		var batch []pos.Entry
		batch = append(batch, sale)
		for k := 0; k < n; k++ {
			batch = append(batch, tm.sale())
			if len(batch) == wire.MaxUploadEntries || k == n-1 {
				if _, err := e.srv.Upload(wt, batch); err != nil {
					b.Fatal(err)
				}
				batch = nil
			}
		}
		srec, _ := pos.DecodeRecord(sale)
		r, err := pos.Resettle(srec, nil, []pos.ReturnItem{{SKU: srec.Lines[0].SKU, Qty: 1}}, e.dep.Trust)
		if err != nil {
			b.Fatal(err)
		}
		r.Cashier, r.Manager = "9001", "9001"
		en := tm.seal(r)
		start := time.Now()
		resp, err := e.srv.Return(wt, wire.ReturnRequest{Entry: en})
		perReturn[i] = time.Since(start)
		if err != nil || resp.Result != pos.UploadAccepted {
			b.Fatalf("return: %+v %v", resp, err)
		}
	}
	for b.Loop() { // the figures are the returns above, run once
	}
	b.ReportMetric(float64(perReturn[0].Microseconds())/1000, "indexed-ms")
	b.ReportMetric(float64(perReturn[1].Microseconds())/1000, "scan-ms")
	b.ReportMetric(float64(perReturn[1])/float64(perReturn[0]), "scan/indexed")
	fmt.Fprintf(os.Stderr, "return of a sale %d records back: indexed %v, scanning %v\n", n, perReturn[0], perReturn[1])
}
