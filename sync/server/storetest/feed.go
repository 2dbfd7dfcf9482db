package storetest

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// feedTerm is a terminal's view of the statuses, built only from downloads
// the way a terminal applies them: a snapshot replaces its campaign's list,
// then changes and holders apply one by one.
type feedTerm struct {
	tm        *term
	vouchers  map[pos.VoucherID]pos.VoucherStatus // not valid only
	suspended map[pos.HolderRef]bool              // true only
	cursor    string
	snapshots int // downloads that carried snapshots
	pages     int
}

func newFeedTerm(tm *term) *feedTerm {
	return &feedTerm{tm: tm, vouchers: map[pos.VoucherID]pos.VoucherStatus{}, suspended: map[pos.HolderRef]bool{}}
}

func (f *feedTerm) fetch(cursor string, limit int) *wire.DownloadResponse {
	f.tm.e.t.Helper()
	e := f.tm.e
	resp, err := e.srv.Download(f.tm.wire(), wire.DownloadRequest{Cursor: cursor, TrustSeq: e.dep.Trust.Seq,
		CatalogueVersion: e.dep.Catalogue.Version, Limit: limit})
	must(e.t, err)
	return resp
}

func (f *feedTerm) apply(d *wire.DownloadResponse) {
	f.pages++
	if len(d.Snapshots) > 0 {
		f.snapshots++
	}
	for _, s := range d.Snapshots {
		for id := range f.vouchers {
			if id.Campaign() == s.Campaign {
				delete(f.vouchers, id)
			}
		}
		for i, b := range s.Packed {
			for j := range 4 {
				if st := pos.VoucherStatus(b >> (2 * j) & 3); st != pos.StatusValid {
					f.vouchers[pos.NewVoucherID(s.Campaign, uint32(4*i+j))] = st
				}
			}
		}
	}
	for _, ch := range d.Vouchers {
		if ch.Status == pos.StatusValid {
			delete(f.vouchers, ch.Voucher)
		} else {
			f.vouchers[ch.Voucher] = ch.Status
		}
	}
	for _, h := range d.Holders {
		if h.Suspended {
			f.suspended[h.Holder] = true
		} else {
			delete(f.suspended, h.Holder)
		}
	}
	f.cursor = d.Cursor
}

// sync downloads pages of limit changes until no more, calling between
// after each page (for changes made while the terminal pages).
func (f *feedTerm) sync(limit int, between func(page int)) {
	for page := 1; ; page++ {
		d := f.fetch(f.cursor, limit)
		f.apply(d)
		if !d.More {
			return
		}
		if between != nil {
			between(page)
		}
	}
}

// check compares the terminal's statuses with the server's.
func (f *feedTerm) check(what string) {
	e := f.tm.e
	e.t.Helper()
	want, wantH := map[pos.VoucherID]pos.VoucherStatus{}, map[pos.HolderRef]bool{}
	e.view(func(l server.LedgerView) error {
		must(e.t, l.ForEachStatus(func(id pos.VoucherID, s pos.VoucherStatus) error { want[id] = s; return nil }))
		return l.ForEachHolder(func(h pos.HolderRef, on bool) error {
			if on {
				wantH[h] = true
			}
			return nil
		})
	})
	if !maps.Equal(f.vouchers, want) {
		e.t.Errorf("%s: terminal has statuses %v, server %v", what, f.vouchers, want)
	}
	if !maps.Equal(f.suspended, wantH) {
		e.t.Errorf("%s: terminal has suspended %v, server %v", what, f.suspended, wantH)
	}
}

func (e *env) setStatus(id pos.VoucherID, s pos.VoucherStatus) {
	e.t.Helper()
	must(e.t, e.st.UpdateLedger(func(tx server.LedgerTx) error { return tx.SetStatus(id, s) }))
}

func (e *env) suspend(h pos.HolderRef, on bool) {
	e.t.Helper()
	must(e.t, e.st.UpdateLedger(func(tx server.LedgerTx) error { return tx.SetSuspended(h, on) }))
}

