package storetest

import (
	"os"
	"strconv"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// scanStore is a Store whose ledger transactions hide the followers index
// (server.SaleFollowers) but keep the prefetch: a return then reads every
// record of the ledger (its sale's returns may be any terminal's).
type scanStore struct{ server.Store }

// prefetchTx is a LedgerTx that also prefetches.
type prefetchTx struct {
	server.LedgerTx
	pf server.LedgerPrefetcher
}

func (p prefetchTx) Prefetch(terminal string, seqs []uint64, vouchers []pos.VoucherID, holders []server.CampaignHolder) error {
	return p.pf.Prefetch(terminal, seqs, vouchers, holders)
}

func (s scanStore) ViewLedger(fn func(server.LedgerView) error) error {
	return s.Store.ViewLedger(func(l server.LedgerView) error { return fn(struct{ server.LedgerView }{l}) })
}

func (s scanStore) UpdateLedger(fn func(server.LedgerTx) error) error {
	return s.Store.UpdateLedger(func(tx server.LedgerTx) error {
		if pf, ok := tx.(server.LedgerPrefetcher); ok {
			return fn(prefetchTx{tx, pf})
		}
		return fn(struct{ server.LedgerTx }{tx})
	})
}

// BenchReturnOldSale: the server agrees to a return of a terminal's first
// sale after RETURN_BEHIND_N (default 20,000) later sales, through the
// followers index and, for the baseline on another store, reading every
// record of the ledger. The ledger lock is held for that time: every
// upload waits. Metrics indexed-ms, scan-ms and their ratio.
func BenchReturnOldSale(b *testing.B, open func(tb testing.TB) server.Store) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("RETURN_BEHIND_N")); err == nil {
		n = v
	}
	var took [2]time.Duration
	for i, scan := range []bool{false, true} {
		e := newEnvOn(b, open(b))
		if scan {
			e.srv.Store = scanStore{e.st}
		}
		tm := e.enroll("T01", 1)
		sale := tm.sale(e.dep.Code(b, "m1", pos.Yuan(100)))
		batch := []pos.Entry{sale}
		for k := 0; k < n; k++ {
			batch = append(batch, tm.sale())
			if len(batch) == 100 || k == n-1 {
				if _, err := e.srv.Upload(tm.wire(), batch); err != nil {
					b.Fatal(err)
				}
				batch = nil
			}
		}
		srec, err := pos.DecodeRecord(sale)
		must(b, err)
		r, err := pos.Resettle(srec, nil, []pos.ReturnItem{{SKU: srec.Lines[0].SKU, Qty: 1}}, e.dep.Trust)
		must(b, err)
		r.Cashier, r.Manager = "9001", "9001"
		en := tm.seal(r)
		start := time.Now()
		resp, err := e.srv.Return(tm.wire(), wire.ReturnRequest{Entry: en})
		took[i] = time.Since(start)
		if err != nil || resp.Result != pos.UploadAccepted {
			b.Fatalf("return: %+v %v", resp, err)
		}
		e.st.Close()
	}
	for b.Loop() { // the figures are the returns above, run once
	}
	b.ReportMetric(float64(took[0].Microseconds())/1000, "indexed-ms")
	b.ReportMetric(float64(took[1].Microseconds())/1000, "scan-ms")
	b.ReportMetric(float64(took[1])/float64(took[0]), "scan/indexed")
}
