package pos

// Change returns the change due when the customer hands over tendered in
// cash for the self-paid part of a sale (实收 − 应收 = 找零). Change is only
// ever given on the self-paid part: a voucher's excess is forfeited, never
// paid out, so the voucher part must not be in selfPaid. Tendering less than
// selfPaid, or a negative amount, is EINVALID.
func Change(selfPaid, tendered Money) (Money, error) {
	switch {
	case selfPaid < 0 || tendered < 0:
		return 0, Errorf(EINVALID, "negative amount: due %s, tendered %s", selfPaid, tendered)
	case tendered < selfPaid:
		return 0, Errorf(EINVALID, "tendered %s is less than the %s due", tendered, selfPaid).
			Say("tendered_short", "due", selfPaid.String(), "tendered", tendered.String())
	}
	return tendered - selfPaid, nil
}
