package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"fupinpos/device/escpos"
	"fupinpos/pos"
	"fupinpos/pos/voucher"
)

// provision and user add warn on stderr (exit status 0) about names the
// printer cannot print as text; they run in the exit-code style for that.
func init() {
	exitCommands["provision"] = func(args []string, stdout, stderr io.Writer) int {
		return exitCode("provision", provision(args, stdout, stderr), stderr)
	}
	exitCommands["user"] = func(args []string, stdout, stderr io.Writer) int {
		if len(args) > 0 && args[0] == "add" {
			return exitCode("user add", userAdd(args[1:], stdout, stderr), stderr)
		}
		return exitCode("user", commands()["user"](args, stdout), stderr)
	}
}

// warnUnprintable tells the technician, on stderr, which characters of a
// name printed on receipts (field: the flag) the printer has no font for,
// and what the receipt does with them on this machine: a character a font
// here draws (escpos.HasGlyph) prints its line as an image, which is slower
// and worth a look on paper; one no font here has prints as □, and the
// warning names the font package that has it. Nothing when every character
// prints as text.
func warnUnprintable(stderr io.Writer, field, name string) {
	var drawn, missing []string
	for _, r := range escpos.Unprintable(name) {
		c := fmt.Sprintf("%q (U+%04X)", r, r)
		if escpos.HasGlyph(r) {
			drawn = append(drawn, c)
		} else {
			missing = append(missing, c)
		}
	}
	if len(drawn) > 0 {
		fmt.Fprintf(stderr, "posctl: %s\n", tr("setup.unprintable", "field", field, "chars", strings.Join(drawn, ", ")))
	}
	if len(missing) > 0 {
		fmt.Fprintf(stderr, "posctl: %s\n", tr("setup.unprintable_nofont", "field", field, "chars", strings.Join(missing, ", "), "font", escpos.GlyphFontPackage))
	}
}

func cmdProvision(args []string, stdout io.Writer) error {
	return provision(args, stdout, io.Discard)
}

