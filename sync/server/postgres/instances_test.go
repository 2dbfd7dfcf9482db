package postgres

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/pos/voucher"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// TestTwoInstancesCapAndDoubleSpends runs two stores (two connection pools,
// as two voucherd instances have) on one database. Issuance to one member
// from both at once never passes the cap; every voucher redeemed at both
// at once is accepted exactly once, with one incident naming both claims;
// incident ids and change seqs are dense and in commit order.
func TestTwoInstancesCapAndDoubleSpends(t *testing.T) {
	a, url := openFresh(t)
	defer a.Close()
	b, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	stores := []*Store{a, b}

	// The cap, from both instances at once.
	m := pos.HolderRef{'M'}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := stores[i%2].Issue(9, []server.IssueRequest{{Member: "M", Holder: m, Unit: 1, Value: 10000}},
				func(issued map[pos.HolderRef]pos.Money) error {
					if issued[m]+10000 > 30000 {
						return pos.Errorf(pos.ECAPEXCEEDED, "over the cap")
					}
					return nil
				},
				func(serial uint32, r server.IssueRequest) (server.Issuance, error) {
					return server.Issuance{ID: pos.NewVoucherID(9, serial), Member: r.Member, Holder: r.Holder, Unit: r.Unit, Value: r.Value, IssuedAt: time.Now()}, nil
				})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case pos.ErrorCode(err) != pos.ECAPEXCEEDED:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if total, _ := a.IssuedTotal(9, m); ok != 3 || total != 30000 {
		t.Fatalf("%d batches accepted, total %s; want 3 and ￥300.00", ok, total)
	}

	// Double spends, each voucher at both instances at once.
	now := time.Date(2020, 9, 15, 10, 0, 0, 0, pos.CST)
	dep := postest.NewDeployment(t, now)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(a.UpdateDeployment(func(d *server.Deployment) error {
		d.Campaigns, d.Units, d.Keys, d.Catalogue, d.TrustSeq = dep.Trust.Campaigns, dep.Trust.Units, dep.Trust.Keys, *dep.Catalogue, dep.Trust.Seq
		return nil
	}))
	must(a.SetDocuments(&server.Documents{Trust: dep.TrustDoc(t), TrustSeq: dep.Trust.Seq, Catalogue: dep.CatalogueDoc(t), CatalogueVersion: dep.Catalogue.Version}))
	srvs := []*server.Server{{Store: a, Root: dep.RootPublic(), Now: func() time.Time { return now }}, {Store: b, Root: dep.RootPublic(), Now: func() time.Time { return now }}}
	const pairs, vouchers = 3, 20
	type tm struct {
		id   string
		key  []byte
		srv  *server.Server
		prev pos.Hash
	}
	var terms []*tm
	for i := range 2 * pairs {
		add, err := srvs[0].AddTerminal(wire.AddTerminalRequest{Store: "HF-001", Name: fmt.Sprintf("T%d", i)})
		must(err)
		k := postest.Key(byte(60 + i))
		_, err = srvs[i%2].Enroll(wire.EnrollRequest{Code: add.Code, Public: postest.Public(k)})
		must(err)
		terms = append(terms, &tm{id: add.Terminal.ID, key: k, srv: srvs[i%2]})
	}
	codes := make([]string, pairs*vouchers)
	for i := range codes {
		codes[i] = dep.Code(t, fmt.Sprintf("D-%d", i), 1000)
	}
	accepted := make([]int, len(codes))
	for ti, x := range terms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wt, err := x.srv.Store.Terminal(x.id)
			if err != nil {
				t.Error(err)
				return
			}
			pair := ti / 2
			for j := range vouchers {
				ci := pair*vouchers + j
				v, _ := voucher.Decode(codes[ci])
				p := dep.Catalogue.Products[0]
				r := &pos.Record{Kind: pos.KindSale, Cashier: "1001", Method: pos.PayWeChat, Lines: []pos.Line{pos.NewLine(&p, 2)}}
				r.Total = r.Lines[0].Amount()
				r.Eligible, r.VoucherAmount = r.Total, v.Value
				r.Vouchers = []pos.AppliedVoucher{{ID: v.ID(), Campaign: v.Campaign, KeyID: v.KeyID, Holder: v.Holder, Unit: v.Unit, Face: v.Value, Applied: v.Value, Code: codes[ci]}}
				r.SelfPaid = r.Total - r.VoucherAmount
				r.Seq, r.Prev, r.Time, r.Store, r.Terminal, r.Receipt = uint64(j+1), x.prev, now, "HF-001", x.id, pos.ReceiptNumber(x.id, uint64(j+1))
				e, err := pos.Seal(r, x.key)
				if err != nil {
					t.Error(err)
					return
				}
				x.prev = e.Hash
				rs, err := x.srv.Upload(wt, []pos.Entry{e})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if rs[0].Result == pos.UploadAccepted {
					accepted[ci]++
				} else if rs[0].Reason != pos.EREDEEMEDELSEWHERE {
					t.Errorf("%s record %d: %+v", x.id, j+1, rs[0])
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for i, n := range accepted {
		if n != 1 {
			t.Errorf("voucher %d accepted %d times", i, n)
		}
	}
	err = b.ViewLedger(func(l server.LedgerView) error {
		in, err := l.Incidents()
		if err != nil {
			return err
		}
		if len(in) != len(codes) {
			t.Errorf("%d incidents, want %d", len(in), len(codes))
		}
		for i, x := range in {
			if x.ID != uint64(i+1) || x.Kind != wire.IncidentDoubleSpend || len(x.Claims) != 2 || x.Claims[0].Terminal == x.Claims[1].Terminal {
				t.Errorf("incident %d: %+v", i, x)
			}
		}
		ch, _, err := l.Changes(0, 1000)
		if err != nil {
			return err
		}
		for i, c := range ch {
			if c.Seq != uint64(i+1) {
				t.Fatalf("change %d has seq %d", i, c.Seq)
			}
		}
		if len(ch) != len(codes) {
			t.Errorf("%d changes, want %d (one redeemed_elsewhere per voucher)", len(ch), len(codes))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
