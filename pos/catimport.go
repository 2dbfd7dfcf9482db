package pos

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// ImportColumn is one column of the catalogue import layout
// (`voucherd catalogue import FILE.xlsx|csv`): its Chinese header, the
// other spellings accepted, and whether the file must have it.
type ImportColumn struct {
	Key      string // field name, for code
	Header   string // the documented Chinese header
	Aliases  []string
	Required bool
	Doc      string // what goes in it, for the documentation
}

// ImportColumns is the documented column layout of a catalogue import file.
// The first row holds the headers, in any order; every other non-blank row
// is one product. Headers are matched after removing spaces and '*' and
// folding full-width brackets, so "单价（元）" is "单价(元)".
var ImportColumns = []ImportColumn{
	{"sku", "商品编码", []string{"SKU", "商品代码"}, true, "unique product code, no spaces or colons"},
	{"ean", "条码", []string{"条形码", "EAN"}, false, "EAN-13 or EAN-8 with a correct check digit (format the column as text), or empty"},
	{"name", "品名", []string{"商品名称", "名称"}, true, "product name as the receipt prints it"},
	{"name_en", "英文品名", nil, false, "English name, optional"},
	{"price", "单价(元)", []string{"单价", "价格(元)"}, true, "price in yuan, at most two decimals, e.g. 39.90"},
	{"unit", "单位", nil, true, "sales unit: 袋, 盒, 斤 …"},
	{"category", "类别", []string{"分类"}, false, "category, optional"},
	{"eligible", "可用券", []string{"可用消费券"}, false, "是 (default) or 否: 否 marks goods sold for the customer's own money only"},
	{"origin", "产地类型", nil, true, "贫困县, 贫困村 (非贫困地区贫困村) or 定点扶贫点 (empty: 贫困县)"},
	{"county", "县", []string{"产地县", "县(区)"}, true, "origin county; may be empty only for goods not for vouchers"},
	{"village", "村", []string{"产地村"}, false, "origin village; required for 贫困村"},
	{"units", "定点单位", nil, false, "for 定点扶贫点 only: the work units (ids or exact names) whose point it is, separated by 、 or ,"},
	{"cert", "认定证书号", []string{"证书号", "认定编号"}, true, "certificate number of the poverty-alleviation product certification"},
	{"cert_county", "认定县", []string{"认定单位"}, true, "county that certified the product"},
	{"supplier", "供应商", []string{"供货企业"}, true, "supplying enterprise"},
	{"credit_code", "统一社会信用代码", []string{"信用代码"}, true, "the supplier's 18-character code (GB 32100-2015 check character)"},
	{"valid_until", "认定有效期至", []string{"有效期至"}, true, "last valid day of the certification: 2021-12-31, 2021/12/31 or 2021年12月31日"},
}

// Row error codes of a catalogue import, translated as "import.<code>".
const (
	ImportMissingColumn   = "missing_column"   // a required header is absent
	ImportDuplicateColumn = "duplicate_column" // two columns with the same header
	ImportEmpty           = "empty"            // no product rows
	ImportMissing         = "missing"          // a required cell is empty
	ImportNoCert          = "no_cert"          // a voucher-eligible product without a certificate number
	ImportBadSKU          = "bad_sku"
	ImportDuplicateSKU    = "duplicate_sku"
	ImportBadBarcode      = "bad_barcode"
	ImportDuplicateEAN    = "duplicate_barcode"
	ImportBadPrice        = "bad_price"
	ImportBadDate         = "bad_date"
	ImportBadCreditCode   = "bad_credit_code"
	ImportBadOrigin       = "bad_origin"
	ImportBadUnit         = "bad_unit"     // a designated unit that is not a work unit of the deployment
	ImportUnitsNotAllowed = "units_origin" // units named on a product that is not a designated point
	ImportBadFlag         = "bad_flag"     // 可用券 is neither 是 nor 否
)

// RowError is one refused cell or row of a catalogue import file. Row is
// the 1-based row of the file (the header is row 1); Column the documented
// header; Value the cell as read; Other a second row for duplicates.
// A refused row of an issuance batch (voucherd issue --batch, "batch.<code>"
// messages) names its Member instead of a SKU.
type RowError struct {
	Row    int    `json:"row"`
	SKU    string `json:"sku,omitempty"`
	Member string `json:"member,omitempty"`
	Column string `json:"column,omitempty"`
	Code   string `json:"code"`
	Value  string `json:"value,omitempty"`
	Other  int    `json:"other,omitempty"`
}

