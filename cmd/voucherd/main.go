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
	"slices"
	"time"

	"fupinpos/assets"
	"fupinpos/pos"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks a usage error: exit status 2 (usagef makes one).
var errUsage = assets.ErrUsage

// errRefused is exit status 1 for a command that has already said why,
// in the language of LANG: nothing more is printed.
var errRefused = errors.New("refused")

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, tr("voucherd.usage"))
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
		fmt.Fprintf(stderr, "voucherd: %s\n\n%s", tr("voucherd.unknown_command", "cmd", args[0]), tr("voucherd.usage"))
		return 2
	}
	err := fn(args[1:], stdout)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errRefused):
		return 1
	case errors.Is(err, errUsage):
		name := commandName(args)
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		if name == "voucherd terminal" {
			name = "voucherd" // terminal alone has no --help; the usage lists its commands
		}
		say(stderr, "cli.help_hint", "cmd", name)
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

// subcommands are the second words of the commands that have them.
var subcommands = map[string][]string{
	"terminal":  {"add", "list", "disable"},
	"catalogue": {"import"},
	"incidents": {"resolve"},
	"settle":    {"verify"},
}

// commandName returns the command args run ("voucherd terminal add"): a
// usage error names it, and the hint its --help.
func commandName(args []string) string {
	name := "voucherd " + args[0]
	if len(args) > 1 && slices.Contains(subcommands[args[0]], args[1]) {
		name += " " + args[1]
	}
	return name
}

// newFlags returns a FlagSet whose help (to out) and parse errors are in
// the language of LANG (assets.Messages.Flags); synopsis as PrintFlags.
func newFlags(name string, out io.Writer, synopsis ...string) *flag.FlagSet {
	fs := flag.NewFlagSet("voucherd "+name, flag.ContinueOnError)
	messages().Flags(fs, out, synopsis...)
	return fs
}

// parse parses args with fs (newFlags), which takes no positional
// arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := messages().Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("voucherd.usage_err.argument", "arg", fs.Arg(0))
	}
	return nil
}

// extraArg returns the first argument left over by a command that takes
// one positional argument, given before the flags (taken) or among them.
func extraArg(fs *flag.FlagSet, taken bool) string {
	if taken || fs.NArg() < 2 {
		return fs.Arg(0)
	}
	return fs.Arg(1)
}

// nowFlag lets an administrator issue as of another time, e.g. to
// reproduce the 2020 campaign; terminals have no such flag.
// A value that does not parse (no zone, a typo) is a usage error, never
// silently the real time.
func nowFlag(fs *flag.FlagSet) func() time.Time {
	v := &nowValue{}
	fs.Var(v, "now", "act as if the time were `RFC3339` (admin testing only)")
	return func() time.Time {
		if v.s == "" {
			return time.Now()
		}
		return v.t
	}
}

// errNowFormat is why a --now value is refused (flag.err.why.* words it).
var errNowFormat = errors.New("not an RFC3339 time with zone")

// nowValue is the value of --now: the text given (String, "" when none)
// and the time it names.
type nowValue struct {
	s string
	t time.Time
}

func (v *nowValue) String() string { return v.s }

func (v *nowValue) Set(s string) error {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return errNowFormat
	}
	v.s, v.t = s, t
	return nil
}

func require(fs *flag.FlagSet, names ...string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, n := range names {
		if !set[n] {
			return usagef("voucherd.usage_err.required", "flag", n)
		}
	}
	return nil
}
