package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fupinpos/assets"
	"fupinpos/pos"
	"fupinpos/pos/report"
	"fupinpos/pos/report/xlsx"
	"fupinpos/pos/voucher"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// settleAPI is what voucherd settle, alerts and incidents resolve need
// beyond adminAPI: *server.Server on the database, or remoteAdmin through
// a running server.
type settleAPI interface {
	Settlement(day, store string) (*wire.Settlement, error)
	Alerts(wire.AlertsRequest) (*wire.AlertsResponse, error)
	DecideIncident(wire.DecideRequest) (*wire.Incident, error)
}

func (r *remoteAdmin) Settlement(day, store string) (*wire.Settlement, error) {
	var out wire.Settlement
	q := url.Values{"day": {day}}
	if store != "" {
		q.Set("store", store)
	}
	return &out, r.do("GET", wire.PathAdminSettle+"?"+q.Encode(), nil, &out)
}

func (r *remoteAdmin) Alerts(req wire.AlertsRequest) (*wire.AlertsResponse, error) {
	var out wire.AlertsResponse
	return &out, r.do("POST", wire.PathAdminAlerts, req, &out)
}

func (r *remoteAdmin) DecideIncident(req wire.DecideRequest) (*wire.Incident, error) {
	var out wire.Incident
	return &out, r.do("POST", wire.PathAdminDecide, req, &out)
}

var (
	_ settleAPI = (*remoteAdmin)(nil)
	_ settleAPI = (*server.Server)(nil)
)

// openSettle opens the admin API of dir as a settleAPI.
func openSettle(dir, db string) (settleAPI, func() error, error) {
	api, closeFn, err := openAdmin(dir, db)
	if err != nil {
		return nil, nil, err
	}
	s, ok := api.(settleAPI)
	if !ok {
		closeFn()
		return nil, nil, fmt.Errorf("this admin API has no settlement")
	}
	return s, closeFn, nil
}

// cmdSettle writes one day's settlement with the stores (voucherd settle),
// or checks one offline (voucherd settle verify DIR).
func cmdSettle(args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "verify" {
		return cmdSettleVerify(args[1:], stdout)
	}
	fs := newFlags("settle", stdout)
	dir := fs.String("data", "", "data `DIR` made by voucherd init (root key, database)")
	day := fs.String("day", "", "CST `DAY` to settle (YYYY-MM-DD)")
	out := fs.String("out", "", "`FOLDER` to write (new or empty): .xlsx, CSV files and the signed MANIFEST")
	store := fs.String("store", "", "only `STORE`")
	db := dbFlag(fs)
	now := nowFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := require(fs, "data", "day", "out"); err != nil {
		return err
	}
	if _, err := pos.ParseDay(*day); err != nil {
		return usagef("voucherd.usage_err.day", "flag", "day", "value", *day)
	}
	keys, err := server.LoadKeyring(*dir)
	if err != nil {
		return err
	}
	api, closeFn, err := openSettle(*dir, *db)
	if err != nil {
		return err
	}
	defer closeFn()
	// --now (admin testing) is this process's clock; a running serve
	// settles by its own.
	if srv, ok := api.(*server.Server); ok {
		srv.Now = now
	} else if fs.Lookup("now").Value.String() != "" {
		return usagef("voucherd.usage_err.now_serving", "data", *dir)
	}
	s, err := api.Settlement(*day, *store)
	if err != nil {
		return err
	}
	m, err := writeSettlement(*out, s, keys)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, assets.For(os.Getenv("LANG")).T("settle.written", map[string]string{"day": m.Day,
		"files": strconv.Itoa(len(m.Files)), "payable": m.Payable.String(), "withheld": strconv.Itoa(m.Withheld), "dir": *out}))
	return nil
}

// settleBase is the file name stem of a settlement: settlement-DAY[-STORE].
func settleBase(s *wire.Settlement) string {
	b := "settlement-" + s.Day
	if s.Store != "" {
		b += "-" + strings.Map(func(r rune) rune {
			if r == '/' || r == '\\' || r == ':' || r < ' ' {
				return '_'
			}
			return r
		}, s.Store)
	}
	return b
}

