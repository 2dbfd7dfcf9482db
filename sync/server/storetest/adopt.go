package storetest

import (
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/server"
)

// testAdoptIssued: a voucher the store holds no issuance of (issued after
// the backup a restore went back to) is recorded from its signed code:
// its value counts in its holder's issued total, the serial counter moves
// past it so the next issue never reuses the id, and a replay or an id
// already issued changes nothing.
func testAdoptIssued(t *testing.T, open Opener) {
	st := openStore(t, open)
	at := time.Date(2020, 9, 1, 8, 0, 0, 0, time.UTC)
	a, b := holder("AAAAAAAA"), holder("BBBBBBBB")
	_, err := issue(st, 5, []server.IssueRequest{{Member: "M-A", Holder: a, Unit: 1001, Value: 10000}}, build(5, at))
	must(t, err)
	lost := server.Issuance{ID: pos.NewVoucherID(5, 7), Holder: b, Unit: 1002, Value: 30000, IssuedAt: at, Code: "code-lost"}
	known := server.Issuance{ID: pos.NewVoucherID(5, 1), Holder: a, Unit: 1001, Value: 99999, IssuedAt: at, Code: "other"}
	for i, want := range []int{1, 0} {
		n, err := st.AdoptIssued([]server.Issuance{known, lost, lost})
		must(t, err)
		eq(t, "adopted, round "+string(rune('1'+i)), n, want)
	}
	for _, c := range []struct {
		h    pos.HolderRef
		want pos.Money
	}{{a, 10000}, {b, 30000}} {
		total, err := st.IssuedTotal(5, c.h)
		must(t, err)
		eq(t, "issued total "+c.h.String(), total, c.want)
	}
	is, err := st.Issued(lost.ID)
	must(t, err)
	if is.Holder != b || is.Unit != 1002 || is.Value != 30000 || !is.IssuedAt.Equal(at) || is.Code != "code-lost" {
		t.Fatalf("adopted issuance %+v", is)
	}
	is, err = st.Issued(known.ID)
	must(t, err)
	eq(t, "known issuance kept", is.Value, pos.Money(10000))
	got, err := issue(st, 5, []server.IssueRequest{{Member: "M-A", Holder: a, Unit: 1001, Value: 100}}, build(5, at))
	must(t, err)
	eq(t, "next serial after an adopted one", got[0].ID.Serial(), uint32(8))
	// An adopted serial below the counter leaves it where it is.
	_, err = st.AdoptIssued([]server.Issuance{{ID: pos.NewVoucherID(5, 3), Holder: b, Unit: 1002, Value: 100, IssuedAt: at, Code: "c3"}})
	must(t, err)
	got, err = issue(st, 5, []server.IssueRequest{{Member: "M-A", Holder: a, Unit: 1001, Value: 100}}, build(5, at))
	must(t, err)
	eq(t, "next serial after adopting a lower one", got[0].ID.Serial(), uint32(9))
}
