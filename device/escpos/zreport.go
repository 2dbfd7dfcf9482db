package escpos

import (
	"fmt"
	"strconv"

	"fupinpos/pos"
	"fupinpos/pos/report"
)

// ZReport lays out the closing report of one CST day for profile p: the
// day's counts and totals (sales, voids, net count, vouchers, voucher value applied
// and forfeited, self-paid), then each breakdown — issuing work unit,
// product, origin county, cashier, hour, self-paid method — one row per
// key with its count and amount right-aligned. labels translates the fixed
// words (nil: Chinese).
func ZReport(d *report.Day, p Profile, labels Labels) ([]byte, error) {
	if d == nil {
		return nil, pos.Errorf(pos.EINVALID, "no day report to print")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	l := labelsOr(labels)
	cols := p.Columns
	w := NewWriter(p)
	w.Init()
	w.Align(AlignCenter)
	w.Bold(true)
	w.Size(1, 2)
	w.Lines(Wrap(tr(l, "receipt.zreport"), cols))
	w.Size(1, 1)
	w.Bold(false)
	if d.Store != "" {
		w.Lines(Wrap(d.Store, cols))
	}
	w.Align(AlignLeft)
	w.Lines(LeftRight(label(l, "receipt.day", d.Day), label(l, "receipt.terminal", d.Terminal), cols))
	w.Line(rule(cols))
	for _, kv := range []struct {
		key, value string
	}{
		{"report.sales", strconv.Itoa(d.Sales)},
		{"report.voids", strconv.Itoa(d.Voids)},
		{"report.net", strconv.Itoa(d.Net)},
		{"label.total", d.Total.String()},
		{"receipt.voucher_count", strconv.Itoa(d.Vouchers)},
		{"label.voucher_amount", d.VoucherAmount.String()},
		{"label.forfeited", d.Forfeited.String()},
		{"label.self_paid", d.SelfPaid.String()},
		{"report.certified", d.Certified.String()},
		{"report.non_certified", d.NonCertified.String()},
	} {
		w.Lines(LeftRight(tr(l, kv.key), kv.value, cols))
	}
	if d.Returns > 0 { // 退货: a count of its own, amounts already net of them
		w.Lines(LeftRight(tr(l, "report.returns"), strconv.Itoa(d.Returns), cols))
	}
	for _, s := range []struct {
		key  string
		rows []report.Row
	}{
		{"report.by_unit", d.ByUnit}, {"report.by_product", d.ByProduct}, {"report.by_county", d.ByCounty},
		{"report.by_origin", d.ByOrigin}, {"report.by_certified", d.ByCertified},
		{"report.by_cashier", d.ByCashier}, {"report.by_hour", d.ByHour}, {"report.by_method", d.ByMethod},
	} {
		if len(s.rows) == 0 {
			continue
		}
		w.Line(rule(cols))
		w.Bold(true)
		w.Lines(LeftRight(tr(l, s.key), tr(l, "label.count")+" / "+tr(l, "report.amount"), cols))
		w.Bold(false)
		for _, r := range s.rows {
			name, amount := r.Label, r.Amount
			switch s.key {
			case "report.by_method":
				name, amount = methodName(l, r.Key), r.SelfPaid
			case "report.by_unit":
				amount = r.Voucher
			case "report.by_origin":
				name = report.OriginName(func(k string) string { return tr(l, k) }, r.Key)
			case "report.by_certified":
				name = report.CertifiedName(func(k string) string { return tr(l, k) }, r.Key)
			}
			w.Lines(LeftRight(name, fmt.Sprintf("%d  %s", r.Count, amount), cols))
			if s.key == "report.by_unit" && r.Forfeited != 0 {
				w.Lines(LeftRight("  "+tr(l, "label.forfeited"), r.Forfeited.String(), cols))
			}
		}
	}
	w.Line(rule(cols))
	w.Feed(3)
	w.Cut()
	return w.Bytes()
}

// methodName translates a self-paid method key of the report.
func methodName(l Labels, key string) string {
	if key == "" || key == "none" {
		return tr(l, "ui.pay.none")
	}
	return tr(l, "pay."+key)
}
