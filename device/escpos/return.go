package escpos

import (
	"fmt"
	"strings"

	"fupinpos/pos"
)

// ReturnSlip lays out a return slip (退货单, r.Kind pos.KindReturn) for
// profile p: header with the return's number, the original receipt, the
// approving manager and the reason; the goods taken back at their sale
// price; the vouchers touched (value taken back, given back whole or not);
// the voucher value reinstated and forfeited; the self-paid refund and its
// method (the sale's); the notice that voucher value is never refunded in
// cash; the audit QR code. It never opens the cash drawer: a cash refund
// comes out of the drawer by the manager's hand, recorded here. Receipt
// prints a return record through it, so the app and posctl print returns
// by the one path.
func ReturnSlip(r *pos.Receipt, p Profile, labels Labels) ([]byte, error) {
	if r == nil || r.Kind != pos.KindReturn {
		return nil, pos.Errorf(pos.EINVALID, "not a return slip")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	l := labelsOr(labels)
	w := NewWriter(p)
	cols := p.Columns

	w.Init()
	w.Align(AlignCenter)
	w.Bold(true)
	w.Size(1, 2)
	w.Lines(Wrap(r.StoreName, cols))
	w.Lines(Wrap(tr(l, "receipt.return_title"), cols))
	w.Size(1, 1)
	if r.Reprint {
		stamp(w, tr(l, "receipt.reprint"), cols)
	}
	w.Bold(false)
	w.Align(AlignLeft)

	w.Lines(LeftRight(label(l, "receipt.counter", r.Counter), label(l, "receipt.terminal", r.Terminal), cols))
	w.Lines(Wrap(label(l, "receipt.number", r.Number), cols))
	w.Lines(Wrap(label(l, "receipt.returns", r.Returns), cols))
	w.Lines(Wrap(label(l, "receipt.time", r.Time.In(pos.CST).Format(TimeLayout)), cols))
	w.Lines(Wrap(label(l, "receipt.return_manager", ReturnManager(r)), cols))
	if r.Reason != "" {
		w.Lines(Wrap(label(l, "receipt.return_reason", r.Reason), cols))
	}

	w.Line(rule(cols))
	w.Lines(LeftRight(tr(l, "receipt.items"), tr(l, "receipt.amount"), cols))
	for _, ln := range r.Lines {
		w.Lines(Wrap(ln.Name, cols))
		detail := fmt.Sprintf("%d%s×%s", ln.Qty, ln.Unit, ln.Price)
		if origin := strings.TrimSpace(ln.County + " " + ln.Village); origin != "" {
			detail = origin + " " + detail
		}
		w.Lines(LeftRight("  "+detail, ln.Amount().String(), cols))
	}
	w.Line(rule(cols))
	w.Bold(true)
	w.Lines(LeftRight(tr(l, "receipt.return_total"), r.Total.String(), cols))
	w.Bold(false)

	if len(r.Vouchers) > 0 {
		w.Line(rule(cols))
		w.Lines(Wrap(fmt.Sprintf("%s (%d)", tr(l, "receipt.vouchers"), len(r.Vouchers)), cols))
		for _, v := range r.Vouchers {
			w.Lines(LeftRight("  "+v.Masked, tr(l, "receipt.voucher_face")+" "+v.Face.String(), cols))
			if v.Unit != "" {
				w.Lines(Indent("    ", label(l, "receipt.voucher_unit", v.Unit), cols))
			}
			w.Lines(LeftRight("    "+tr(l, "receipt.voucher_taken_back"), v.Applied.String(), cols))
			state := "receipt.voucher_still_spent"
			if v.Reinstated {
				state = "receipt.voucher_reinstated"
			}
			w.Lines(Indent("    ", tr(l, state), cols))
		}
		w.Line(rule(cols))
		w.Lines(LeftRight(tr(l, "receipt.voucher_taken_back"), r.VoucherAmount.String(), cols))
	}
	if r.Reinstated != 0 {
		w.Lines(LeftRight(tr(l, "receipt.reinstated"), r.Reinstated.String(), cols))
	}
	if r.ReturnForfeited != 0 {
		w.Lines(LeftRight(tr(l, "receipt.return_forfeited"), r.ReturnForfeited.String(), cols))
	}
	refund := tr(l, "receipt.refund")
	if r.Method != pos.PayNone && r.SelfPaid != 0 {
		refund += " (" + tr(l, "pay."+string(r.Method)) + ")"
	}
	w.Bold(true)
	w.Lines(LeftRight(refund, r.SelfPaid.String(), cols))
	w.Bold(false)

	w.Line(rule(cols))
	w.Align(AlignCenter)
	w.Lines(Wrap(tr(l, "receipt.return_notice"), cols))
	w.Align(AlignLeft)
	auditQR(w, r.AuditCode, cols)
	w.Feed(3)
	w.Cut()
	return w.Bytes()
}

// ReturnManager names the manager who approved return slip r: "name (id)".
// A return record's cashier is its approving manager, as a void's is, so
// the receipt path resolves the manager's name into r.Cashier as it does
// for a void (pos/bolt.DB.Receipt); the id alone is shown when the name is
// not known (a user since deleted).
func ReturnManager(r *pos.Receipt) string {
	if r.Cashier == "" || r.Cashier == r.Manager {
		return r.Manager
	}
	return r.Cashier + " (" + r.Manager + ")"
}
