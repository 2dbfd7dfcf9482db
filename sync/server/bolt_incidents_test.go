package server

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// TestBoltIncidentStoredAsOwnRecord: AddIncident writes the engine's own
// incident record (encodeIncident, v0.9.0's field names), not the API's
// JSON: what the API carries beside the evidence (a resolution) does not
// reach the incidents bucket, and the listing reads the evidence back.
func TestBoltIncidentStoredAsOwnRecord(t *testing.T) {
	st, err := OpenBolt(filepath.Join(t.TempDir(), DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2020, 9, 15, 2, 0, 0, 0, time.UTC)
	in := wire.Incident{Time: at, Kind: wire.IncidentDoubleSpend, Reason: pos.EREDEEMEDELSEWHERE, Terminal: "T2", Store: "HF-002", Seq: 3,
		Voucher: pos.NewVoucherID(2020, 9), Holder: pos.HolderRef{1, 2}, Amount: 5000, Detail: "both kept",
		Claims:   []wire.Claim{{Terminal: "T1", Store: "HF-001", Seq: 7, Receipt: "T1-000007", Time: at, Counted: true}},
		Resolved: at.Add(time.Hour), Resolution: "not stored with the evidence"}
	var id uint64
	if err := st.UpdateLedger(func(tx LedgerTx) error {
		id, err = tx.AddIncident(in)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var stored []byte
	if err := st.db.View(func(tx *bolt.Tx) error {
		stored = append([]byte{}, tx.Bucket(bucketIncidents).Get(u64key(id))...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	in.ID = id
	want, err := encodeIncident(&in)
	if err != nil {
		t.Fatal(err)
	}
	if string(stored) != string(want) || strings.Contains(string(stored), "resol") || !strings.Contains(string(stored), `"terminal":"T2"`) {
		t.Errorf("stored %s, want %s", stored, want)
	}
	got, _, err := st.ListIncidents(IncidentQuery{Store: "HF-002", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	in.Resolved, in.Resolution = time.Time{}, ""
	if len(got) != 1 || !reflect.DeepEqual(got[0], in) {
		t.Errorf("listed %+v, want %+v", got, in)
	}
}
