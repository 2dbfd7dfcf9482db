package assets

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Go's flag package writes a command's help and its parse errors in
// English. The command-line tools (posctl, voucherd, fupinpos) route both
// through the functions here, so a technician reads them in the language of
// LANG, Chinese first.
//
// A flag's description is translated under "flag.desc." followed by its
// English text as the help shows it (placeholders unquoted: "terminal
// database FILE"), so one translation serves every command with that flag
// and a new flag without one still shows, in English. Only the Chinese
// table carries these keys; the English text is its own translation.

// ErrUsage marks a usage error of a command-line tool (exit status 2).
var ErrUsage = errors.New("usage")

// usageError is a usage error told in the operator's language.
type usageError struct{ msg string }

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == ErrUsage }

// Usage returns a usage error (errors.Is ErrUsage) whose message is the
// translation of key with its name, value parameters.
func (m *Messages) Usage(key string, kv ...any) error {
	return &usageError{m.Tv(key, kv...)}
}

// Flags makes fs speak m's language: its help (fs.Usage) is PrintFlags to
// w, and fs itself prints nothing (Parse words its errors). A command may
// set fs.Usage after this to add to the help.
func (m *Messages) Flags(fs *flag.FlagSet, w io.Writer, synopsis ...string) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() { m.PrintFlags(w, fs, synopsis...) }
}

// Parse parses args with fs (set up by Flags). -h or --help prints the
// help and returns flag.ErrHelp; a parse error prints nothing and returns
// a usage error worded by FlagError — one line, not the whole help again.
func (m *Messages) Parse(fs *flag.FlagSet, args []string) error {
	help := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = help
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		if help != nil {
			help()
		}
		return err
	}
	return &usageError{m.FlagError(err)}
}

// PrintFlags writes fs's help to w: the synopsis lines (command lines;
// none: the command's name and "[options]"), then each flag with its
// placeholder, its translated description and its default.
func (m *Messages) PrintFlags(w io.Writer, fs *flag.FlagSet, synopsis ...string) {
	if len(synopsis) == 0 {
		synopsis = []string{fs.Name() + " " + m.T("flag.options", nil)}
	}
	for i, s := range synopsis {
		head := m.T("flag.usage", nil)
		if i > 0 {
			head = strings.Repeat(" ", len([]rune(head))*2)
		}
		fmt.Fprintln(w, head+s)
	}
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if k := "flag.type." + name; m.Has(k) {
			name = m.T(k, nil) // Go's generic placeholder: string, int, duration
		}
		if name != "" {
			line += " " + name
		}
		fmt.Fprintln(w, line)
		desc := m.FlagText(usage)
		if d := f.DefValue; d != "" && d != "false" && d != "0" && d != "0s" && d != "[]" {
			desc += m.Tv("flag.default", "value", d)
		}
		fmt.Fprintln(w, "      "+strings.ReplaceAll(desc, "\n", "\n      "))
	})
}

// FlagText returns the translation of a flag's description (its English
// text, placeholders unquoted), or the text itself when there is none.
func (m *Messages) FlagText(usage string) string {
	if s, ok := m.m["flag.desc."+usage]; ok {
		return s
	}
	return usage
}

// flagErrors are the parse errors of Go's flag package, by the key of
// their translation.
var flagErrors = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^flag provided but not defined: -+(.*)$`), "flag.err.undefined"},
	{regexp.MustCompile(`^flag needs an argument: -+(.*)$`), "flag.err.needs_arg"},
	{regexp.MustCompile(`^invalid (?:boolean )?value (".*") for (?:flag )?-+(\S+): (.*)$`), "flag.err.invalid"},
	{regexp.MustCompile(`^bad flag syntax: (.*)$`), "flag.err.syntax"},
}

// FlagError words a parse error of fs.Parse in m's language (flag names as
// --name); an error it does not know keeps its text.
func (m *Messages) FlagError(err error) string {
	s := err.Error()
	for _, fe := range flagErrors {
		g := fe.re.FindStringSubmatch(s)
		if g == nil {
			continue
		}
		switch fe.key {
		case "flag.err.invalid":
			why := g[3]
			if k := "flag.err.why." + strings.ReplaceAll(why, " ", "_"); m.Has(k) {
				why = m.T(k, nil)
			}
			return m.Tv(fe.key, "value", g[1], "flag", g[2], "why", why)
		default:
			return m.Tv(fe.key, "flag", g[1])
		}
	}
	return s
}
