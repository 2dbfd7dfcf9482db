package server

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fupinpos/pos"
)

// TestMoveSerials: after a restore of an older backup the serial counter
// of every campaign passes both the backup's and the replaced database's
// last serial by the gap, so no voucher id issued since the backup is
// issued again — also for a campaign that had issued nothing in the backup.
func TestMoveSerials(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, DatabaseFile)
	st, err := OpenBolt(live)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.UpdateDeployment(func(d *Deployment) error {
		d.Campaigns = []pos.Campaign{{ID: 5}, {ID: 6}}
		return nil
	}))
	at := time.Date(2020, 9, 1, 8, 0, 0, 0, time.UTC)
	issue := func(st *Bolt, campaign uint16, n int) []Issuance {
		t.Helper()
		reqs := make([]IssueRequest, n)
		for i := range reqs {
			reqs[i] = IssueRequest{Member: "M", Unit: 1, Value: 100}
		}
		out, err := st.Issue(campaign, reqs, func(map[pos.HolderRef]pos.Money) error { return nil },
			func(s uint32, r IssueRequest) (Issuance, error) {
				return Issuance{ID: pos.NewVoucherID(campaign, s), Member: r.Member, Unit: r.Unit, Value: r.Value, IssuedAt: at}, nil
			})
		must(err)
		return out
	}
	issue(st, 5, 3)
	bk := filepath.Join(dir, "bk.db")
	f, err := os.Create(bk)
	must(err)
	_, err = st.Backup(f, nil)
	must(err)
	f.Close()
	issue(st, 5, 4) // serials 4..7: after the backup
	must(st.Close())

	for _, tc := range []struct {
		name  string
		floor bool // the replaced database still opens
		want  map[uint16]uint32
	}{
		{"replaced database read", true, map[uint16]uint32{5: 7 + 100, 6: 100}},
		{"replaced database lost", false, map[uint16]uint32{5: 3 + 100, 6: 100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cp := filepath.Join(t.TempDir(), DatabaseFile)
			b, err := os.ReadFile(bk)
			must(err)
			must(os.WriteFile(cp, b, 0o600))
			var floor map[uint16]uint32
			if tc.floor {
				floor, err = ReadSerials(live)
				must(err)
			}
			got, err := MoveSerials(cp, floor, 100)
			must(err)
			if len(got) != len(tc.want) || got[5] != tc.want[5] || got[6] != tc.want[6] {
				t.Fatalf("counters %v, want %v", got, tc.want)
			}
			r, err := OpenBolt(cp)
			must(err)
			defer r.Close()
			for c, last := range tc.want {
				if is := issue(r, c, 1); is[0].ID.Serial() != last+1 {
					t.Fatalf("campaign %d: first serial after the restore %d, want %d", c, is[0].ID.Serial(), last+1)
				}
			}
		})
	}
}
