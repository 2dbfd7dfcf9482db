package server

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// settleScale is the number of redemptions of TestSettleAlertsScale:
// 5,000 in a plain go test, $SETTLE_SCALE_N for the figures (1000000).
func settleScale(t *testing.T) int {
	n := 5000
	if s := os.Getenv("SETTLE_SCALE_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 100 {
			t.Fatalf("SETTLE_SCALE_N=%q: want a count of at least 100", s)
		}
		n = v
	}
	return n
}

// fillSettleDay writes n accepted records of one CST day into e's store
// through its LedgerTx, 5,000 a transaction: sales of 2 stores × 10
// terminals, one voucher each of 4 work units (￥50 face, ￥50 applied on a
// ￥79.80 basket of 1 to 3 pear boxes), and every 1,000th record a void of
// the terminal's previous sale. Bodies are real ledger records with their
// hash; signatures are not computed (settlement and alerts do not check
// them). It returns the applied value owed.
func fillSettleDay(t *testing.T, e *env, day time.Time, n int) pos.Money {
	const terminals, batchSize = 20, 5000
	p := e.dep.Catalogue.Products[0]
	type ts struct {
		seq   uint64
		prev  pos.Hash
		sales []*pos.Record
	}
	tss := make([]ts, terminals)
	sig := make([]byte, 64)
	var payable pos.Money
	var batch []func(LedgerTx) error
	flush := func() {
		calls := batch
		batch = nil
		if err := e.srv.Store.UpdateLedger(func(tx LedgerTx) error {
			for _, c := range calls {
				if err := c(tx); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for k := range n {
		tn := k % terminals
		x := &tss[tn]
		id := fmt.Sprintf("S%02d", tn+1)
		x.seq++
		at := day.Add(8*time.Hour + time.Duration(float64(k)/float64(n)*float64(12*time.Hour)))
		r := &pos.Record{Seq: x.seq, Prev: x.prev, Time: at, Store: fmt.Sprintf("HF-%03d", tn%2+1), Terminal: id,
			Receipt: pos.ReceiptNumber(id, x.seq), Cashier: fmt.Sprintf("10%02d", tn)}
		if k%1000 == 999 && len(x.sales) > 0 {
			s := x.sales[len(x.sales)-1]
			x.sales = x.sales[:len(x.sales)-1]
			r.Kind, r.Voids, r.Manager, r.Reason = pos.KindVoid, s.Seq, "9001", "customer"
			payable -= s.VoucherAmount
		} else {
			line := pos.NewLine(&p, int64(k%3+1))
			r.Kind, r.Method, r.Lines = pos.KindSale, pos.PayWeChat, []pos.Line{line}
			r.Total, r.Eligible = line.Amount(), line.Amount()
			v := pos.AppliedVoucher{ID: pos.NewVoucherID(2020, uint32(k+1)), Campaign: 2020, Unit: uint32(1001 + (k/2)%4), Face: 5000,
				Applied: min(5000, r.Total)}
			v.Forfeited = v.Face - v.Applied
			r.Vouchers = []pos.AppliedVoucher{v}
			r.VoucherAmount, r.Forfeited, r.SelfPaid = v.Applied, v.Forfeited, r.Total-v.Applied
			payable += v.Applied
			x.sales = append(x.sales, r)
		}
		body, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		entry := pos.Entry{Body: body, Hash: sha256.Sum256(body), Sig: sig}
		x.prev = entry.Hash
		seq := x.seq
		batch = append(batch, func(tx LedgerTx) error {
			return tx.PutRecord(id, seq, &StoredRecord{Entry: entry, Result: pos.UploadAccepted, Received: at.UTC()})
		})
		if len(batch) == batchSize {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
	return payable
}

// TestSettleAlertsScale times the settlement and the alerts of one day of
// settleScale redemptions on bbolt (the figures of the closing note:
// SETTLE_SCALE_N=1000000 go test ./sync/server/ -run TestSettleAlertsScale -v
// -timeout 30m). It checks the sums, never the times.
func TestSettleAlertsScale(t *testing.T) {
	n := settleScale(t)
	e := newEnv(t)
	day, _ := pos.ParseDay("2020-09-15")
	start := time.Now()
	want := fillSettleDay(t, e, day, n)
	fill := time.Since(start)

	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.TotalAlloc
	start = time.Now()
	e.now = day.AddDate(0, 0, 1) // the day is over
	s, err := e.srv.Settlement("2020-09-15", "")
	if err != nil {
		t.Fatal(err)
	}
	settle := time.Since(start)
	runtime.ReadMemStats(&ms)
	settleMB := float64(ms.TotalAlloc-before) / (1 << 20)
	if s.Payable != want || len(s.Rows) != 8 || len(s.Withheld) != 0 {
		t.Fatalf("payable %s, want %s; %d rows, %d withheld", s.Payable, want, len(s.Rows), len(s.Withheld))
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before = ms.TotalAlloc
	start = time.Now()
	a, err := e.srv.Alerts(wire.AlertsRequest{Day: "2020-09-15"})
	if err != nil {
		t.Fatal(err)
	}
	alerts := time.Since(start)
	runtime.ReadMemStats(&ms)
	rules := map[pos.AlertRule]int{}
	for _, x := range a.Alerts {
		rules[x.Rule]++
	}
	// 20 terminals each with its own cashier selling all day: every store
	// repeats its three baskets; bursts depend on n.
	if rules[pos.AlertRepeatBasket] != 6 {
		t.Errorf("repeat-basket alerts %d, want 6 (3 baskets × 2 stores): %v", rules[pos.AlertRepeatBasket], rules)
	}
	t.Logf("%d records (bbolt): fill %s, settle %s (payable %s, %.0f MB allocated), alerts %s (%d alerts %v, %.0f MB allocated)",
		n, fill.Round(time.Millisecond), settle.Round(time.Millisecond), s.Payable, settleMB, alerts.Round(time.Millisecond),
		len(a.Alerts), rules, float64(ms.TotalAlloc-before)/(1<<20))
}
