// Package uitest is an in-memory terminal store and demo deployment for the
// screens' tests and for the app's --demo/--smoke runs while no bolt file is
// provisioned. It applies the same rules as the real store (pos/voucher for
// the signature, pos.Evaluate and pos.Settle for the rest) but keeps nothing
// on disk and holds PINs in memory: never use it on a real counter.
package uitest

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"fupinpos/assets"
	"fupinpos/pos"
	"fupinpos/pos/ui"
	"fupinpos/pos/voucher"
)

// Store is an in-memory ui.Store.
type Store struct {
	mu        sync.Mutex
	incidents []pos.Incident
	Now       func() time.Time
	Online    bool
	trust     *pos.TrustList
	cat       *pos.Catalogue
	cfg       pos.TerminalConfig
	users     []pos.User
	pins      map[string]string
	redeemed  map[pos.VoucherID]*pos.Redeemed
	records   []*pos.Record
	voided    map[uint64]bool
	// Audit holds every audited action as "actor action detail".
	Audit []string
}

// Deployment is a demo issuer: its key signs vouchers the Store accepts.
type Deployment struct {
	Key      ed25519.PrivateKey
	Campaign *pos.Campaign
	Units    []pos.WorkUnit
	serial   uint32
}

// Demo users: id, PIN, role.
const (
	CashierID, CashierPIN       = "1001", "1234"
	ManagerID, ManagerPIN       = "2001", "2468"
	TechnicianID, TechnicianPIN = "3001", "1357"
)

// DemoNow is a time inside the demo campaign's redemption window.
var DemoNow = time.Date(2020, 9, 15, 10, 30, 0, 0, pos.CST)