// history changes each of 8 vouchers (from serial base) 5 times and two
// holders 3 times, ending in a mix of states; it returns the number of
// changes made.
func (e *env) history(base uint32) int {
	cycle := []pos.VoucherStatus{pos.StatusRevoked, pos.StatusValid, pos.StatusRedeemedElsewhere, pos.StatusRevoked, pos.StatusValid}
	n := 0
	for r := range 5 {
		for i := range uint32(8) {
			e.setStatus(pos.NewVoucherID(postest.CampaignID, base+i), cycle[(r+int(i))%len(cycle)])
			n++
		}
		if r < 3 {
			e.suspend(holder("AAAAAAAA"), r%2 == 0)
			e.suspend(holder("BBBBBBBB"), r%2 == 1)
			n += 2
		}
	}
	return n
}

// checkCompact asserts the feed holds exactly one change per key changed,
// the latest (the current state), in seq order, and that LastChange counts
// every change ever made.
func checkCompact(t *testing.T, e *env, made, keys int) {
	t.Helper()
	e.view(func(l server.LedgerView) error {
		last, err := l.LastChange()
		must(t, err)
		eq(t, "last change", last, uint64(made))
		all, more, err := l.Changes(0, 10*made)
		must(t, err)
		n, err := l.CountChanges(0, 10*made)
		must(t, err)
		eq(t, "count of the feed", n, len(all))
		if more || len(all) != keys {
			t.Fatalf("feed holds %d changes (more %v), want one per key: %d", len(all), more, keys)
		}
		seen := map[string]bool{}
		for i, ch := range all {
			if i > 0 && ch.Seq <= all[i-1].Seq {
				t.Errorf("change %d seq %d after %d", i, ch.Seq, all[i-1].Seq)
			}
			key := fmt.Sprint(ch.Voucher)
			if ch.Holder != nil {
				key = ch.Holder.String()
				on, err := l.Suspended(*ch.Holder)
				must(t, err)
				eq(t, "feed's state of "+key, ch.Suspended, on)
			} else {
				s, err := l.Status(ch.Voucher)
				must(t, err)
				eq(t, "feed's state of "+key, ch.Status, s)
			}
			if seen[key] {
				t.Errorf("key %s twice in the feed", key)
			}
			seen[key] = true
		}
		if n, _ := l.CountChanges(0, 3); n != 3 {
			t.Errorf("CountChanges stops at most: %d", n)
		}
		return nil
	})
}

// testFeedCompactBehind: a terminal that synced before a long history of
// repeated changes (so its cursor is behind every dropped change) ends
// with exactly the server's statuses, whether the cost rule gives it the
// compact delta (statuses at high serials: a snapshot would be large) or a
// snapshot (low serials: a snapshot is a few bytes), also when keys change
// again while it pages.
func testFeedCompactBehind(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name      string
		base      uint32
		snapshots int
	}{
		{"delta", 1_000_000, 0},
		{"snapshot", 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, open)
			f := newFeedTerm(e.enroll("T1", 1))
			f.sync(3, nil)
			f.check("first sync")
			eq(t, "first sync is a snapshot", f.snapshots, 1)
			made := e.history(tc.base)
			checkCompact(t, e, made, 10)
			f.snapshots, f.pages = 0, 0
			f.sync(3, func(page int) {
				if page == 1 { // one key delivered already, one not yet, a holder
					e.setStatus(pos.NewVoucherID(postest.CampaignID, tc.base), pos.StatusSuspended)
					e.setStatus(pos.NewVoucherID(postest.CampaignID, tc.base+7), pos.StatusRevoked)
					e.suspend(holder("AAAAAAAA"), true)
				}
			})
			f.check("after the history")
			eq(t, "downloads with snapshots", f.snapshots, tc.snapshots)
			if tc.snapshots == 0 && f.pages < 4 {
				t.Errorf("delta of 10+ changes in pages of 3 took %d pages", f.pages)
			}
			// Repeated downloads from the final cursor change nothing.
			d := f.fetch(f.cursor, 3)
			if len(d.Vouchers)+len(d.Holders)+len(d.Snapshots) != 0 || d.More || d.Cursor != f.cursor {
				t.Errorf("download at the head: %+v", d)
			}
		})
	}
}

