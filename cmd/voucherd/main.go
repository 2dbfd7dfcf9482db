// Command voucherd is the central server and admin CLI of fupinpos: it
// holds the deployment's keys, campaigns, catalogue and work units, issues
// signed vouchers (with printable QR sheets) under the per-person cap, and
// writes the signed trust bundle that terminals install.
//
//	voucherd init  --data DIR [--db URL] [--demo]
//	voucherd migrate --db URL
//	voucherd issue --data DIR --campaign ID --unit UNIT --member MEMBER --value FEN [--count N] [--out codes.csv] [--qr DIR]
//	voucherd issue --data DIR --campaign ID --batch members.csv [--out codes.csv] [--qr DIR]
//	voucherd catalogue import --data DIR [--db URL] [--sheet NAME] [--dry-run] FILE.xlsx|FILE.csv
//	voucherd trust --data DIR --out FILE [--validity 168h] [--grace 72h]
//	voucherd serve --data DIR [--listen ADDR] [--cert FILE --key FILE] [--insecure-listen]
//	voucherd terminal add --data DIR --store S --name N [--ttl 24h]
//	voucherd terminal list --data DIR
//	voucherd terminal disable --data DIR --terminal ID [--reason TEXT]
//	voucherd report --data DIR --day YYYY-MM-DD [--unit U] [--csv]
//	voucherd incidents --data DIR [--day YYYY-MM-DD] [--store S] [--status open|resolved] [--limit N] [--after ID] [--json]
//	voucherd incidents resolve ID --data DIR --keep A|B|both --note TEXT [--by WHO]
//	voucherd settle --data DIR --day YYYY-MM-DD --out DIR [--store S]
//	voucherd settle verify DIR (--data DIR | --root-key FILE|HEX)
//	voucherd alerts --data DIR [--day YYYY-MM-DD] [--store S] [--json]
//	voucherd revoke --data DIR (--voucher CAMPAIGN-SERIAL | --holder HEX [--reinstate]) [--reason TEXT]
//
// Every command that opens the database takes --db postgres://… (or
// $VOUCHERD_DB) for PostgreSQL; without it the database is the bbolt file in
// --data DIR. Keys stay in files in --data DIR either way (0600).
//
// While serve runs it holds the database; the admin commands then go
// through its admin API (serve.url and admin.token in the data directory).
//
// Exit status: 0 success, 1 refused or failed, 2 usage error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"fupinpos/assets"
	"fupinpos/pos"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks a usage error: exit status 2.
var errUsage = errors.New("usage")

const usage = `voucherd — fupinpos central server and admin CLI

Commands:
  init   --data DIR [--demo]                create keys, the 2020 campaign, demo catalogue and units
  migrate --db URL                          create or upgrade the PostgreSQL schema
  issue  --data DIR --campaign ID --unit UNIT --member MEMBER --value FEN [--count N]
         [--out codes.csv] [--qr DIR]       issue signed vouchers (refuses over the per-person cap)
  issue  --data DIR --campaign ID --batch members.csv [...]
                                            members.csv rows: member,unit,value_fen[,count]
  catalogue import --data DIR [--dry-run] [--sheet NAME] FILE.xlsx|FILE.csv
                                            load the eligible-product list (Chinese headers; all rows or none)
  trust  --data DIR --out FILE [--validity 168h] [--grace 72h]
                                            write the signed trust list + catalogue bundle (and publish it)
  serve  --data DIR [--listen 127.0.0.1:8443] [--cert FILE --key FILE] [--insecure-listen]
                                            run the sync API for terminals (TLS; plain HTTP on loopback only)
  terminal add --data DIR --store S --name N [--ttl 24h]
                                            add a terminal and print its one-time enrollment code
  terminal list --data DIR                  list terminals, their keys and sync state
  terminal disable --data DIR --terminal ID refuse a terminal from now on
  report --data DIR --day YYYY-MM-DD [--unit U] [--csv]
                                            settlement per work unit, store, product and county
  incidents --data DIR [--day YYYY-MM-DD] [--store S] [--status open|resolved] [--limit N] [--after ID] [--json]
                                            double spends, over-cap members, broken chains, rejections (paged)
  incidents resolve ID --data DIR --keep A|B|both --note TEXT
                                            decide which record(s) of a double spend are paid (audited)
  settle --data DIR --day YYYY-MM-DD --out DIR [--store S]
                                            what the union owes each store per work unit: .xlsx, CSV, signed MANIFEST
  settle verify DIR (--data DIR | --root-key FILE)
                                            check a settlement folder offline (exit 1 if changed)
  alerts --data DIR [--day YYYY-MM-DD] [--store S] [--json]
                                            supervision alerts (cash-out signs), thresholds in DIR/alerts.json
  revoke --data DIR --voucher ID | --holder HEX [--reinstate]
                                            revoke a voucher or suspend a member's vouchers
  backup --data DIR --out FILE              a consistent copy of the bbolt database (hot, through a running server)
  restore --data DIR --from FILE            put a backup back (refused while serving)

Commands that open the database take --db postgres://USER@HOST/DB (default
$VOUCHERD_DB): PostgreSQL for several instances; without it, bbolt in --data DIR.

Run "voucherd COMMAND --help" for a command's flags.
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "--version" || args[0] == "version" {
		fmt.Fprintln(stdout, "voucherd", pos.BuildVersion())
		return 0
	}
	cmds := map[string]func([]string, io.Writer) error{
		"init":      cmdInit,
		"issue":     cmdIssue,
		"trust":     cmdTrust,
		"serve":     cmdServe,
		"terminal":  cmdTerminal,
		"incidents": cmdIncidents,
		"revoke":    cmdRevoke,
		"report":    cmdReport,
		"migrate":   cmdMigrate,
		"catalogue": cmdCatalogue,
		"backup":    cmdBackup,
		"settle":    cmdSettle,
		"alerts":    cmdAlerts,
		"restore":   cmdRestore,
	}
	fn, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "voucherd: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := fn(args[1:], stdout)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "voucherd %s: %v\n", args[0], err)
		return 2
	default:
		msgs := assets.For(os.Getenv("LANG"))
		if code := pos.ErrorCode(err); code != pos.EINTERNAL {
			msg := msgs.Error(err)
			if code == pos.EBUSY {
				msg = msgs.T("voucherd.db_busy", nil) // the server's, not the cashier app's
			}
			fmt.Fprintf(stderr, "voucherd %s: %s [%s]\n  %v\n", args[0], msg, code, err)
		} else {
			fmt.Fprintf(stderr, "voucherd %s: %v\n", args[0], err)
		}
		return 1
	}
}

// newFlags returns a FlagSet whose parse errors are usage errors.
func newFlags(name string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("voucherd "+name, flag.ContinueOnError)
	fs.SetOutput(out)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return nil
}

// nowFlag lets an administrator issue as of another time, e.g. to
// reproduce the 2020 campaign; terminals have no such flag.
func nowFlag(fs *flag.FlagSet) func() time.Time {
	s := fs.String("now", "", "act as if the time were `RFC3339` (admin testing only)")
	return func() time.Time {
		if *s == "" {
			return time.Now()
		}
		t, err := time.Parse(time.RFC3339, *s)
		if err != nil {
			return time.Now()
		}
		return t
	}
}

func require(fs *flag.FlagSet, names ...string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, n := range names {
		if !set[n] {
			return fmt.Errorf("%w: --%s is required", errUsage, n)
		}
	}
	return nil
}
