package bolt_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/report"
)

// release is what testdata/NAME.json says about testdata/NAME.db, a
// terminal database made by a release (see made_by).
type release struct {
	MadeBy      string         `json:"made_by"`
	Schema      uint32         `json:"schema"`
	Now         time.Time      `json:"now"`
	Records     uint64         `json:"records"`
	AuditEvents uint64         `json:"audit_events"`
	Head        pos.Hash       `json:"head"`
	Queue       pos.QueueState `json:"queue"`
	Days        []string       `json:"days"`
	Void        struct{ Receipt, Manager, PIN string }
	Report      report.Day `json:"report"`
}

// copyFile copies a testdata file to a temp dir: tests never open testdata
// itself (an upgrade would rewrite it).
func copyFile(tb testing.TB, src string) string {
	tb.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		tb.Fatal(err)
	}
	dst := filepath.Join(tb.TempDir(), filepath.Base(src))
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	return dst
}

func fileSum(tb testing.TB, path string) [32]byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestOpenEveryRelease opens the database file of every release in
// testdata with this program: it is upgraded to the current schema, its
// ledger verifies with the same head, the outbox and the day report are as
// the release left them, and a new record (a void) appends to it and
// still verifies.
func TestOpenEveryRelease(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.db")
	if len(files) < 2 {
		t.Fatalf("testdata holds %d release databases, want the last release's and this one's", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			var want release
			meta, err := os.ReadFile(strings.TrimSuffix(file, ".db") + ".json")
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(meta, &want); err != nil {
				t.Fatal(err)
			}
			path := copyFile(t, file)
			now := want.Now
			db, err := bolt.Open(path, 0o600, &bolt.Options{Now: func() time.Time { return now }, Progress: io.Discard})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if cur, opened := db.Schema(); opened != want.Schema || cur < opened {
				t.Fatalf("schema: opened %d (want %d), now %d", opened, want.Schema, cur)
			}
			lc, err := db.VerifyLedger()
			if err != nil {
				t.Fatalf("verify after upgrade: %v", err)
			}
			if lc.Records != want.Records || lc.AuditEvents != want.AuditEvents || lc.Head != want.Head || lc.Pending != want.Queue.Count {
				t.Fatalf("verify: %+v, want %d records, %d audit events, head %s, %d pending", lc, want.Records, want.AuditEvents, want.Head, want.Queue.Count)
			}
			if q, err := db.Queue(); err != nil || q != want.Queue {
				t.Fatalf("queue %+v %v, want %+v", q, err, want.Queue)
			}
			if days, err := db.Days(); err != nil || strings.Join(days, ",") != strings.Join(want.Days, ",") {
				t.Fatalf("days %v %v, want %v", days, err, want.Days)
			}
			got := dayOf(t, db, want.Report.Day)
			w := want.Report
			if got.Sales != w.Sales || got.Voids != w.Voids || got.Net != w.Net || got.Vouchers != w.Vouchers || got.Total != w.Total ||
				got.VoucherAmount != w.VoucherAmount || got.Forfeited != w.Forfeited || got.SelfPaid != w.SelfPaid {
				t.Fatalf("day report %+v, want %+v", got, w)
			}

			// A new record on the upgraded file: stored in this schema's form.
			s, err := db.RecordByReceipt(want.Void.Receipt)
			if err != nil {
				t.Fatal(err)
			}
			now = now.Add(time.Minute)
			v, err := db.Void(s.Record.Seq, want.Void.Manager, want.Void.PIN, "upgrade test")
			if err != nil {
				t.Fatal(err)
			}
			lc, err = db.VerifyLedger()
			if err != nil || lc.Records != want.Records+1 || lc.Head != v.Hash {
				t.Fatalf("verify after a void: %+v %v", lc, err)
			}
			after := dayOf(t, db, want.Report.Day)
			if after.Voids != w.Voids+1 || after.Total != w.Total-s.Record.Total {
				t.Fatalf("after voiding %s (%s): %+v", s.Record.Receipt, s.Record.Total, after)
			}
		})
	}
}

// dayOf is the day report read through the day index.
func dayOf(tb testing.TB, db *bolt.DB, day string) *report.Day {
	tb.Helper()
	b := report.NewDayBuilder(report.Names{}, day)
	if err := db.DayRecords(day, func(r, s *pos.Record) error { b.AddRecord(r, s); return nil }); err != nil {
		tb.Fatal(err)
	}
	return b.Day(day)
}

