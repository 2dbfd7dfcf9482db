// Command posctl is the counter terminal's command line, for technicians
// and scripts: provisioning, checking and redeeming vouchers, the ledger,
// day reports, users and device tests. The cashier's app (fupinpos) uses the
// same database file and the same code underneath.
//
// Exit status: 0 success (for check: redeemable), 1 refused or failed
// (the reason code is printed), 2 usage error, 3 sale recorded but its
// receipt not printed (redeem: do not redeem it again; reprint it).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fupinpos/assets"
	"fupinpos/pos"
	"fupinpos/pos/bolt"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `posctl — fupinpos counter terminal tool

Terminal:
  provision --db FILE --trust FILE --root-key FILE|HEX --store ID --terminal ID
            [--store-name NAME] [--counter NAME] [--scope N,...] [--test-mode] [--printer URI] [--scanner URI] [--lang zh_Hans|en]
  status    --db FILE [--json]                 provisioning, trust list, queue, clock
  trust install --db FILE --bundle FILE        install a newer signed trust bundle
  user add  --db FILE --id ID --name NAME --role cashier|manager|technician --pin PIN
  user list --db FILE
  user unlock --db FILE --id ID --manager ID --pin PIN   clear a PIN lockout (manager's PIN)

Vouchers and sales:
  check     --db FILE [--json] CODE            exit 0 only when redeemable, 1 refused (reason code printed)
  redeem    --db FILE --cashier ID --item SKU:QTY... [--method cash|wechat|alipay|card] [--printer URI] [--json] CODE...
  receipt   --db FILE --no N [--printer URI] [--png FILE]   reprint (marked, audited) or preview a receipt

Records:
  ledger list   --db FILE [--date YYYY-MM-DD] [--json]   one line per sale or void
  ledger verify --db FILE [--full] [--json]    check the chain from the last verified checkpoint (--full: every entry)
  ledger void   --db FILE --receipt NO --manager ID --pin PIN --reason TEXT
  ledger return --db FILE --receipt NO --item SKU:QTY... --manager ID --pin PIN --reason TEXT [--printer URI] [--json]
                take back goods of an earlier sale (退货); online only: the server must agree (--resume: send a waiting one again)
  report day    --db FILE [--date YYYY-MM-DD] [--json|--csv]
  backup    --db FILE --out FILE               a consistent copy (also while the app runs: it hands one over)
  restore   --db FILE --from FILE              put a backup back; it sells again only after a sync

Devices (technicians):
  ports     [--json] [PATH...]                 serial ports with USB vendor/product names and by-id links
  scan-test --port PATH|URI [--baud N] [--term cr|crlf|lf|tab|none] [--count N] [--timeout D]
                                               print each framed scan, its raw bytes and its classification
  print-test --printer URI                     status and a test page (Chinese sample, column ruler, QR)

Sync with the central server:
  enroll    --db FILE --server URL[,URL...] --code CODE [--expect-root FINGERPRINT|--yes]
  sync      --db FILE [--json]                 upload the outbox, download trust list, catalogue and voucher status
  incidents --db FILE [--json]                 sales the server found in conflict or rejected
  settle verify --db FILE|--root-key KEY DIR  check a settlement folder from voucherd settle (signed MANIFEST, file hashes)
  reconcile --db FILE [--day YYYY-MM-DD] [--json]
                                               compare the day's records with the server's (exit 1 when they differ)

Run "posctl COMMAND --help" for a command's flags. Messages follow LANG (Chinese unless en*).
While the cashier app runs, the read commands (status, ledger list, ledger verify, report day,
incidents, user list, reconcile) and backup read a copy the app hands over; commands that write
fail with db_busy: quit the app first.
`

// errUsage marks a usage error: exit status 2.
var errUsage = errors.New("usage")

// errRefused marks an answer that is not a failure of the tool but a "no"
// (a voucher refused): exit status 1, already printed.
var errRefused = errors.New("refused")

// command is one posctl subcommand.
type command func(args []string, stdout io.Writer) error

func commands() map[string]command {
	return map[string]command{
		"provision": cmdProvision,
		"status":    cmdStatus,
		"trust":     sub("trust", map[string]command{"install": cmdTrustInstall}),
		"user":      sub("user", map[string]command{"add": cmdUserAdd, "list": cmdUserList, "unlock": cmdUserUnlock}),
		"check":     cmdCheck,
		"redeem":    cmdRedeem,
		"ledger":    sub("ledger", map[string]command{"verify": cmdLedgerVerify, "void": cmdVoid, "return": cmdReturn, "list": cmdLedgerList}),
		"report":    sub("report", map[string]command{"day": cmdReportDay}),
		"enroll":    cmdEnroll,
		"sync":      cmdSync,
		"incidents": cmdIncidents,
		"settle":    sub("settle", map[string]command{"verify": cmdSettleVerify}),
		"receipt":   cmdReceipt,
		"reconcile": cmdReconcile,
		"backup":    cmdBackup,
		"restore":   cmdRestore,
	}
}

// exitCommands are subcommands written in the run style (own exit code).
var exitCommands = map[string]func(args []string, stdout, stderr io.Writer) int{
	"ports":      cmdPorts,
	"scan-test":  cmdScanTest,
	"print-test": cmdPrintTest,
}

