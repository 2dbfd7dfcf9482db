package server

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// TestBoltIncidentIndexUpgrade: a database whose incidents predate the
// indexes (no index buckets) gets them built on the first listing, and a
// listing whose index is behind the incidents (ids 7..10 not indexed) still
// returns them, filtered, in id order, with the right page ends.
func TestBoltIncidentIndexUpgrade(t *testing.T) {
	st, err := OpenBolt(filepath.Join(t.TempDir(), DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d := time.Date(2020, 9, 15, 12, 0, 0, 0, pos.CST)
	err = st.UpdateLedger(func(tx LedgerTx) error {
		for i := range 10 {
			in := wire.Incident{Time: d.Add(time.Duration(i%2) * 24 * time.Hour), Kind: wire.IncidentRejected, Store: fmt.Sprintf("S%d", i%3), Terminal: "T", Seq: uint64(i + 1)}
			if _, err := tx.AddIncident(in); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(in []wire.Incident) []uint64 {
		var out []uint64
		for _, x := range in {
			out = append(out, x.ID)
		}
		return out
	}
	// An old database: no indexes at all.
	if err := st.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketIncidentIndex); err != nil {
			return err
		}
		return tx.DeleteBucket(bucketResolutions)
	}); err != nil {
		t.Fatal(err)
	}
	got, more, err := st.ListIncidents(IncidentQuery{Store: "S1", Limit: 10})
	if err != nil || more || !slices.Equal(ids(got), []uint64{2, 5, 8}) {
		t.Fatalf("after upgrade: %v %v %v", ids(got), more, err)
	}
	// An index behind the incidents: drop the keys of 7..10 and say 6.
	if err := st.db.Update(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketIncidentIndex)
		var drop [][]byte
		idx.ForEach(func(k, _ []byte) error {
			if len(k) >= 8 && k[0] != 'n' && k[len(k)-1] > 6 {
				drop = append(drop, k)
			}
			return nil
		})
		for _, k := range drop {
			if err := idx.Delete(k); err != nil {
				return err
			}
		}
		return idx.Put(keyIndexedUpTo, u64key(6))
	}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    IncidentQuery
		want []uint64
		more bool
	}{
		{IncidentQuery{Store: "S1", Limit: 10}, []uint64{2, 5, 8}, false},
		{IncidentQuery{Day: "2020-09-16", Limit: 3}, []uint64{2, 4, 6}, true},
		{IncidentQuery{Day: "2020-09-16", After: 6, Limit: 3}, []uint64{8, 10}, false},
		{IncidentQuery{Status: wire.IncidentOpen, After: 4, Limit: 4}, []uint64{5, 6, 7, 8}, true},
		{IncidentQuery{Limit: 100}, []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, false},
	} {
		var got []wire.Incident
		var more bool
		err := st.db.View(func(tx *bolt.Tx) error {
			var err error
			got, more, err = listIncidents(tx, tc.q)
			return err
		})
		if err != nil || more != tc.more || !slices.Equal(ids(got), tc.want) {
			t.Errorf("%+v: %v %v %v, want %v %v", tc.q, ids(got), more, err, tc.want, tc.more)
		}
	}
	// The next listing catches the index up.
	if _, _, err := st.ListIncidents(IncidentQuery{Limit: 1}); err != nil {
		t.Fatal(err)
	}
	st.db.View(func(tx *bolt.Tx) error {
		if n, last := indexedUpTo(tx); n != 10 || last != 10 || tx.Bucket(bucketIncidentIndex).Get(withID([]byte{'o'}, u64key(9))) == nil {
			t.Errorf("index up to %d of %d", n, last)
		}
		return nil
	})
}