// setSchema writes a schema version into a closed database file.
func setSchema(tb testing.TB, path string, v uint32) {
	tb.Helper()
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer raw.Close()
	err = raw.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint32(nil, v))
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// TestOpenRefusesWithoutWriting: a file of a later release (downgrade) and
// an earlier release's file that cannot be upgraded are refused with a
// coded error, and the file is left byte for byte as it was.
func TestOpenRefusesWithoutWriting(t *testing.T) {
	newer := func(t *testing.T) string {
		f := newFixture(t, nil)
		f.MustRedeem(t, sale(pos.PayCash, []string{f.dep.Code(t, "m1", pos.Yuan(100))}, item("YX-CUILAN-250", 1)))
		f.Close()
		setSchema(t, f.path, 99)
		return f.path
	}
	damaged := func(t *testing.T) string {
		path := copyFile(t, "testdata/schema1-v0.9.0.db")
		raw, err := bbolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		err = raw.Update(func(tx *bbolt.Tx) error {
			b := tx.Bucket([]byte("ledger"))
			k := binary.BigEndian.AppendUint64(nil, 3)
			v := bytes.Clone(b.Get(k))
			return b.Put(k, append(v[:104], "not json"...))
		})
		if err != nil {
			t.Fatal(err)
		}
		return path
	}
	truncated := func(t *testing.T) string { // the head names a record that is gone
		path := copyFile(t, "testdata/schema1-v0.9.0.db")
		raw, err := bbolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		if err := raw.Update(func(tx *bbolt.Tx) error {
			return tx.Bucket([]byte("ledger")).Delete(binary.BigEndian.AppendUint64(nil, 6))
		}); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name, code, says string
		make             func(*testing.T) string
	}{
		{"newer schema (downgrade)", bolt.ESchemaNewer, "schema 99", newer},
		{"schema 1 with a damaged record", bolt.ESchemaUpgrade, "record 3", damaged},
		{"schema 1 with a missing record", bolt.ESchemaUpgrade, "says 6 records, found 5", truncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.make(t)
			before := fileSum(t, path)
			var progress bytes.Buffer
			db, err := bolt.Open(path, 0o600, &bolt.Options{Progress: &progress})
			if err == nil {
				db.Close()
				t.Fatal("opened")
			}
			wantCode(t, err, tt.code)
			if !strings.Contains(err.Error(), tt.says) || !strings.Contains(err.Error(), "nothing was changed") {
				t.Errorf("message %q does not say %q and that nothing was changed", err, tt.says)
			}
			if fileSum(t, path) != before {
				t.Fatal("the refused file was changed")
			}
		})
	}
}

// TestUpgradeProgress: a long upgrade says how far it is on the progress
// writer (stderr by default); the records keep verifying after it.
func TestUpgradeProgress(t *testing.T) {
	path := copyFile(t, "testdata/schema1-v0.9.0.db")
	restore := bolt.SetProgressMin(1)
	defer restore()
	var progress bytes.Buffer
	db, err := bolt.Open(path, 0o600, &bolt.Options{Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := progress.String()
	for _, want := range []string{"schema 3", "indexing 6 ledger records", "50% (3/6)", "100% (6/6)", "done"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress %q lacks %q", out, want)
		}
	}
	if _, err := db.VerifyLedger(); err != nil {
		t.Fatal(err)
	}
}

// TestRecordTimeFastPath: the upgrade reads a record's time without
// decoding the record, and agrees with the decoder on every form.
func TestRecordTimeFastPath(t *testing.T) {
	when := time.Date(2020, 8, 20, 23, 59, 59, 999_999_999, pos.CST)
	tests := []struct {
		name string
		body string
		want time.Time
	}{
		{"as pos.Record marshals", mustJSON(t, &pos.Record{Seq: 1, Kind: pos.KindSale, Time: when, Cashier: `"time":"x"`}), when},
		{"UTC", mustJSON(t, &pos.Record{Seq: 2, Kind: pos.KindVoid, Time: when.UTC()}), when},
		{"time key later than expected", `{"seq":1,"x":"` + strings.Repeat("a", 300) + `","time":"2020-08-20T23:59:59.999999999+08:00"}`, when},
		{"time first", `{"time":"2020-08-20T23:59:59.999999999+08:00"}`, when},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := bolt.RecordTime([]byte(tt.body))
			if err != nil || !got.Equal(tt.want) {
				t.Fatalf("%s: %v %v, want %v", tt.body, got, err, tt.want)
			}
		})
	}
	if _, err := bolt.RecordTime([]byte(`{"time":"yesterday"}`)); err == nil {
		t.Fatal("a bad time was read")
	}
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
