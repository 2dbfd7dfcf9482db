package pos

import (
	"slices"
	"strings"
	"testing"
)

var importHeader = []string{"商品编码", "条码", "品名", "单价(元)", "单位", "产地类型", "县", "村", "定点单位",
	"认定证书号", "认定县", "供应商", "统一社会信用代码", "认定有效期至"}

var importUnits = []WorkUnit{{ID: 1001, Name: "合肥市总工会机关"}, {ID: 1004, Name: "合肥工业大学"}}

// goodRows is a valid file: one product of each origin kind.
func goodRows() [][]string {
	return [][]string{
		importHeader,
		{"DS-PEAR-5", "6937777001005", "砀山酥梨 5斤装", "39.90", "箱", "贫困县", "砀山县", "", "", "皖扶贫认〔2020〕0117", "砀山县", "砀山县梨业有限公司", "91341321MA2N0QK67Y", "2021-06-30"},
		{"FD-RICE-5", "", "肥东大米 5千克", "45", "袋", "非贫困地区贫困村", "肥东县", "陈集村", "", "皖扶贫认〔2020〕0701", "肥东县", "肥东县粮油公司", "91340122MA2N0QK614", "2021/6/30"},
		{"YX-TEA-DP", "6937777001029", "岳西翠兰 定点", "128.00", "罐", "定点扶贫点", "岳西县", "", "1004、合肥市总工会机关", "皖扶贫认〔2020〕0210", "岳西县", "岳西县茶业公司", "91340828MA2N0QK635", "2021年6月30日"},
	}
}

// edit returns goodRows with cell (row, header) set to v.
func edit(row int, header, v string) [][]string {
	rows := goodRows()
	rows[row][slices.Index(importHeader, header)] = v
	return rows
}

// TestImportCatalogue: a good file gives its products with origins and
// certifications; every kind of bad row is reported with its row, column
// and value, and a file with any bad row gives no products at all.
func TestImportCatalogue(t *testing.T) {
	ps, errs := ImportCatalogue(goodRows(), importUnits)
	if len(errs) > 0 {
		t.Fatalf("good file refused: %v", errs)
	}
	if len(ps) != 3 {
		t.Fatalf("%d products", len(ps))
	}
	pear, rice, tea := ps[0], ps[1], ps[2]
	if pear.Price != 3990 || pear.Origin != "" || !pear.Eligible || pear.Cert == nil || pear.Cert.ValidUntil != "2021-06-30" ||
		pear.Listing != "皖扶贫认〔2020〕0117" || pear.Cert.CreditCode != "91341321MA2N0QK67Y" || pear.Cert.Supplier != "砀山县梨业有限公司" {
		t.Errorf("pear %+v cert %+v", pear, pear.Cert)
	}
	if rice.Origin != OriginPoorVillage || rice.Village != "陈集村" || rice.Price != 4500 || rice.Cert.ValidUntil != "2021-06-30" {
		t.Errorf("rice %+v", rice)
	}
	if tea.Origin != OriginDesignated || !slices.Equal(tea.Units, []uint32{1004, 1001}) || tea.Cert.ValidUntil != "2021-06-30" {
		t.Errorf("tea %+v", tea)
	}
	if err := (&Catalogue{Version: 2, Products: ps}).Validate(); err != nil {
		t.Errorf("imported catalogue does not validate: %v", err)
	}

	type re struct {
		row    int
		column string
		code   string
	}
	tests := []struct {
		name string
		rows [][]string
		want []re
	}{
		{"duplicate SKU", edit(2, "商品编码", "DS-PEAR-5"), []re{{3, "商品编码", ImportDuplicateSKU}}},
		{"duplicate barcode", edit(3, "条码", "6937777001005"), []re{{4, "条码", ImportDuplicateEAN}}},
		{"bad barcode check digit", edit(1, "条码", "6937777001006"), []re{{2, "条码", ImportBadBarcode}}},
		{"barcode as a number", edit(1, "条码", "6.937777001005E+12"), []re{{2, "条码", ImportBadBarcode}}},
		{"missing certificate number", edit(1, "认定证书号", ""), []re{{2, "认定证书号", ImportNoCert}}},
		{"bad credit code", edit(2, "统一社会信用代码", "91340122MA2N0QK615"), []re{{3, "统一社会信用代码", ImportBadCreditCode}}},
		{"credit code with O for 0", edit(2, "统一社会信用代码", "9134O122MA2N0QK614"), []re{{3, "统一社会信用代码", ImportBadCreditCode}}},
		{"missing credit code", edit(2, "统一社会信用代码", ""), []re{{3, "统一社会信用代码", ImportMissing}}},
		{"bad date", edit(1, "认定有效期至", "2021-02-30"), []re{{2, "认定有效期至", ImportBadDate}}},
		{"date as words", edit(1, "认定有效期至", "长期"), []re{{2, "认定有效期至", ImportBadDate}}},
		{"missing date", edit(1, "认定有效期至", ""), []re{{2, "认定有效期至", ImportMissing}}},
		{"price with three decimals", edit(1, "单价(元)", "39.999"), []re{{2, "单价(元)", ImportBadPrice}}},
		{"zero price", edit(1, "单价(元)", "0"), []re{{2, "单价(元)", ImportBadPrice}}},
		{"price in words", edit(1, "单价(元)", "三十九"), []re{{2, "单价(元)", ImportBadPrice}}},
		{"missing name", edit(1, "品名", ""), []re{{2, "品名", ImportMissing}}},
		{"missing county", edit(1, "县", ""), []re{{2, "县", ImportMissing}}},
		{"SKU with a space", edit(1, "商品编码", "DS PEAR"), []re{{2, "商品编码", ImportBadSKU}}},
		{"unknown origin", edit(1, "产地类型", "外省"), []re{{2, "产地类型", ImportBadOrigin}}},
		{"poor village without village", edit(2, "村", ""), []re{{3, "村", ImportMissing}}},
		{"designated without units", edit(3, "定点单位", ""), []re{{4, "定点单位", ImportMissing}}},
		{"unknown designated unit", edit(3, "定点单位", "1004,9999"), []re{{4, "定点单位", ImportBadUnit}}},
		{"units on a county product", edit(1, "定点单位", "1004"), []re{{2, "定点单位", ImportUnitsNotAllowed}}},
		{"missing supplier", edit(1, "供应商", ""), []re{{2, "供应商", ImportMissing}}},
		{"two bad rows, both reported", func() [][]string {
			r := edit(1, "认定证书号", "")
			r[3][slices.Index(importHeader, "统一社会信用代码")] = "91340828MA2N0QK636"
			return r
		}(), []re{{2, "认定证书号", ImportNoCert}, {4, "统一社会信用代码", ImportBadCreditCode}}},
		{"missing column", func() [][]string {
			r := goodRows()
			r[0] = slices.Clone(importHeader)
			r[0][slices.Index(importHeader, "统一社会信用代码")] = "信用"
			return r
		}(), []re{{1, "统一社会信用代码", ImportMissingColumn}}},
		{"duplicate column", func() [][]string {
			r := goodRows()
			r[0] = slices.Clone(importHeader)
			r[0][slices.Index(importHeader, "村")] = "县"
			return r
		}(), []re{{1, "县", ImportDuplicateColumn}}},
		{"header only", goodRows()[:1], []re{{2, "", ImportEmpty}}},
		{"nothing", nil, []re{{1, "", ImportEmpty}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, errs := ImportCatalogue(tt.rows, importUnits)
			if ps != nil {
				t.Errorf("%d products imported from a bad file", len(ps))
			}
			var got []re
			for _, e := range errs {
				got = append(got, re{e.Row, e.Column, e.Code})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("errors %v, want %v", errs, tt.want)
			}
		})
	}
}