// writeSettlement writes s into dir (created; it must be empty) as an
// .xlsx workbook (sheets: payable, withheld), two CSV files with a UTF-8
// BOM, and the MANIFEST with their SHA-256, signed by the root key.
// Headers are Chinese (the settlement goes to the unions' finance offices).
func writeSettlement(dir string, s *wire.Settlement, keys *server.Keyring) (*pos.SettlementManifest, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if entries, err := os.ReadDir(dir); err != nil {
		return nil, err
	} else if len(entries) > 0 {
		return nil, pos.Errorf(pos.ECONFLICT, "%s is not empty: a settlement folder holds only its own files", dir)
	}
	t := func(k string) string { return assets.For("zh_Hans").T(k, nil) }
	payHead, payRows := settlementTable(s, t)
	wHead, wRows := withheldTable(s, t)
	base := settleBase(s)
	files := map[string][]byte{}
	var b bytes.Buffer
	if err := xlsx.WriteSheets(&b, []xlsx.Sheet{{Name: t("settle.sheet.payable"), Head: payHead, Rows: payRows},
		{Name: t("settle.sheet.withheld"), Head: wHead, Rows: wRows}}); err != nil {
		return nil, err
	}
	files[base+".xlsx"] = b.Bytes()
	for name, tb := range map[string]struct {
		head []string
		rows [][]report.Cell
	}{base + ".csv": {payHead, payRows}, base + "-withheld.csv": {wHead, wRows}} {
		var csv bytes.Buffer
		if err := report.WriteTableCSV(&csv, tb.head, tb.rows); err != nil {
			return nil, err
		}
		files[name] = csv.Bytes()
	}
	m := &pos.SettlementManifest{Day: s.Day, Store: s.Store, Created: s.Created, Payable: s.Payable, Withheld: len(s.Withheld)}
	for _, name := range []string{base + ".xlsx", base + ".csv", base + "-withheld.csv"} {
		p := filepath.Join(dir, name)
		if err := writeFileSync(p, files[name]); err != nil {
			return nil, err
		}
		f, err := voucher.HashFile(p)
		if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, f)
	}
	signed, err := voucher.SignSettlement(m, keys.Root)
	if err != nil {
		return nil, err
	}
	if err := writeFileSync(filepath.Join(dir, pos.ManifestName), signed); err != nil {
		return nil, err
	}
	return m, nil
}

func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// settlementTable lays out what is paid: one row per store and work unit
// (unit id next to its name), a total row per store and a grand total.
func settlementTable(s *wire.Settlement, t func(string) string) ([]string, [][]report.Cell) {
	head := []string{t("settle.col.store"), t("settle.col.unit_id"), t("settle.col.unit"), t("settle.col.sales"), t("settle.col.voids"),
		t("settle.col.returns"), t("settle.col.vouchers"), t("settle.col.face"), t("settle.col.applied"), t("settle.col.forfeited")}
	var rows [][]report.Cell
	row := func(store, id, name string, r wire.SettlementRow) []report.Cell {
		return []report.Cell{report.Text(store), report.Text(id), report.Text(name), report.Int(int64(r.Sales)), report.Int(int64(r.Voids)),
			report.Int(int64(r.Returns)), report.Int(int64(r.Vouchers)), report.Yuan(r.Face), report.Yuan(r.Applied), report.Yuan(r.Forfeited)}
	}
	var sum, grand wire.SettlementRow
	add := func(a *wire.SettlementRow, r wire.SettlementRow) {
		a.Sales += r.Sales
		a.Voids += r.Voids
		a.Returns += r.Returns
		a.Vouchers += r.Vouchers
		a.Face += r.Face
		a.Applied += r.Applied
		a.Forfeited += r.Forfeited
	}
	for i, r := range s.Rows {
		rows = append(rows, row(r.Store, strconv.FormatUint(uint64(r.Unit), 10), r.UnitName, r))
		add(&sum, r)
		add(&grand, r)
		if i == len(s.Rows)-1 || s.Rows[i+1].Store != r.Store {
			rows = append(rows, row(r.Store, "", t("settle.total"), sum))
			sum = wire.SettlementRow{}
		}
	}
	rows = append(rows, row(t("settle.total"), "", "", grand))
	return head, rows
}

// withheldTable lists the records not paid, with why.
func withheldTable(s *wire.Settlement, t func(string) string) ([]string, [][]report.Cell) {
	head := []string{t("settle.col.store"), t("settle.col.terminal"), t("settle.col.seq"), t("settle.col.receipt"), t("settle.col.time"),
		t("settle.col.units"), t("settle.col.applied"), t("settle.col.result"), t("settle.col.reason"), t("settle.col.status"), t("settle.col.incidents")}
	rows := [][]report.Cell{}
	for _, w := range s.Withheld {
		units, ids := make([]string, len(w.Units)), make([]string, len(w.Incidents))
		for i, u := range w.Units {
			units[i] = strconv.FormatUint(uint64(u), 10)
		}
		for i, id := range w.Incidents {
			ids[i] = strconv.FormatUint(id, 10)
		}
		rows = append(rows, []report.Cell{report.Text(w.Store), report.Text(w.Terminal), report.Int(int64(w.Seq)), report.Text(w.Receipt),
			report.Text(w.Time.In(pos.CST).Format(time.DateTime)), report.Text(strings.Join(units, " ")), report.Yuan(w.Applied),
			report.Text(w.Result), report.Text(w.Reason), report.Text(t("settle.status." + w.Status)), report.Text(strings.Join(ids, " "))})
	}
	return head, rows
}

