package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

func cmdIssue(args []string, stdout io.Writer) error {
	fs := newFlags("issue", stdout)
	dir := fs.String("data", "", "data `DIR` made by voucherd init")
	db := dbFlag(fs)
	campaign := fs.Uint("campaign", 2020, "campaign `ID`")
	unit := fs.Uint("unit", 0, "issuing work `UNIT` id")
	member := fs.String("member", "", "the union's `MEMBER` id, normalised (NFKC, trimmed, ASCII upper case; stays on the server; codes carry only a keyed hash)")
	value := fs.Int64("value", 0, "face value in `FEN` (30000 = ￥300.00)")
	count := fs.Int("count", 1, "how many vouchers of this value")
	batch := fs.String("batch", "", "CSV `FILE` of members: member,unit,value_fen[,count]")
	out := fs.String("out", "", "write the codes as CSV to `FILE` (default: standard output)")
	qrDir := fs.String("qr", "", "write one QR PNG per code and a printable index.html sheet to `DIR`")
	scope := fs.Uint("scope", 0, "store group or region the vouchers are limited to (0 = anywhere)")
	onlineOnly := fs.Bool("online-only", false, "terminals may accept these vouchers only when online")
	test := fs.Bool("test", false, "training vouchers, accepted only by terminals in test mode")
	now, nowSet := nowFlag(fs), fs.Lookup("now")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := require(fs, "data"); err != nil {
		return err
	}
	if *campaign > 0xFFFF {
		return usagef("voucherd.usage_err.campaign")
	}
	var flags pos.Flags
	if *onlineOnly {
		flags |= pos.FlagOnlineOnly
	}
	if *test {
		flags |= pos.FlagTest
	}
	var specs []wire.IssueSpec
	if *batch != "" {
		var err error
		if specs, err = readBatch(stdout, *batch); err != nil {
			return err
		}
	} else {
		if err := require(fs, "unit", "member", "value"); err != nil {
			return err
		}
		if *count < 1 || *count > 100 {
			return usagef("voucherd.usage_err.count")
		}
		specs = []wire.IssueSpec{{Member: *member, Unit: uint32(*unit), Value: pos.Money(*value), Count: *count}}
	}
	for i := range specs {
		specs[i].Scope, specs[i].Flags = uint32(*scope), flags
	}
	// The files are checked before anything is signed: a path that cannot
	// be written issues nothing, so no member's cap is used up by codes
	// nobody ever sees.
	if err := checkIssueOutput(*out, *qrDir); err != nil {
		return err
	}
	api, closeFn, err := openIssuing(*dir, *db, now, nowSet.Value.String() != "")
	if err != nil {
		return err
	}
	defer closeFn()
	resp, err := api.Issue(wire.IssueRequest{Campaign: uint16(*campaign), Specs: specs})
	if err != nil {
		return err
	}
	if len(resp.Errors) > 0 {
		return batchRefused(stdout, *batch, resp.Errors)
	}
	issued := resp.Issued
	var total pos.Money
	for _, v := range issued {
		total += v.Value
	}
	if err := saveCodes(stdout, *out, *dir, issued, total); err != nil {
		return err
	}
	if *qrDir != "" {
		if err := writeQRSheet(*qrDir, resp); err != nil {
			where := *out
			if where == "" {
				where = tr("voucherd.issue.stdout")
			}
			return pos.WrapError(pos.ESTORAGE, err, "%d vouchers issued, codes in %s, but the QR sheet %s failed", len(issued), where, *qrDir).
				Say("issue_qr_failed", "n", strconv.Itoa(len(issued)), "total", total.String(), "file", where, "dir", *qrDir)
		}
	}
	if *out != "" || *qrDir != "" {
		line := tr("voucherd.issue.done", "n", len(issued), "total", total)
		if *out != "" {
			line += tr("voucherd.issue.codes", "file", *out)
		}
		if *qrDir != "" {
			line += tr("voucherd.issue.qr", "file", *qrDir+"/index.html")
		}
		fmt.Fprintln(stdout, line)
	}
	return nil
}

// checkIssueOutput checks, before any voucher is signed, that the codes
// file out (when given) can be written — it is opened for writing, not
// truncated, and a file it had to create is removed again — and that the
// QR folder qrDir (when given) can be made and written to.
func checkIssueOutput(out, qrDir string) error {
	if out != "" {
		_, statErr := os.Stat(out)
		f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE, 0o600)
		if err != nil {
			return pos.WrapError(pos.EINVALID, err, "cannot write the codes file %s; nothing was issued", out).Say("issue_out", "file", out)
		}
		f.Close()
		if os.IsNotExist(statErr) {
			os.Remove(out)
		}
	}
	if qrDir != "" {
		err := os.MkdirAll(qrDir, 0o755)
		if err == nil {
			var f *os.File
			if f, err = os.CreateTemp(qrDir, ".write-test-*"); err == nil {
				f.Close()
				os.Remove(f.Name())
			}
		}
		if err != nil {
			return pos.WrapError(pos.EINVALID, err, "cannot write the QR folder %s; nothing was issued", qrDir).Say("issue_qr_dir", "dir", qrDir)
		}
	}
	return nil
}