func run(args []string, stdout, stderr io.Writer) int {
	notices = stderr
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "--version" || args[0] == "version" {
		fmt.Fprintln(stdout, "posctl", pos.BuildVersion())
		return 0
	}
	if fn, ok := exitCommands[args[0]]; ok {
		return fn(args[1:], stdout, stderr)
	}
	fn, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "posctl: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	return exitCode(args[0], fn(args[1:], stdout), stderr)
}

// exitCode prints err for the operator and maps it to the exit status.
func exitCode(name string, err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errRefused):
		return 1
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "posctl %s: %v\n", name, err)
		return 2
	}
	if code := pos.ErrorCode(err); code != pos.EINTERNAL {
		fmt.Fprintf(stderr, "posctl %s: %s [%s]\n  %v\n", name, msgs().Error(err), code, err)
	} else {
		fmt.Fprintf(stderr, "posctl %s: %v\n", name, err)
	}
	var ec interface{ ExitCode() int }
	if errors.As(err, &ec) {
		return ec.ExitCode() // e.g. 3: redeem recorded the sale but did not print it
	}
	return 1
}

// sub dispatches a second word (posctl ledger verify).
func sub(name string, cmds map[string]command) command {
	return func(args []string, stdout io.Writer) error {
		if len(args) == 0 {
			names := make([]string, 0, len(cmds))
			for n := range cmds {
				names = append(names, n)
			}
			return fmt.Errorf("%w: %s needs one of: %s", errUsage, name, strings.Join(names, ", "))
		}
		fn, ok := cmds[args[0]]
		if !ok {
			return fmt.Errorf("%w: unknown command %s %q", errUsage, name, args[0])
		}
		return fn(args[1:], stdout)
	}
}

// msgs returns the messages for the operator's LANG.
func msgs() *assets.Messages { return assets.For(os.Getenv("LANG")) }

// newFlags returns a FlagSet whose parse errors are usage errors.
func newFlags(name string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("posctl "+name, flag.ContinueOnError)
	fs.SetOutput(out)
	return fs
}

// parse parses flags; positional arguments are allowed only when
// positional is true.
func parse(fs *flag.FlagSet, args []string, positional bool) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if !positional && fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return nil
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

// parseOpen parses args, checks the required flags and opens the database
// at *dbPath, which must exist; without --db, the installed one
// (bolt.DefaultPath: $FUPINPOS_DB or /var/lib/fupinpos/terminal.db). The
// caller closes it.
func parseOpen(fs *flag.FlagSet, args []string, positional bool, dbPath *string, required ...string) (*bolt.DB, error) {
	if err := parseDB(fs, args, positional, dbPath, required...); err != nil {
		return nil, err
	}
	return openDB(*dbPath, false)
}

// parseDB parses args, checks the required flags and sets *dbPath to the
// installed database when --db is not given.
func parseDB(fs *flag.FlagSet, args []string, positional bool, dbPath *string, required ...string) error {
	if err := parse(fs, args, positional); err != nil {
		return err
	}
	if err := require(fs, required...); err != nil {
		return err
	}
	if *dbPath == "" {
		*dbPath = bolt.DefaultPath()
	}
	if *dbPath == "" {
		return fmt.Errorf("%w: --db is required (or FUPINPOS_DB, or the installed /var/lib/fupinpos/terminal.db)", errUsage)
	}
	return nil
}

// notices is where commands write what the operator should know beside
// their output (run sets it to its stderr).
var notices io.Writer = os.Stderr

// parseRead is parseOpen for commands that only read (openRead). The
// caller calls done instead of Close.
func parseRead(fs *flag.FlagSet, args []string, dbPath *string) (db *bolt.DB, done func(), err error) {
	if err := parseDB(fs, args, false, dbPath); err != nil {
		return nil, nil, err
	}
	return openRead(*dbPath)
}

// openRead opens the database at path for a command that only reads.
// While the terminal app holds it (its control socket answers), the
// command reads a copy the app hands over — the database as it is at that
// moment — and says so on notices; otherwise the file itself.
func openRead(path string) (*bolt.DB, func(), error) {
	if _, err := os.Stat(bolt.ControlPath(path)); err == nil {
		if db, done, err := openSnapshot(path); err == nil {
			return db, done, nil
		}
	}
	db, err := openDB(path, false)
	if err != nil {
		return nil, nil, err
	}
	return db, func() { db.Close() }, nil
}

// openSnapshot opens a copy of the database at path from the app holding
// it, in a private temporary folder removed by done: the copy holds the
// terminal's private key.
func openSnapshot(path string) (*bolt.DB, func(), error) {
	dir, err := os.MkdirTemp("", "posctl-snapshot-")
	if err != nil {
		return nil, nil, pos.WrapError(pos.ESTORAGE, err, "temporary folder")
	}
	snap := filepath.Join(dir, "terminal.db")
	if _, err := bolt.Snapshot(path, snap); err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	db, err := bolt.Open(snap, 0o600, &bolt.Options{Timeout: defaultLockWait})
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	fmt.Fprintf(notices, "posctl: %s\n", msgs().T("posctl.snapshot", nil))
	return db, func() { db.Close(); os.RemoveAll(dir) }, nil
}

// openDB opens the terminal database, which must exist unless create.
func openDB(path string, create bool) (*bolt.DB, error) {
	if !create {
		if _, err := os.Stat(path); err != nil {
			return nil, pos.WrapError(pos.ENOTPROVISIONED, err, "no terminal database at %s (run posctl provision)", path)
		}
	}
	return bolt.Open(path, 0o600, &bolt.Options{Timeout: defaultLockWait})
}
