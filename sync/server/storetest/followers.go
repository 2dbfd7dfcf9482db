package storetest

import (
	"fmt"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/server"
)

// testFollowers: an engine that indexes voids and returns by their sale
// (server.SaleFollowers) names exactly the records that act on a sale, of
// that terminal and returns of other terminals, by terminal then seq,
// whatever lies between; a record replaced by another that acts on nothing
// leaves at most a stale name, which the reader checks.
func testFollowers(t *testing.T, open Opener) {
	e := newEnv(t, open)
	a, b := e.enroll("TA", 1), e.enroll("TB", 2)
	ret := func(tm *term, sale uint64) pos.Entry {
		return tm.seal(&pos.Record{Kind: pos.KindReturn, Returns: sale, Cashier: "1001", Manager: "9001"})
	}
	// retAt seals at tm a return of sale seq of terminal of (another one).
	retAt := func(tm *term, of string, sale uint64) pos.Entry {
		return tm.seal(&pos.Record{Kind: pos.KindReturn, Returns: sale, SaleTerminal: of, Cashier: "1001", Manager: "9001"})
	}
	var as, bs []pos.Entry
	as = append(as, a.sale(), a.sale()) // 1, 2
	for range 50 {
		as = append(as, a.sale()) // 3..52
	}
	as = append(as, ret(a, 1), a.sale(), ret(a, 1), a.void(2)) // 53, 54, 55, 56
	as = append(as, retAt(a, "TB", 1))                         // 57: at TA, of TB's sale 1
	bs = append(bs, b.sale(), ret(b, 1), retAt(b, "TA", 1))    // TB 1, 2, 3: at TB, of TA's sale 1
	put := func(tm *term, es []pos.Entry) {
		must(t, e.st.UpdateLedger(func(tx server.LedgerTx) error {
			for i, en := range es {
				if err := tx.PutRecord(tm.id, uint64(i+1), &server.StoredRecord{Entry: en, Result: pos.UploadAccepted, Received: time.Unix(1600000000, 0).UTC()}); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	put(a, as)
	put(b, bs)
	var f server.SaleFollowers
	e.view(func(l server.LedgerView) error {
		var ok bool
		if f, ok = l.(server.SaleFollowers); !ok {
			return nil
		}
		for _, c := range []struct {
			term string
			sale uint64
			want string
		}{
			{"TA", 1, "[{TA 53} {TA 55} {TB 3}]"},
			{"TA", 2, "[{TA 56}]"},
			{"TA", 3, "[]"},
			{"TB", 1, "[{TA 57} {TB 2}]"},
			{"TB", 3, "[]"},
			{"TC", 1, "[]"},
		} {
			got, err := f.Followers(c.term, c.sale)
			must(t, err)
			eq(t, fmt.Sprintf("followers of %s %d", c.term, c.sale), fmt.Sprint(got), c.want)
		}
		return nil
	})
	if f == nil {
		t.Skip("this engine reads every record after the sale")
	}
}
