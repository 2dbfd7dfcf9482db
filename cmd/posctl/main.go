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
	"sort"
	"strings"

	"fupinpos/assets"
	"fupinpos/pos"
	"fupinpos/pos/bolt"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks a usage error: exit status 2 (usagef makes one).
var errUsage = assets.ErrUsage

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
		fmt.Fprint(stdout, tr("posctl.usage"))
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
		fmt.Fprintf(stderr, "posctl: %s\n\n%s", tr("posctl.usage_err.unknown", "cmd", args[0]), tr("posctl.usage"))
		return 2
	}
	return exitCode(args[0], fn(args[1:], stdout), stderr)
}

// exitCode prints err for the operator and maps it to the exit status.
func exitCode(name string, err error, stderr io.Writer) int {
	if ce := (*cmdError)(nil); errors.As(err, &ce) {
		name = ce.name
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errRefused):
		return 1
	case errors.Is(err, errUsage):
		return usageExit(stderr, name, err)
	}
	code := pos.ErrorCode(err)
	if code != pos.EINTERNAL {
		fmt.Fprintf(stderr, "posctl %s: %s [%s]\n", name, errorText(err), code)
	} else {
		fmt.Fprintf(stderr, "posctl %s: %v\n", name, err)
	}
	// What the operator must do now, in their language (exit 3: the sale
	// stands, do not redeem it again), before the detail.
	if es := (*exitStatus)(nil); errors.As(err, &es) && es.note != "" {
		fmt.Fprintf(stderr, "  %s\n", es.note)
	}
	if detail := errorDetail(err); code != pos.EINTERNAL && detail != "" {
		fmt.Fprintf(stderr, "  %s\n", detail)
	}
	var ec interface{ ExitCode() int }
	if errors.As(err, &ec) {
		return ec.ExitCode() // e.g. 3: redeem recorded the sale but did not print it
	}
	return 1
}

// usageExit prints a usage error of command name and where its options
// are told, and returns the usage exit status (2).
func usageExit(stderr io.Writer, name string, err error) int {
	fmt.Fprintf(stderr, "posctl %s: %v\n", name, err)
	say(stderr, "cli.help_hint", "cmd", "posctl "+name)
	return 2
}

// sub dispatches a second word (posctl ledger verify).
func sub(name string, cmds map[string]command) command {
	return func(args []string, stdout io.Writer) error {
		if len(args) == 0 {
			names := make([]string, 0, len(cmds))
			for n := range cmds {
				names = append(names, n)
			}
			sort.Strings(names)
			return usagef("posctl.usage_err.sub", "cmd", name, "subs", strings.Join(names, ", "))
		}
		fn, ok := cmds[args[0]]
		if !ok {
			return usagef("posctl.usage_err.unknown_sub", "cmd", name, "sub", args[0])
		}
		if err := fn(args[1:], stdout); err != nil {
			return &cmdError{name: name + " " + args[0], err: err}
		}
		return nil
	}
}

// cmdError names the two-word command (ledger verify) an error came from,
// for the messages and the help hint.
type cmdError struct {
	name string
	err  error
}

func (e *cmdError) Error() string { return e.err.Error() }
func (e *cmdError) Unwrap() error { return e.err }

// msgs returns the messages for the operator's LANG.
func msgs() *assets.Messages { return assets.For(os.Getenv("LANG")) }

// newFlags returns a FlagSet whose help (to out) and parse errors are in
// the operator's language (assets.Messages.Flags).
func newFlags(name string, out io.Writer, synopsis ...string) *flag.FlagSet {
	fs := flag.NewFlagSet("posctl "+name, flag.ContinueOnError)
	msgs().Flags(fs, out, synopsis...)
	return fs
}

// parse parses flags; positional arguments are allowed only when
// positional is true.
func parse(fs *flag.FlagSet, args []string, positional bool) error {
	if err := msgs().Parse(fs, args); err != nil {
		return err
	}
	if !positional && fs.NArg() > 0 {
		return usagef("posctl.usage_err.argument", "arg", fs.Arg(0))
	}
	return nil
}

func require(fs *flag.FlagSet, names ...string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, n := range names {
		if !set[n] {
			return usagef("posctl.usage_err.required", "flag", n)
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
		return usagef("posctl.usage_err.db")
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

// openDB opens the terminal database, which must exist unless create
// (bolt.Options.Existing: a missing, empty or foreign file is refused and
// left as it is).
func openDB(path string, create bool) (*bolt.DB, error) {
	return bolt.Open(path, 0o600, &bolt.Options{Timeout: defaultLockWait, Existing: !create})
}
