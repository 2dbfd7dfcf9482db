package escpos

import (
	"fmt"
	"strings"

	"fupinpos/pos"
)

// TimeLayout is how receipts print times; receipts always show China
// Standard Time, whatever the terminal's zone.
const TimeLayout = "2006-01-02 15:04:05"

// Receipt lays out r for profile p and returns the ESC/POS bytes: header
// (store, counter, terminal, receipt number, CST time, cashier), each line
// (name, origin county and village, quantity × price, amount; the units of
// a designated-point product; "※仅自费" and why, for a line no voucher of
// the sale paid: pos.Receipt.Note), the total and, when some goods are not
// certified, its split into certified and non-certified goods
// (pos.Receipt.Split; a receipt of certified goods only stays two lines
// shorter: the 2 KB goal of a 10-line receipt), each voucher
// (masked id, issuing unit, face and applied value), the forfeited amount,
// the self-paid amount and method, the cash tendered and the change (实收,
// 找零) when the cashier keyed the cash in (Tendered > 0; the change is only
// ever on the self-paid part), the campaign's no-change notice and the
// audit QR code. Reprints carry "重印 REPRINT"; a void slip (Kind void)
// says what it cancels and shows the amounts taken back. A copy of a sale
// voided since (VoidedBy) carries "已作废 VOIDED" at its head and foot and
// says it is no proof of purchase. With a cash self-paid part on a sale
// (not voided, first copy), a profile with Drawer kicks the cash drawer.
//
// labels translates the fixed words (nil: Chinese). No character fails a
// receipt: a line with text the printer cannot print (outside GB18030's
// two-byte repertoire, e.g. 𠮷 in a name) prints as an image of the text,
// or with the substitute □ (see Writer.Line), never as garbage on paper.
func Receipt(r *pos.Receipt, p Profile, labels Labels) ([]byte, error) {
	if r == nil {
		return nil, pos.Errorf(pos.EINVALID, "no receipt to print")
	}
	if r.Kind == pos.KindReturn {
		return ReturnSlip(r, p, labels)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	l := labelsOr(labels)
	w := NewWriter(p)
	cols := p.Columns
	void := r.Kind == pos.KindVoid
	sign := pos.Money(1)
	if void {
		sign = -1
	}

	w.Init()
	w.Align(AlignCenter)
	w.Bold(true)
	w.Size(1, 2)
	w.Lines(Wrap(r.StoreName, cols))
	w.Size(1, 1)
	w.Lines(Wrap(tr(l, "receipt.title"), cols))
	if void {
		stamp(w, tr(l, "receipt.void"), cols)
	}
	voided := !void && r.VoidedBy != ""
	if voided {
		stamp(w, tr(l, "receipt.voided"), cols)
	}
	if r.Reprint {
		stamp(w, tr(l, "receipt.reprint"), cols)
	}
	w.Bold(false)
	w.Align(AlignLeft)

	w.Lines(LeftRight(label(l, "receipt.counter", r.Counter), label(l, "receipt.terminal", r.Terminal), cols))
	w.Lines(Wrap(label(l, "receipt.number", r.Number), cols))
	if void && r.Voids != "" {
		w.Lines(Wrap(label(l, "receipt.voids", r.Voids), cols))
	}
	if voided {
		w.Bold(true)
		w.Lines(Wrap(label(l, "receipt.voided_by", r.VoidedBy), cols))
		w.Bold(false)
	}
	w.Lines(Wrap(label(l, "receipt.time", r.Time.In(pos.CST).Format(TimeLayout)), cols))
	w.Lines(Wrap(label(l, "receipt.cashier", r.Cashier), cols))

	if len(r.Lines) > 0 {
		w.Line(rule(cols))
		w.Lines(LeftRight(tr(l, "receipt.items"), tr(l, "receipt.amount"), cols))
		for i, ln := range r.Lines {
			w.Lines(Wrap(ln.Name, cols))
			detail := fmt.Sprintf("%d%s×%s", ln.Qty, ln.Unit, ln.Price)
			if origin := strings.TrimSpace(ln.County + " " + ln.Village); origin != "" {
				detail = origin + " " + detail
			}
			w.Lines(LeftRight("  "+detail, (sign * ln.Amount()).String(), cols))
			if ln.Origin == pos.OriginDesignated {
				w.Lines(Indent("  ", label(l, "receipt.designated", unitNames(r, ln.Units)), cols))
			}
			if note := r.Note(i); note != "" {
				w.Lines(Indent("  ", "※"+tr(l, "receipt.self_pay_only")+": "+tr(l, "reason."+note), cols))
			}
		}
	}
	w.Line(rule(cols))
	w.Bold(true)
	w.Lines(LeftRight(tr(l, "receipt.total"), (sign * r.Total).String(), cols))
	w.Bold(false)
	if certified, other := r.Split(); other != 0 {
		w.Lines(LeftRight("  "+tr(l, "receipt.certified"), (sign * certified).String(), cols))
		w.Lines(LeftRight("  "+tr(l, "receipt.not_certified"), (sign * other).String(), cols))
	}

	if len(r.Vouchers) > 0 {
		w.Line(rule(cols))
		w.Lines(Wrap(fmt.Sprintf("%s (%d)", tr(l, "receipt.vouchers"), len(r.Vouchers)), cols))
		for _, v := range r.Vouchers {
			w.Lines(LeftRight("  "+v.Masked, tr(l, "receipt.voucher_face")+" "+v.Face.String(), cols))
			if v.Unit != "" {
				w.Lines(Indent("    ", label(l, "receipt.voucher_unit", v.Unit), cols))
			}
			w.Lines(LeftRight("    "+tr(l, "receipt.voucher_applied"), (sign * v.Applied).String(), cols))
			if v.Forfeited != 0 {
				w.Lines(LeftRight("    "+tr(l, "receipt.forfeited"), (sign * v.Forfeited).String(), cols))
			}
		}
		w.Line(rule(cols))
		w.Lines(LeftRight(tr(l, "receipt.voucher_amount"), (sign * r.VoucherAmount).String(), cols))
	}
	if r.Forfeited != 0 {
		w.Lines(LeftRight(tr(l, "receipt.forfeited"), (sign * r.Forfeited).String(), cols))
	}
	paid := tr(l, "receipt.self_paid")
	if r.Method != pos.PayNone && r.SelfPaid != 0 {
		paid += " (" + tr(l, "pay."+string(r.Method)) + ")"
	}
	w.Bold(true)
	w.Lines(LeftRight(paid, (sign * r.SelfPaid).String(), cols))
	w.Bold(false)
	if r.Tendered > 0 && !void {
		w.Lines(LeftRight(tr(l, "label.tendered"), r.Tendered.String(), cols))
		w.Lines(LeftRight(tr(l, "label.change"), r.Change.String(), cols))
	}

	if len(r.Vouchers) > 0 || r.VoucherAmount != 0 {
		w.Line(rule(cols))
		w.Align(AlignCenter)
		w.Lines(Wrap(tr(l, "receipt.notice"), cols))
		w.Align(AlignLeft)
	}
	if voided {
		w.Align(AlignCenter)
		stamp(w, tr(l, "receipt.voided"), cols)
		w.Align(AlignLeft)
	}
	auditQR(w, r.AuditCode, cols)
	w.Feed(3)
	// The drawer opens as the receipt is cut, and the cut stays the last
	// command of the job (a printer, or the simulator, ends a job there).
	if p.Drawer && !void && !voided && !r.Reprint && r.Method == pos.PayCash && r.SelfPaid > 0 {
		w.Drawer()
	}
	w.Cut()
	return w.Bytes()
}

// unitNames joins the names of the work units ids (from r.UnitNames, or
// "#id" when the receipt does not name one) with 、.
func unitNames(r *pos.Receipt, ids []uint32) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		if n := r.UnitNames[id]; n != "" {
			names[i] = n
		} else {
			names[i] = fmt.Sprintf("#%d", id)
		}
	}
	return strings.Join(names, "、")
}

// label returns "<translated key>: value", the form of every header line.
func label(l Labels, key, value string) string {
	return tr(l, key) + ": " + value
}

// rule is a full-width dashed line.
func rule(cols int) string { return strings.Repeat("-", cols) }

// auditQR prints a receipt's audit code (the ledger record it traces to) as
// a QR code with the text under it, on every slip that has one.
func auditQR(w *Writer, code string, cols int) {
	if code == "" {
		return
	}
	w.Feed(1)
	w.Align(AlignCenter)
	w.QR(code, ECMedium)
	w.Lines(Wrap(code, cols))
	w.Align(AlignLeft)
}

// stamp prints a double-height "** text **" line (作废, 重印) across the slip.
func stamp(w *Writer, text string, cols int) {
	w.Size(1, 2)
	w.Lines(Wrap("** "+text+" **", cols))
	w.Size(1, 1)
}
