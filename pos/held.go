package pos

import "time"

// HeldSale is a basket the cashier parked (挂单) to serve the next customer,
// kept in the terminal database until it is taken back (取单), so it
// survives a restart. Its vouchers are codes only: nothing is redeemed or
// recorded in the ledger until the sale is completed.
type HeldSale struct {
	ID      uint64    `json:"id"`
	Cashier string    `json:"cashier"`
	Time    time.Time `json:"time"`
	Lines   []Line    `json:"lines"`
	Codes   []string  `json:"codes,omitempty"`
	Method  PayMethod `json:"method,omitempty"`
	// Manual and Manager carry a manager's approval of a hand-typed code
	// in the basket across the hold.
	Manual  bool   `json:"manual,omitempty"`
	Manager string `json:"manager,omitempty"`
	// Locked is set on a basket the screen lock parked for its cashier,
	// whose next login takes it back.
	Locked bool `json:"locked,omitempty"`
}

// MaxHeldSales is how many baskets one terminal keeps parked at once.
const MaxHeldSales = 9
