package pos

import (
	"crypto/ed25519"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, s, CST)
	if err != nil {
		panic(err)
	}
	return t
}

func testTrust() *TrustList {
	pub, _, _ := ed25519.GenerateKey(nil)
	return &TrustList{
		Seq: 3, IssuedAt: at("2020-07-01 00:00:00"), Expires: at("2020-07-08 00:00:00"), Grace: Duration(72 * time.Hour),
		Keys: []IssuerKey{{ID: KeyIDOf(pub), Public: pub, Campaigns: []uint16{2020}, IssueFrom: at("2020-07-10 00:00:00"), IssueUntil: at("2020-08-31 23:59:59")}},
		Campaigns: []Campaign{
			{ID: 2020, Name: "2020", IssueFrom: at("2020-07-10 00:00:00"), IssueUntil: at("2020-08-31 23:59:59"),
				RedeemFrom: at("2020-07-10 00:00:00"), RedeemUntil: at("2020-10-31 23:59:59"), Cap: Yuan(300), Excess: ExcessForfeit},
			{ID: 7, Name: "refuse", IssueFrom: at("2020-07-10 00:00:00"), IssueUntil: at("2020-08-31 23:59:59"),
				RedeemFrom: at("2020-07-10 00:00:00"), RedeemUntil: at("2020-09-30 23:59:59"), Cap: Yuan(300), Excess: ExcessRefuse},
		},
		Units: []WorkUnit{{ID: 1001, Name: "合肥市总工会机关"}},
	}
}

func testVoucher() *Voucher {
	return &Voucher{Version: 1, Campaign: 2020, Serial: 42, Unit: 1001, Value: Yuan(100),
		NotBefore: at("2020-07-10 00:00:00"), NotAfter: at("2020-10-31 23:59:59"), IssuedAt: at("2020-08-01 09:00:00"), Flags: FlagNoChange}
}

func testEnv(now string) *Env {
	return &Env{
		Now: at(now), Trust: testTrust(), Config: &TerminalConfig{Store: "S1", Terminal: "T01", Scopes: []uint32{3401}},
		Clock: ClockState{Floor: at(now).Add(-time.Hour), LastSync: at(now).Add(-time.Hour)},
	}
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name string
		now  string
		edit func(v *Voucher, e *Env)
		want string
	}{
		{"valid", "2020-08-01 10:00:00", nil, ""},
		{"first second", "2020-07-10 00:00:00", func(v *Voucher, e *Env) {}, ""},
		{"one second early", "2020-07-09 23:59:59", func(v *Voucher, e *Env) { e.Clock = ClockState{LastSync: e.Now.Add(-time.Hour)} }, ENOTYETVALID},
		{"last second", "2020-10-31 23:59:59", nil, ""},
		{"one second late", "2020-11-01 00:00:00", nil, EEXPIRED},
		{"skew tolerates", "2020-11-01 00:04:00", func(v *Voucher, e *Env) {
			e.Trust.Campaigns[0].Skew = Duration(5 * time.Minute)
			e.Trust.Campaigns[0].RedeemUntil = at("2020-11-30 00:00:00")
		}, ""},
		{"campaign closed early", "2020-10-01 10:00:00", func(v *Voucher, e *Env) { e.Trust.Campaigns[0].RedeemUntil = at("2020-09-30 23:59:59") }, ECAMPAIGNCLOSED},
		{"campaign unknown", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { v.Campaign = 9 }, ECAMPAIGNCLOSED},
		{"clock behind floor", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { e.Clock.Floor = e.Now.Add(10 * time.Minute) }, ECLOCKBEHIND},
		{"clock behind within tolerance", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { e.Clock.Floor = e.Now.Add(time.Minute) }, ""},
		{"clock far ahead", "2020-08-01 10:00:00", func(v *Voucher, e *Env) {
			e.Clock = ClockState{Floor: e.Now.AddDate(0, 0, -31), LastSync: e.Now.AddDate(0, 0, -31)}
		}, ECLOCKAHEAD},
		{"scope other store", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { v.Scope = 3402 }, EOUTOFSCOPE},
		{"scope this store", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { v.Scope = 3401 }, ""},
		{"test voucher on live terminal", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { v.Flags |= FlagTest }, EOUTOFSCOPE},
		{"live voucher on test terminal", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { e.Config.TestMode = true }, EOUTOFSCOPE},
		{"revoked", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { e.Status = StatusRevoked }, EREVOKED},
		{"redeemed elsewhere", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { e.Status = StatusRedeemedElsewhere }, EREDEEMEDELSEWHERE},
		{"suspended", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { e.Status = StatusSuspended }, ESUSPENDED},
		{"holder suspended", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { e.HolderSuspended = true }, ESUSPENDED},
		{"redeemed here", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { e.RedeemedHere = &Redeemed{Seq: 4, Time: e.Now, Receipt: "T01-000004"} }, EALREADYREDEEMED},
		{"online only offline", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { v.Flags |= FlagOnlineOnly }, EONLINEONLY},
		{"online only online", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { v.Flags |= FlagOnlineOnly; e.Online = true }, ""},
		{"cache too old", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { e.Clock.LastSync = e.Now.Add(-25 * time.Hour) }, EOFFLINELIMIT},
		{"never synced", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { e.Clock.LastSync = time.Time{} }, EOFFLINELIMIT},
		{"terminal limit stricter", "2020-08-01 10:00:00", func(v *Voucher, e *Env) {
			e.Clock.LastSync = e.Now.Add(-2 * time.Hour)
			e.Config.Offline.MaxCacheAge = Duration(time.Hour)
		}, EOFFLINELIMIT},
		{"queue count", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { e.Queue.Count = 500 }, EOFFLINELIMIT},
		{"queue amount", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { e.Queue.Amount = Yuan(50000) - Yuan(99) }, EOFFLINELIMIT},
		{"queue amount just fits", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { e.Queue.Amount = Yuan(50000) - Yuan(100) }, ""},
		// Order: an expired voucher that is also revoked reports the expiry; a
		// revoked voucher on a stale cache reports the revocation.
		{"expired before revoked", "2020-11-02 10:00:00", func(v *Voucher, e *Env) { e.Status = StatusRevoked }, EEXPIRED},
		{"revoked before offline", "2020-08-01 10:00:00", func(v *Voucher, e *Env) { e.Status = StatusRevoked; e.Queue.Count = 1000 }, EREVOKED},
		{"clock before expiry", "2020-11-02 10:00:00", func(v *Voucher, e *Env) { e.Clock.Floor = e.Now.AddDate(0, 0, 1) }, ECLOCKBEHIND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, e := testVoucher(), testEnv(tt.now)
			if tt.edit != nil {
				tt.edit(v, e)
			}
			err := Evaluate(v, e)
			if got := ErrorCode(err); got != tt.want {
				t.Fatalf("Evaluate = %v (code %q), want %q", err, got, tt.want)
			}
		})
	}
}

