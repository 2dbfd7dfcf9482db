package bolt_test

import (
	"bytes"
	"fmt"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
)

// TestTamperDetected edits the database file behind the program's back, as
// someone with the file and a bbolt tool could, and expects VerifyLedger to
// name the record.
func TestTamperDetected(t *testing.T) {
	seq := func(n uint64) []byte { return []byte{0, 0, 0, 0, 0, 0, 0, byte(n)} }
	tests := []struct {
		name    string
		tamper  func(tx *bbolt.Tx) error
		wantSeq string
	}{
		{"amount changed", func(tx *bbolt.Tx) error {
			b := tx.Bucket([]byte("ledger"))
			v := bolt.PlainLedgerValue(b.Get(seq(2)))
			if !bytes.Contains(v, []byte(`"self_paid":2800`)) {
				return fmt.Errorf("record 2 has no self_paid 2800: %s", v[104:])
			}
			return b.Put(seq(2), bytes.Replace(v, []byte(`"self_paid":2800`), []byte(`"self_paid":2000`), 1))
		}, "2"},
		{"record re-hashed", func(tx *bbolt.Tx) error {
			b := tx.Bucket([]byte("ledger"))
			v := bytes.Clone(b.Get(seq(2)))
			v[8] ^= 1
			return b.Put(seq(2), v)
		}, "2"},
		{"running total changed", func(tx *bbolt.Tx) error {
			b := tx.Bucket([]byte("ledger"))
			v := bytes.Clone(b.Get(seq(2)))
			v[7]++
			return b.Put(seq(2), v)
		}, "2"},
		{"signature changed", func(tx *bbolt.Tx) error {
			b := tx.Bucket([]byte("ledger"))
			v := bytes.Clone(b.Get(seq(1)))
			v[8+32] ^= 1
			return b.Put(seq(1), v)
		}, "1"},
		{"record deleted from the middle", func(tx *bbolt.Tx) error { return tx.Bucket([]byte("ledger")).Delete(seq(2)) }, "2"},
		{"last record deleted", func(tx *bbolt.Tx) error { return tx.Bucket([]byte("ledger")).Delete(seq(3)) }, "2"},
		{"records swapped", func(tx *bbolt.Tx) error {
			b := tx.Bucket([]byte("ledger"))
			one, two := bytes.Clone(b.Get(seq(1))), bytes.Clone(b.Get(seq(2)))
			if err := b.Put(seq(1), two); err != nil {
				return err
			}
			return b.Put(seq(2), one)
		}, "1"},
		{"audit event changed", func(tx *bbolt.Tx) error {
			b := tx.Bucket([]byte("audit"))
			v := bytes.Clone(b.Get(seq(1)))
			return b.Put(seq(1), bytes.Replace(v, []byte(`"tech"`), []byte(`"boss"`), 1))
		}, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			for i := range 3 {
				f.MustRedeem(t, sale(pos.PayCash, []string{f.dep.Code(t, "m"+string(rune('a'+i)), pos.Yuan(100))}, item("YX-CUILAN-250", 1)))
			}
			if lc, err := f.VerifyLedger(); err != nil || lc.Records != 3 || lc.Pending != 3 {
				t.Fatalf("before: %+v %v", lc, err)
			}
			f.Close()
			raw, err := bbolt.Open(f.path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := raw.Update(tt.tamper); err != nil {
				t.Fatal(err)
			}
			raw.Close()
			db, err := bolt.Open(f.path, 0o600, &bolt.Options{Now: f.clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			_, err = db.VerifyLedger()
			wantCode(t, err, pos.ECONFLICT)
			if tt.wantSeq != "" && pos.ErrorParams(err)["seq"] != tt.wantSeq {
				t.Fatalf("%v: names seq %q, want %q", err, pos.ErrorParams(err)["seq"], tt.wantSeq)
			}
		})
	}
}
