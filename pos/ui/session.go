package ui

import (
	"errors"
	"strings"
	"sync"
	"time"
	"unicode"

	"fupinpos/device/scanner"
	"fupinpos/pos"
)

// VerdictKind says what the banner shows.
type VerdictKind int

// The banner states.
const (
	VerdictIdle    VerdictKind = iota // waiting for a scan
	VerdictOK                         // voucher accepted into the sale
	VerdictProduct                    // product added to the basket
	VerdictRefused                    // refused, with a reason
)

// Verdict is the outcome of the last scan: what the cashier reads first.
type Verdict struct {
	Kind    VerdictKind
	Code    string            // error code when refused (pos.ErrorCode)
	Params  map[string]string // its template parameters
	Voucher *pos.Voucher      // the accepted voucher
	Product *pos.Product      // the added product
	Err     error
}

// Session is one cashier's sale in progress: the basket, the vouchers, the
// last verdict and the settlement preview. It holds no widgets; the cashier
// screen shows it and tests drive it directly.
type Session struct {
	mu       sync.Mutex
	store    Store
	printer  Printer
	cashier  *pos.User
	lines    []pos.Line
	vouchers []*pos.Voucher
	codes    []string
	manual   map[string]string // code typed by hand -> approving manager
	method   pos.PayMethod
	verdict  Verdict
	last     *pos.Receipt
	lastSeq  uint64
	onChange func()
}

// NewSession starts an empty sale for cashier.
func NewSession(store Store, printer Printer, cashier *pos.User) *Session {
	return &Session{store: store, printer: printer, cashier: cashier, method: pos.PayCash}
}

// OnChange sets the function called after every change (on the caller's
// goroutine; the screen wraps it in fyne.Do).
func (s *Session) OnChange(f func()) { s.mu.Lock(); s.onChange = f; s.mu.Unlock() }

func (s *Session) changed() {
	s.mu.Lock()
	f := s.onChange
	s.mu.Unlock()
	if f != nil {
		f()
	}
}

// ScanManual handles a code typed by hand (the F8 dialog, or keyboard input
// too slow to be a scanner). It is accepted only once managerID has
// approved it with managerPIN: the sale is then recorded as a manual entry
// with that manager. An authorization failure is returned and changes
// nothing; a refused code is returned as the verdict, as for a scan.
func (s *Session) ScanManual(code, managerID, managerPIN string) (Verdict, error) {
	code = typedCode(code)
	if code == "" {
		return Verdict{}, pos.Errorf(pos.EINVALID, "empty code")
	}
	m, err := s.store.Authorize(managerID, managerPIN, pos.RoleManager)
	if err != nil {
		return Verdict{}, err
	}
	v := s.Scan(code)
	if v.Kind == VerdictOK {
		s.mu.Lock()
		if s.manual == nil {
			s.manual = map[string]string{}
		}
		s.manual[code] = m.ID
		s.mu.Unlock()
	}
	return v, nil
}

// typedCode is a code as a person typed it, without what people add or
// their keyboards type: group separators (spaces, dashes, as in
// "99010 02825 …") and full-width digits (a Chinese input method in
// full-width mode).
func typedCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), r == '-', r == '－':
			return -1
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		}
		return r
	}, code)
}

// Manual reports whether a voucher in the sale was typed by hand, and the
// manager who approved the last one.
func (s *Session) Manual() (bool, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	mgr := ""
	for _, c := range s.codes {
		if m, ok := s.manual[c]; ok {
			mgr = m
		}
	}
	return mgr != "", mgr
}

// Refuse shows err as the verdict (a refused wedge burst).
func (s *Session) Refuse(err error) {
	s.mu.Lock()
	s.verdict = refusal(err)
	s.mu.Unlock()
	s.changed()
}

// ClearRefusal puts a refused verdict back to idle (the red banner times
// out); other verdicts are kept.
func (s *Session) ClearRefusal() {
	s.mu.Lock()
	if s.verdict.Kind != VerdictRefused {
		s.mu.Unlock()
		return
	}
	s.verdict = Verdict{}
	s.mu.Unlock()
	s.changed()
}

// Empty reports whether the sale has neither goods nor vouchers.
func (s *Session) Empty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.lines) == 0 && len(s.vouchers) == 0
}

func refusal(err error) Verdict {
	return Verdict{Kind: VerdictRefused, Code: pos.ErrorCode(err), Params: pos.ErrorParams(err), Err: err}
}

