package ui

import (
	"time"

	"fupinpos/pos"
	"fupinpos/pos/report"
)

// Checker gives the offline verdict on a scanned voucher code. *bolt.DB
// satisfies it.
type Checker interface {
	Check(code string) (*pos.Voucher, error)
}

// Sale is what the cashier asks to commit.
type Sale struct {
	Cashier string
	Lines   []pos.Line
	Codes   []string
	Method  pos.PayMethod
	Manual  bool // a code typed by hand: needs Manager
	Manager string
	// Tendered is the cash handed over for a cash self-paid part (实收),
	// 0 when not keyed in; the store records it with the change.
	Tendered pos.Money
}

// Store is the terminal storage the screens need. cmd/fupinpos adapts
// *bolt.DB to it, so the screens do not depend on the storage package.
type Store interface {
	Checker
	// Commit records the sale durably and returns its ledger sequence
	// number and receipt.
	Commit(s Sale) (uint64, *pos.Receipt, error)
	// Users lists the terminal's users, for the login screen.
	Users() ([]pos.User, error)
	// Login checks a PIN and returns the user.
	Login(id, pin string) (*pos.User, error)
	// Authorize checks a PIN of a user holding one of roles (a manager
	// approving a void or reprint).
	Authorize(id, pin string, roles ...pos.Role) (*pos.User, error)
	// Void cancels the sale with seq and returns the void slip.
	Void(seq uint64, managerID, managerPIN, reason string) (*pos.Receipt, error)
	// Receipt returns the receipt of record seq; reprint marks it (and the
	// store logs the reprint under actor).
	Receipt(seq uint64, reprint bool, actor string) (*pos.Receipt, error)
	// MarkPrinted notes that a copy of record seq's receipt reached the
	// printer: later copies are reprints (重印) and do not open the drawer.
	MarkPrinted(seq uint64) error
	// Printed returns how many paper copies of record seq's receipt reached
	// the printer, and when the first did.
	Printed(seq uint64) (int, time.Time, error)
	// Records calls fn for every ledger record in sequence order.
	Records(fn func(*pos.Record) error) error
	// Catalogue returns the installed eligible-product catalogue.
	Catalogue() (*pos.Catalogue, error)
	// Trust returns the installed trust list.
	Trust() (*pos.TrustList, error)
	// Incidents returns the sales the server found in conflict (a voucher
	// also redeemed at another counter, over the cap) or rejected.
	Incidents() ([]pos.Incident, error)
	// Unlock clears userID's PIN lockout once managerID has approved it
	// with a PIN; the store audits it.
	Unlock(userID, managerID, managerPIN string) error
	// HoldSale parks a basket (挂单) durably and returns it with its id;
	// at most pos.MaxHeldSales are kept.
	HoldSale(h pos.HeldSale) (pos.HeldSale, error)
	// HeldSales lists the parked baskets, oldest first.
	HeldSales() ([]pos.HeldSale, error)
	// TakeHeld removes parked basket id and returns it (取单).
	TakeHeld(id uint64) (*pos.HeldSale, error)
	// ReturnSale returns the sale of this terminal with receipt number no
	// (as printed, e.g. T01-000042) and the returns its ledger holds
	// against it, to take goods of it back (退货): a number of another
	// terminal is pos.EOtherTerminal (the central server holds that sale:
	// Manager.LookupSale), a voided sale pos.ECONFLICT, an unknown number
	// pos.ENOTFOUND.
	ReturnSale(no string) (*pos.SaleReturns, error)
}

// Printer prints a receipt. cmd/fupinpos adapts device/printer and
// device/escpos to it.
type Printer interface {
	PrintReceipt(r *pos.Receipt) error
}

// Devices is the printer side the manager screen uses: the Z report and
// receipt previews (the technician's test page goes through Tech). Previews are PNG images of exactly
// the bytes the printer gets, rendered by the ESC/POS interpreter.
type Devices interface {
	Printer
	PrintZReport(d *report.Day) error
	PreviewReceipt(r *pos.Receipt) ([]byte, error)
}

// Status is what the status bar shows; cmd/fupinpos fills it from the sync
// client and the devices.
type Status struct {
	Online   bool
	Pending  int
	CacheAge time.Duration // since the last successful sync; negative = never
	Printer  string        // ok, offline, paper_out, unknown
	Scanner  string        // ok, disconnected, unknown
}
