package bolt_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/report"
)

// The scale benchmarks build big ledgers through the store's own write
// path (bolt.BulkSales: signed, chained, compressed, indexed, with marks)
// in transactions of bulkTx records, once per process. Every day holds
// perDay sales; the asked day is the last. FUPINPOS_BENCH_1M=1 adds a
// ledger of one million sales (a few minutes to build); with
// FUPINPOS_BENCH_DIR=dir the ledgers are kept there for the next run.

const (
	perDay = 1000
	bulkTx = 5000
)

// askedDay is the day the reports ask for: the last day of every ledger.
var askedDay = time.Date(2020, 10, 31, 0, 0, 0, 0, pos.CST)

// benchSale is sale i of a ledger of n: like a counter's, with two lines
// and one voucher whose code is 267 random digits (a signed code is).
func benchSale(n int) func(i int) *pos.Record {
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	first := askedDay.AddDate(0, 0, -(n-1)/perDay)
	products := []pos.Line{
		{SKU: "DS-PEAR-5", Name: "砀山酥梨 5斤装", Unit: "箱", County: "砀山县", Price: 3990, Eligible: true},
		{SKU: "YX-CUILAN-250", Name: "岳西翠兰 250克", Unit: "罐", County: "岳西县", Price: 12800, Eligible: true},
		{SKU: "TH-HONEY-500", Name: "太湖县土蜂蜜 500克", Unit: "瓶", County: "太湖县", Price: 6800, Eligible: true},
		{SKU: "SX-TOFU-BGS", Name: "寿县八公山豆腐干 400克", Unit: "袋", County: "寿县", Price: 1850, Eligible: true},
	}
	digits := make([]byte, 267)
	return func(i int) *pos.Record {
		t := first.AddDate(0, 0, i/perDay).Add(8*time.Hour + time.Duration(i%perDay)*36*time.Second)
		l1, l2 := products[rng.IntN(4)], products[rng.IntN(4)]
		l1.Qty, l2.Qty = int64(1+rng.IntN(3)), 1
		total := l1.Amount() + l2.Amount()
		for j := range digits {
			digits[j] = byte('0' + rng.IntN(10))
		}
		var h pos.HolderRef
		for j := range h {
			h[j] = byte(rng.Uint32())
		}
		face := pos.Yuan(100)
		applied := min(face, total)
		serial := uint32(i + 1)
		v := pos.AppliedVoucher{ID: pos.NewVoucherID(2020, serial), Campaign: 2020, KeyID: pos.KeyID{1, 2, 3, 4}, Holder: h,
			Unit: 1001 + uint32(rng.IntN(5)), Face: face, Applied: applied, Forfeited: face - applied, Code: "9901" + string(digits)}
		r := &pos.Record{Kind: pos.KindSale, Time: t, Store: "HF-001", Terminal: "T01", Cashier: strconv.Itoa(1001 + rng.IntN(3)),
			Mode: pos.EntryScan, Lines: []pos.Line{l1, l2}, Total: total, Eligible: total, Vouchers: []pos.AppliedVoucher{v},
			VoucherAmount: applied, Forfeited: face - applied, SelfPaid: total - applied}
		if r.SelfPaid > 0 {
			r.Method = pos.PayWeChat
		}
		return r
	}
}

// ledgers are the big ledgers built in this process, by size.
var ledgers = struct {
	sync.Mutex
	dir  string
	keep bool // FUPINPOS_BENCH_DIR: kept for the next run
	path map[int]string
}{path: map[int]string{}}

// bigLedger returns the path of a closed terminal database holding n sales.
func bigLedger(tb testing.TB, n int) string {
	tb.Helper()
	ledgers.Lock()
	defer ledgers.Unlock()
	if p, ok := ledgers.path[n]; ok {
		return p
	}
	if ledgers.dir == "" && os.Getenv("FUPINPOS_BENCH_DIR") != "" {
		ledgers.dir, ledgers.keep = os.Getenv("FUPINPOS_BENCH_DIR"), true
	}
	if ledgers.dir == "" {
		d, err := os.MkdirTemp("", "fupinpos-scale-")
		if err != nil {
			tb.Fatal(err)
		}
		ledgers.dir = d
	}
	p := filepath.Join(ledgers.dir, fmt.Sprintf("ledger-%d.db", n))
	if _, err := os.Stat(p); err == nil && ledgers.keep {
		ledgers.path[n] = p
		return p
	}
	db, err := bolt.Open(p, 0o600, nil)
	if err != nil {
		tb.Fatal(err)
	}
	t := time.Now()
	if err := db.BulkSales(n, bulkTx, benchSale(n)); err != nil {
		tb.Fatal(err)
	}
	db.Close()
	tb.Logf("built a ledger of %d sales in %s", n, time.Since(t).Round(time.Millisecond))
	ledgers.path[n] = p
	return p
}

func TestMain(m *testing.M) {
	code := m.Run()
	if ledgers.dir != "" && !ledgers.keep {
		os.RemoveAll(ledgers.dir)
	}
	os.Exit(code)
}

func scaleSizes() []int {
	sizes := []int{10_000, 100_000}
	if os.Getenv("FUPINPOS_BENCH_1M") != "" {
		sizes = append(sizes, 1_000_000)
	}
	return sizes
}

// dayReport is what posctl report day and the manager screen do: the
// asked day's records through the day index into a day builder.
func dayReport(tb testing.TB, db *bolt.DB) *report.Day {
	day := pos.DayOf(askedDay)
	b := report.NewDayBuilder(report.Names{}, day)
	if err := db.DayRecords(day, func(r, s *pos.Record) error { b.AddRecord(r, s); return nil }); err != nil {
		tb.Fatal(err)
	}
	b.Transactions(day)
	return b.Day(day)
}

// BenchmarkDayReportScale reports one day of 1,000 sales out of ledgers of
// 10k and 100k sales (and 1M with FUPINPOS_BENCH_1M=1), interleaved in one
// run. growth is the time at 100k over the time at 10k (goal ≤ 1.5), ms
// the time at 100k, heap-MB the heap growth during the report at 100k
// (goal ≤ 30 at 1M), bytes/sale the file size at 100k over its sales
// (goal ≤ 1,200). With 1M: ms-1M, heap-MB-1M and growth-1M (1M over 10k).
func BenchmarkDayReportScale(b *testing.B) {
	sizes := scaleSizes()
	dbs := make([]*bolt.DB, len(sizes))
	for i, n := range sizes {
		db, err := bolt.Open(bigLedger(b, n), 0o600, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		if d := dayReport(b, db); d.Sales != perDay {
			b.Fatalf("%d: the day has %d sales, want %d", n, d.Sales, perDay)
		}
		dbs[i] = db
	}
	took := make([]time.Duration, len(sizes))
	heap := make([]uint64, len(sizes))
	var ms runtime.MemStats
	b.ResetTimer()
	for range b.N {
		for i, db := range dbs {
			b.StopTimer()
			runtime.GC()
			runtime.ReadMemStats(&ms)
			before := ms.HeapAlloc
			b.StartTimer()
			t := time.Now()
			dayReport(b, db)
			took[i] += time.Since(t)
			b.StopTimer()
			runtime.ReadMemStats(&ms)
			heap[i] = max(heap[i], ms.HeapAlloc-before)
			b.StartTimer()
		}
	}
	b.StopTimer()
	per := func(i int) float64 { return float64(took[i].Microseconds()) / 1000 / float64(b.N) }
	b.ReportMetric(per(1)/per(0), "growth")
	b.ReportMetric(per(1), "ms")
	b.ReportMetric(float64(heap[1])/(1<<20), "heap-MB")
	fi, err := os.Stat(dbs[1].Path())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size())/float64(sizes[1]), "bytes/sale")
	if len(sizes) > 2 {
		b.ReportMetric(per(2), "ms-1M")
		b.ReportMetric(float64(heap[2])/(1<<20), "heap-MB-1M")
		b.ReportMetric(per(2)/per(0), "growth-1M")
	}
	b.ReportMetric(0, "ns/op")
}

// BenchmarkVerifyLedger verifies the biggest ledger in full (signatures on
// every CPU; full-rec/s), then adds 1,000 sales and verifies again from
// the checkpoint the full walk left (incr-ms, goal ≤ 500 at 1M).
func BenchmarkVerifyLedger(b *testing.B) {
	sizes := scaleSizes()
	n := sizes[len(sizes)-1]
	src := bigLedger(b, n)
	var fullD, incrD time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		path := copyFile(b, src)
		db, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t := time.Now()
		lc, err := db.Verify(bolt.VerifyOptions{Full: true})
		fullD += time.Since(t)
		if err != nil || lc.Records != uint64(n) {
			b.Fatalf("full verify: %+v %v", lc, err)
		}
		b.StopTimer()
		next := benchSale(n + perDay)
		if err := db.BulkSales(perDay, perDay, func(i int) *pos.Record { return next(n + i) }); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t = time.Now()
		lc, err = db.Verify(bolt.VerifyOptions{})
		incrD += time.Since(t)
		if err != nil || lc.Full || lc.Checked != perDay || lc.Records != uint64(n+perDay) {
			b.Fatalf("incremental verify: %+v %v", lc, err)
		}
		b.StopTimer()
		db.Close()
		os.Remove(path)
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/fullD.Seconds(), "full-rec/s")
	b.ReportMetric(float64(incrD.Microseconds())/1000/float64(b.N), "incr-ms")
	b.ReportMetric(float64(n), "records")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkUpgrade100k opens a database of 100,000 sales in the v0.9.0
// layout (schema 1): testdata's v0.9.0 file, extended by bolt.BulkSalesV1,
// which writes records exactly as v0.9.0 did. It times the upgrade in Open
// (upgrade-ms) and fails unless a full verify passes after it.
func BenchmarkUpgrade100k(b *testing.B) {
	const n = 100_000
	ledgers.Lock()
	src := filepath.Join(os.TempDir(), "fupinpos-schema1-100k.db")
	ledgers.Unlock()
	defer os.Remove(src)
	{
		p := copyFile(b, "testdata/schema1-v0.9.0.db")
		next := benchSale(n)
		if err := bolt.BulkSalesV1(p, n-6, bulkTx, func(i int) *pos.Record {
			r := next(i)
			r.Time = time.Date(2026, 12, 1, 10, 0, 0, 0, pos.CST).Add(time.Duration(i) * 30 * time.Second)
			return r
		}); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(p, src); err != nil {
			b.Fatal(err)
		}
	}
	var upD time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		path := copyFile(b, src)
		b.StartTimer()
		t := time.Now()
		db, err := bolt.Open(path, 0o600, &bolt.Options{Progress: io.Discard})
		upD += time.Since(t)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if _, opened := db.Schema(); opened != 1 {
			b.Fatalf("opened schema %d, want 1", opened)
		}
		if lc, err := db.VerifyLedger(); err != nil || lc.Records != n {
			b.Fatalf("verify after upgrade: %+v %v", lc, err)
		}
		db.Close()
		os.Remove(path)
		b.StartTimer()
	}
	b.ReportMetric(float64(upD.Milliseconds())/float64(b.N), "upgrade-ms")
	b.ReportMetric(0, "ns/op")
}
