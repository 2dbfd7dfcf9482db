package storetest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// FeedScale writes n status changes into st (empty) — n/10 vouchers, each
// changed 10 times, in large transactions — and logs, for terminals whose
// cursor is 10, 1k, 50k and n changes behind, the bytes (JSON, all pages), the
// pages and the time of the download that brings them up to date, and how
// many changes the feed holds. It measures; it asserts only that the
// downloads end.
func FeedScale(t testing.TB, st server.Store, n int) {
	e := newEnvOn(t, st)
	tm := e.enroll("T1", 1)
	var epoch string
	must(t, st.ViewLedger(func(l server.LedgerView) error { epoch = l.Epoch(); return nil }))
	keys := max(n/10, 1)
	cycle := []pos.VoucherStatus{pos.StatusRevoked, pos.StatusValid, pos.StatusRedeemedElsewhere, pos.StatusSuspended, pos.StatusRevoked}
	start := time.Now()
	for done := 0; done < n; {
		must(t, st.UpdateLedger(func(tx server.LedgerTx) error {
			for i := done; i < min(done+10_000, n); i++ {
				if err := tx.SetStatus(pos.NewVoucherID(postest.CampaignID, uint32(i%keys+1)), cycle[(i/keys)%len(cycle)]); err != nil {
					return err
				}
			}
			return nil
		}))
		done = min(done+10_000, n)
	}
	t.Logf("wrote %d changes over %d vouchers in %v", n, keys, time.Since(start).Round(time.Millisecond))
	held := 0
	must(t, st.ViewLedger(func(l server.LedgerView) error {
		for after := uint64(0); ; {
			chs, more, err := l.Changes(after, 10_000)
			if err != nil {
				return err
			}
			held += len(chs)
			if len(chs) > 0 {
				after = chs[len(chs)-1].Seq
			}
			if !more {
				return nil
			}
		}
	}))
	t.Logf("feed holds %d changes", held)
	for _, behind := range []int{10, 1_000, 50_000, n} {
		if behind > n {
			continue
		}
		cursor := fmt.Sprintf("%s.%d.0", epoch, n-behind)
		var bytes, pages, snapshots int
		start := time.Now()
		for {
			d, err := e.srv.Download(tm.wire(), wire.DownloadRequest{Cursor: cursor, TrustSeq: e.dep.Trust.Seq, CatalogueVersion: e.dep.Catalogue.Version})
			must(t, err)
			b, err := json.Marshal(d)
			must(t, err)
			bytes, pages, cursor = bytes+len(b), pages+1, d.Cursor
			if len(d.Snapshots) > 0 {
				snapshots++
			}
			if !d.More {
				break
			}
		}
		t.Logf("download %d behind: %d bytes, %d pages (%d with snapshots), %v", behind, bytes, pages, snapshots, time.Since(start).Round(time.Microsecond))
	}
}