// Scan handles one scanned text, from the serial scanner or a keyboard
// wedge: a voucher is checked and applied, a product barcode adds one unit.
func (s *Session) Scan(text string) Verdict {
	text = strings.TrimSpace(text)
	var v Verdict
	switch scanner.Classify(text) {
	case scanner.Voucher:
		v = s.addVoucher(text)
	case scanner.EAN13, scanner.EAN8:
		v = s.addEAN(text)
	default:
		err := pos.Errorf(pos.EUNKNOWNSCAN, "unrecognised scan %q", text)
		if no, ok := pos.ReceiptOfAuditCode(text); ok {
			// A receipt's QR: what it is for, not "unrecognised".
			err = pos.Errorf(pos.EUNKNOWNSCAN, "the QR code of receipt %s, not a voucher or product", no).Say("receipt_qr", "receipt", no)
		}
		v = refusal(err)
	}
	s.mu.Lock()
	s.verdict = v
	s.mu.Unlock()
	s.changed()
	return v
}

func (s *Session) addVoucher(code string) Verdict {
	vc, err := s.store.Check(code)
	if err != nil {
		return refusal(err)
	}
	trust, err := s.store.Trust()
	if err != nil {
		return refusal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, have := range s.vouchers {
		if have.ID() == vc.ID() {
			return refusal(pos.Errorf(pos.EDUPLICATEINSALE, "voucher %d already in the sale", vc.ID()))
		}
	}
	if len(s.lines) > 0 {
		if _, err := pos.Settle(s.lines, append(append([]*pos.Voucher{}, s.vouchers...), vc), trust); err != nil {
			return refusal(err)
		}
	}
	s.vouchers = append(s.vouchers, vc)
	s.codes = append(s.codes, code)
	return Verdict{Kind: VerdictOK, Voucher: vc}
}

func (s *Session) addEAN(ean string) Verdict {
	cat, err := s.store.Catalogue()
	if err != nil {
		return refusal(err)
	}
	p := cat.ByEAN(ean)
	if p == nil {
		return refusal(pos.Errorf(pos.EUNKNOWNPRODUCT, "EAN %s not in catalogue", ean))
	}
	s.Add(p, 1)
	return Verdict{Kind: VerdictProduct, Product: p}
}

// Add puts qty units of p in the basket (merging with an existing line).
func (s *Session) Add(p *pos.Product, qty int64) {
	s.mu.Lock()
	found := false
	for i := range s.lines {
		if s.lines[i].SKU == p.SKU {
			s.lines[i].Qty += qty
			found = true
		}
	}
	if !found {
		s.lines = append(s.lines, pos.NewLineAt(p, qty, s.now()))
	}
	s.verdict = Verdict{Kind: VerdictProduct, Product: p}
	s.mu.Unlock()
	s.changed()
}

// SetQty changes line i's quantity; zero or less removes it.
func (s *Session) SetQty(i int, qty int64) {
	s.mu.Lock()
	if i >= 0 && i < len(s.lines) {
		if qty <= 0 {
			s.lines = append(s.lines[:i], s.lines[i+1:]...)
		} else {
			s.lines[i].Qty = qty
		}
	}
	s.mu.Unlock()
	s.changed()
}

// RemoveVoucher takes voucher i out of the sale.
func (s *Session) RemoveVoucher(i int) {
	s.mu.Lock()
	if i >= 0 && i < len(s.vouchers) {
		s.vouchers = append(s.vouchers[:i], s.vouchers[i+1:]...)
		s.codes = append(s.codes[:i], s.codes[i+1:]...)
	}
	s.mu.Unlock()
	s.changed()
}

// SetMethod sets how the self-paid part is paid.
func (s *Session) SetMethod(m pos.PayMethod) { s.mu.Lock(); s.method = m; s.mu.Unlock(); s.changed() }

// Method returns the payment method of the self-paid part.
func (s *Session) Method() pos.PayMethod { s.mu.Lock(); defer s.mu.Unlock(); return s.method }

// Lines returns a copy of the basket.
func (s *Session) Lines() []pos.Line {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]pos.Line(nil), s.lines...)
}

// Vouchers returns a copy of the vouchers applied.
func (s *Session) Vouchers() []*pos.Voucher {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*pos.Voucher(nil), s.vouchers...)
}

// Verdict returns the last scan's verdict.
func (s *Session) Verdict() Verdict { s.mu.Lock(); defer s.mu.Unlock(); return s.verdict }

// Last returns the last completed receipt and its ledger seq, if any.
func (s *Session) Last() (*pos.Receipt, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last, s.lastSeq
}

// Cashier returns the logged-in cashier.
func (s *Session) Cashier() *pos.User { return s.cashier }

// LastPrinted reports whether a paper copy of the last receipt reached the
// printer (its print at F12, or a copy since), as the store recorded it.
func (s *Session) LastPrinted() bool {
	_, seq := s.Last()
	n, _, err := s.store.Printed(seq)
	return seq != 0 && err == nil && n > 0
}

