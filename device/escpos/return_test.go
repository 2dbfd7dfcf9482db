package escpos

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
)

// returnSlip is a return of a ¥128 tea whose ¥100 voucher is no longer
// needed (reinstated) and ¥28 of the self-paid part refunded by WeChat.
func returnSlip() *pos.Receipt {
	return &pos.Receipt{
		StoreName: "合肥百大扶贫专区", Counter: "1", Terminal: "T01", Number: "T01-000009", Returns: "T01-000003",
		Time: time.Date(2020, 9, 16, 11, 0, 0, 0, pos.CST), Cashier: "李店长", Manager: "2001", Reason: "顾客退货", Kind: pos.KindReturn,
		Lines:         []pos.Line{{SKU: "YX-CUILAN-250", Name: "岳西翠兰", Unit: "盒", County: "岳西县", Price: 12800, Qty: 1, Eligible: true}},
		Total:         12800,
		Vouchers:      []pos.ReceiptVoucher{{Masked: "2020-****42", Unit: "合肥市总工会机关", Face: 10000, Applied: 10000, Reinstated: true}},
		VoucherAmount: 10000, Reinstated: 10000, SelfPaid: 2800, Method: pos.PayWeChat, AuditCode: "FPR1:T01-000009:0123456789abcdef",
	}
}

// TestReturnSlip: the slip names the original receipt and the manager
// (name and id),
// lists the goods back, says the voucher is reinstated, the refund and its
// method, and that voucher value is never cash; it fits the paper and
// never kicks the drawer, even with a cash refund.
func TestReturnSlip(t *testing.T) {
	for _, p := range []Profile{Paper58, Paper80} {
		for _, m := range []pos.PayMethod{pos.PayWeChat, pos.PayCash} {
			r := returnSlip()
			r.Method = m
			p.Drawer = true
			b, err := Receipt(r, p, nil)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Interpret(b, p)
			if err != nil {
				t.Fatal(err)
			}
			text := doc.Text()
			for _, want := range []string{"退货单", "原小票: T01-000003", "经办店长: 李店长 (2001)", "退货原因: 顾客退货", "岳西翠兰", "该券已恢复，可再次使用",
				"券面金额不退现金", "FPR1:T01-000009:0123456789abcdef"} {
				if !strings.Contains(text, want) {
					t.Errorf("%d cols, %s: no %q in\n%s", p.Columns, m, want, text)
				}
			}
			pay := map[pos.PayMethod]string{pos.PayWeChat: "微信", pos.PayCash: "现金"}[m]
			if !slices.ContainsFunc(doc.Lines, func(l string) bool {
				return strings.HasPrefix(l, "退还自付 ("+pay+")") && strings.HasSuffix(l, "￥28.00")
			}) || !slices.ContainsFunc(doc.Lines, func(l string) bool { return strings.HasPrefix(l, "券值恢复") && strings.HasSuffix(l, "￥100.00") }) {
				t.Errorf("%d cols: refund or reinstated line missing in\n%s", p.Columns, text)
			}
			if strings.Contains(text, "-￥") {
				t.Errorf("a return slip prints negative amounts:\n%s", text)
			}
			if len(doc.Overflows) > 0 {
				t.Errorf("%d cols: lines %v overflow", p.Columns, doc.Overflows)
			}
			for _, e := range doc.Events {
				if e.Kind == EventDrawer {
					t.Errorf("%d cols, %s: the slip kicks the drawer", p.Columns, m)
				}
			}
		}
	}
}

// TestReturnManager: the slip names the approving manager by name and id,
// or by id alone when the receipt path found no name.
func TestReturnManager(t *testing.T) {
	for _, c := range []struct{ cashier, manager, want string }{
		{"李店长", "2001", "李店长 (2001)"},
		{"2001", "2001", "2001"},
		{"", "2001", "2001"},
	} {
		r := returnSlip()
		r.Cashier, r.Manager = c.cashier, c.manager
		if got := ReturnManager(r); got != c.want {
			t.Errorf("ReturnManager(%q, %q) = %q, want %q", c.cashier, c.manager, got, c.want)
		}
		b, err := Receipt(r, Paper58, nil)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Interpret(b, Paper58)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(doc.Lines, "经办店长: "+c.want) {
			t.Errorf("no line 经办店长: %s in\n%s", c.want, doc.Text())
		}
	}
}