// Error returns an English description for logs.
func (e RowError) Error() string {
	s := fmt.Sprintf("row %d", e.Row)
	if e.SKU != "" {
		s += " (" + e.SKU + ")"
	}
	if e.Member != "" {
		s += " (" + e.Member + ")"
	}
	if e.Column != "" {
		s += " " + e.Column
	}
	s += ": " + e.Code
	if e.Value != "" {
		s += fmt.Sprintf(" %q", e.Value)
	}
	if e.Other != 0 {
		s += fmt.Sprintf(", as in row %d", e.Other)
	}
	return s
}

// Params returns the message parameters of the translated "import.<code>"
// template: row, sku, column, value, other.
func (e RowError) Params() map[string]string {
	return map[string]string{"row": strconv.Itoa(e.Row), "sku": e.SKU, "member": e.Member, "column": e.Column, "value": e.Value, "other": strconv.Itoa(e.Other)}
}

// ImportColumnKey returns the Key of the ImportColumns column whose header
// (or alias) header is, or "".
func ImportColumnKey(header string) string {
	n := normHeader(cell(header))
	for _, c := range ImportColumns {
		if n == normHeader(c.Header) {
			return c.Key
		}
		for _, a := range c.Aliases {
			if n == normHeader(a) {
				return c.Key
			}
		}
	}
	return ""
}

