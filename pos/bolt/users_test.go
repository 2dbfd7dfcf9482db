package bolt_test

import (
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
)

func TestLoginLockout(t *testing.T) {
	f := newFixture(t, nil)
	if u, err := f.Login(cashier, cashierPIN); err != nil || u.Name != "王芳" || u.Role != pos.RoleCashier {
		t.Fatalf("login: %+v %v", u, err)
	}
	for i := 1; i < pos.MaxPINFailures; i++ {
		_, err := f.Login(cashier, "0000")
		wantCode(t, err, pos.EBADPIN)
	}
	_, err := f.Login(cashier, "0000")
	wantCode(t, err, pos.ELOCKED)
	// Locked even with the right PIN, until the lockout ends.
	_, err = f.Login(cashier, cashierPIN)
	wantCode(t, err, pos.ELOCKED)
	f.clock.Advance(pos.LockoutDuration + time.Second)
	if _, err := f.Login(cashier, cashierPIN); err != nil {
		t.Fatal(err)
	}
	_, err = f.Login("nobody", "1234")
	wantCode(t, err, pos.EBADPIN)

	if err := f.DisableUser(cashier, manager); err != nil {
		t.Fatal(err)
	}
	_, err = f.Login(cashier, cashierPIN)
	wantCode(t, err, pos.EFORBIDDEN)
	_, err = f.Redeem(sale(pos.PayCash, nil, item("DS-PEAR-5", 1)))
	wantCode(t, err, pos.EFORBIDDEN)

	var actions []string
	f.AuditEvents(0, func(e *pos.AuditEvent) error {
		if e.Actor == cashier || e.Actor == "nobody" {
			actions = append(actions, e.Action)
		}
		return nil
	})
	want := "login login_failed login_failed login_failed login_failed locked login_failed login login_failed login_failed"
	if got := strings.Join(actions, " "); got != want {
		t.Fatalf("audit:\n got %s\nwant %s", got, want)
	}
}

func TestUsers(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name string
		u    pos.User
		pin  string
		want string
	}{
		{"short PIN", pos.User{ID: "2", Role: pos.RoleCashier}, "123", pos.EINVALID},
		{"letters", pos.User{ID: "2", Role: pos.RoleCashier}, "12a4", pos.EINVALID},
		{"one digit repeated", pos.User{ID: "2", Role: pos.RoleCashier}, "7777", pos.EINVALID},
		{"no role", pos.User{ID: "2"}, "1357", pos.EINVALID},
		{"taken id", pos.User{ID: cashier, Role: pos.RoleCashier}, "1357", pos.ECONFLICT},
		{"bell in the name", pos.User{ID: "3", Name: "王\a芳", Role: pos.RoleCashier}, "1357", pos.EINVALID},
		{"right-to-left mark in the id", pos.User{ID: "3\u200f", Name: "王芳", Role: pos.RoleCashier}, "1357", pos.EINVALID},
		{"ok", pos.User{ID: "2", Name: "张三", Role: pos.RoleTechnician}, "1357", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, f.AddUser(tt.u, tt.pin, "tech"), tt.want) })
	}
	us, _ := f.Users()
	if len(us) != 3 || us[0].ID != cashier || us[1].ID != "2" || us[2].ID != manager {
		t.Fatalf("users %+v", us)
	}
	if err := f.SetPIN("2", "9753", "tech"); err != nil {
		t.Fatal(err)
	}
	_, err := f.Authorize("2", "9753", pos.RoleManager)
	wantCode(t, err, pos.EFORBIDDEN)
	if _, err := f.Authorize("2", "9753", pos.RoleTechnician); err != nil {
		t.Fatal(err)
	}
}
