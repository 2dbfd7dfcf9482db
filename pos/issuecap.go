package pos

import "time"

// IssueItem is one voucher of an issuance batch as the issuance rule sees
// it: whose it is and what it is worth.
type IssueItem struct {
	Member string    // the member id, normalised, for messages
	Holder HolderRef // the holder reference the cap counts by
	Value  Money
}

// CheckIssuance is the one rule of issuance, the same for every storage
// engine: at (whole seconds, InWindow) must be inside the campaign's issue
// window (ECAMPAIGNCLOSED), every value must be between ￥0.01 and the cap
// (EINVALID), and no member's issued total, what issued already holds for
// the holder plus the batch's vouchers in order, may pass the campaign's
// per-person cap (ECAPEXCEEDED, naming the first member who would). A
// refusal refuses the whole batch. issued holds the totals before the
// batch; a holder it lacks has none. It is pure: storage runs it with the
// totals read under the lock that makes the batch atomic.
func CheckIssuance(c *Campaign, at time.Time, issued map[HolderRef]Money, batch []IssueItem) error {
	if !c.Issuable(at) {
		return Errorf(ECAMPAIGNCLOSED, "campaign %d issues from %s until %s, not at %s", c.ID,
			DayOf(c.IssueFrom), DayOf(c.IssueUntil), at.In(CST).Format(time.DateTime)).With("campaign", c.Name).
			Say("issue_window", "from", DayOf(c.IssueFrom), "until", DayOf(c.IssueUntil), "at", at.In(CST).Format(time.DateTime))
	}
	running := make(map[HolderRef]Money, len(batch))
	for _, it := range batch {
		if it.Value <= 0 || it.Value > c.Cap {
			return Errorf(EINVALID, "value %s must be between ￥0.01 and the cap %s", it.Value, c.Cap).With("value", it.Value.String()).With("cap", c.Cap.String()).Say("value_range")
		}
		total, ok := running[it.Holder]
		if !ok {
			total = issued[it.Holder]
		}
		total += it.Value
		running[it.Holder] = total
		if total > c.Cap {
			return Errorf(ECAPEXCEEDED, "member %s would hold %s, over the %s cap", it.Member, total, c.Cap).
				With("total", total.String()).With("cap", c.Cap.String())
		}
	}
	return nil
}
