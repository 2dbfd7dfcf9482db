package pos

import (
	"fmt"
	"strconv"
	"time"
	"unicode"
)

// Role is what a user may do at the terminal.
type Role string

const (
	RoleCashier    Role = "cashier"    // sells and redeems
	RoleManager    Role = "manager"    // also voids, approves overrides and reprints, reads reports
	RoleTechnician Role = "technician" // configures the terminal, devices and sync
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleCashier || r == RoleManager || r == RoleTechnician }

// User is a person who logs in at the terminal with a PIN. The PIN hash lives
// in storage only; it never leaves pos/bolt.
type User struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Role        Role      `json:"role"`
	Disabled    bool      `json:"disabled"`
	Failures    int       `json:"failures"`
	LockedUntil time.Time `json:"locked_until"`
}

// Validate checks a user before it is stored: an id, a known role, and an
// id and a name free of control and invisible format characters. A bell,
// an escape or a right-to-left mark in a name would ring, garble or
// reorder every screen, receipt and report that shows it, and could make
// two ids that look the same.
func (u User) Validate() error {
	if u.ID == "" || !u.Role.Valid() {
		return Errorf(EINVALID, "a user needs an id and a role (cashier, manager or technician)").Say("user_fields")
	}
	if r, ok := hiddenRune(u.ID); ok {
		return Errorf(EINVALID, "user id %q holds the invisible character %U", u.ID, r).Say("user_id_char", "char", fmt.Sprintf("%U", r))
	}
	if r, ok := hiddenRune(u.Name); ok {
		return Errorf(EINVALID, "user name %q holds the invisible character %U", u.Name, r).Say("user_name_char", "char", fmt.Sprintf("%U", r))
	}
	return nil
}

// hiddenRune returns the first character of s that prints nothing one can
// see or type back: a control character (C0, DEL, C1), a format character
// (zero-width, bidirectional marks, BOM) or a line or paragraph separator.
func hiddenRune(s string) (rune, bool) {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			return r, true
		}
	}
	return 0, false
}

// PIN policy: digits only, 4 to 12 of them, locked for LockoutDuration after
// MaxPINFailures wrong tries in a row.
const (
	MinPINLength    = 4
	MaxPINLength    = 12
	MaxPINFailures  = 5
	LockoutDuration = 5 * time.Minute
)

// ValidatePIN refuses PINs that are not 4–12 digits or are one digit repeated.
func ValidatePIN(pin string) error {
	if len(pin) < MinPINLength || len(pin) > MaxPINLength || !allDigits(pin) {
		return Errorf(EINVALID, "PIN must be %d to %d digits", MinPINLength, MaxPINLength).Say("pin_length").With("min", strconv.Itoa(MinPINLength)).With("max", strconv.Itoa(MaxPINLength))
	}
	same := true
	for i := 1; i < len(pin); i++ {
		if pin[i] != pin[0] {
			same = false
		}
	}
	if same {
		return Errorf(EINVALID, "PIN must not repeat one digit").Say("pin_repeat")
	}
	return nil
}

// Locked reports whether u's PIN is locked out at now.
func (u User) Locked(now time.Time) bool { return now.Before(u.LockedUntil) }

// UnlockClock is the time a lockout ending at t lets the user try again,
// as the operator reads it: CST hours and minutes, rounded up (a lock
// ending at 10:05:35 says 10:06, never a minute still locked).
func UnlockClock(t time.Time) string {
	if m := t.Truncate(time.Minute); !m.Equal(t) {
		t = m.Add(time.Minute)
	}
	return t.In(CST).Format("15:04")
}
