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
