package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"fupinpos/assets"
	"fupinpos/pos"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// cmdCatalogue runs `voucherd catalogue import`: it reads a product list
// (.xlsx or .csv, the column layout of pos.ImportColumns, Chinese headers
// in the first row), validates every row (pos.ImportCatalogue) and, only
// when no row is bad, stores it as the deployment's next catalogue version.
// `voucherd trust` then signs and publishes it for terminals.
//
//	voucherd catalogue import --data DIR [--db URL] [--sheet NAME] [--dry-run] FILE.xlsx|FILE.csv
func cmdCatalogue(args []string, stdout io.Writer) error {
	fs := newFlags("catalogue import", stdout, catalogueSynopsis)
	dir := fs.String("data", "", "data `DIR` made by voucherd init")
	db := dbFlag(fs)
	sheet := fs.String("sheet", "", "worksheet `NAME` of an .xlsx file (default: the first)")
	dry := fs.Bool("dry-run", false, "validate the file and show what would be imported; store nothing")
	now := nowFlag(fs)
	fs.Usage = func() {
		msgs := messages()
		msgs.PrintFlags(stdout, fs, catalogueSynopsis)
		fmt.Fprintln(stdout)
		fmt.Fprintln(stdout, msgs.T("voucherd.catalogue.usage_note", nil))
	}
	if len(args) == 0 || args[0] != "import" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fs.Usage()
			return flag.ErrHelp
		}
		return usagef("voucherd.usage_err.catalogue_sub")
	}
	// The file may come before or after the flags.
	rest := args[1:]
	var file string
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		file, rest = rest[0], rest[1:]
	}
	if err := messages().Parse(fs, rest); err != nil {
		return err
	}
	switch {
	case file == "" && fs.NArg() == 1:
		file = fs.Arg(0)
	case fs.NArg() > 0:
		return usagef("voucherd.usage_err.argument", "arg", extraArg(fs, file != ""))
	case file == "":
		return usagef("voucherd.usage_err.catalogue_file")
	}
	if err := require(fs, "data"); err != nil {
		return err
	}
	rows, err := readCatalogueFile(file, *sheet)
	if err != nil {
		return err
	}
	var api interface {
		ImportCatalogue(wire.CatalogueImportRequest) (*wire.CatalogueImportResponse, error)
	}
	// While serve runs on dir (bbolt: it holds the database) the import
	// goes through its admin API, which stamps the catalogue with its own
	// clock.
	if r, ok, err := remoteServe(*dir); err != nil {
		return err
	} else if ok {
		if fs.Lookup("now").Value.String() != "" {
			return usagef("voucherd.usage_err.now_serving", "data", *dir)
		}
		api = r
	} else {
		st, _, err := openDeployment(*dir, *db)
		if err != nil {
			return err
		}
		defer st.Close()
		api = &server.Server{Store: st, Now: now}
	}
	msgs := assets.For(os.Getenv("LANG"))
	res, err := api.ImportCatalogue(wire.CatalogueImportRequest{Rows: rows, DryRun: *dry})
	if err != nil {
		return err
	}
	if len(res.Errors) > 0 {
		for _, e := range res.Errors {
			fmt.Fprintln(stdout, msgs.T("import."+e.Code, e.Params()))
		}
		return pos.Errorf(pos.EINVALID, "%s: %d errors, nothing imported", file, len(res.Errors)).With("count", strconv.Itoa(len(res.Errors)))
	}
	cat := res.Catalogue
	writeCatalogueSummary(stdout, &cat, now(), msgs)
	if *dry {
		say(stdout, "voucherd.catalogue.dry_run", "version", cat.Version-1)
		return nil
	}
	say(stdout, "voucherd.catalogue.stored", "version", cat.Version, "data", *dir)
	return nil
}

// catalogueSynopsis is the command line of catalogue import, for its help.
const catalogueSynopsis = "voucherd catalogue import --data DIR [--db URL] [--sheet NAME] [--dry-run] FILE.xlsx|FILE.csv"

