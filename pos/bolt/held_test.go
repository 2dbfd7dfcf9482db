package bolt_test

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
)

// basket is a held sale of n pears, with a code when code is set.
func basket(n int64, code string) pos.HeldSale {
	h := pos.HeldSale{Cashier: cashier, Lines: []pos.Line{{SKU: "DS-PEAR-5", Name: "砀山梨", Qty: n, Price: 3990}}, Method: pos.PayCash}
	if code != "" {
		h.Codes = []string{code}
	}
	return h
}

// TestHeldSalesSurviveRestart: parked baskets keep their content and ids
// across a close and reopen, ids keep increasing after a take, and taking
// returns the basket once.
func TestHeldSalesSurviveRestart(t *testing.T) {
	f := newFixture(t, nil)
	code := f.dep.Code(t, "m1", pos.Yuan(50))
	a, err := f.HoldSale(basket(1, code))
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	b, err := f.HoldSale(basket(2, ""))
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != 1 || b.ID != 2 || !a.Time.Equal(t0) || !b.Time.Equal(t0.Add(time.Minute)) {
		t.Fatalf("held %d at %v, %d at %v", a.ID, a.Time, b.ID, b.Time)
	}
	path := f.Path()
	f.Close()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hs, err := db.HeldSales()
	if err != nil || len(hs) != 2 {
		t.Fatalf("after reopen: %+v %v", hs, err)
	}
	if hs[0].ID != 1 || hs[0].Codes[0] != code || hs[0].Lines[0].Qty != 1 || hs[0].Method != pos.PayCash || hs[1].ID != 2 || hs[1].Lines[0].Qty != 2 {
		t.Fatalf("held after reopen %+v", hs)
	}
	got, err := db.TakeHeld(1)
	if err != nil || got.ID != 1 || got.Codes[0] != code || got.Cashier != cashier {
		t.Fatalf("take 1: %+v %v", got, err)
	}
	_, err = db.TakeHeld(1)
	wantCode(t, err, pos.ENOTFOUND)
	c, err := db.HoldSale(basket(3, ""))
	if err != nil || c.ID != 3 {
		t.Fatalf("hold after take: id %d %v, want 3", c.ID, err)
	}
	hs, _ = db.HeldSales()
	if ids := []uint64{hs[0].ID, hs[1].ID}; len(hs) != 2 || !slices.Equal(ids, []uint64{2, 3}) {
		t.Fatalf("held %+v", hs)
	}
	// Nothing of a held basket is in the ledger: its voucher is still free.
	if seq, _, _ := db.Head(); seq != 0 {
		t.Fatalf("ledger has %d records", seq)
	}
	if _, err := db.Check(code); err != nil {
		t.Fatalf("held voucher: %v", err)
	}
	var audit []string
	db.AuditEvents(0, func(e *pos.AuditEvent) error {
		if e.Action == "hold" || e.Action == "take_held" {
			audit = append(audit, e.Actor+" "+e.Action+" "+e.Detail["id"]+" "+e.Detail["codes"])
			if strings.Contains(strings.Join(mapValues(e.Detail), " "), code) {
				t.Errorf("audit event %d holds the voucher code", e.Seq)
			}
		}
		return nil
	})
	want := []string{cashier + " hold 1 1", cashier + " hold 2 0", cashier + " take_held 1 1", cashier + " hold 3 0"}
	if !slices.Equal(audit, want) {
		t.Fatalf("audit\n got %q\nwant %q", audit, want)
	}
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestHoldSaleLimits refuses an empty basket and a tenth basket.
func TestHoldSaleLimits(t *testing.T) {
	f := newFixture(t, nil)
	_, err := f.HoldSale(pos.HeldSale{Cashier: cashier})
	wantCode(t, err, pos.EINVALID)
	for i := range pos.MaxHeldSales {
		if _, err := f.HoldSale(basket(int64(i+1), "")); err != nil {
			t.Fatalf("basket %d: %v", i+1, err)
		}
	}
	_, err = f.HoldSale(basket(1, ""))
	wantCode(t, err, pos.ECONFLICT)
	if got := pos.ErrorParams(err)["max"]; got != strconv.Itoa(pos.MaxHeldSales) {
		t.Errorf("max param %q", got)
	}
	if _, err := f.TakeHeld(5); err != nil {
		t.Fatal(err)
	}
	h, err := f.HoldSale(basket(1, ""))
	if err != nil || h.ID != pos.MaxHeldSales+1 {
		t.Fatalf("after a take: id %d %v", h.ID, err)
	}
	hs, _ := f.HeldSales()
	if len(hs) != pos.MaxHeldSales {
		t.Fatalf("%d held", len(hs))
	}
}

// TestLoginRemaining: a wrong PIN says how many tries are left, the last
// one locks with the time the lock ends.
func TestLoginRemaining(t *testing.T) {
	f := newFixture(t, nil)
	for i := 1; i <= pos.MaxPINFailures; i++ {
		_, err := f.Login(cashier, "0000")
		if i < pos.MaxPINFailures {
			wantCode(t, err, pos.EBADPIN)
			if got, want := pos.ErrorParams(err)["remaining"], strconv.Itoa(pos.MaxPINFailures-i); got != want {
				t.Errorf("try %d: remaining %q, want %q", i, got, want)
			}
			continue
		}
		wantCode(t, err, pos.ELOCKED)
		if got, want := pos.ErrorParams(err)["until"], "14:35"; got != want {
			t.Errorf("until %q, want %q", got, want)
		}
	}
}

// TestUnlock: only a manager's right PIN clears a lockout; the unlock is
// audited under the manager.
func TestUnlock(t *testing.T) {
	f := newFixture(t, nil)
	if err := f.AddUser(pos.User{ID: "1002", Name: "赵敏", Role: pos.RoleCashier}, "3579", "tech"); err != nil {
		t.Fatal(err)
	}
	for range pos.MaxPINFailures {
		f.Login(cashier, "0000")
	}
	_, err := f.Login(cashier, cashierPIN)
	wantCode(t, err, pos.ELOCKED)
	for _, tc := range []struct {
		name, user, id, pin, want string
	}{
		{"wrong PIN", cashier, manager, "1111", pos.EBADPIN},
		{"a cashier approves", cashier, "1002", "3579", pos.EFORBIDDEN},
		{"the locked user approves", cashier, cashier, cashierPIN, pos.ELOCKED},
		{"unknown user", "nobody", manager, managerPIN, pos.ENOTFOUND},
		{"manager", cashier, manager, managerPIN, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, f.Unlock(tc.user, tc.id, tc.pin), tc.want)
			u, _ := f.User(cashier)
			if locked := !u.LockedUntil.IsZero(); locked != (tc.want != "") {
				t.Errorf("locked=%v after %s", locked, tc.name)
			}
		})
	}
	if _, err := f.Login(cashier, cashierPIN); err != nil {
		t.Fatalf("login after unlock: %v", err)
	}
	var unlocks []string
	f.AuditEvents(0, func(e *pos.AuditEvent) error {
		if e.Action == "unlock" {
			unlocks = append(unlocks, e.Actor+" "+e.Detail["user"]+" "+e.Detail["locked_until"])
		}
		return nil
	})
	want := []string{manager + " " + cashier + " " + t0.Add(pos.LockoutDuration).Format("15:04:05")}
	if !slices.Equal(unlocks, want) {
		t.Fatalf("unlock audit %q, want %q", unlocks, want)
	}
}

