package pos

// StatusChange is one voucher's new status as the server announces it: a
// revocation, a redemption at another counter, a suspension, or back to
// valid after a void.
type StatusChange struct {
	Voucher VoucherID     `json:"voucher"`
	Status  VoucherStatus `json:"status"`
}

// HolderChange suspends or reinstates every voucher of one member, e.g.
// after a double spend.
type HolderChange struct {
	Holder    HolderRef `json:"holder"`
	Suspended bool      `json:"suspended"`
}