// writeCatalogueSummary prints the catalogue's products by origin kind and
// how many are certified on now's CST day.
func writeCatalogueSummary(w io.Writer, c *pos.Catalogue, now time.Time, msgs *assets.Messages) {
	byOrigin := map[pos.OriginKind]int{}
	var certified, expired, self int
	for i := range c.Products {
		p := &c.Products[i]
		byOrigin[p.Origin.Or()]++
		switch p.SelfPayReason(now) {
		case "":
			certified++
		case pos.ReasonCertExpired:
			expired++
		default:
			self++
		}
	}
	fmt.Fprintln(w, msgs.T("voucherd.catalogue.summary", map[string]string{"version": strconv.FormatUint(uint64(c.Version), 10),
		"products": strconv.Itoa(len(c.Products))}))
	for _, o := range pos.Origins {
		fmt.Fprintf(w, "  %s: %d\n", msgs.T("origin."+string(o), nil), byOrigin[o])
	}
	fmt.Fprintln(w, "  "+msgs.T("voucherd.catalogue.certified", map[string]string{"day": pos.DayOf(now), "certified": strconv.Itoa(certified),
		"expired": strconv.Itoa(expired), "self": strconv.Itoa(self)}))
}

// readCatalogueFile returns the cells of an .xlsx worksheet or a .csv file.
func readCatalogueFile(path, sheet string) ([][]string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fileError(err, path)
		}
		return readCatalogueCSV(b)
	case ".xlsx", ".xlsm":
		return readCatalogueXLSX(path, sheet)
	}
	return nil, usagef("voucherd.usage_err.catalogue_ext", "file", path)
}

// readCatalogueCSV reads CSV text: UTF-8 with or without a byte-order
// mark, or, when it is not valid UTF-8, GB18030 (Excel's "CSV" on a
// Chinese Windows).
func readCatalogueCSV(b []byte) ([][]string, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		u, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		if err != nil {
			return nil, pos.WrapError(pos.EINVALID, err, "the file is neither UTF-8 nor GB18030")
		}
		b = u
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, pos.WrapError(pos.EINVALID, err, "read CSV")
	}
	return rows, nil
}

// readCatalogueXLSX reads the raw cell values of a worksheet (the first
// when sheet is empty), so a number is read as stored, not as displayed.
// A date cell of the 认定有效期至 column, stored as an Excel serial day,
// becomes YYYY-MM-DD; a barcode or code stored as a number in exponent
// notation is written out in full; a price stored as a binary fraction
// (39.899999999999999) is rounded to the fen when it is that close.
func readCatalogueXLSX(path, sheet string) ([][]string, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fileError(err, path)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, pos.WrapError(pos.EINVALID, err, "open %s", path).Say("not_xlsx", "file", path)
	}
	defer f.Close()
	if sheet == "" {
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, pos.Errorf(pos.EINVALID, "%s has no worksheet", path)
		}
		sheet = sheets[0]
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, pos.WrapError(pos.EINVALID, err, "read worksheet %q", sheet)
	}
	if len(rows) == 0 {
		return rows, nil
	}
	kind := make([]string, len(rows[0]))
	for i, h := range rows[0] {
		kind[i] = pos.ImportColumnKey(h)
	}
	for _, row := range rows[1:] {
		for i, v := range row {
			if i < len(kind) {
				row[i] = xlsxCell(kind[i], v)
			}
		}
	}
	return rows, nil
}

// xlsxCell turns the raw value v of a cell in column key into the text a
// person sees in the sheet, where Excel's storage differs from it.
func xlsxCell(key, v string) string {
	v = strings.TrimSpace(v)
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || v == "" {
		return v
	}
	switch key {
	case "valid_until":
		// A serial day between 2000-01-01 and 2099-12-31; 8 digits are
		// 20211231 typed as a number, which pos reads itself.
		if x >= 36526 && x < 73051 && len(v) != 8 {
			t, err := excelize.ExcelDateToTime(x, false)
			if err == nil {
				return t.Format(time.DateOnly)
			}
		}
	case "ean", "sku", "cert", "credit_code":
		if strings.ContainsAny(v, "eE") && x == math.Trunc(x) && x < 1e15 {
			return strconv.FormatFloat(x, 'f', 0, 64)
		}
	case "price":
		if c := math.Round(x * 100); math.Abs(x*100-c) < 1e-6 && strings.Contains(v, ".") && len(v)-strings.Index(v, ".") > 3 {
			return strconv.FormatFloat(c/100, 'f', 2, 64)
		}
	}
	return v
}