// normHeader folds a header for matching: no spaces or '*', ASCII brackets.
func normHeader(s string) string {
	s = strings.NewReplacer("（", "(", "）", ")", "*", "", "＊", "").Replace(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// cell trims spaces, including the full-width space and a BOM.
func cell(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' })
}

// ParseImportDay reads a CST day written as 2021-12-31, 2021/12/31,
// 2021.12.31, 20211231 or 2021年12月31日 (months and days with or without a
// leading zero) and returns it as 2021-12-31.
func ParseImportDay(s string) (string, error) {
	t := strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(cell(s))
	if len(t) == 8 && allDigits(t) {
		t = t[:4] + "-" + t[4:6] + "-" + t[6:]
	}
	d, err := time.ParseInLocation("2006-1-2", t, CST)
	if err != nil || d.Year() < 2000 || d.Year() > 2099 {
		return "", Errorf(EINVALID, "invalid day %q", s)
	}
	return d.Format(time.DateOnly), nil
}

// ParseOrigin reads the 产地类型 cell: 贫困县, 贫困村 / 非贫困地区贫困村,
// 定点扶贫点 / 定点帮扶, or the English codes; empty is a poverty county.
func ParseOrigin(s string) (OriginKind, bool) {
	switch cell(s) {
	case "", "贫困县", "贫困地区", "扶贫开发重点县", string(OriginPovertyCounty):
		return OriginPovertyCounty, true
	case "贫困村", "非贫困地区贫困村", "非贫困县贫困村", string(OriginPoorVillage):
		return OriginPoorVillage, true
	case "定点扶贫点", "定点扶贫", "定点帮扶", "定点帮扶点", string(OriginDesignated):
		return OriginDesignated, true
	}
	return "", false
}

// ImportCatalogue turns the rows of a catalogue import file (the first row
// the headers, see ImportColumns) into products, judging every row against
// the deployment's work units. It is all or nothing: when any row is bad it
// returns no products and every error found, row by row (duplicate SKUs and
// barcodes, missing values and certificate numbers, credit codes with a bad
// check character, bad dates, prices and barcodes, unknown units).
// Blank rows are skipped. A product marked 可用券=否 needs no certification.
func ImportCatalogue(rows [][]string, units []WorkUnit) ([]Product, []RowError) {
	var errs []RowError
	if len(rows) == 0 {
		return nil, []RowError{{Row: 1, Code: ImportEmpty}}
	}
	header := map[string]string{}
	for _, c := range ImportColumns {
		header[c.Key] = c.Header
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		key := ImportColumnKey(h)
		if key == "" {
			continue
		}
		if _, dup := col[key]; dup {
			errs = append(errs, RowError{Row: 1, Column: header[key], Code: ImportDuplicateColumn, Value: h})
		}
		col[key] = i
	}
	for _, c := range ImportColumns {
		if _, ok := col[c.Key]; c.Required && !ok {
			errs = append(errs, RowError{Row: 1, Column: c.Header, Code: ImportMissingColumn})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	unitByName := map[string]uint32{}
	unitByID := map[uint32]bool{}
	for _, u := range units {
		unitByName[u.Name] = u.ID
		unitByID[u.ID] = true
	}
	skuRow, eanRow := map[string]int{}, map[string]int{}
	var out []Product
	for r := 1; r < len(rows); r++ {
		row := rows[r]
		get := func(key string) string {
			i, ok := col[key]
			if !ok || i >= len(row) {
				return ""
			}
			return cell(row[i])
		}
		blank := true
		for _, v := range row {
			blank = blank && cell(v) == ""
		}
		if blank {
			continue
		}
		n := r + 1
		p := Product{SKU: get("sku"), EAN: get("ean"), Name: get("name"), NameEn: get("name_en"),
			Unit: get("unit"), Category: get("category"), County: get("county"), Village: get("village")}
		bad := func(key, code, value string) {
			errs = append(errs, RowError{Row: n, SKU: p.SKU, Column: header[key], Code: code, Value: value})
		}
		for _, key := range []string{"sku", "name", "price", "unit"} {
			if get(key) == "" {
				bad(key, ImportMissing, "")
			}
		}
		switch {
		case p.SKU == "":
		case strings.ContainsAny(p.SKU, ": \t\n"):
			bad("sku", ImportBadSKU, p.SKU)
		case skuRow[p.SKU] != 0:
			errs = append(errs, RowError{Row: n, SKU: p.SKU, Column: header["sku"], Code: ImportDuplicateSKU, Value: p.SKU, Other: skuRow[p.SKU]})
		default:
			skuRow[p.SKU] = n
		}
		switch {
		case p.EAN == "":
		case !ValidEAN(p.EAN):
			bad("ean", ImportBadBarcode, p.EAN)
		case eanRow[p.EAN] != 0:
			errs = append(errs, RowError{Row: n, SKU: p.SKU, Column: header["ean"], Code: ImportDuplicateEAN, Value: p.EAN, Other: eanRow[p.EAN]})
		default:
			eanRow[p.EAN] = n
		}
		if v := get("price"); v != "" {
			m, err := ParseMoney(v)
			if err != nil || m <= 0 || m > Yuan(1000000) {
				bad("price", ImportBadPrice, v)
			}
			p.Price = m
		}
		switch v := get("eligible"); v {
		case "", "是", "Y", "y", "yes", "true", "1":
			p.Eligible = true
		case "否", "N", "n", "no", "false", "0":
		default:
			bad("eligible", ImportBadFlag, v)
		}
		if p.Eligible && p.County == "" {
			bad("county", ImportMissing, "")
		}
		origin, ok := ParseOrigin(get("origin"))
		if !ok {
			bad("origin", ImportBadOrigin, get("origin"))
		}
		if origin != OriginPovertyCounty {
			p.Origin = origin
		}
		if origin == OriginPoorVillage && p.Village == "" {
			bad("village", ImportMissing, "")
		}
		unitsCell := get("units")
		for _, f := range strings.FieldsFunc(unitsCell, func(r rune) bool { return strings.ContainsRune("、,，;；/\n", r) }) {
			f = cell(f)
			id, err := strconv.ParseUint(f, 10, 32)
			switch {
			case err == nil && unitByID[uint32(id)]:
				p.Units = append(p.Units, uint32(id))
			case err != nil && unitByName[f] != 0:
				p.Units = append(p.Units, unitByName[f])
			default:
				bad("units", ImportBadUnit, f)
			}
		}
		switch {
		case origin == OriginDesignated && unitsCell == "":
			bad("units", ImportMissing, "")
		case origin != OriginDesignated && unitsCell != "":
			bad("units", ImportUnitsNotAllowed, unitsCell)
		}
		c := &Certification{Number: get("cert"), County: get("cert_county"), Supplier: get("supplier"), CreditCode: strings.ToUpper(get("credit_code"))}
		if c.Number == "" && p.Eligible {
			bad("cert", ImportNoCert, "")
		}
		// The certification's other cells are judged whenever the row has
		// a certificate, and always for an eligible product.
		if c.Number != "" || p.Eligible {
			for _, key := range []string{"cert_county", "supplier"} {
				if get(key) == "" {
					bad(key, ImportMissing, "")
				}
			}
			switch v := get("credit_code"); {
			case v == "":
				bad("credit_code", ImportMissing, "")
			case !ValidCreditCode(c.CreditCode):
				bad("credit_code", ImportBadCreditCode, v)
			}
			switch v := get("valid_until"); {
			case v == "":
				bad("valid_until", ImportMissing, "")
			default:
				d, err := ParseImportDay(v)
				if err != nil {
					bad("valid_until", ImportBadDate, v)
				}
				c.ValidUntil = d
			}
			p.Cert = c
			p.Listing = c.Number
		}
		out = append(out, p)
	}
	if len(out) == 0 && len(errs) == 0 {
		errs = append(errs, RowError{Row: 2, Code: ImportEmpty})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}
