package server_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// The testdata database was made by v0.9.0 (schema 1, the API's JSON in
// every bucket) with two terminals, a double spend, voids on the sale's
// day and the next, a pending terminal, a revocation and a suspension;
// the .json file beside it is what v0.9.0 answered about it (reports of
// three days, incidents, terminals, the change feed, claims, a record,
// the issued vouchers). See TestMakeV090Database in the report.

func copyOldDatabase(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/server-v0.9.0.bbolt")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), server.DatabaseFile)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// normJSON decodes a JSON document into plain values with every RFC 3339
// time string replaced by its instant in UTC, so the same instant written
// in another zone compares equal.
func normJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case string:
			if tm, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return tm.UTC().Format(time.RFC3339Nano)
			}
		}
		return v
	}
	return walk(v)
}

// asV090Report is r as v0.9.0 wrote it: without the fields added since
// (the certified split, origin kinds, sales and voids per row, a work
// unit's face value and vouchers), a work unit's count its vouchers, and with a work unit's amount its face value, as
// v0.9.0's own accounting had it (the server now adds up with pos/report,
// where a work unit's amount is the applied value, the face in Face).
func asV090Report(t *testing.T, r *wire.Report) map[string]any {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"certified", "non_certified", "by_origin", "by_certified"} {
		delete(m, k)
	}
	for _, sec := range []string{"by_unit", "by_store", "by_product", "by_county", "review"} {
		rows, _ := m[sec].([]any)
		for _, x := range rows {
			row := x.(map[string]any)
			if sec == "by_unit" {
				row["amount"] = row["face"]
				// v0.9.0 counted a unit's vouchers as its count; a
				// count is now of sales, the vouchers apart.
				row["count"] = 0.0 // vouchers is omitted when 0
				if v, ok := row["vouchers"]; ok {
					row["count"] = v
				}
				delete(row, "vouchers")
			}
			delete(row, "face")
			delete(row, "sales")
			delete(row, "voids")
		}
	}
	return m
}

func TestBoltUpgradeFromV090(t *testing.T) {
	path := copyOldDatabase(t)
	raw, err := os.ReadFile("testdata/server-v0.9.0.json")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]json.RawMessage
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	st, err := server.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	up := st.Upgraded()
	if up == nil || up.From != 1 || up.To != server.BoltSchema || up.Records != 7 {
		t.Fatalf("upgrade %+v, want 1 → %d with 7 records", up, server.BoltSchema)
	}
	same := func(what string, got any) {
		t.Helper()
		b, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		g, w := normJSON(t, b), normJSON(t, want[what])
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s after the upgrade:\n got %s\nwant %s", what, b, want[what])
		}
	}
	srv := &server.Server{Store: st}
	for _, day := range []string{"2020-09-15", "2020-09-16", "2020-09-17"} {
		r, err := srv.Report(day, 0)
		if err != nil {
			t.Fatal(err)
		}
		same("report "+day, asV090Report(t, r))
	}
	terms, err := st.Terminals()
	if err != nil {
		t.Fatal(err)
	}
	same("terminals", terms)
	var issued []server.Issuance
	var ids []pos.VoucherID
	var old []server.Issuance
	if err := json.Unmarshal(want["issued"], &old); err != nil {
		t.Fatal(err)
	}
	for _, is := range old {
		got, err := st.Issued(is.ID)
		if err != nil {
			t.Fatal(err)
		}
		issued = append(issued, *got)
		ids = append(ids, is.ID)
	}
	same("issued", issued)
	err = st.ViewLedger(func(l server.LedgerView) error {
		in, err := l.Incidents()
		if err != nil {
			return err
		}
		same("incidents", in)
		ch, _, err := l.Changes(0, 100)
		if err != nil {
			return err
		}
		same("changes", ch)
		cs, err := l.Claims(ids[0])
		if err != nil {
			return err
		}
		same("claims", cs)
		r, err := l.Record("TA", 2)
		if err != nil {
			return err
		}
		same("record TA/2", r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The upgraded file takes new writes: the feed goes on after its last seq.
	var before uint64
	must(t, st.ViewLedger(func(l server.LedgerView) (err error) { before, err = l.LastChange(); return err }))
	if _, err := srv.Revoke(wire.RevokeRequest{Voucher: ids[1]}); err != nil {
		t.Fatal(err)
	}
	must(t, st.ViewLedger(func(l server.LedgerView) error {
		ch, _, err := l.Changes(before, 10)
		if len(ch) != 1 || ch[0].Seq != before+1 || ch[0].Voucher != ids[1] || ch[0].Status != pos.StatusRevoked {
			t.Errorf("changes after %d: %+v", before, ch)
		}
		return err
	}))
	must(t, st.Close())
	// Once: opening again upgrades nothing.
	st, err = server.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	if up := st.Upgraded(); up != nil {
		t.Errorf("second open upgraded again: %+v", up)
	}
	r, err := (&server.Server{Store: st}).Report("2020-09-15", 0)
	must(t, err)
	if r.Sales != 3 || r.Voids != 1 {
		t.Errorf("report after reopening: sales %d voids %d", r.Sales, r.Voids)
	}
	if n := checkFollowers(t, st); n != 2 {
		t.Errorf("the upgraded file holds %d voids, want 2", n)
	}
	must(t, st.Close())
}

// checkFollowers checks that the followers index names every void and
// return of st's ledger, and returns how many there are.
func checkFollowers(t *testing.T, st *server.Bolt) int {
	t.Helper()
	n := 0
	must(t, st.ViewLedger(func(l server.LedgerView) error {
		return l.ForEachRecord(func(terminal string, sr *server.StoredRecord) error {
			rec, err := pos.DecodeRecord(sr.Entry)
			if err != nil || rec.SaleSeq() == 0 {
				return nil
			}
			n++
			got, err := l.(server.SaleFollowers).Followers(rec.SaleOf(), rec.SaleSeq())
			if err != nil {
				return err
			}
			if !slices.Contains(got, server.RecordKey{Terminal: terminal, Seq: rec.Seq}) {
				t.Errorf("followers of %s: %v, without %s", rec.SaleReceipt(), got, rec.Receipt)
			}
			return nil
		})
	}))
	return n
}

// upgradedAs returns the path of the v0.9.0 file upgraded by OpenBolt,
// then marked as schema version after fn changed it back.
func upgradedAs(t *testing.T, version string, fn func(tx *bolt.Tx) error) string {
	t.Helper()
	path := copyOldDatabase(t)
	st, err := server.OpenBolt(path)
	must(t, err)
	must(t, st.Close())
	db, err := bolt.Open(path, 0o600, nil)
	must(t, err)
	must(t, db.Update(func(tx *bolt.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte(version))
	}))
	must(t, db.Close())
	return path
}

// TestBoltUpgradeFromV2: a schema 2 file (no followers index) gets the
// index built from its records when opened.
func TestBoltUpgradeFromV2(t *testing.T) {
	path := upgradedAs(t, "2", func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("followers")) })
	st, err := server.OpenBolt(path)
	must(t, err)
	defer st.Close()
	if up := st.Upgraded(); up == nil || up.From != 2 || up.To != server.BoltSchema || up.Records != 7 {
		t.Fatalf("upgrade %+v, want 2 → %d reading 7 records", up, server.BoltSchema)
	}
	if n := checkFollowers(t, st); n != 2 {
		t.Errorf("%d voids, want 2", n)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestBoltRefusesNewerSchema: a file written by a later voucherd is
// refused with a clear error and left as it was.
func TestBoltRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), server.DatabaseFile)
	st, err := server.OpenBolt(path)
	must(t, err)
	must(t, st.Close())
	db, err := bolt.Open(path, 0o600, nil)
	must(t, err)
	newer := fmt.Sprint(server.BoltSchema + 1)
	must(t, db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte(newer)) }))
	must(t, db.Close())
	_, err = server.OpenBolt(path)
	if pos.ErrorCode(err) != pos.ECONFLICT || !strings.Contains(err.Error(), "newer than this voucherd") || !strings.Contains(err.Error(), "upgrade voucherd") {
		t.Fatalf("open a newer file: %v", err)
	}
	db, err = bolt.Open(path, 0o600, nil)
	must(t, err)
	defer db.Close()
	must(t, db.View(func(tx *bolt.Tx) error {
		if v := string(tx.Bucket([]byte("meta")).Get([]byte("schema"))); v != newer {
			t.Errorf("schema after a refused open %q, want %q", v, newer)
		}
		return nil
	}))
}