func TestEvaluateParams(t *testing.T) {
	v, e := testVoucher(), testEnv("2020-08-01 10:00:00")
	e.RedeemedHere = &Redeemed{Seq: 4, Time: at("2020-08-01 09:12:13"), Receipt: "T01-000004"}
	p := ErrorParams(Evaluate(v, e))
	if p["receipt"] != "T01-000004" || p["time"] != "2020-08-01 09:12:13" {
		t.Errorf("already_redeemed params = %v", p)
	}
	e = testEnv("2020-11-01 00:00:00")
	if p := ErrorParams(Evaluate(v, e)); p["until"] != "2020-10-31 23:59:59" {
		t.Errorf("expired params = %v", p)
	}
}

func TestTrustFresh(t *testing.T) {
	tl := testTrust()
	tests := []struct {
		now  string
		want string
	}{
		{"2020-07-07 23:59:59", ""},
		{"2020-07-10 23:59:59", ""}, // expired, inside the grace period
		{"2020-07-11 00:00:01", ETRUSTEXPIRED},
	}
	for _, tt := range tests {
		if got := ErrorCode(tl.CheckFresh(at(tt.now))); got != tt.want {
			t.Errorf("CheckFresh(%s) = %q, want %q", tt.now, got, tt.want)
		}
	}
	if err := tl.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := testTrust()
	bad.Keys[0].ID = KeyID{1, 2, 3, 4}
	if ErrorCode(bad.Validate()) != EINVALID {
		t.Error("a key id that does not match its key passed Validate")
	}
	bad = testTrust()
	bad.Campaigns[1].Excess = "refund"
	if ErrorCode(bad.Validate()) != EINVALID {
		t.Error("an unknown excess policy passed Validate")
	}
}

func TestKeyAllows(t *testing.T) {
	k := testTrust().Keys[0]
	tests := []struct {
		campaign uint16
		issued   string
		want     bool
	}{
		{2020, "2020-08-31 23:59:59", true}, {2020, "2020-09-01 00:00:00", false}, {2020, "2020-07-09 23:59:59", false}, {7, "2020-08-01 00:00:00", false},
	}
	for _, tt := range tests {
		if got := k.Allows(tt.campaign, at(tt.issued)); got != tt.want {
			t.Errorf("Allows(%d, %s) = %v", tt.campaign, tt.issued, got)
		}
	}
}