// TestOpenBusy: a second open of a file another handle holds fails with
// EBUSY after the timeout, not ESTORAGE.
func TestOpenBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terminal.db")
	first, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: 200 * time.Millisecond})
	wantCode(t, err, pos.EBUSY)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("gave up after %v", d)
	}
	first.Close()
	second, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("after close: %v", err)
	}
	second.Close()
}

// TestAddIncident keeps a given time and numbers incidents.
func TestAddIncident(t *testing.T) {
	f := newFixture(t, nil)
	at := time.Date(2020, 8, 20, 15, 4, 0, 0, pos.CST)
	for i, in := range []pos.Incident{
		{Time: at, Seq: 7, Receipt: "T01-000007", Result: pos.UploadConflict, Reason: pos.EREDEEMEDELSEWHERE},
		{Seq: 8, Receipt: "T01-000008", Result: pos.UploadRejected, Reason: pos.EBADSIGNATURE},
	} {
		got, err := f.AddIncident(in)
		if err != nil || got.ID != uint64(i+1) {
			t.Fatalf("incident %d: %+v %v", i, got, err)
		}
	}
	ins, _ := f.Incidents()
	if len(ins) != 2 || !ins[0].Time.Equal(at) || !ins[1].Time.Equal(t0) || ins[0].Receipt != "T01-000007" {
		t.Fatalf("incidents %+v", ins)
	}
}
