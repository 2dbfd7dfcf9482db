package postgres

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/server"
	"fupinpos/sync/server/pgtest"
	"fupinpos/sync/wire"
)

// claimOf is a counted, standing claim of terminal T01's record seq.
func claimOf(seq uint64) wire.Claim {
	return wire.Claim{Terminal: "T01", Store: "S1", Seq: seq, Receipt: "R", Time: time.Unix(1600000000, 0).UTC(), Counted: true}
}

// TestBatchCallFailsAlone: calls grouped into one transaction each run in
// their own savepoint, so a call that fails (by its own error, or by the
// database refusing its writes at flush) leaves nothing behind, and the
// calls around it commit.
func TestBatchCallFailsAlone(t *testing.T) {
	st, _ := openFresh(t)
	defer st.Close()
	ok := func(id pos.VoucherID) func(server.LedgerTx) error {
		return func(tx server.LedgerTx) error {
			return tx.SetStatus(id, pos.StatusRedeemedElsewhere)
		}
	}
	ruleErr := errors.New("refused by a rule")
	calls := []*call{
		{fn: ok(1)},
		{fn: func(tx server.LedgerTx) error { // its own error, after a write
			if err := tx.SetStatus(2, pos.StatusRedeemedElsewhere); err != nil {
				return err
			}
			return ruleErr
		}},
		{fn: ok(3)},
		{fn: func(tx server.LedgerTx) error { // two standing claims: the unique index refuses at flush
			if err := tx.SetStatus(4, pos.StatusRedeemedElsewhere); err != nil {
				return err
			}
			return tx.PutClaims(4, []wire.Claim{claimOf(1), claimOf(2)})
		}},
		{fn: ok(5)},
	}
	for _, c := range calls {
		c.done = make(chan struct{})
	}
	st.runBatch(calls)

	if !errors.Is(calls[1].err, ruleErr) && (calls[1].err == nil || !strings.Contains(calls[1].err.Error(), ruleErr.Error())) {
		t.Errorf("call 2: %v, want its own error", calls[1].err)
	}
	if calls[3].err == nil {
		t.Errorf("call 4: no error, want the unique index's refusal")
	}
	for _, i := range []int{0, 2, 4} {
		if calls[i].err != nil {
			t.Errorf("call %d: %v", i+1, calls[i].err)
		}
	}
	want := map[pos.VoucherID]pos.VoucherStatus{1: pos.StatusRedeemedElsewhere, 2: pos.StatusValid, 3: pos.StatusRedeemedElsewhere, 4: pos.StatusValid, 5: pos.StatusRedeemedElsewhere}
	var last uint64
	err := st.ViewLedger(func(v server.LedgerView) error {
		for id, w := range want {
			got, err := v.Status(id)
			if err != nil {
				return err
			}
			if got != w {
				t.Errorf("voucher %d: status %v, want %v", id, got, w)
			}
		}
		cl, err := v.Claims(4)
		if err != nil {
			return err
		}
		if len(cl) != 0 {
			t.Errorf("voucher 4: %d claims kept from a refused call", len(cl))
		}
		ch, _, err := v.Changes(0, 10)
		if err != nil {
			return err
		}
		for _, c := range ch {
			if c.Voucher == 2 || c.Voucher == 4 {
				t.Errorf("feed holds %+v of a refused call", c)
			}
		}
		if len(ch) != 3 {
			t.Errorf("feed: %+v, want 3 changes", ch)
		}
		last, err = v.LastChange()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The refused calls' feed numbers are given back: the next change
	// follows the last one kept.
	if last != 3 {
		t.Errorf("last change %d, want 3", last)
	}
}

// TestFlushLatestValue: a key written several times before a flush is
// stored once, with its last value, and the feed holds its last change.
func TestFlushLatestValue(t *testing.T) {
	st, _ := openFresh(t)
	defer st.Close()
	h := pos.HolderRef{7}
	body := func(s string) *server.StoredRecord {
		return &server.StoredRecord{Entry: pos.Entry{Body: []byte(s), Hash: pos.Hash{s[0]}, Sig: []byte("sig")}, Result: pos.UploadAccepted, Received: time.Unix(1600000000, 0).UTC()}
	}
	err := st.UpdateLedger(func(tx server.LedgerTx) error {
		for _, s := range []pos.VoucherStatus{pos.StatusRedeemedElsewhere, pos.StatusValid, pos.StatusRevoked} {
			if err := tx.SetStatus(9, s); err != nil {
				return err
			}
		}
		for _, on := range []bool{true, false, true} {
			if err := tx.SetSuspended(h, on); err != nil {
				return err
			}
		}
		for _, v := range []pos.Money{100, 250} {
			if err := tx.SetRedeemedTotal(1, h, v); err != nil {
				return err
			}
		}
		for _, cl := range [][]wire.Claim{{claimOf(1)}, {claimOf(1), claimOf(2)}} {
			cl[0].Voided = len(cl) == 2
			if err := tx.PutClaims(9, cl); err != nil {
				return err
			}
		}
		if err := tx.PutRecord("T01", 1, body("first")); err != nil {
			return err
		}
		return tx.PutRecord("T01", 1, body("second"))
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.ViewLedger(func(v server.LedgerView) error {
		if s, _ := v.Status(9); s != pos.StatusRevoked {
			t.Errorf("status %v, want revoked", s)
		}
		if on, _ := v.Suspended(h); !on {
			t.Error("holder not suspended")
		}
		if tot, _ := v.RedeemedTotal(1, h); tot != 250 {
			t.Errorf("redeemed %v, want 250", tot)
		}
		if cl, _ := v.Claims(9); len(cl) != 2 || !cl[0].Voided || cl[1].Seq != 2 {
			t.Errorf("claims %+v", cl)
		}
		if r, _ := v.Record("T01", 1); r == nil || string(r.Entry.Body) != "second" {
			t.Errorf("record %+v, want the second", r)
		}
		ch, _, err := v.Changes(0, 10)
		if err != nil {
			return err
		}
		if len(ch) != 2 || ch[0].Seq != 3 || ch[0].Status != pos.StatusRevoked || ch[1].Seq != 6 || !ch[1].Suspended {
			t.Errorf("feed %+v, want voucher 9 revoked at 3 and the holder suspended at 6", ch)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPlanCacheMode: the store's connections plan each statement for its
// arguments, unless the URL says otherwise.
func TestPlanCacheMode(t *testing.T) {
	url := pgtest.NewDatabase(t)
	if _, _, err := Migrate(context.Background(), url); err != nil {
		t.Fatal(err)
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	for _, c := range []struct{ url, want string }{
		{url, "force_custom_plan"},
		{url + sep + "plan_cache_mode=auto", "auto"},
	} {
		st, err := Open(context.Background(), c.url)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		if err := st.pool.QueryRow(ctx(), `SHOW plan_cache_mode`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		st.Close()
		if got != c.want {
			t.Errorf("%s: plan_cache_mode %q, want %q", c.url, got, c.want)
		}
	}
}