// TestBoltUpgradeIsAtomic: an old file whose ledger holds an unreadable
// record is refused, and stays exactly the old file (no half upgrade).
func TestBoltUpgradeIsAtomic(t *testing.T) {
	path := copyOldDatabase(t)
	db, err := bolt.Open(path, 0o600, nil)
	must(t, err)
	must(t, db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("records")).Put([]byte("TZ\x00\x00\x00\x00\x00\x00\x00\x00\x01"), []byte("{not json"))
	}))
	must(t, db.Close())
	if _, err := server.OpenBolt(path); err == nil {
		t.Fatal("an unreadable old record was upgraded")
	}
	db, err = bolt.Open(path, 0o600, nil)
	must(t, err)
	defer db.Close()
	must(t, db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket([]byte("meta")).Get([]byte("schema")); v != nil {
			t.Errorf("schema %q written by a failed upgrade", v)
		}
		if tx.Bucket([]byte("days")) != nil {
			t.Error("day index left by a failed upgrade")
		}
		var rec map[string]any
		if err := json.Unmarshal(tx.Bucket([]byte("records")).Get([]byte("TA\x00\x00\x00\x00\x00\x00\x00\x00\x01")), &rec); err != nil {
			t.Errorf("record TA/1 is no longer the old JSON: %v", err)
		}
		return nil
	}))
}

// TestBoltUpgradeFromV3: a schema 3 file (followers of the sale's own
// terminal only) opens as schema 4 without a data change, its followers
// index read as before; a voucherd of schema 3 would now refuse it.
func TestBoltUpgradeFromV3(t *testing.T) {
	var followers int
	path := upgradedAs(t, "3", func(tx *bolt.Tx) error {
		followers = tx.Bucket([]byte("followers")).Stats().KeyN
		return nil
	})
	st, err := server.OpenBolt(path)
	must(t, err)
	if up := st.Upgraded(); up == nil || up.From != 3 || up.To != 4 || server.BoltSchema != 4 || up.Records != 0 {
		t.Fatalf("upgrade %+v, want 3 → 4 reading no record", up)
	}
	if n := checkFollowers(t, st); n != 2 || followers != 2 {
		t.Errorf("%d voids, %d followers keys before, want 2 and 2", n, followers)
	}
	must(t, st.Close())
	db, err := bolt.Open(path, 0o600, nil)
	must(t, err)
	defer db.Close()
	must(t, db.View(func(tx *bolt.Tx) error {
		if v := string(tx.Bucket([]byte("meta")).Get([]byte("schema"))); v != "4" {
			t.Errorf("schema after the upgrade %q", v)
		}
		return nil
	}))
}
