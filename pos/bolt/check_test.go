package bolt_test

import (
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/pos/voucher"
)

// TestCheckRefusals reaches every refusal of the validation pipeline
// through the real database, each with its own code.
func TestCheckRefusals(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name string
		edit func(*postest.Deployment)
		// code returns the scan to check after preparing the terminal.
		code func(t *testing.T, f *fixture) string
		want string
	}{
		{name: "ok", want: "", code: func(t *testing.T, f *fixture) string { return f.dep.Code(t, "m1", pos.Yuan(100)) }},
		{name: "malformed", want: pos.EMALFORMED, code: func(*testing.T, *fixture) string { return "6937777001005" }},
		{name: "garbage", want: pos.EMALFORMED, code: func(*testing.T, *fixture) string { return "\x00\xff]Q1中文" }},
		{name: "newer format", want: pos.EUPDATE, code: func(*testing.T, *fixture) string { return "9902" + strings.Repeat("1", 263) }},
		{name: "unknown key", want: pos.ESYNC, code: func(t *testing.T, f *fixture) string {
			s, err := voucher.Encode(f.dep.Voucher("m1", 100), postest.Key(9))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{name: "bad signature", want: pos.EBADSIGNATURE, code: func(t *testing.T, f *fixture) string {
			good := f.dep.Code(t, "m1", pos.Yuan(100))
			for i := len(good) - 1; i > 4; i-- {
				b := []byte(good)
				b[i] = '0' + (b[i]-'0'+1)%10
				if _, err := voucher.Verify(string(b), f.dep.Trust); pos.ErrorCode(err) == pos.EBADSIGNATURE {
					return string(b)
				}
			}
			t.Fatal("no single-digit change gave a bad signature")
			return ""
		}},
		{name: "key not allowed at issue date", want: pos.EKEYNOTALLOWED, code: func(t *testing.T, f *fixture) string {
			v := f.dep.Voucher("m1", 100)
			v.IssuedAt = f.dep.Trust.Keys[0].IssueFrom.Add(-time.Second)
			return f.dep.Sign(t, v)
		}},
		{name: "clock behind floor", want: pos.ECLOCKBEHIND, code: func(t *testing.T, f *fixture) string {
			f.clock.Set(t0.Add(-time.Minute - pos.DefaultClockTolerance - time.Second))
			return f.dep.Code(t, "m1", 100)
		}},
		{name: "clock implausibly ahead", want: pos.ECLOCKAHEAD, code: func(t *testing.T, f *fixture) string {
			f.clock.Set(t0.Add(pos.DefaultMaxClockAhead + time.Hour))
			return f.dep.Code(t, "m1", 100)
		}},
		{name: "not yet valid", want: pos.ENOTYETVALID, code: func(t *testing.T, f *fixture) string {
			v := f.dep.Voucher("m1", 100)
			v.NotBefore = t0.Add(time.Second)
			return f.dep.Sign(t, v)
		}},
		{name: "expired", want: pos.EEXPIRED, code: func(t *testing.T, f *fixture) string {
			v := f.dep.Voucher("m1", 100)
			v.NotAfter = t0.Add(-time.Second)
			return f.dep.Sign(t, v)
		}},
		{name: "campaign closed", want: pos.ECAMPAIGNCLOSED,
			edit: func(d *postest.Deployment) { d.Campaign().RedeemFrom = t0.Add(day) },
			code: func(t *testing.T, f *fixture) string {
				v := f.dep.Voucher("m1", 100)
				v.NotBefore = t0.Add(-day)
				return f.dep.Sign(t, v)
			}},
		{name: "other store group", want: pos.EOUTOFSCOPE, code: func(t *testing.T, f *fixture) string {
			v := f.dep.Voucher("m1", 100)
			v.Scope = 35
			return f.dep.Sign(t, v)
		}},
		{name: "training voucher on a live terminal", want: pos.EOUTOFSCOPE, code: func(t *testing.T, f *fixture) string {
			v := f.dep.Voucher("m1", 100)
			v.Flags |= pos.FlagTest
			return f.dep.Sign(t, v)
		}},
		{name: "revoked", want: pos.EREVOKED, code: func(t *testing.T, f *fixture) string {
			v := f.dep.Voucher("m1", 100)
			mustDelta(t, f, []pos.StatusChange{{Voucher: v.ID(), Status: pos.StatusRevoked}}, nil)
			return f.dep.Sign(t, v)
		}},
		{name: "redeemed elsewhere", want: pos.EREDEEMEDELSEWHERE, code: func(t *testing.T, f *fixture) string {
			v := f.dep.Voucher("m1", 100)
			mustDelta(t, f, []pos.StatusChange{{Voucher: v.ID(), Status: pos.StatusRedeemedElsewhere}}, nil)
			return f.dep.Sign(t, v)
		}},
		{name: "voucher suspended", want: pos.ESUSPENDED, code: func(t *testing.T, f *fixture) string {
			v := f.dep.Voucher("m1", 100)
			mustDelta(t, f, []pos.StatusChange{{Voucher: v.ID(), Status: pos.StatusSuspended}}, nil)
			return f.dep.Sign(t, v)
		}},
		{name: "holder suspended", want: pos.ESUSPENDED, code: func(t *testing.T, f *fixture) string {
			v := f.dep.Voucher("m1", 100)
			mustDelta(t, f, nil, []pos.HolderChange{{Holder: v.Holder, Suspended: true}})
			return f.dep.Sign(t, v)
		}},
		{name: "already redeemed here", want: pos.EALREADYREDEEMED, code: func(t *testing.T, f *fixture) string {
			c := f.dep.Code(t, "m1", pos.Yuan(10))
			f.MustRedeem(t, sale(pos.PayCash, []string{c}, item("DS-PEAR-5", 1)))
			return c
		}},
		{name: "offline with an old cache", want: pos.EOFFLINELIMIT, code: func(t *testing.T, f *fixture) string {
			f.SetOnline(false)
			f.clock.Advance(25 * time.Hour)
			return f.dep.Code(t, "m1", 100)
		}},
		{name: "queue count limit", want: pos.EOFFLINELIMIT,
			edit: func(d *postest.Deployment) { d.Campaign().Offline.MaxQueueCount = 1 },
			code: func(t *testing.T, f *fixture) string {
				f.MustRedeem(t, sale(pos.PayCash, nil, item("BAG-ECO", 1)))
				return f.dep.Code(t, "m1", 100)
			}},
		{name: "queue amount limit", want: pos.EOFFLINELIMIT,
			edit: func(d *postest.Deployment) { d.Campaign().Offline.MaxQueueAmount = pos.Yuan(150) },
			code: func(t *testing.T, f *fixture) string {
				f.MustRedeem(t, sale(pos.PayAlipay, []string{f.dep.Code(t, "m1", pos.Yuan(100))}, item("YX-CUILAN-250", 1)))
				return f.dep.Code(t, "m2", pos.Yuan(100))
			}},
		{name: "online-only voucher offline", want: pos.EONLINEONLY, code: func(t *testing.T, f *fixture) string {
			f.SetOnline(false)
			v := f.dep.Voucher("m1", 100)
			v.Flags |= pos.FlagOnlineOnly
			return f.dep.Sign(t, v)
		}},
		{name: "trust list past expiry and grace", want: pos.ETRUSTEXPIRED, code: func(t *testing.T, f *fixture) string {
			f.clock.Set(f.dep.Trust.Expires.Add(f.dep.Trust.Grace.D() + time.Second))
			return f.dep.Code(t, "m1", 100)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.edit)
			code := tt.code(t, f)
			v, err := f.Check(code)
			wantCode(t, err, tt.want)
			if tt.want == "" && (v == nil || v.Campaign != postest.CampaignID) {
				t.Fatalf("accepted voucher %+v", v)
			}
			if tt.want != "" && v != nil {
				t.Fatalf("refused but returned voucher %+v", v)
			}
		})
	}
}