// cmdSettleVerify checks a settlement folder offline: the MANIFEST is
// signed by the root key of --data DIR (or --root-key FILE|HEX, for an
// auditor with only the public key), and every file is there, unchanged,
// with no other. Exit status 1 when it is not.
func cmdSettleVerify(args []string, stdout io.Writer) error {
	fset := newFlags("settle verify", stdout, "voucherd settle verify DIR (--data DIR | --root-key FILE|HEX)")
	dir := fset.String("data", "", "data `DIR` whose root.pub to use")
	rootKey := fset.String("root-key", "", "the root public key: a `FILE` (root.pub) or 64 hex digits")
	var folder string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		folder, args = args[0], args[1:]
	}
	if err := messages().Parse(fset, args); err != nil {
		return err
	}
	if folder == "" && fset.NArg() == 1 {
		folder = fset.Arg(0)
	} else if fset.NArg() > 0 {
		return usagef("voucherd.usage_err.argument", "arg", extraArg(fset, folder != ""))
	}
	if folder == "" || (*dir == "") == (*rootKey == "") {
		return usagef("voucherd.usage_err.settle_verify")
	}
	src := *rootKey
	if src == "" {
		src = filepath.Join(*dir, server.RootPubFile)
	}
	if b, err := os.ReadFile(src); err == nil {
		src = string(b)
	} else if *rootKey == "" || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	root, err := voucher.ParsePublicKey(strings.TrimSpace(src))
	if err != nil {
		return err
	}
	msgs := assets.For(os.Getenv("LANG"))
	m, err := voucher.VerifySettlement(folder, root)
	if err != nil {
		fmt.Fprintln(stdout, msgs.T("settle.bad", map[string]string{"detail": msgs.Error(err), "file": pos.ErrorParams(err)["file"]}))
		return errRefused
	}
	fmt.Fprintln(stdout, msgs.T("settle.ok", map[string]string{"day": m.Day, "files": strconv.Itoa(len(m.Files)),
		"payable": m.Payable.String(), "withheld": strconv.Itoa(m.Withheld)}))
	return nil
}

// cmdIncidentResolve closes an incident with a decision on which of its
// records are paid: voucherd incidents resolve ID --keep A|B|both --note TEXT
// [--by WHO]. The server records who (--by, default user@host), when and
// what in the resolution, and logs it; settlement pays accordingly.
func cmdIncidentResolve(args []string, stdout io.Writer) error {
	fset := newFlags("incidents resolve", stdout, "voucherd incidents resolve ID --data DIR --keep A|B|both --note TEXT [--by WHO] [--json]")
	dir := fset.String("data", "", "data `DIR` made by voucherd init")
	keep := fset.String("keep", "", "which record(s) of the double spend the union pays: `A` (the first), B (the later) or both; A for an incident about one record (pay it)")
	note := fset.String("note", "", "what was decided, and why (required)")
	by := fset.String("by", defaultActor(), "who decided (for the audit trail)")
	asJSON := fset.Bool("json", false, "write the incident as JSON")
	db := dbFlag(fset)
	var idArg string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		idArg, args = args[0], args[1:]
	}
	if err := messages().Parse(fset, args); err != nil {
		return err
	}
	if idArg == "" && fset.NArg() == 1 {
		idArg = fset.Arg(0)
	} else if fset.NArg() > 0 {
		return usagef("voucherd.usage_err.argument", "arg", extraArg(fset, idArg != ""))
	}
	id, err := strconv.ParseUint(idArg, 10, 64)
	if err != nil || id == 0 {
		return usagef("voucherd.usage_err.incident_id")
	}
	if err := require(fset, "data", "keep", "note"); err != nil {
		return err
	}
	switch *keep {
	case wire.KeepA, wire.KeepB, wire.KeepBoth:
	default:
		return usagef("voucherd.usage_err.keep", "value", *keep)
	}
	if strings.TrimSpace(*note) == "" {
		return usagef("voucherd.usage_err.note")
	}
	api, closeFn, err := openSettle(*dir, *db)
	if err != nil {
		return err
	}
	defer closeFn()
	in, err := api.DecideIncident(wire.DecideRequest{Incident: id, Keep: *keep, Note: *note, By: *by})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, in)
	}
	k, who, n, _ := wire.ParseDecision(in.Resolution)
	fmt.Fprintln(stdout, assets.For(os.Getenv("LANG")).T("incident.decided", map[string]string{"id": strconv.FormatUint(in.ID, 10),
		"kind": in.Kind, "keep": k, "by": who, "time": in.Resolved.In(pos.CST).Format(time.DateTime), "note": n}))
	return nil
}

// defaultActor names the administrator: $USER@hostname.
func defaultActor() string {
	u := os.Getenv("USER")
	if u == "" {
		u = "admin"
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		u += "@" + h
	}
	return u
}
