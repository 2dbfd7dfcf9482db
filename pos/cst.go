package pos

import "time"

// CST is China Standard Time (UTC+8, no daylight saving). Campaign windows,
// report days and receipt times are all in CST, whatever the terminal's zone.
var CST = time.FixedZone("CST", 8*60*60)

// DayOf returns the CST calendar day of t as 2006-01-02.
func DayOf(t time.Time) string { return t.In(CST).Format(time.DateOnly) }

// ParseDay parses a 2006-01-02 CST day and returns its first instant.
func ParseDay(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, CST)
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "invalid day %q, want YYYY-MM-DD", s).Say("day", "value", s)
	}
	return t, nil
}

// EndOfDay returns the last second of the CST day s (2006-01-02), the
// inclusive end that campaign notices mean by "until 10-31".
func EndOfDay(s string) (time.Time, error) {
	t, err := ParseDay(s)
	if err != nil {
		return t, err
	}
	return t.AddDate(0, 0, 1).Add(-time.Second), nil
}

// Duration is a time.Duration that reads and writes JSON as "24h0m0s", so
// configuration files and trust lists stay readable.
type Duration time.Duration

// MarshalText writes d as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText reads a Go duration string such as "24h" or "90s".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return Errorf(EINVALID, "invalid duration %q", b)
	}
	*d = Duration(v)
	return nil
}

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }
