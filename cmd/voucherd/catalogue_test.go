package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"fupinpos/assets"
	"fupinpos/pos"
	"fupinpos/pos/voucher"
	"fupinpos/sync/server"
)

// importCatalogue runs `voucherd catalogue import` and returns its output
// and error.
func importCatalogue(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := cmdCatalogue(append([]string{"import"}, args...), &out)
	return out.String(), err
}

// deployedCatalogue reads the deployment's catalogue from the database.
func deployedCatalogue(t *testing.T, data string) pos.Catalogue {
	t.Helper()
	st, err := openStore(data, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d, err := st.Deployment()
	if err != nil {
		t.Fatal(err)
	}
	return d.Catalogue
}

// TestCatalogueImportCSV: the demo list (UTF-8 with BOM, the documented
// layout) becomes catalogue v2 with origins and certifications, and
// travels signed in the trust bundle; a file with bad rows lists each in
// Chinese and imports nothing; --dry-run stores nothing.
func TestCatalogueImportCSV(t *testing.T) {
	t.Setenv("LANG", "zh_CN.UTF-8")
	data := filepath.Join(t.TempDir(), "server")
	mustRun(t, 0, "init", "--data", data)
	demo := filepath.Join("..", "..", "assets", "demo", "catalogue.csv")

	out, err := importCatalogue(t, "--data", data, "--dry-run", "--now", "2020-10-08T10:00:00+08:00", demo)
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if !strings.Contains(out, "商品目录第 2 版：15 种商品") || !strings.Contains(out, "2020-10-08 认定有效：13；认定已过期：1；不可用券：1") {
		t.Errorf("dry-run summary:\n%s", out)
	}
	if v := deployedCatalogue(t, data).Version; v != 1 {
		t.Fatalf("dry run stored catalogue v%d", v)
	}

	out, err = importCatalogue(t, demo, "--data", data)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	for _, want := range []string{"贫困县: 13", "非贫困地区贫困村: 1", "定点扶贫点: 1", "已保存为商品目录第 2 版"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	cat := deployedCatalogue(t, data)
	tea := cat.BySKU("SC-XLH-100")
	if cat.Version != 2 || len(cat.Products) != 15 || tea == nil || tea.Origin != pos.OriginDesignated || len(tea.Units) != 1 || tea.Units[0] != 1004 ||
		tea.Cert == nil || tea.Cert.ValidUntil != "2027-12-31" || cat.BySKU("FD-RICE-5").Village != "陈集村" {
		t.Fatalf("stored catalogue v%d, %d products, tea %+v", cat.Version, len(cat.Products), tea)
	}

	// The bundle terminals install carries the new fields, signed.
	bundle := filepath.Join(t.TempDir(), "bundle.json")
	mustRun(t, 0, "trust", "--data", data, "--out", bundle)
	b, _ := os.ReadFile(bundle)
	pubText, _ := os.ReadFile(filepath.Join(data, server.RootPubFile))
	root, err := voucher.ParsePublicKey(string(pubText))
	if err != nil {
		t.Fatal(err)
	}
	_, signed, err := voucher.OpenBundle(b, root)
	if err != nil {
		t.Fatal(err)
	}
	honey := signed.BySKU("TH-HONEY-1KG")
	if signed.Version != 2 || honey == nil || honey.Certified(time.Date(2020, 10, 1, 0, 0, 0, 0, pos.CST)) || !honey.Certified(time.Date(2020, 9, 30, 23, 0, 0, 0, pos.CST)) {
		t.Errorf("signed catalogue v%d honey %+v", signed.Version, honey)
	}

	// A broken file: every bad row listed, nothing imported.
	text, _ := os.ReadFile(demo)
	bad := strings.Replace(string(text), "91341321MA2N0037XU", "91341321MA2N0037XV", 1) // a bad check character
	bad = strings.Replace(bad, "JZ-KIWI-12,", "DS-PEAR-5,", 1)                          // a duplicate SKU
	badFile := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(badFile, []byte(bad), 0o644)
	out, err = importCatalogue(t, "--data", data, badFile)
	if pos.ErrorCode(err) != pos.EINVALID {
		t.Fatalf("bad file: %v", err)
	}
	for _, want := range []string{"第 2 行（DS-PEAR-5）：统一社会信用代码“91341321MA2N0037XV”无效", "第 3 行：商品编码“DS-PEAR-5”与第 2 行重复"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if v := deployedCatalogue(t, data).Version; v != 2 {
		t.Errorf("a bad file changed the catalogue to v%d", v)
	}
}

// TestCatalogueImportXLSX: an .xlsx whose price, barcode and date cells
// are numbers and dates, as Excel stores them, reads as the sheet shows.
func TestCatalogueImportXLSX(t *testing.T) {
	data := filepath.Join(t.TempDir(), "server")
	mustRun(t, 0, "init", "--data", data)
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	rows := [][]any{
		{"商品编码", "条码", "品名", "单价（元）", "单位", "产地类型", "县", "村", "定点单位", "认定证书号", "认定县", "供应商", "统一社会信用代码", "认定有效期至"},
		{"DS-PEAR-5", 6937777001005, "砀山酥梨 5斤装", 39.9, "箱", "贫困县", "砀山县", "", "", "皖扶贫认〔2020〕0117", "砀山县", "砀山县梨都果业有限公司", "91341321MA2N0037XU", time.Date(2021, 6, 30, 0, 0, 0, 0, time.UTC)},
		{"HG-TEA", "", "合工大定点茶", 0.1 + 0.2, "罐", "定点扶贫点", "舒城县", "", "合肥工业大学", "皖扶贫认〔2020〕0815", "舒城县", "舒城县小兰花茶业有限公司", "91341523MA2N0481X6", "2021-12-31"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14}) // the default short date
	f.SetCellStyle(sh, "N2", "N2", style)
	path := filepath.Join(t.TempDir(), "list.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	out, err := importCatalogue(t, "--data", data, path)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	cat := deployedCatalogue(t, data)
	pear, tea := cat.BySKU("DS-PEAR-5"), cat.BySKU("HG-TEA")
	if pear == nil || pear.EAN != "6937777001005" || pear.Price != 3990 || pear.Cert.ValidUntil != "2021-06-30" {
		t.Errorf("pear %+v cert %+v", pear, pear.Cert)
	}
	if tea == nil || tea.Price != 30 || len(tea.Units) != 1 || tea.Units[0] != 1004 {
		t.Errorf("tea %+v", tea)
	}
}

// TestCatalogueImportGB18030: a CSV saved by Excel on a Chinese Windows
// (GB18030, no BOM) reads the same as UTF-8.
func TestCatalogueImportGB18030(t *testing.T) {
	utf, err := os.ReadFile(filepath.Join("..", "..", "assets", "demo", "catalogue.csv"))
	if err != nil {
		t.Fatal(err)
	}
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(bytes.TrimPrefix(utf, []byte("\xef\xbb\xbf")))
	if err != nil {
		t.Fatal(err)
	}
	a, err := readCatalogueCSV(utf)
	if err != nil {
		t.Fatal(err)
	}
	b, err := readCatalogueCSV(gb)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 16 || len(b) != len(a) || a[0][0] != "商品编码" || b[0][0] != "商品编码" || b[15][2] != a[15][2] {
		t.Errorf("UTF-8 %d rows %q, GB18030 %d rows %q", len(a), a[0][0], len(b), b[0][0])
	}
}

// TestCatalogueUsage: the command's usage errors, in the language of LANG.
func TestCatalogueUsage(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "catalogue 后面须跟 import：voucherd catalogue import FILE"},
		{[]string{"export"}, "catalogue 后面须跟 import：voucherd catalogue import FILE"},
		{[]string{"import", "--data", data}, "请给出要导入的 FILE.xlsx 或 FILE.csv"},
		{[]string{"import", "--data", data, "a.txt"}, "a.txt：应为 .xlsx 或 .csv 文件"},
		{[]string{"import", "a.csv", "b.csv", "--data", data}, "多余的参数“b.csv”"},
		{[]string{"import", "--data", data, "a.csv", "b.csv"}, "多余的参数“b.csv”"},
	} {
		var out bytes.Buffer
		if err := cmdCatalogue(tc.args, &out); !errors.Is(err, assets.ErrUsage) || err.Error() != tc.want {
			t.Errorf("%q: %v, want usage error %q", tc.args, err, tc.want)
		}
	}
}
