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

// TestCheckReturnHere: a receipt of another terminal is refused naming it;
// this terminal's receipts (terminal ids may hold "-") and bare numbers pass.
func TestCheckReturnHere(t *testing.T) {
	for _, c := range []struct{ receipt, terminal, elsewhere string }{
		{"T01-000042", "T01", ""},
		{"T02-000042", "T01", "T02"},
		{"HF-001-T2-000042", "HF-001-T2", ""},
		{"HF-001-T3-000042", "HF-001-T2", "HF-001-T3"},
		{"000042", "T01", ""},
		{"", "T01", ""},
	} {
		err := CheckReturnHere(c.receipt, c.terminal)
		if c.elsewhere == "" {
			if err != nil {
				t.Errorf("%s at %s: %v", c.receipt, c.terminal, err)
			}
			continue
		}
		if ErrorCode(err) != EReturnElsewhere || ErrorParams(err)["terminal"] != c.elsewhere || ErrorParams(err)["receipt"] != c.receipt {
			t.Errorf("%s at %s: %v %v, want %s naming %s", c.receipt, c.terminal, ErrorCode(err), ErrorParams(err), EReturnElsewhere, c.elsewhere)
		}
	}
}