// testFeedCompactAhead: a terminal up to date gets only what changed since
// its cursor, each key once with its latest state, and downloading the same
// cursor twice gives the same page, applied twice the same statuses.
func testFeedCompactAhead(t *testing.T, open Opener) {
	e := newEnv(t, open)
	f := newFeedTerm(e.enroll("T1", 1))
	made := e.history(1)
	f.sync(100, nil)
	f.check("synced")
	x, y := pos.NewVoucherID(postest.CampaignID, 3), pos.NewVoucherID(postest.CampaignID, 40)
	e.setStatus(x, pos.StatusRevoked)
	e.setStatus(y, pos.StatusRevoked)
	e.setStatus(x, pos.StatusRedeemedElsewhere)
	e.suspend(holder("BBBBBBBB"), true)
	e.suspend(holder("BBBBBBBB"), false)
	checkCompact(t, e, made+5, 11)
	before := f.cursor
	d := f.fetch(before, 100)
	if len(d.Snapshots) != 0 || d.More {
		t.Fatalf("a terminal 5 changes behind got snapshots or more: %+v", d)
	}
	eq(t, "vouchers", fmt.Sprint(d.Vouchers), fmt.Sprint([]pos.StatusChange{{Voucher: y, Status: pos.StatusRevoked}, {Voucher: x, Status: pos.StatusRedeemedElsewhere}}))
	eq(t, "holders", fmt.Sprint(d.Holders), fmt.Sprint([]pos.HolderChange{{Holder: holder("BBBBBBBB"), Suspended: false}}))
	f.apply(d)
	f.check("after the delta")
	again := f.fetch(before, 100)
	eq(t, "the same cursor again", fmt.Sprintf("%+v %+v %s", again.Vouchers, again.Holders, again.Cursor),
		fmt.Sprintf("%+v %+v %s", d.Vouchers, d.Holders, d.Cursor))
	f.apply(again)
	f.check("applied twice")
	if n := f.fetch(f.cursor, 100); len(n.Vouchers)+len(n.Holders)+len(n.Snapshots) != 0 || n.Cursor != f.cursor {
		t.Errorf("nothing new: %+v", n)
	}
}

// testFeedSnapshotByCost: the choice between the changes and a snapshot
// is by size, not by a fixed count: 400 revocations at low serials (a
// snapshot of ~130 bytes) give a terminal behind them a snapshot, while a
// terminal 2 changes behind gets the 2 changes.
func testFeedSnapshotByCost(t *testing.T, open Opener) {
	e := newEnv(t, open)
	f := newFeedTerm(e.enroll("T1", 1))
	f.sync(0, nil)
	must(t, e.st.UpdateLedger(func(tx server.LedgerTx) error {
		for i := range uint32(400) {
			if err := tx.SetStatus(pos.NewVoucherID(postest.CampaignID, i+1), pos.StatusRevoked); err != nil {
				return err
			}
		}
		return nil
	}))
	near := newFeedTerm(f.tm)
	near.vouchers, near.cursor = maps.Clone(f.vouchers), f.cursor
	near.sync(0, nil)
	f.snapshots = 0
	e.setStatus(pos.NewVoucherID(postest.CampaignID, 5), pos.StatusValid)
	e.setStatus(pos.NewVoucherID(postest.CampaignID, 900), pos.StatusRevoked)
	f.sync(0, nil)
	eq(t, "far terminal got a snapshot", f.snapshots, 1)
	f.check("far")
	d := near.fetch(near.cursor, 0)
	if len(d.Snapshots) != 0 || len(d.Vouchers) != 2 {
		t.Errorf("near terminal: %d snapshots, %d changes, want the 2 changes", len(d.Snapshots), len(d.Vouchers))
	}
	near.apply(d)
	near.check("near")
	got := slices.Collect(maps.Keys(near.vouchers))
	eq(t, "revoked", len(got), 400)
}
