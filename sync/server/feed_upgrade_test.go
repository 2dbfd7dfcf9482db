package server

import (
	"fmt"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// TestBoltFeedUpgradeCompacts: a database written before the feed was
// compact (every change kept, no feedkeys bucket) is compacted once on
// open: the latest change of each key stays with its seq, the older ones
// go, and new changes keep it compact.
func TestBoltFeedUpgradeCompacts(t *testing.T) {
	path := filepath.Join(t.TempDir(), DatabaseFile)
	st, err := OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	v1, v2, h := pos.NewVoucherID(2020, 1), pos.NewVoucherID(2020, 2), pos.HolderRef{1}
	old := []Change{{Voucher: v1, Status: pos.StatusRevoked}, {Holder: &h, Suspended: true}, {Voucher: v2, Status: pos.StatusRevoked},
		{Voucher: v1, Status: pos.StatusValid}, {Holder: &h}, {Voucher: v1, Status: pos.StatusRedeemedElsewhere}}
	err = st.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketFeedKeys); err != nil {
			return err
		}
		b := tx.Bucket(bucketChanges)
		for _, ch := range old {
			ch.Seq, _ = b.NextSequence()
			if err := putJSON(b, u64key(ch.Seq), &ch); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if st, err = OpenBolt(path); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	feed := func() string {
		var out string
		st.ViewLedger(func(l LedgerView) error {
			chs, _, err := l.Changes(0, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range chs {
				if ch.Holder != nil {
					out += fmt.Sprintf("%d:h=%v ", ch.Seq, ch.Suspended)
				} else {
					out += fmt.Sprintf("%d:%d=%s ", ch.Seq, ch.Voucher.Serial(), ch.Status)
				}
			}
			return nil
		})
		return out
	}
	if got, want := feed(), "3:2=revoked 5:h=false 6:1=redeemed_elsewhere "; got != want {
		t.Errorf("upgraded feed %q, want %q", got, want)
	}
	if err := st.UpdateLedger(func(tx LedgerTx) error { return tx.SetStatus(v2, pos.StatusValid) }); err != nil {
		t.Fatal(err)
	}
	if got, want := feed(), "5:h=false 6:1=redeemed_elsewhere 7:2=valid "; got != want {
		t.Errorf("feed after a new change %q, want %q", got, want)
	}
}