// saveCodes writes the codes of vouchers just issued as CSV to out, or to
// stdout when out is "". The vouchers are already on record (and count
// against the members' caps), so a write that fails (a full disk) never
// loses them: the codes then go to a fallback file in the data directory
// dir and to stdout, and the error says how many were issued and where
// their codes are.
func saveCodes(stdout io.Writer, out, dir string, issued []wire.Issued, total pos.Money) error {
	if out == "" {
		return writeCodes(stdout, issued)
	}
	err := writeCodesFile(out, issued)
	if err == nil {
		return nil
	}
	fallback := filepath.Join(dir, "issued-"+time.Now().UTC().Format("20060102T150405.000000000Z")+".csv")
	if ferr := writeCodesFile(fallback, issued); ferr != nil {
		fallback = "-"
	}
	say(stdout, "voucherd.issue.codes_follow", "n", len(issued))
	if werr := writeCodes(stdout, issued); werr != nil && fallback == "-" {
		err = errors.Join(err, werr)
	}
	key := "issue_out_failed"
	if fallback == "-" {
		key = "issue_out_failed_stdout"
	}
	return pos.WrapError(pos.ESTORAGE, err, "%d vouchers issued but %s could not be written; codes saved to %s and standard output", len(issued), out, fallback).
		Say(key, "n", strconv.Itoa(len(issued)), "total", total.String(), "file", out, "fallback", fallback)
}

// writeCodesFile writes the codes CSV to path and syncs it to disk.
func writeCodesFile(path string, issued []wire.Issued) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := writeCodes(f, issued); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		f.Close()
		return err
	}
	return f.Close()
}

func writeCodes(w io.Writer, issued []wire.Issued) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "member", "unit", "value_fen", "code"})
	for _, v := range issued {
		cw.Write([]string{v.ID.String(), v.Member, strconv.FormatUint(uint64(v.Unit), 10), strconv.FormatInt(int64(v.Value), 10), v.Code})
	}
	cw.Flush()
	return cw.Error()
}

// readBatch reads member,unit,value_fen[,count] rows; a header row whose
// value column is not a number is skipped. Each spec carries its line, so
// the server refuses a batch row by row. Every malformed row is refused at
// once (printed to w in the language of LANG, as catalogue import does),
// and then nothing is issued.
func readBatch(w io.Writer, path string) ([]wire.IssueSpec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(err, path)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	rows, err := r.ReadAll()
	if err != nil {
		return nil, pos.WrapError(pos.EINVALID, err, "read batch %s", path).Say("batch_csv", "file", path)
	}
	var specs []wire.IssueSpec
	var bad []pos.RowError
	for i, row := range rows {
		line := i + 1
		if len(row) < 3 || len(row) > 4 {
			bad = append(bad, pos.RowError{Row: line, Code: "fields"})
			continue
		}
		member := strings.TrimSpace(row[0])
		value, verr := strconv.ParseInt(strings.TrimSpace(row[2]), 10, 64)
		if i == 0 && verr != nil {
			continue // a header
		}
		n := len(bad)
		unit, uerr := strconv.ParseUint(strings.TrimSpace(row[1]), 10, 32)
		if uerr != nil {
			bad = append(bad, pos.RowError{Row: line, Member: member, Code: "unit_number", Value: row[1]})
		}
		if verr != nil {
			bad = append(bad, pos.RowError{Row: line, Member: member, Code: "value_number", Value: row[2]})
		}
		count := 1
		if len(row) == 4 {
			c, cerr := strconv.Atoi(strings.TrimSpace(row[3]))
			if cerr != nil || c < 1 || c > 100 {
				bad = append(bad, pos.RowError{Row: line, Member: member, Code: "count", Value: row[3]})
			}
			count = c
		}
		if len(bad) == n {
			specs = append(specs, wire.IssueSpec{Member: member, Unit: uint32(unit), Value: pos.Money(value), Count: count, Row: line})
		}
	}
	if len(bad) > 0 {
		return nil, batchRefused(w, path, bad)
	}
	if len(specs) == 0 {
		return nil, pos.Errorf(pos.EINVALID, "%s: no members", path).Say("batch_empty", "file", path)
	}
	return specs, nil
}

// batchRefused prints every refused row of a batch file ("batch.<code>")
// to w and returns the refusal of the whole batch.
func batchRefused(w io.Writer, path string, rows []pos.RowError) error {
	msgs := messages()
	for _, e := range rows {
		fmt.Fprintln(w, msgs.T("batch."+e.Code, e.Params()))
	}
	return pos.Errorf(pos.EINVALID, "%s: %d rows refused, nothing issued", path, len(rows)).
		Say("batch_rows", "file", path, "count", strconv.Itoa(len(rows)))
}

// fileError words a file that cannot be opened: not found, or else
// unreadable, naming it.
func fileError(err error, path string) error {
	if errors.Is(err, os.ErrNotExist) {
		return pos.WrapError(pos.ENOTFOUND, err, "open %s", path).Say("no_file", "file", path)
	}
	return pos.WrapError(pos.ESTORAGE, err, "open %s", path).Say("read_file", "file", path)
}