func mustDelta(t *testing.T, f *fixture, v []pos.StatusChange, h []pos.HolderChange) {
	t.Helper()
	if err := f.ApplyStatusDelta(v, h, "sync"); err != nil {
		t.Fatal(err)
	}
}

func TestAlreadyRedeemedSaysWhereAndWhen(t *testing.T) {
	f := newFixture(t, nil)
	c := f.dep.Code(t, "m1", pos.Yuan(10))
	s := f.MustRedeem(t, sale(pos.PayCash, []string{c}, item("DS-PEAR-5", 1)))
	f.clock.Advance(time.Hour)
	_, err := f.Check(c)
	p := pos.ErrorParams(err)
	if p["receipt"] != "T01-000001" || p["receipt"] != s.Record.Receipt || p["time"] != "2020-08-20 14:30:00" {
		t.Fatalf("params %v", p)
	}
	// The server listing our own redemption does not change the message.
	mustDelta(t, f, []pos.StatusChange{{Voucher: s.Record.Vouchers[0].ID, Status: pos.StatusRedeemedElsewhere}}, nil)
	_, err = f.Check(c)
	wantCode(t, err, pos.EALREADYREDEEMED)
}

func TestNotProvisioned(t *testing.T) {
	db := MustOpen(t, &clock{t: t0})
	dep := postest.NewDeployment(t, t0)
	_, err := db.Check(dep.Code(t, "m1", 100))
	wantCode(t, err, pos.ENOTPROVISIONED)
	_, err = db.Redeem(sale(pos.PayCash, nil, item("DS-PEAR-5", 1)))
	wantCode(t, err, pos.ENOTPROVISIONED)
	_, err = db.InstallTrust(dep.TrustDoc(t), "tech")
	wantCode(t, err, pos.ENOTPROVISIONED)
}