func provision(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("provision", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE` (created when missing)")
	trust := fs.String("trust", "", "signed trust bundle `FILE` from voucherd trust")
	rootKey := fs.String("root-key", "", "deployment root public key: root.pub `FILE` or 64 hex digits")
	store := fs.String("store", "", "store `ID` (letters, digits, - and _)")
	storeName := fs.String("store-name", "", "store name printed on receipts")
	counter := fs.String("counter", "扶贫专区", "counter name printed on receipts")
	terminal := fs.String("terminal", "", "terminal `ID` within the store")
	scopes := fs.String("scope", "", "comma-separated store groups / regions (`N,...`) whose scoped vouchers this store accepts")
	printer := fs.String("printer", "", "receipt printer `URI`, e.g. tcp://127.0.0.1:9100?paper=80")
	scanner := fs.String("scanner", "", "scanner `URI`, e.g. serial:///dev/ttyUSB0?baud=9600")
	lang := fs.String("lang", "zh_Hans", "terminal language: zh_Hans or en")
	server := fs.String("server", "", "central server `URL` (for sync)")
	testMode := fs.Bool("test-mode", false, "training terminal: accepts only test vouchers")
	if err := parse(fs, args, false); err != nil {
		return err
	}
	if err := require(fs, "db", "trust", "root-key", "store", "terminal"); err != nil {
		return err
	}
	if err := checkDeviceFlags(*printer, *scanner); err != nil {
		return err
	}
	keyText := *rootKey
	if b, err := os.ReadFile(*rootKey); err == nil {
		keyText = string(b)
	}
	root, err := voucher.ParsePublicKey(keyText)
	if err != nil {
		return badFlag("root-key", err)
	}
	bundle, err := os.ReadFile(*trust)
	if err != nil {
		return pos.WrapError(pos.ENOTFOUND, err, "read trust bundle")
	}
	cfg := pos.TerminalConfig{Store: *store, StoreName: *storeName, Counter: *counter, Terminal: *terminal,
		Printer: *printer, Scanner: *scanner, Lang: *lang, Server: *server, TestMode: *testMode}
	if cfg.StoreName == "" {
		cfg.StoreName = *store
	}
	for _, s := range strings.Split(*scopes, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return usagef("posctl.usage_err.scope", "value", s)
		}
		cfg.Scopes = append(cfg.Scopes, uint32(n))
	}
	db, err := openDB(*dbPath, true)
	if err != nil {
		return err
	}
	defer db.Close()
	pub, err := db.Provision(cfg, root, actor)
	if err != nil {
		return err
	}
	tl, cat, err := db.InstallBundle(bundle, actor)
	if err != nil {
		return err
	}
	// The bundle is the first word from the server: its time starts the
	// clock floor and the status cache age.
	if _, err := db.RecordSync(tl.IssuedAt); err != nil {
		return err
	}
	say(stdout, "posctl.provision.done", "store", cfg.Store, "terminal", cfg.Terminal, "db", *dbPath)
	warnUnprintable(stderr, "--store-name", cfg.StoreName)
	warnUnprintable(stderr, "--counter", cfg.Counter)
	say(stdout, "posctl.provision.root_key", "fingerprint", voucher.Fingerprint(root))
	say(stdout, "posctl.provision.terminal_key", "fingerprint", voucher.Fingerprint(pub))
	say(stdout, "posctl.provision.trust", "seq", tl.Seq, "expires", cst(tl.Expires))
	if cat != nil {
		say(stdout, "posctl.provision.catalogue", "version", cat.Version, "products", len(cat.Products))
	}
	return nil
}

func cmdStatus(args []string, stdout io.Writer) error {
	fs := newFlags("status", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE`")
	asJSON := fs.Bool("json", false, "print JSON")
	db, done, err := parseRead(fs, args, dbPath)
	if err != nil {
		return err
	}
	defer done()
	cfg, err := db.Config()
	if err != nil {
		return err
	}
	tl, err := db.Trust()
	if err != nil {
		return err
	}
	cat, err := db.Catalogue()
	if err != nil {
		return err
	}
	q, _ := db.Queue()
	cs, _ := db.ClockState()
	seq, head, _ := db.Head()
	pub, _ := db.PublicKey()
	schema, _ := db.Schema()
	// Outbox and OutboxAmount repeat the queue at the top level, one
	// number per line of the JSON, for install scripts: sales not yet
	// uploaded (the package's pre-install step refuses an upgrade while
	// outbox > 0 unless forced).
	st := struct {
		Outbox       int                 `json:"outbox"`
		OutboxAmount pos.Money           `json:"outbox_amount"`
		Schema       uint32              `json:"schema"`
		Config       *pos.TerminalConfig `json:"config"`
		Trust        uint64              `json:"trust_seq"`
		Expires      string              `json:"trust_expires"`
		Catalogue    uint32              `json:"catalogue_version"`
		Queue        pos.QueueState      `json:"queue"`
		Clock        jsonClock           `json:"clock"`
		Records      uint64              `json:"records"`
		Head         pos.Hash            `json:"head"`
		Key          string              `json:"terminal_key"`
	}{q.Count, q.Amount, schema, cfg, tl.Seq, jsonTime(tl.Expires), cat.Version, q, jsonClock{jsonTime(cs.Floor), jsonTime(cs.LastSync)},
		seq, head, voucher.Fingerprint(pub)}
	if *asJSON {
		return printJSON(stdout, st)
	}
	say(stdout, "posctl.status.store", "store", cfg.Store, "store_name", cfg.StoreName, "terminal", cfg.Terminal, "counter", cfg.Counter)
	say(stdout, "posctl.status.trust", "seq", tl.Seq, "expires", cst(tl.Expires), "catalogue", cat.Version)
	say(stdout, "posctl.status.ledger", "records", seq, "waiting", q.Count, "amount", q.Amount)
	say(stdout, "posctl.status.clock", "floor", cst(cs.Floor), "last", cst(cs.LastSync))
	say(stdout, "posctl.status.key", "fingerprint", st.Key)
	return nil
}

func cmdTrustInstall(args []string, stdout io.Writer) error {
	fs := newFlags("trust install", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE`")
	bundle := fs.String("bundle", "", "signed trust bundle `FILE` from voucherd trust")
	if err := parse(fs, args, false); err != nil {
		return err
	}
	if err := require(fs, "db", "bundle"); err != nil {
		return err
	}
	data, err := os.ReadFile(*bundle)
	if err != nil {
		return pos.WrapError(pos.ENOTFOUND, err, "read trust bundle")
	}
	db, err := openDB(*dbPath, false)
	if err != nil {
		return err
	}
	defer db.Close()
	before, err := db.Trust()
	if err != nil {
		return err
	}
	tl, cat, err := db.InstallBundle(data, actor)
	if err != nil {
		return err
	}
	if tl.Seq == before.Seq {
		return pos.Errorf(pos.ETRUSTSTALE, "trust list %d is not newer than the installed %d", tl.Seq, before.Seq)
	}
	if cat != nil {
		say(stdout, "posctl.trust.installed_catalogue", "seq", tl.Seq, "expires", cst(tl.Expires), "catalogue", cat.Version)
	} else {
		say(stdout, "posctl.trust.installed", "seq", tl.Seq, "expires", cst(tl.Expires))
	}
	return nil
}

// jsonClock is pos.ClockState as status --json writes it (jsonTime).
type jsonClock struct {
	Floor    string `json:"floor,omitempty"`
	LastSync string `json:"last_sync,omitempty"`
}
