package pos

import (
	"fmt"
	"strconv"
	"strings"
)

// Money is an amount in fen (1 yuan = 100 fen). Money is never a float: every
// amount the terminal stores, compares or prints is an exact integer.
type Money int64

// Yuan returns y whole yuan as Money.
func Yuan(y int64) Money { return Money(y * 100) }

// String formats m for display as ￥12.34 (U+FFE5, the full-width yuan sign
// that GB18030 receipt printers render), with a leading minus when negative.
func (m Money) String() string {
	sign := ""
	v := int64(m)
	if v < 0 {
		sign = "-"
		v = -v
	}
	return fmt.Sprintf("%s￥%d.%02d", sign, v/100, v%100)
}

// Plain formats m as 12.34 without a currency sign, for CSV files and JSON
// reports that a spreadsheet will read.
func (m Money) Plain() string {
	s := m.String()
	return strings.Replace(s, "￥", "", 1)
}

// ParseMoney reads a yuan amount such as "12.34", "12", "￥12.3" or "12.34元"
// into Money. More than two decimals is an error rather than a rounding.
func ParseMoney(s string) (Money, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(t, "￥")
	t = strings.TrimPrefix(t, "¥")
	t = strings.TrimSuffix(t, "元")
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	whole, frac, hasFrac := strings.Cut(t, ".")
	if whole == "" || (hasFrac && (frac == "" || len(frac) > 2)) || !allDigits(whole) || !allDigits(frac) {
		return 0, Errorf(EINVALID, "invalid amount %q", s).Say("amount", "value", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || y > 1e15 {
		return 0, Errorf(EINVALID, "invalid amount %q", s).Say("amount", "value", s)
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	m := Money(y*100 + f)
	if neg {
		m = -m
	}
	return m, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
