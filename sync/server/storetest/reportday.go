package storetest

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// ReportDay is the day the report figures ask for; ReportDayRecords
// records of the ledger are on it, ReportDayVoids of them voids of sales
// of the day before.
const (
	ReportDay        = "2020-09-15"
	ReportDayRecords = 1000
	ReportDayVoids   = 50
	reportDays       = 90 // the ledger spans this many days around ReportDay
	reportTerminals  = 8
	fillBatch        = 5000 // records per ledger transaction
)

// ReportScale is the ledger size of the large report fixture: 100,000,
// or $REPORT_SCALE_N (1000000 for the closing figures).
func ReportScale(tb testing.TB) int {
	n := 100_000
	if s := os.Getenv("REPORT_SCALE_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 2*ReportDayRecords {
			tb.Fatalf("REPORT_SCALE_N=%q: want a count of at least %d", s, 2*ReportDayRecords)
		}
		n = v
	}
	return n
}

// FillLedger writes n accepted ledger records into st (set up by newEnvOn)
// through its own LedgerTx, fillBatch records a transaction: sales of one
// product line and one voucher from reportTerminals terminals, in time
// order over reportDays days, ReportDayRecords of them on ReportDay (with
// ReportDayVoids voids of the day before's sales). Entries are real
// ledger bodies with their hash; the signatures are not computed (no
// report checks them), which keeps a million records to about a minute.
func FillLedger(tb testing.TB, e *env, n int) {
	tb.Helper()
	first, err := pos.ParseDay(ReportDay)
	must(tb, err)
	first = first.AddDate(0, 0, -reportDays/2)
	// Records per day: ReportDayRecords on the asked day, the rest evenly.
	perDay := make([]int, reportDays)
	rest := n - ReportDayRecords
	for d := range perDay {
		if d == reportDays/2 {
			perDay[d] = ReportDayRecords
			continue
		}
		perDay[d] = rest / (reportDays - 1)
	}
	perDay[0] += rest % (reportDays - 1)
	// A few real codes, reused: a report does not verify them.
	var codes []string
	for i := range 16 {
		codes = append(codes, e.dep.Code(tb, fmt.Sprintf("R-%d", i), 5000))
	}
	p := e.dep.Catalogue.Products[0]
	line := pos.NewLine(&p, 2)
	type tstate struct {
		seq   uint64
		prev  pos.Hash
		sales []uint64 // sales of the current day
		last  []uint64 // sales of the day before
	}
	ts := make([]tstate, reportTerminals)
	sig := make([]byte, 64)
	var batch []func(server.LedgerTx) error
	flush := func() {
		if len(batch) == 0 {
			return
		}
		calls := batch
		must(tb, e.st.UpdateLedger(func(tx server.LedgerTx) error {
			for _, c := range calls {
				if err := c(tx); err != nil {
					return err
				}
			}
			for i := range ts {
				id := fmt.Sprintf("R%02d", i+1)
				if err := tx.SetHead(id, server.Head{Seq: ts[i].seq, Hash: ts[i].prev, Records: int(ts[i].seq)}); err != nil {
					return err
				}
			}
			return nil
		}))
		batch = batch[:0]
	}
	k := 0
	for d, count := range perDay {
		day := first.AddDate(0, 0, d)
		for i := range ts {
			ts[i].last, ts[i].sales = ts[i].sales, nil
		}
		voids := 0
		if d == reportDays/2 {
			voids = ReportDayVoids
		}
		for j := range count {
			at := day.Add(8*time.Hour + time.Duration(j)*12*time.Hour/time.Duration(count))
			tn := k % reportTerminals
			t := &ts[tn]
			id := fmt.Sprintf("R%02d", tn+1)
			t.seq++
			r := &pos.Record{Seq: t.seq, Prev: t.prev, Time: at, Store: "HF-001", Terminal: id, Receipt: pos.ReceiptNumber(id, t.seq), Cashier: "1001"}
			if voids > 0 && len(t.last) > 0 {
				voids--
				r.Kind, r.Voids, r.Manager, r.Reason = pos.KindVoid, t.last[0], "9001", "customer"
				t.last = t.last[1:]
			} else {
				r.Kind, r.Method, r.Lines = pos.KindSale, pos.PayWeChat, []pos.Line{line}
				r.Total, r.Eligible = line.Amount(), line.Amount()
				v := pos.AppliedVoucher{ID: pos.NewVoucherID(2020, uint32(k+1)), Campaign: 2020, Unit: 1001, Face: 5000,
					Applied: min(5000, r.Total), Code: codes[k%len(codes)]}
				v.Forfeited = v.Face - v.Applied
				r.Vouchers = []pos.AppliedVoucher{v}
				r.VoucherAmount, r.Forfeited, r.SelfPaid = v.Applied, v.Forfeited, r.Total-v.Applied
				t.sales = append(t.sales, t.seq)
			}
			body, err := json.Marshal(r)
			must(tb, err)
			entry := pos.Entry{Body: body, Hash: sha256.Sum256(body), Sig: sig}
			t.prev = entry.Hash
			seq := t.seq
			batch = append(batch, func(tx server.LedgerTx) error {
				return tx.PutRecord(id, seq, &server.StoredRecord{Entry: entry, Result: pos.UploadAccepted, Received: at.UTC()})
			})
			k++
			if len(batch) == fillBatch {
				flush()
			}
		}
	}
	flush()
}

// BenchReportDay times the report of ReportDay on a ledger of 10,000
// records and on one of ReportScale records, in one run, and reports
// growth (median time at the large size ÷ median time at 10k, from
// interleaved runs), ms (median at the large size)
// and heap-MB (bytes allocated by one report at the large size). open
// returns a fresh, empty store.
func BenchReportDay(b *testing.B, open func(tb testing.TB) server.Store) {
	big := ReportScale(b)
	envs := map[int]*env{}
	for _, n := range []int{10_000, big} {
		st := open(b)
		b.Cleanup(func() { st.Close() })
		e := newEnvOn(b, st)
		start := time.Now()
		FillLedger(b, e, n)
		b.Logf("fixture of %d records in %s", n, time.Since(start).Round(time.Millisecond))
		envs[n] = e
	}
	report := func(e *env) {
		r, err := e.srv.Report(ReportDay, 0)
		if err != nil {
			b.Fatal(err)
		}
		if r.Sales != ReportDayRecords-ReportDayVoids || r.Voids != ReportDayVoids {
			b.Fatalf("report of %s: %d sales %d voids, want %d %d", ReportDay, r.Sales, r.Voids, ReportDayRecords-ReportDayVoids, ReportDayVoids)
		}
	}
	runs := 0
	for b.Loop() {
		report(envs[big])
		runs++
	}
	// The ratio from interleaved runs, median of each, so that load from
	// other processes weighs on both sizes alike.
	runs = max(runs, 5)
	var tBig, tSmall []time.Duration
	for range runs {
		for _, n := range []int{10_000, big} {
			start := time.Now()
			report(envs[n])
			if d := time.Since(start); n == big {
				tBig = append(tBig, d)
			} else {
				tSmall = append(tSmall, d)
			}
		}
	}
	median := func(ds []time.Duration) time.Duration {
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	report(envs[big])
	runtime.ReadMemStats(&m1)
	b.ReportMetric(float64(median(tBig))/float64(median(tSmall)), "growth")
	b.ReportMetric(float64(median(tBig))/float64(time.Millisecond), "ms")
	b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/(1<<20), "heap-MB")
	b.ReportMetric(float64(big), "records")
}

// BenchIngestInstances uploads from terminals concurrent terminals,
// perTerm records each in uploads of batch, through one server.Server per
// store of stores (terminal i through stores[i%len(stores)]: several
// instances on one database) and returns redemptions per second. The
// deployment and terminals are set up through stores[0].
func BenchIngestInstances(tb testing.TB, stores []server.Store, terminals, perTerm, batch int) float64 {
	e := newEnvOn(tb, stores[0])
	srvs := []*server.Server{e.srv}
	for _, st := range stores[1:] {
		srvs = append(srvs, &server.Server{Store: st, Root: e.dep.RootPublic(), Now: e.srv.Now})
	}
	ts := make([]*term, terminals)
	for i := range ts {
		ts[i] = e.enroll(fmt.Sprintf("T%02d", i+1), byte(20+i))
	}
	work := make([][][]pos.Entry, terminals)
	for i, tm := range ts {
		for n := 0; n < perTerm; n += batch {
			var es []pos.Entry
			for j := n; j < min(n+batch, perTerm); j++ {
				es = append(es, tm.sale(e.dep.Code(tb, fmt.Sprintf("M%d-%d", i, j), 1000)))
			}
			work[i] = append(work[i], es)
		}
	}
	wires := make([]*wire.Terminal, terminals)
	for i, tm := range ts {
		wires[i] = tm.wire()
	}
	errs := make(chan error, terminals)
	start := time.Now()
	for i := range ts {
		go func() {
			srv := srvs[i%len(srvs)]
			for _, es := range work[i] {
				rs, err := srv.Upload(wires[i], es)
				if err != nil {
					errs <- err
					return
				}
				for _, r := range rs {
					if r.Result != pos.UploadAccepted {
						errs <- fmt.Errorf("%s: %+v", wires[i].ID, r)
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for range ts {
		if err := <-errs; err != nil {
			tb.Fatal(err)
		}
	}
	return float64(terminals*perTerm) / time.Since(start).Seconds()
}
