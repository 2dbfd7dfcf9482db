package pos

import "time"

// ClockState is what the terminal knows about time besides its own clock:
// the floor (the latest of every server time seen and every redemption made)
// and when it last synced with the server.
type ClockState struct {
	Floor    time.Time `json:"floor"`
	LastSync time.Time `json:"last_sync"`
}

// QueueState is the unsynced part of the ledger.
type QueueState struct {
	Count  int   `json:"count"`
	Amount Money `json:"amount"` // voucher value not yet acknowledged by the server
}

// Redeemed says where a voucher was redeemed on this terminal.
type Redeemed struct {
	Seq     uint64    `json:"seq"`
	Time    time.Time `json:"time"`
	Receipt string    `json:"receipt"`
}

// Env is everything the rules need to judge one verified voucher at this
// terminal, gathered inside one storage transaction.
type Env struct {
	Now             time.Time
	Trust           *TrustList
	Config          *TerminalConfig
	Clock           ClockState
	Online          bool
	Queue           QueueState
	Status          VoucherStatus // from the server's status list
	HolderSuspended bool
	RedeemedHere    *Redeemed // nil when not redeemed on this terminal
}

// CheckClock refuses to work with a clock behind the floor or implausibly
// far past the last sync. These are the terminal's fault, not the voucher's,
// and say so.
func CheckClock(now time.Time, cfg *TerminalConfig, cs ClockState) error {
	tol := cfg.ClockTolerance.D()
	if tol == 0 {
		tol = DefaultClockTolerance
	}
	ahead := cfg.MaxClockAhead.D()
	if ahead == 0 {
		ahead = DefaultMaxClockAhead
	}
	if !cs.Floor.IsZero() && now.Before(cs.Floor.Add(-tol)) {
		return Errorf(ECLOCKBEHIND, "clock %s is behind the last known time %s", fmtCST(now), fmtCST(cs.Floor)).
			With("now", fmtCST(now)).With("floor", fmtCST(cs.Floor))
	}
	ref := cs.LastSync
	if cs.Floor.After(ref) {
		ref = cs.Floor
	}
	if !ref.IsZero() && now.After(ref.Add(ahead)) {
		return Errorf(ECLOCKAHEAD, "clock %s is implausibly far past the last sync %s", fmtCST(now), fmtCST(ref)).
			With("now", fmtCST(now)).With("last", fmtCST(ref))
	}
	return nil
}

// Evaluate applies validation steps 3 to 6 of the design, in order, to a
// voucher whose signature and key policy pos/voucher has already verified:
// time, campaign rules, status, offline limits. It returns the first failure.
func Evaluate(v *Voucher, env *Env) error {
	// 3. Time: the terminal's clock first, then the voucher's window.
	if err := CheckClock(env.Now, env.Config, env.Clock); err != nil {
		return err
	}
	camp := env.Trust.Campaign(v.Campaign)
	if err := CheckValidity(v, camp, env.Now); err != nil {
		return err
	}
	if !env.Config.InScope(v.Scope) {
		return Errorf(EOUTOFSCOPE, "voucher %s is for scope %d, not this store", v.ID(), v.Scope).With("scope", itoa(int64(v.Scope)))
	}
	if (v.Flags&FlagTest != 0) != env.Config.TestMode {
		return Errorf(EOUTOFSCOPE, "voucher %s test flag does not match the terminal's mode", v.ID()).With("scope", "test")
	}

	// 5. Status.
	switch env.Status {
	case StatusRevoked:
		return Errorf(EREVOKED, "voucher %s was revoked", v.ID())
	case StatusRedeemedElsewhere:
		return Errorf(EREDEEMEDELSEWHERE, "voucher %s was redeemed at another counter", v.ID())
	case StatusSuspended:
		return Errorf(ESUSPENDED, "voucher %s is suspended", v.ID())
	}
	if env.HolderSuspended {
		return Errorf(ESUSPENDED, "the holder of voucher %s is suspended", v.ID())
	}
	if r := env.RedeemedHere; r != nil {
		return Errorf(EALREADYREDEEMED, "voucher %s was redeemed here at %s, receipt %s", v.ID(), fmtCST(r.Time), r.Receipt).
			With("time", fmtCST(r.Time)).With("receipt", r.Receipt)
	}

	// 6. Offline limits.
	if v.Flags&FlagOnlineOnly != 0 && !env.Online {
		return Errorf(EONLINEONLY, "voucher %s may only be accepted online", v.ID())
	}
	lim := env.Config.EffectiveOffline(camp)
	if !env.Online || env.Clock.LastSync.IsZero() {
		age := env.Now.Sub(env.Clock.LastSync)
		if env.Clock.LastSync.IsZero() || age > lim.MaxCacheAge.D() {
			return Errorf(EOFFLINELIMIT, "status cache is %s old, limit %s", age.Round(time.Minute), lim.MaxCacheAge.D()).
				With("limit", "cache_age").With("max", lim.MaxCacheAge.D().String())
		}
	}
	if env.Queue.Count >= lim.MaxQueueCount {
		return Errorf(EOFFLINELIMIT, "%d redemptions wait for upload, limit %d", env.Queue.Count, lim.MaxQueueCount).
			With("limit", "queue_count").With("max", itoa(int64(lim.MaxQueueCount)))
	}
	if env.Queue.Amount+v.Value > lim.MaxQueueAmount {
		return Errorf(EOFFLINELIMIT, "%s waits for upload, limit %s", env.Queue.Amount, lim.MaxQueueAmount).
			With("limit", "queue_amount").With("max", lim.MaxQueueAmount.String())
	}
	return nil
}

// CheckValidity applies the time rules of a voucher at instant t: its own
// not-before / not-after widened by the campaign's skew, then the
// campaign's redemption window (camp nil: unknown campaign, closed). Every
// window counts whole seconds, both ends inclusive (InWindow): a voucher
// "valid until 2020-10-31 23:59:59" is good at 23:59:59.999 and expired at
// 2020-11-01 00:00:00. The terminal applies it to its trusted now
// (Evaluate), the server to the time of the uploaded sale.
func CheckValidity(v *Voucher, camp *Campaign, t time.Time) error {
	var skew time.Duration
	if camp != nil {
		skew = camp.Skew.D()
	}
	if t.Unix() < v.NotBefore.Add(-skew).Unix() {
		return Errorf(ENOTYETVALID, "voucher %s is valid from %s", v.ID(), fmtCST(v.NotBefore)).With("from", fmtCST(v.NotBefore))
	}
	if t.Unix() > v.NotAfter.Add(skew).Unix() {
		return Errorf(EEXPIRED, "voucher %s expired at %s", v.ID(), fmtCST(v.NotAfter)).With("until", fmtCST(v.NotAfter))
	}
	if camp == nil || !camp.Redeemable(t) {
		e := Errorf(ECAMPAIGNCLOSED, "campaign %d is not open for redemption", v.Campaign).With("campaign", itoa(int64(v.Campaign)))
		if camp != nil {
			e.With("from", fmtCST(camp.RedeemFrom)).With("until", fmtCST(camp.RedeemUntil))
		}
		return e
	}
	return nil
}

func fmtCST(t time.Time) string { return t.In(CST).Format("2006-01-02 15:04:05") }
