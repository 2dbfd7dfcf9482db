package postgres

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/server"
)

// TestIssueCapTwoInstances issues to one member from two stores (two
// connection pools: two voucherd instances) on one database at once: the
// cap, checked above storage by pos.CheckIssuance, holds exactly, and no
// serial is given twice.
func TestIssueCapTwoInstances(t *testing.T) {
	a, url := openFresh(t)
	defer a.Close()
	b, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	camp := &pos.Campaign{ID: 9, Cap: 30000, IssueFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, pos.CST), IssueUntil: time.Date(2021, 1, 1, 0, 0, 0, 0, pos.CST)}
	at := time.Date(2020, 9, 1, 8, 0, 0, 0, pos.CST)
	m := pos.HolderRef{'M'}
	var mu sync.Mutex
	ok, refused := 0, 0
	ids := map[pos.VoucherID]bool{}
	var wg sync.WaitGroup
	for w := range 8 {
		st := []server.Store{a, b}[w%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3 {
				reqs := []server.IssueRequest{
					{Member: fmt.Sprintf("X-%d-%d", w, i), Holder: pos.HolderRef{'X', byte(w), byte(i)}, Unit: 1, Value: 100},
					{Member: "M", Holder: m, Unit: 1, Value: 10000},
				}
				items := []pos.IssueItem{{Member: reqs[0].Member, Holder: reqs[0].Holder, Value: 100}, {Member: "M", Holder: m, Value: 10000}}
				got, err := st.Issue(camp.ID, reqs, func(issued map[pos.HolderRef]pos.Money) error {
					return pos.CheckIssuance(camp, at, issued, items)
				}, func(serial uint32, r server.IssueRequest) (server.Issuance, error) {
					id := pos.NewVoucherID(camp.ID, serial)
					return server.Issuance{ID: id, Member: r.Member, Holder: r.Holder, Unit: r.Unit, Value: r.Value, IssuedAt: at, Code: id.String()}, nil
				})
				mu.Lock()
				switch {
				case err == nil:
					ok++
					for _, is := range got {
						if ids[is.ID] {
							t.Errorf("serial %s given twice", is.ID)
						}
						ids[is.ID] = true
					}
				case pos.ErrorCode(err) == pos.ECAPEXCEEDED:
					refused++
				default:
					t.Errorf("issue: %v", err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ok != 3 || refused != 21 {
		t.Errorf("%d batches accepted, %d refused; want 3 and 21", ok, refused)
	}
	for _, st := range []server.Store{a, b} {
		if total, err := st.IssuedTotal(camp.ID, m); err != nil || total != 30000 {
			t.Errorf("member total %s, %v; want ￥300.00", total, err)
		}
	}
}