// PrintLast prints the last receipt when no copy of it has reached the
// printer yet (its print failed): the customer's first copy, not a
// reprint, so no manager approves it; it opens the drawer as the first
// copy does. Once a copy has printed it refuses (Reprint is the way).
func (s *Session) PrintLast() (*pos.Receipt, error) {
	_, seq := s.Last()
	if seq == 0 {
		return nil, pos.Errorf(pos.ENOTFOUND, "no receipt to print")
	}
	if s.LastPrinted() {
		return nil, pos.Errorf(pos.EFORBIDDEN, "receipt already printed: a copy is a reprint and needs a manager")
	}
	rc, err := s.store.Receipt(seq, false, "")
	if err != nil {
		return nil, err
	}
	return rc, s.print(seq, rc)
}

// Reprint prints the last receipt again, marked as a reprint, once a
// manager has approved it with a PIN. Both are logged by the store.
func (s *Session) Reprint(managerID, managerPIN string) (*pos.Receipt, error) {
	_, seq := s.Last()
	if seq == 0 {
		return nil, pos.Errorf(pos.ENOTFOUND, "no receipt to reprint")
	}
	m, err := s.store.Authorize(managerID, managerPIN, pos.RoleManager)
	if err != nil {
		return nil, err
	}
	rc, err := s.store.Receipt(seq, true, m.ID)
	if err != nil {
		return nil, err
	}
	return rc, s.print(seq, rc)
}

// print sends rc (of record seq) to the printer and, once it printed,
// tells the store, so a later copy is marked 重印 and the first copy that
// reaches paper is the one that opens the drawer. Failing to note it only
// means the next copy counts as the first.
func (s *Session) print(seq uint64, rc *pos.Receipt) error {
	if s.printer == nil {
		return nil
	}
	if err := s.printer.PrintReceipt(rc); err != nil {
		return errors.Join(ErrPrint, err)
	}
	s.store.MarkPrinted(seq)
	return nil
}

// Settlement previews what the basket costs with the vouchers applied. An
// error means the sale cannot be completed as it stands (e.g. vouchers but no
// eligible goods), and says why.
func (s *Session) Settlement() (pos.Settlement, error) {
	trust, err := s.store.Trust()
	if err != nil {
		return pos.Settlement{}, err
	}
	s.mu.Lock()
	lines, vs := append([]pos.Line(nil), s.lines...), append([]*pos.Voucher(nil), s.vouchers...)
	s.mu.Unlock()
	return pos.Settle(lines, vs, trust)
}

// ErrEmpty is returned by Complete on an empty basket.
var ErrEmpty = pos.Errorf(pos.EINVALID, "empty basket")

// Complete commits the sale, then prints its receipt. A print failure does
// not undo the sale: it is returned with the receipt so the cashier can
// reprint. No cash tendered is recorded (see CompleteCash).
func (s *Session) Complete() (*pos.Receipt, error) { return s.CompleteCash(0) }

// CompleteCash is Complete with the cash the customer handed over for the
// self-paid part (实收, from the tender dialog): the store checks it covers
// the self-paid part and records it with the change (找零), which the
// receipt prints. tendered is for this sale only: the session keeps no
// tendered amount, so nothing of it survives a cancel, a hold or the sale.
// tendered 0 records none; a tendered amount with a non-cash method, or
// on a sale the vouchers pay in full, is refused by the store.
func (s *Session) CompleteCash(tendered pos.Money) (*pos.Receipt, error) {
	s.mu.Lock()
	sale := Sale{Lines: append([]pos.Line(nil), s.lines...), Codes: append([]string(nil), s.codes...), Method: s.method, Tendered: tendered}
	if s.cashier != nil {
		sale.Cashier = s.cashier.ID
	}
	s.mu.Unlock()
	sale.Manual, sale.Manager = s.Manual()
	if len(sale.Lines) == 0 {
		return nil, ErrEmpty
	}
	if _, err := s.Settlement(); err != nil {
		return nil, err
	}
	seq, rc, err := s.store.Commit(sale)
	if err != nil {
		s.mu.Lock()
		s.verdict = refusal(err)
		s.mu.Unlock()
		s.changed()
		return nil, err
	}
	s.mu.Lock()
	s.last, s.lastSeq = rc, seq
	s.lines, s.vouchers, s.codes, s.manual = nil, nil, nil, nil
	s.verdict = Verdict{}
	s.method = pos.PayCash
	s.mu.Unlock()
	s.changed()
	return rc, s.print(seq, rc)
}

// ErrPrint marks a sale that was recorded but not printed.
var ErrPrint = errors.New("sale recorded, receipt not printed")

// Cancel empties the sale; nothing is recorded.
func (s *Session) Cancel() {
	s.mu.Lock()
	s.lines, s.vouchers, s.codes, s.manual = nil, nil, nil, nil
	s.verdict = Verdict{}
	s.mu.Unlock()
	s.changed()
}

// Clock is implemented by a Store whose clock stamps the sales (the
// terminal's, checked against the server's): the basket judges a
// product's certification on the day the commit will.
type Clock interface {
	Now() time.Time
}

// now is the store's clock, or the machine's.
func (s *Session) now() time.Time {
	if c, ok := s.store.(Clock); ok {
		return c.Now()
	}
	return time.Now()
}