// TestWindowBoundaries checks the voucher and campaign windows at the exact
// CST seconds where they open and close (both ends inclusive).
func TestWindowBoundaries(t *testing.T) {
	open := time.Date(2020, 8, 1, 0, 0, 0, 0, pos.CST)
	last := time.Date(2020, 8, 31, 23, 59, 59, 0, pos.CST)
	tests := []struct {
		name      string
		campaign  bool // move the campaign's redemption window instead of the voucher's
		at        time.Time
		want      string
		wantLocal string // the same instant in UTC, to show the day is China's
	}{
		{"voucher one second early", false, open.Add(-time.Second), pos.ENOTYETVALID, "2020-07-31T15:59:59Z"},
		{"voucher first second", false, open, "", "2020-07-31T16:00:00Z"},
		{"voucher last second", false, last, "", "2020-08-31T15:59:59Z"},
		{"voucher one second late", false, last.Add(time.Second), pos.EEXPIRED, "2020-08-31T16:00:00Z"},
		{"campaign one second early", true, open.Add(-time.Second), pos.ECAMPAIGNCLOSED, ""},
		{"campaign first second", true, open, "", ""},
		{"campaign last second", true, last, "", ""},
		{"campaign one second late", true, last.Add(time.Second), pos.ECAMPAIGNCLOSED, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.wantLocal != "" && tt.at.UTC().Format(time.RFC3339) != tt.wantLocal {
				t.Fatalf("instant %s", tt.at.UTC().Format(time.RFC3339))
			}
			c := &clock{t: tt.at}
			dep := postest.NewDeployment(t, tt.at)
			camp := dep.Campaign()
			if tt.campaign {
				camp.RedeemFrom, camp.RedeemUntil = open, last
			}
			db := MustOpen(t, c)
			MustProvision(t, db, dep)
			v := dep.Voucher("m1", 100)
			if !tt.campaign {
				v.NotBefore, v.NotAfter = open, last
			} else {
				v.NotBefore, v.NotAfter = open.Add(-24*time.Hour), last.Add(24*time.Hour)
			}
			_, err := db.Check(dep.Sign(t, v))
			wantCode(t, err, tt.want)
		})
	}
}

func TestCheckDoesNotRedeem(t *testing.T) {
	f := newFixture(t, nil)
	c := f.dep.Code(t, "m1", pos.Yuan(10))
	for range 3 {
		if _, err := f.Check(c); err != nil {
			t.Fatal(err)
		}
	}
	q, _ := f.Queue()
	if q.Count != 0 {
		t.Fatalf("queue %+v after checks", q)
	}
}