// NewDemo returns a store with the demo campaign, catalogue and users, and
// the deployment that issues its vouchers.
func NewDemo() (*Store, *Deployment, error) {
	camp, err := assets.DemoCampaign()
	if err != nil {
		return nil, nil, err
	}
	cat, err := assets.DemoCatalogue()
	if err != nil {
		return nil, nil, err
	}
	units, err := assets.DemoUnits()
	if err != nil {
		return nil, nil, err
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	trust := &pos.TrustList{
		Seq: 1, IssuedAt: DemoNow.Add(-time.Hour), Expires: DemoNow.Add(7 * 24 * time.Hour),
		Keys:      []pos.IssuerKey{{ID: pos.KeyIDOf(pub), Public: pub, Campaigns: []uint16{camp.ID}, IssueFrom: camp.IssueFrom, IssueUntil: camp.IssueUntil}},
		Campaigns: []pos.Campaign{*camp}, Units: units,
	}
	s := &Store{
		Now: func() time.Time { return DemoNow }, Online: true, trust: trust, cat: cat,
		cfg: pos.TerminalConfig{Store: "S001", StoreName: "合肥百大扶贫专区", Counter: "1", Terminal: "T01", Lang: "zh_Hans"},
		users: []pos.User{
			{ID: CashierID, Name: "王芳", Role: pos.RoleCashier},
			{ID: ManagerID, Name: "李强", Role: pos.RoleManager},
			{ID: TechnicianID, Name: "张工", Role: pos.RoleTechnician},
		},
		pins:     map[string]string{CashierID: CashierPIN, ManagerID: ManagerPIN, TechnicianID: TechnicianPIN},
		redeemed: map[pos.VoucherID]*pos.Redeemed{},
		voided:   map[uint64]bool{},
	}
	return s, &Deployment{Key: priv, Campaign: camp, Units: units}, nil
}

// Issue signs a voucher of value for member, valid for the whole campaign.
func (d *Deployment) Issue(value pos.Money, member string) string {
	d.serial++
	v := &pos.Voucher{
		Version: voucher.Version, KeyID: pos.KeyIDOf(d.Key.Public().(ed25519.PublicKey)),
		Campaign: d.Campaign.ID, Serial: d.serial, Holder: voucher.HolderOf([]byte("demo"), member),
		Unit: d.Units[0].ID, Value: value, NotBefore: d.Campaign.RedeemFrom, NotAfter: d.Campaign.RedeemUntil,
		IssuedAt: d.Campaign.IssueFrom.Add(time.Hour), Flags: pos.FlagNoChange,
	}
	code, err := voucher.Encode(v, d.Key)
	if err != nil {
		panic(err)
	}
	return code
}

// Forge returns a code signed by a key nobody trusts with the same key id.
func (d *Deployment) Forge(value pos.Money) string {
	code := d.Issue(value, "forger")
	b := []byte(code)
	b[len(b)-5] = '0' + (b[len(b)-5]-'0'+1)%10
	return string(b)
}

func (s *Store) audit(actor, action, detail string) {
	s.Audit = append(s.Audit, actor+" "+action+" "+detail)
}

// Check gives the offline verdict on code.
func (s *Store) Check(code string) (*pos.Voucher, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.check(code)
}

func (s *Store) check(code string) (*pos.Voucher, error) {
	v, err := voucher.Verify(code, s.trust)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	env := &pos.Env{Now: now, Trust: s.trust, Config: &s.cfg, Online: s.Online, RedeemedHere: s.redeemed[v.ID()],
		Clock: pos.ClockState{Floor: now.Add(-time.Hour), LastSync: now.Add(-10 * time.Minute)}}
	if err := pos.Evaluate(v, env); err != nil {
		return nil, err
	}
	return v, nil
}

// Commit records the sale in memory.
func (s *Store) Commit(sale ui.Sale) (uint64, *pos.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var vs []*pos.Voucher
	for _, c := range sale.Codes {
		v, err := s.check(c)
		if err != nil {
			return 0, nil, err
		}
		vs = append(vs, v)
	}
	st, err := pos.Settle(sale.Lines, vs, s.trust)
	if err != nil {
		return 0, nil, err
	}
	for i := range st.Vouchers {
		st.Vouchers[i].Code = sale.Codes[i]
	}
	seq := uint64(len(s.records) + 1)
	r := &pos.Record{Seq: seq, Kind: pos.KindSale, Time: s.Now(), Store: s.cfg.Store, Terminal: s.cfg.Terminal,
		Receipt: pos.ReceiptNumber(s.cfg.Terminal, seq), Cashier: sale.Cashier, Mode: pos.EntryScan, Lines: sale.Lines,
		Total: st.Total, Eligible: st.Eligible, Vouchers: st.Vouchers, VoucherAmount: st.VoucherAmount,
		Forfeited: st.Forfeited, SelfPaid: st.SelfPaid, Method: sale.Method}
	if st.SelfPaid == 0 {
		r.Method = pos.PayNone
	}
	s.records = append(s.records, r)
	for _, v := range vs {
		s.redeemed[v.ID()] = &pos.Redeemed{Seq: seq, Time: r.Time, Receipt: r.Receipt}
	}
	s.audit(sale.Cashier, "sale", r.Receipt)
	return seq, pos.NewReceipt(r, pos.Hash{}, &s.cfg, s.trust, s.name(sale.Cashier), ""), nil
}

func (s *Store) name(id string) string {
	for _, u := range s.users {
		if u.ID == id {
			return u.Name
		}
	}
	return ""
}

// Login checks a PIN.
func (s *Store) Login(id, pin string) (*pos.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.users {
		if s.users[i].ID == id && s.pins[id] == pin {
			s.audit(id, "login", "ok")
			u := s.users[i]
			return &u, nil
		}
	}
	s.audit(id, "login", "failed")
	return nil, pos.Errorf(pos.EBADPIN, "bad user or PIN")
}

// Authorize checks a PIN of a user with one of roles.
func (s *Store) Authorize(id, pin string, roles ...pos.Role) (*pos.User, error) {
	u, err := s.Login(id, pin)
	if err != nil {
		return nil, err
	}
	for _, r := range roles {
		if u.Role == r {
			return u, nil
		}
	}
	return nil, pos.Errorf(pos.EFORBIDDEN, "%s may not approve this", id)
}

// Void cancels sale seq with a manager's approval.
func (s *Store) Void(seq uint64, managerID, managerPIN, reason string) (*pos.Receipt, error) {
	if _, err := s.Authorize(managerID, managerPIN, pos.RoleManager); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq == 0 || seq > uint64(len(s.records)) || s.records[seq-1].Kind != pos.KindSale {
		return nil, pos.Errorf(pos.ENOTFOUND, "no sale %d", seq)
	}
	if s.voided[seq] {
		return nil, pos.Errorf(pos.ECONFLICT, "sale %d already voided", seq)
	}
	sale := s.records[seq-1]
	n := uint64(len(s.records) + 1)
	r := &pos.Record{Seq: n, Kind: pos.KindVoid, Time: s.Now(), Store: s.cfg.Store, Terminal: s.cfg.Terminal,
		Receipt: pos.ReceiptNumber(s.cfg.Terminal, n), Cashier: managerID, Voids: seq, Manager: managerID, Reason: reason,
		Total: -sale.Total, VoucherAmount: -sale.VoucherAmount, SelfPaid: -sale.SelfPaid}
	s.records = append(s.records, r)
	s.voided[seq] = true
	for _, v := range sale.Vouchers {
		delete(s.redeemed, v.ID)
	}
	s.audit(managerID, "void", sale.Receipt+" "+reason)
	return pos.NewReceipt(r, pos.Hash{}, &s.cfg, s.trust, s.name(managerID), sale.Receipt), nil
}

// Receipt returns record seq's receipt, marked and audited if reprint.
func (s *Store) Receipt(seq uint64, reprint bool, actor string) (*pos.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq == 0 || seq > uint64(len(s.records)) {
		return nil, pos.Errorf(pos.ENOTFOUND, "no record %d", seq)
	}
	r := s.records[seq-1]
	rc := pos.NewReceipt(r, pos.Hash{}, &s.cfg, s.trust, s.name(r.Cashier), "")
	if reprint {
		rc.Reprint = true
		s.audit(actor, "reprint", r.Receipt)
	}
	return rc, nil
}

// Users lists the users.
func (s *Store) Users() ([]pos.User, error) { return append([]pos.User(nil), s.users...), nil }

// Catalogue returns the demo catalogue.
func (s *Store) Catalogue() (*pos.Catalogue, error) { return s.cat, nil }

// Trust returns the demo trust list.
func (s *Store) Trust() (*pos.TrustList, error) { return s.trust, nil }

// Incidents returns what AddIncident added.
func (s *Store) Incidents() ([]pos.Incident, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]pos.Incident(nil), s.incidents...), nil
}

// AddIncident records an incident as the sync client would after a
// conflicting upload.
func (s *Store) AddIncident(in pos.Incident) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in.ID = uint64(len(s.incidents) + 1)
	s.incidents = append(s.incidents, in)
}

// Records calls fn for each ledger record in order.
func (s *Store) Records(fn func(*pos.Record) error) error {
	s.mu.Lock()
	rs := append([]*pos.Record(nil), s.records...)
	s.mu.Unlock()
	for _, r := range rs {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// Config returns the terminal configuration.
func (s *Store) Config() (*pos.TerminalConfig, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cfg
	return &c, nil
}

// SetConfig validates and saves cfg, audited under actor.
func (s *Store) SetConfig(cfg *pos.TerminalConfig, actor string) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg = *cfg
	s.audit(actor, "config", fmt.Sprintf("%+v", *cfg))
	return nil
}

// Printer is a ui.Printer that keeps what it was asked to print.
type Printer struct {
	mu      sync.Mutex
	Printed []*pos.Receipt
	Err     error
}

// PrintReceipt records r, or fails with Err.
func (p *Printer) PrintReceipt(r *pos.Receipt) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Err != nil {
		return p.Err
	}
	p.Printed = append(p.Printed, r)
	return nil
}
