package pos

import (
	"maps"
	"testing"
)

// TestReturnable: what is left of a sale per SKU after earlier returns,
// lines of one SKU summed, as Resettle counts it.
func TestReturnable(t *testing.T) {
	trust := testTrust()
	pear2 := Line{SKU: "PEAR", Price: 3990, Qty: 2, Eligible: true}
	pear := Line{SKU: "PEAR", Price: 3990, Qty: 1, Eligible: true}
	bag := Line{SKU: "BAG", Price: 200, Qty: 1}
	tests := []struct {
		name  string
		prior [][]ReturnItem
		want  map[string]int64
	}{
		{"no return yet", nil, map[string]int64{"PEAR": 3, "BAG": 1}},
		{"two pears back over two lines", [][]ReturnItem{{{"PEAR", 2}}}, map[string]int64{"PEAR": 1, "BAG": 1}},
		{"two returns, everything back", [][]ReturnItem{{{"PEAR", 1}}, {{"PEAR", 2}, {"BAG", 1}}}, map[string]int64{"PEAR": 0, "BAG": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sale := testSale(t, trust, []Line{pear2, bag, pear}, 2020)
			var prior []*Record
			for _, items := range tt.prior {
				r, err := Resettle(sale, prior, items, trust)
				if err != nil {
					t.Fatal(err)
				}
				prior = append(prior, r)
			}
			st, err := StateOf(sale, prior)
			if err != nil {
				t.Fatal(err)
			}
			if got := st.Returnable(sale); !maps.Equal(got, tt.want) {
				t.Fatalf("returnable %v, want %v", got, tt.want)
			}
		})
	}
}

// TestParseReceipt: a receipt number as printed splits at its last "-"
// (terminal ids may hold "-"); a bare number has no terminal part;
// anything else names no record.
func TestParseReceipt(t *testing.T) {
	for _, c := range []struct {
		no, terminal string
		seq          uint64
		ok           bool
	}{
		{"T01-000042", "T01", 42, true},
		{"HF-001-T2-000042", "HF-001-T2", 42, true},
		{"000042", "", 42, true},
		{"T01-000000", "", 0, false},
		{"-000042", "", 0, false},
		{"T01-", "", 0, false},
		{"T01-4x2", "", 0, false},
		{"", "", 0, false},
	} {
		terminal, seq, err := ParseReceipt(c.no)
		if c.ok != (err == nil) || terminal != c.terminal || seq != c.seq {
			t.Errorf("ParseReceipt(%q) = %q, %d, %v; want %q, %d, ok %v", c.no, terminal, seq, err, c.terminal, c.seq, c.ok)
		}
		if !c.ok && (ErrorCode(err) != ENOTFOUND || ErrorParams(err)["receipt"] != c.no) {
			t.Errorf("ParseReceipt(%q): %v %v", c.no, ErrorCode(err), ErrorParams(err))
		}
	}
}

// TestReturnOtherTerminal: a sale comes back at any terminal of its store
// and at no other store's; a return names its sale's terminal, and a
// return of another terminal's sale with the same seq is not a return of
// this sale (StateOf refuses it, SameReturn tells the two apart).
func TestReturnOtherTerminal(t *testing.T) {
	trust := testTrust()
	sale := testSale(t, trust, []Line{{SKU: "PEAR", Price: 3990, Qty: 2, Eligible: true}}, 2020)
	sale.Store, sale.Terminal, sale.Seq, sale.Receipt = "S01", "T02", 5, "T02-000005"
	if err := CheckReturnStore(sale, "S01"); err != nil {
		t.Fatalf("same store: %v", err)
	}
	err := CheckReturnStore(sale, "S02")
	if ErrorCode(err) != EReturnElsewhere || ErrorParams(err)["store"] != "S01" || ErrorParams(err)["receipt"] != "T02-000005" {
		t.Fatalf("another store: %v %v", ErrorCode(err), ErrorParams(err))
	}

	ret, err := Resettle(sale, nil, []ReturnItem{{"PEAR", 1}}, trust)
	if err != nil {
		t.Fatal(err)
	}
	ret.Terminal, ret.Seq = "T01", 40
	if ret.SaleTerminal != "T02" || ret.SaleOf() != "T02" || ret.SaleReceipt() != "T02-000005" {
		t.Fatalf("return of T02's sale at T01 names %q %q %q", ret.SaleTerminal, ret.SaleOf(), ret.SaleReceipt())
	}
	if st, err := StateOf(sale, []*Record{ret}); err != nil || st.Left[0] != 1 {
		t.Fatalf("state after the return at T01: %+v, %v", st, err)
	}
	other := *sale
	other.Terminal, other.Receipt = "T01", "T01-000005"
	if _, err := StateOf(&other, []*Record{ret}); ErrorCode(err) != EINVALID {
		t.Fatalf("T02's return replayed on T01's sale 5: %v", err)
	}
	same := *ret
	same.SaleTerminal = ""
	if SameReturn(ret, &same) {
		t.Fatal("a return of T01's sale 5 is the same as one of T02's sale 5")
	}
	own := same
	own.Terminal = "T02"
	if !SameReturn(ret, &own) {
		t.Fatal("T02's own return of its sale (sale terminal left empty) differs from one naming T02")
	}
}
