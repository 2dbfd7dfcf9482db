package main

import (
	"bytes"
	"strings"
	"testing"

	"fupinpos/assets"
	"fupinpos/pos/report"
	"fupinpos/sync/wire"
)

// splitReport is a day with a forfeit, the three origin kinds, an expired
// certification and a record under review.
func splitReport() *wire.Report {
	return &wire.Report{Day: "2020-09-16", Sales: 3, Voids: 1, Vouchers: 3, Total: 30850, VoucherAmount: 17800, Forfeited: 2200, SelfPaid: 13050,
		Certified: 24800, NonCertified: 6050,
		ByUnit:      []report.Row{{Key: "1002", Label: "合肥供电公司", Count: 1, Sales: 1, Vouchers: 2, Amount: 15000, Face: 15000, Voucher: 15000}, {Key: "1001", Label: "合肥市总工会机关", Count: 1, Sales: 1, Vouchers: 1, Amount: 2800, Face: 5000, Voucher: 2800, Forfeited: 2200}},
		ByStore:     []report.Row{{Key: "HF-001", Label: "HF-001", Count: 2, Amount: 30850, Voucher: 17800, Forfeited: 2200, SelfPaid: 13050}},
		ByProduct:   []report.Row{{Key: "TEA", Label: "定点茶", Count: 1, Qty: 1, Amount: 12800}},
		ByCounty:    []report.Row{{Key: "金寨县", Label: "金寨县", Count: 1, Qty: 1, Amount: 12800}},
		ByOrigin:    []report.Row{{Key: "poverty_county", Label: "poverty_county", Count: 1, Qty: 2, Amount: 7980}, {Key: "designated_point", Label: "designated_point", Count: 2, Qty: 2, Amount: 18800}, {Key: "-", Label: "-", Count: 1, Qty: 1, Amount: 50}},
		ByCertified: []report.Row{{Key: "certified", Label: "certified", Count: 2, Qty: 3, Amount: 24800}, {Key: "cert_expired", Label: "cert_expired", Count: 1, Qty: 1, Amount: 6000}, {Key: "not_eligible", Label: "not_eligible", Count: 1, Qty: 1, Amount: 50}},
		Review:      []report.Row{{Key: "redeemed_elsewhere", Label: "redeemed_elsewhere", Count: 1, Amount: 5000, Voucher: 5000}},
	}
}

// TestReportOutputSplit: the settlement report's CSV keeps its columns
// (vouchers added last: a work unit's count is of sales, like every row's)
// and the rows it had, and adds the origin kinds and the certified split
// with translated labels; the text shows certified against non-certified
// goods and a work unit's face value beside its applied value.
func TestReportOutputSplit(t *testing.T) {
	r := splitReport()
	var c, txt bytes.Buffer
	if err := writeReportCSV(&c, r, assets.For("zh_CN.UTF-8")); err != nil {
		t.Fatal(err)
	}
	want := `section,key,label,count,qty,amount_fen,voucher_fen,forfeited_fen,self_paid_fen,vouchers
total,2020-09-16,,2,,30850,17800,2200,13050,3
by_unit,1002,合肥供电公司,1,0,15000,15000,0,0,2
by_unit,1001,合肥市总工会机关,1,0,2800,2800,2200,0,1
by_store,HF-001,HF-001,2,0,30850,17800,2200,13050,
by_product,TEA,定点茶,1,1,12800,0,0,0,
by_county,金寨县,金寨县,1,1,12800,0,0,0,
review,redeemed_elsewhere,redeemed_elsewhere,1,0,5000,5000,0,0,
by_origin,poverty_county,贫困县,1,2,7980,0,0,0,
by_origin,designated_point,定点扶贫点,2,2,18800,0,0,0,
by_origin,-,非扶贫产品,1,1,50,0,0,0,
by_certified,certified,认定产品,2,3,24800,0,0,0,
by_certified,cert_expired,扶贫产品认定已过期,1,1,6000,0,0,0,
by_certified,not_eligible,非扶贫产品，不可用券,1,1,50,0,0,0,
`
	if c.String() != want {
		t.Errorf("csv:\n%s\nwant\n%s", c.String(), want)
	}
	if err := writeReportText(&txt, r, assets.For("zh_CN.UTF-8")); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(txt.String(), "\n")
	has := func(prefix string, cells ...string) {
		t.Helper()
		for _, l := range lines {
			if strings.HasPrefix(l, prefix) && strings.Join(strings.Fields(l[len(prefix):]), " ") == strings.Join(cells, " ") {
				return
			}
		}
		t.Errorf("text lacks %s %v:\n%s", prefix, cells, txt.String())
	}
	has("认定产品", "￥248.00", "非认定（自费）", "￥60.50")
	has("按发券单位", "笔数", "面额", "券抵扣")
	has("合肥市总工会机关", "1", "￥50.00", "￥28.00")
	has("定点扶贫点", "2", "￥188.00", "-")
	has("扶贫产品认定已过期", "1", "￥60.00", "-")
}
