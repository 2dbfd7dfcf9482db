package escpos

import (
	"fmt"
	"time"

	"fupinpos/pos"
)

// fixtureReceipt is a fixed sale of n lines with two vouchers, one of them
// partly forfeited, and a cash remainder: every part of the layout shows.
func fixtureReceipt(n int) *pos.Receipt {
	products := []struct {
		name, unit, county string
		price              pos.Money
	}{
		{"富硒小米（5斤装）", "袋", "紫阳县", 4580},
		{"高山核桃", "斤", "镇坪县", 2850},
		{"土蜂蜜 500g", "瓶", "平利县", 6800},
		{"香菇干货礼盒装特级", "盒", "宁陕县", 12800},
		{"黑木耳", "袋", "岚皋县", 3900},
	}
	r := &pos.Receipt{
		StoreName: "安康市工会扶贫专区（汉滨店）",
		Counter:   "1号柜台",
		Terminal:  "T0007",
		Number:    "T0007-000123",
		Time:      time.Date(2025, 3, 14, 6, 26, 53, 0, time.UTC),
		Cashier:   "王小红",
		Kind:      pos.KindSale,
		Method:    pos.PayCash,
		AuditCode: "FPR1:T0007-000123:9f86d081884c7d65",
	}
	for i := 0; i < n; i++ {
		p := products[i%len(products)]
		l := pos.Line{SKU: fmt.Sprintf("69%011d", i), Name: p.name, Unit: p.unit, County: p.county, Price: p.price, Qty: int64(1 + i%3), Eligible: true}
		r.Lines = append(r.Lines, l)
		r.Total += l.Amount()
	}
	r.Vouchers = []pos.ReceiptVoucher{
		{Masked: "****-****0042", Unit: "安康市总工会", Face: 10000, Applied: 10000},
		{Masked: "****-****7315", Unit: "汉滨区教育局工会委员会", Face: 5000, Applied: min(5000, r.Total-10000), Forfeited: 5000 - min(5000, r.Total-10000)},
	}
	for _, v := range r.Vouchers {
		r.VoucherAmount += v.Applied
		r.Forfeited += v.Forfeited
	}
	r.SelfPaid = r.Total - r.VoucherAmount
	return r
}
