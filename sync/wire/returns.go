package wire

import (
	"time"

	"fupinpos/pos"
)

// ReturnRequest asks the server to agree to a return: the return record
// (pos.KindReturn) the terminal prepared as its next ledger entry, signed
// like every entry. The record's sale is seq Returns of its SaleTerminal
// (empty: of the same terminal), a terminal of the same store: goods come
// back at any counter of the store that sold them (the terminal learns
// the sale and its earlier returns by PathSale first). The terminal's
// earlier records must all be held by the server (upload the outbox first). Sending the same entry again is safe:
// it is answered as before and counted once.
type ReturnRequest struct {
	Entry pos.Entry `json:"entry"`
}

// Return results beyond pos.UploadAccepted and pos.UploadDuplicate (the
// same entry agreed before): the server refused the return and holds
// nothing at its seq; Reason is a pos error code (e.g. campaign_closed
// after the redemption window, conflict for goods already taken back,
// sync_required when the outbox or the trust list is behind) and Params
// its message parameters.
const ReturnRefused pos.UploadResult = "refused"

// ReturnResponse answers a return. On accepted or duplicate the server
// holds the entry at Seq in its ledger, has applied it (the vouchers it
// reinstates are valid again in the status feed) and the terminal must
// append exactly that entry. The amounts repeat the record's, as agreed:
// Refund is the self-paid part refunded by Method, Reinstated the face
// value of the vouchers given back (Vouchers), Forfeited the voucher value
// lost; no voucher value is ever refunded in cash.
type ReturnResponse struct {
	Result     pos.UploadResult  `json:"result"`
	Reason     string            `json:"reason,omitempty"`
	Detail     string            `json:"detail,omitempty"`
	Params     map[string]string `json:"params,omitempty"`
	Seq        uint64            `json:"seq"`
	Receipt    string            `json:"receipt"`
	Refund     pos.Money         `json:"refund"`
	Method     pos.PayMethod     `json:"method,omitempty"`
	Reinstated pos.Money         `json:"reinstated"`
	Forfeited  pos.Money         `json:"forfeited"`
	Vouchers   []pos.VoucherID   `json:"vouchers,omitempty"`
	ServerTime time.Time         `json:"server_time"`
}

// SaleRequest asks the server for a sale of the asking terminal's store
// by its receipt number as printed (T02-000042), to take goods of it back
// (退货) at this terminal: the server holds the sale of every terminal
// that uploaded it, and every return agreed against it at any terminal.
type SaleRequest struct {
	Receipt string `json:"receipt"`
}

// SaleFound is the result of a SaleRequest the server answered with the
// sale.
const SaleFound pos.UploadResult = "found"

// SaleResponse answers a SaleRequest. With Result SaleFound, Sale is the
// sale's ledger entry as its terminal signed it and Returns the entries of
// the returns the server agreed to against it, at any terminal, in the
// order it agreed to them: what pos.StateOf replays and pos.Resettle
// settles the next return on, as the server will. With ReturnRefused,
// Reason is a pos error code: not_found (the server holds no such sale:
// not uploaded yet, or no such number), return_elsewhere (a sale of
// another store; Params store), conflict (voided, or held for review),
// and Params/Detail say more; nothing else is set.
type SaleResponse struct {
	Result     pos.UploadResult  `json:"result"`
	Reason     string            `json:"reason,omitempty"`
	Detail     string            `json:"detail,omitempty"`
	Params     map[string]string `json:"params,omitempty"`
	Sale       *pos.Entry        `json:"sale,omitempty"`
	Returns    []pos.Entry       `json:"returns,omitempty"`
	ServerTime time.Time         `json:"server_time"`
}
