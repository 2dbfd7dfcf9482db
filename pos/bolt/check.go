package bolt

import (
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
	"fupinpos/pos/voucher"
)

// state is everything one transaction needs to judge vouchers, read once.
type state struct {
	now      time.Time
	keys     *keys
	cfg      *pos.TerminalConfig
	trust    *pos.TrustList
	trustErr error // the trust list is past its expiry and grace
	clock    pos.ClockState
	queue    pos.QueueState
	online   bool
}

func (db *DB) state(tx *bolt.Tx) (*state, error) {
	st := &state{now: db.timestamp(), online: db.online.Load()}
	var err error
	if st.keys, err = db.keysOf(tx); err != nil {
		return nil, err
	}
	if st.cfg, err = db.loadConfig(tx); err != nil {
		return nil, err
	}
	if st.trust, err = db.loadTrust(tx); err != nil {
		return nil, err
	}
	st.trustErr = st.trust.CheckFresh(st.now)
	st.clock = clockState(tx)
	st.queue = queueState(tx)
	return st, nil
}

// Check runs the whole validation pipeline on a scanned code without
// redeeming it: structure, trust list freshness, key, signature, key
// policy, clock, validity window, campaign, scope, status, redeemed here,
// offline limits. It returns the verified voucher, or the first failure as a
// *pos.Error whose code names the reason.
func (db *DB) Check(code string) (*pos.Voucher, error) {
	var v *pos.Voucher
	err := db.view("check voucher", func(tx *bolt.Tx) error {
		st, err := db.state(tx)
		if err != nil {
			return err
		}
		v, err = db.judge(tx, st, code, st.queue)
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// judge verifies one code and applies the rules to it, with queue as the
// unsynced total so far (it grows as a sale adds vouchers).
func (db *DB) judge(tx *bolt.Tx, st *state, code string, queue pos.QueueState) (*pos.Voucher, error) {
	v, err := db.verify(code, st.trust)
	if c := pos.ErrorCode(err); c == pos.EMALFORMED || c == pos.EUPDATE {
		return nil, err
	}
	// A wrong clock would make a good trust list look expired: say so first.
	if cerr := pos.CheckClock(st.now, st.cfg, st.clock); cerr != nil {
		return nil, cerr
	}
	if st.trustErr != nil {
		return nil, st.trustErr
	}
	if err != nil {
		return nil, err
	}
	id := v.ID()
	env := pos.Env{
		Now: st.now, Trust: st.trust, Config: st.cfg, Clock: st.clock, Online: st.online, Queue: queue,
		Status: statusOf(tx, id), HolderSuspended: suspended(tx, v.Holder),
	}
	if m, ok := readMark(tx, v); ok {
		env.RedeemedHere = &pos.Redeemed{Seq: m.seq, Time: m.time, Receipt: pos.ReceiptNumber(st.cfg.Terminal, m.seq)}
		// The server lists our own redemption as redeemed; what the
		// cashier needs then is where and when it happened here.
		if env.Status == pos.StatusRedeemedElsewhere {
			env.Status = pos.StatusValid
		}
	}
	if err := pos.Evaluate(v, &env); err != nil {
		return nil, err
	}
	return v, nil
}

// verifiedCacheSize bounds the verified-code cache: a counter sees a few
// codes a minute, so this holds the scans of hours.
const verifiedCacheSize = 512

// verifiedCode is a code whose signature and key policy passed under trust.
type verifiedCode struct {
	trust *pos.TrustList
	v     pos.Voucher
}

// verify is voucher.Verify with a memory of codes that passed: the counter
// checks a code when it is scanned and again when the sale commits, and the
// signature cannot have changed in between. Entries are tied to the
// decoded trust list they were verified under, so a new list verifies
// again. Only the cryptography is remembered; every rule runs each time.
func (db *DB) verify(code string, tl *pos.TrustList) (*pos.Voucher, error) {
	db.vmu.Lock()
	c, ok := db.verified[code]
	db.vmu.Unlock()
	if ok && c.trust == tl {
		v := c.v
		return &v, nil
	}
	v, err := voucher.Verify(code, tl)
	if err != nil {
		return nil, err
	}
	db.vmu.Lock()
	if len(db.verified) >= verifiedCacheSize {
		clear(db.verified)
	}
	db.verified[code] = verifiedCode{trust: tl, v: *v}
	db.vmu.Unlock()
	return v, nil
}