// TestImportCatalogueLayout: headers in another order, with full-width
// brackets, required marks and spaces; blank rows skipped; optional columns
// (英文品名, 类别, 可用券); a product marked 否 needs no certification; a
// credit code typed in lower case is taken in capitals.
func TestImportCatalogueLayout(t *testing.T) {
	rows := [][]string{
		{"品名", "＊商品编码", "单价（元）", " 单位 ", "类别", "可用券", "产地类型", "县", "认定证书号", "认定县", "供应商", "统一社会信用代码", "认定有效期至", "英文品名"},
		{"环保购物袋", "BAG-ECO", "2", "个", "购物袋", "否", "", "合肥市", "", "", "", "", "", "Eco bag"},
		{"", "", "", "", "", "", "", "", "", "", "", "", "", ""},
		{"砀山酥梨", "DS-PEAR-5", "￥39.9", "箱", "水果", "是", "", "砀山县", "皖扶贫认〔2020〕0117", "砀山县", "砀山县梨业有限公司", "91341321ma2n0qk67y", "20210630", ""},
	}
	ps, errs := ImportCatalogue(rows, nil)
	if len(errs) > 0 {
		t.Fatalf("refused: %v", errs)
	}
	if len(ps) != 2 || ps[0].Eligible || ps[0].Cert != nil || ps[0].NameEn != "Eco bag" || ps[0].Category != "购物袋" ||
		!ps[1].Eligible || ps[1].Price != 3990 || ps[1].Cert.CreditCode != "91341321MA2N0QK67Y" || ps[1].Cert.ValidUntil != "2021-06-30" {
		t.Errorf("products %+v", ps)
	}
	rows[1][5] = "不"
	if _, errs := ImportCatalogue(rows, nil); len(errs) != 1 || errs[0].Code != ImportBadFlag || errs[0].Row != 2 {
		t.Errorf("bad 可用券: %v", errs)
	}
}

// TestParseImportDay: the day formats of the layout, and what is refused.
func TestParseImportDay(t *testing.T) {
	for in, want := range map[string]string{
		"2021-12-31": "2021-12-31", "2021/12/31": "2021-12-31", "2021/1/5": "2021-01-05", "2021.01.05": "2021-01-05",
		"2021年1月5日": "2021-01-05", "20210105": "2021-01-05", " 2021-12-31 ": "2021-12-31",
		"2021-02-29": "", "2021-13-01": "", "31/12/2021": "", "12-31-21": "", "1899-12-31": "", "44561": "", "": "",
	} {
		got, err := ParseImportDay(in)
		if got != want || (err == nil) != (want != "") {
			t.Errorf("ParseImportDay(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// TestRowErrorText: the English detail names row, SKU, column and value.
func TestRowErrorText(t *testing.T) {
	e := RowError{Row: 3, SKU: "A", Column: "商品编码", Code: ImportDuplicateSKU, Value: "A", Other: 2}
	if s := e.Error(); !strings.Contains(s, "row 3 (A) 商品编码: duplicate_sku \"A\", as in row 2") {
		t.Errorf("%s", s)
	}
	if p := e.Params(); p["row"] != "3" || p["other"] != "2" || p["column"] != "商品编码" {
		t.Errorf("%v", p)
	}
}
