package pos_test

import (
	"encoding/json"
	"strings"
	"testing"

	"fupinpos/pos"
)

func TestChange(t *testing.T) {
	for _, tc := range []struct {
		name               string
		due, tendered, out pos.Money
		err                bool
	}{
		{"exact", 8770, 8770, 0, false},
		{"a 100 note", 8770, 10000, 1230, false},
		{"a fen over", 1, 2, 1, false},
		{"nothing due, nothing tendered", 0, 0, 0, false},
		{"short by a fen", 8770, 8769, 0, true},
		{"negative tendered", 100, -100, 0, true},
		{"negative due", -100, 100, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := pos.Change(tc.due, tc.tendered)
			if (err != nil) != tc.err {
				t.Fatalf("Change(%d, %d) error %v, want error %v", tc.due, tc.tendered, err, tc.err)
			}
			if err != nil && pos.ErrorCode(err) != pos.EINVALID {
				t.Errorf("code %q", pos.ErrorCode(err))
			}
			if got != tc.out {
				t.Errorf("Change(%d, %d) = %d, want %d", tc.due, tc.tendered, got, tc.out)
			}
		})
	}
}

// Records without cash tendered encode exactly as before the fields were
// added, so the hashes of older ledger entries still verify.
func TestTenderedOmittedFromOldRecords(t *testing.T) {
	old := &pos.Record{Seq: 1, Kind: pos.KindSale, Total: 3990, SelfPaid: 3990, Method: pos.PayCash}
	b, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "tendered") || strings.Contains(string(b), "change") {
		t.Errorf("old record encodes as %s", b)
	}
	cash := *old
	cash.Tendered, cash.Change = 5000, 1010
	b, _ = json.Marshal(&cash)
	if !strings.Contains(string(b), `"tendered":5000,"change":1010`) {
		t.Errorf("cash record encodes as %s", b)
	}
	var back pos.Record
	if err := json.Unmarshal(b, &back); err != nil || back.Tendered != 5000 || back.Change != 1010 {
		t.Fatalf("decoded %+v, %v", back, err)
	}
	rc := pos.NewReceipt(&back, pos.Hash{}, &pos.TerminalConfig{}, &pos.TrustList{}, "", "")
	if rc.Tendered != 5000 || rc.Change != 1010 {
		t.Errorf("receipt tendered %d change %d", rc.Tendered, rc.Change)
	}
}
