package pos

import (
	"testing"
	"time"
)

// TestUnlockClock: a lockout's end as the operator reads it, CST hours and
// minutes, rounded up so that the minute shown is never still locked.
func TestUnlockClock(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2020, 8, 20, 14, 35, 0, 0, CST), "14:35"},
		{time.Date(2020, 8, 20, 14, 35, 0, 1, CST), "14:36"},
		{time.Date(2020, 8, 20, 14, 35, 35, 0, CST), "14:36"},
		{time.Date(2020, 8, 20, 23, 59, 59, 0, CST), "00:00"},
		{time.Date(2020, 8, 20, 6, 5, 35, 0, time.UTC), "14:06"}, // shown in CST whatever the zone
	} {
		if got := UnlockClock(tc.t); got != tc.want {
			t.Errorf("UnlockClock(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
	u := User{LockedUntil: time.Date(2020, 8, 20, 14, 35, 0, 0, CST)}
	if !u.Locked(u.LockedUntil.Add(-time.Second)) || u.Locked(u.LockedUntil) {
		t.Errorf("Locked: a lock ends at LockedUntil")
	}
}

// TestUserValidate: a user needs an id and a known role; control and
// invisible format characters are refused in the id and the name, with
// the character named.
func TestUserValidate(t *testing.T) {
	for _, tc := range []struct {
		name, id, uname string
		role            Role
		key, char       string // "" key: valid
	}{
		{"ok", "1001", "王芳", RoleCashier, "", ""},
		{"spaces and latin", "A-7", "Li Na (店长)", RoleManager, "", ""},
		{"no id", "", "王芳", RoleCashier, "user_fields", ""},
		{"no role", "1001", "王芳", "", "user_fields", ""},
		{"bell in the name", "1001", "王\a芳", RoleCashier, "user_name_char", "U+0007"},
		{"escape in the name", "1001", "\x1b[31m王芳", RoleCashier, "user_name_char", "U+001B"},
		{"newline in the name", "1001", "王\n芳", RoleCashier, "user_name_char", "U+000A"},
		{"C1 control", "1001", "王\u0085芳", RoleCashier, "user_name_char", "U+0085"},
		{"zero-width space", "1001", "王\u200b芳", RoleCashier, "user_name_char", "U+200B"},
		{"right-to-left override", "1001", "\u202e王芳", RoleCashier, "user_name_char", "U+202E"},
		{"line separator", "1001", "王\u2028芳", RoleCashier, "user_name_char", "U+2028"},
		{"tab in the id", "10\t01", "王芳", RoleCashier, "user_id_char", "U+0009"},
		{"BOM in the id", "\ufeff1001", "王芳", RoleCashier, "user_id_char", "U+FEFF"},
	} {
		err := User{ID: tc.id, Name: tc.uname, Role: tc.role}.Validate()
		if got := ErrorKey(err); got != tc.key || (tc.key != "" && ErrorCode(err) != EINVALID) || ErrorParams(err)["char"] != tc.char {
			t.Errorf("%s: %v (key %q), want key %q char %q", tc.name, err, got, tc.key, tc.char)
		}
	}
}
