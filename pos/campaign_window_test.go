package pos

import (
	"testing"
	"time"
)

// The windows count whole seconds, both ends inclusive (InWindow): these
// tables probe one nanosecond either side of the first instant inside and
// of the first instant after each window.

const ns = time.Nanosecond

// edges returns the four probes around from…until with the expected answer.
func edges(from, until time.Time) []struct {
	name string
	t    time.Time
	in   bool
} {
	end := until.Add(time.Second) // first instant after the last second
	return []struct {
		name string
		t    time.Time
		in   bool
	}{
		{"from-1ns", from.Add(-ns), false},
		{"from", from, true},
		{"from+1ns", from.Add(ns), true},
		{"until", until, true},
		{"until+0.5s", until.Add(500 * time.Millisecond), true},
		{"end-1ns", end.Add(-ns), true},
		{"end", end, false},
		{"end+1ns", end.Add(ns), false},
	}
}

func TestInWindowWholeSeconds(t *testing.T) {
	c := testTrust().Campaigns[0]
	k := testTrust().Keys[0]
	windows := []struct {
		name        string
		from, until time.Time
		check       func(time.Time) bool
	}{
		{"campaign issue window", c.IssueFrom, c.IssueUntil, c.Issuable},
		{"campaign redeem window", c.RedeemFrom, c.RedeemUntil, c.Redeemable},
		{"issuer key window", k.IssueFrom, k.IssueUntil, func(t time.Time) bool { return k.Allows(2020, t) }},
		{"sub-second bounds are ignored", c.RedeemFrom.Add(300 * time.Millisecond), c.RedeemUntil.Add(700 * time.Millisecond),
			func(t time.Time) bool {
				return InWindow(t, c.RedeemFrom.Add(300*time.Millisecond), c.RedeemUntil.Add(700*time.Millisecond))
			}},
	}
	for _, w := range windows {
		from, until := w.from.Truncate(time.Second), w.until.Truncate(time.Second)
		for _, e := range edges(from, until) {
			if got := w.check(e.t); got != e.in {
				t.Errorf("%s at %s (%s): inside = %v, want %v", w.name, e.name, e.t.In(CST).Format(time.RFC3339Nano), got, e.in)
			}
		}
	}
}

func TestEvaluateValidityEdges(t *testing.T) {
	v := testVoucher()
	for _, skew := range []time.Duration{0, 5 * time.Minute} {
		// The campaign window is wider than the voucher's, so the voucher's
		// own not-before / not-after decide.
		for _, e := range edges(v.NotBefore.Add(-skew), v.NotAfter.Add(skew)) {
			env := testEnv("2020-08-01 10:00:00")
			env.Trust.Campaigns[0].Skew = Duration(skew)
			env.Trust.Campaigns[0].RedeemFrom = at("2020-07-01 00:00:00")
			env.Trust.Campaigns[0].RedeemUntil = at("2020-11-30 23:59:59")
			env.Now = e.t
			env.Clock = ClockState{Floor: e.t.Add(-time.Hour), LastSync: e.t.Add(-time.Hour)}
			err := Evaluate(v, env)
			want := ""
			switch {
			case !e.in && e.t.Before(v.NotBefore):
				want = ENOTYETVALID
			case !e.in:
				want = EEXPIRED
			}
			if ErrorCode(err) != want {
				t.Errorf("skew %s, %s (%s): %v, want %q", skew, e.name, e.t.In(CST).Format(time.RFC3339Nano), err, want)
			}
		}
	}
}

// TestEvaluateLastSecondOfCampaign is the defect found by testing: at
// 2020-10-31 23:59:59.5 CST a voucher "valid until 2020-10-31 23:59:59"
// (and a campaign redeemable until then) was refused as expired.
func TestEvaluateLastSecondOfCampaign(t *testing.T) {
	env := testEnv("2020-10-31 23:59:59")
	env.Now = env.Now.Add(500 * time.Millisecond)
	if err := Evaluate(testVoucher(), env); err != nil {
		t.Fatalf("23:59:59.5 on the last day: %v", err)
	}
	env = testEnv("2020-11-01 00:00:00")
	if err := Evaluate(testVoucher(), env); ErrorCode(err) != EEXPIRED {
		t.Fatalf("00:00:00 the day after: %v, want expired", err)
	}
}

func TestEvaluateCampaignRedeemEdges(t *testing.T) {
	// The voucher is valid longer than the campaign redeems: the campaign's
	// window decides, with the same whole-second rule.
	until := at("2020-09-30 23:59:59")
	for _, e := range edges(at("2020-07-10 00:00:00"), until) {
		if e.t.Before(at("2020-07-10 00:00:00")) {
			continue // the voucher's not-before decides there
		}
		env := testEnv("2020-08-01 10:00:00")
		env.Trust.Campaigns[0].RedeemUntil = until
		env.Now = e.t
		env.Clock = ClockState{Floor: e.t.Add(-time.Hour), LastSync: e.t.Add(-time.Hour)}
		want := ""
		if !e.in {
			want = ECAMPAIGNCLOSED
		}
		if got := ErrorCode(Evaluate(testVoucher(), env)); got != want {
			t.Errorf("%s: %q, want %q", e.name, got, want)
		}
	}
}

// TestTrustFreshEdges: trust list expiry follows the same rule — the list
// works to the end of the second named by Expires+Grace.
func TestTrustFreshEdges(t *testing.T) {
	tl := testTrust()
	last := tl.Expires.Add(tl.Grace.D())
	for _, e := range edges(tl.IssuedAt, last) {
		if e.t.Before(tl.IssuedAt) {
			continue // CheckFresh does not look at the start
		}
		err := tl.CheckFresh(e.t)
		if (err == nil) != e.in || (err != nil && ErrorCode(err) != ETRUSTEXPIRED) {
			t.Errorf("%s (%s): %v, want fresh=%v", e.name, e.t.In(CST).Format(time.RFC3339Nano), err, e.in)
		}
	}
}
