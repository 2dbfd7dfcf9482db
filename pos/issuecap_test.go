package pos

import (
	"testing"
	"time"
)

func TestCheckIssuance(t *testing.T) {
	at := func(s string) time.Time {
		x, err := time.ParseInLocation(time.DateTime, s, CST)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	c := &Campaign{ID: 7, Name: "c", Cap: 30000, IssueFrom: at("2020-09-01 00:00:00"), IssueUntil: at("2020-09-30 23:59:59")}
	a, b := HolderRef{1}, HolderRef{2}
	in := at("2020-09-15 10:00:00")
	for _, tt := range []struct {
		name   string
		at     time.Time
		issued map[HolderRef]Money
		batch  []IssueItem
		want   string
	}{
		{"fits exactly", in, map[HolderRef]Money{a: 20000}, []IssueItem{{"A", a, 10000}}, ""},
		{"one fen over", in, map[HolderRef]Money{a: 20000}, []IssueItem{{"A", a, 10001}}, ECAPEXCEEDED},
		{"batch adds up per holder", in, nil, []IssueItem{{"A", a, 20000}, {"B", b, 30000}, {"A", a, 10001}}, ECAPEXCEEDED},
		{"others do not count", in, map[HolderRef]Money{b: 30000}, []IssueItem{{"A", a, 30000}}, ""},
		{"zero value", in, nil, []IssueItem{{"A", a, 0}}, EINVALID},
		{"value above the cap", in, nil, []IssueItem{{"A", a, 30001}}, EINVALID},
		{"last second of the window", at("2020-09-30 23:59:59").Add(999 * time.Millisecond), nil, []IssueItem{{"A", a, 100}}, ""},
		{"after the window", at("2020-10-01 00:00:00"), nil, []IssueItem{{"A", a, 100}}, ECAMPAIGNCLOSED},
		{"before the window", at("2020-09-01 00:00:00").Add(-time.Nanosecond), nil, []IssueItem{{"A", a, 100}}, ECAMPAIGNCLOSED},
	} {
		err := CheckIssuance(c, tt.at, tt.issued, tt.batch)
		got := ""
		if err != nil {
			got = ErrorCode(err)
		}
		if got != tt.want {
			t.Errorf("%s: CheckIssuance = %v, want code %q", tt.name, err, tt.want)
		}
	}
}
