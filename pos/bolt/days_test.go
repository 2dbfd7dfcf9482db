package bolt_test

import (
	"encoding/binary"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
)

// TestDayRecordsReadsOnlyItsDay: a day's records come from the day index
// alone: with a record of another day damaged, the day still reads (and
// the damaged day does not); a void comes with the sale it cancels.
func TestDayRecordsReadsOnlyItsDay(t *testing.T) {
	path := t.TempDir() + "/terminal.db"
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	day1 := time.Date(2020, 8, 19, 9, 0, 0, 0, pos.CST)
	// 3 days of 10 records; record 30 voids record 29.
	err = db.BulkSales(30, 7, func(i int) *pos.Record {
		r := &pos.Record{Kind: pos.KindSale, Time: day1.Add(time.Duration(i/10)*24*time.Hour + time.Duration(i%10)*time.Minute),
			Terminal: "T01", Cashier: "1001", Total: pos.Money(100 * (i + 1)), SelfPaid: pos.Money(100 * (i + 1)), Method: pos.PayCash}
		if i == 29 {
			r.Kind, r.Voids = pos.KindVoid, 29
		}
		return r
	})
	if err != nil {
		t.Fatal(err)
	}
	if days, err := db.Days(); err != nil || len(days) != 3 || days[0] != "2020-08-19" || days[2] != "2020-08-21" {
		t.Fatalf("days %v %v", days, err)
	}
	db.Close()
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = raw.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte("ledger")).Put(binary.BigEndian.AppendUint64(nil, 15), []byte("damaged"))
	})
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	db, err = bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var seqs []uint64
	var voided *pos.Record
	err = db.DayRecords("2020-08-21", func(r, s *pos.Record) error {
		seqs = append(seqs, r.Seq)
		if r.Kind == pos.KindVoid {
			voided = s
		}
		return nil
	})
	if err != nil || len(seqs) != 10 || seqs[0] != 21 || seqs[9] != 30 {
		t.Fatalf("day 3: %v %v", seqs, err)
	}
	if voided == nil || voided.Seq != 29 || voided.Total != 2900 {
		t.Fatalf("the void came with %+v, want sale 29", voided)
	}
	if err := db.DayRecords("2020-08-20", func(r, s *pos.Record) error { return nil }); err == nil {
		t.Fatal("the day with the damaged record read cleanly")
	}
	n := 0
	if err := db.DayRecords("2020-08-22", func(r, s *pos.Record) error { n++; return nil }); err != nil || n != 0 {
		t.Fatalf("a day without records: %d %v", n, err)
	}
}
