// Command devsim runs simulated counter devices over the real transports, so
// the app, posctl and a technician's tools can be tried without hardware:
//
//	devsim scanner --link PATH [--baud N] [--term cr|crlf|lf|tab|none] [--pause D] [--file F]
//	devsim printer ...
//
// The scanner is a pty whose slave a stable symlink points at; point a
// scanner URI (serial://PATH?baud=N&term=...) at the link. The printer
// serves TCP 9100 or a pty and keeps what it prints. Each prints the paths
// and ports it serves; "devsim KIND --help" lists the flags.
//
// Exit status: 0 success, 1 failure, 2 usage error.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `devsim — simulated counter devices

  devsim scanner --link PATH [--baud N] [--term cr|crlf|lf|tab|none] [--pause D] [--file F] [--exit]
        a serial scanner on a pty at PATH; each line of stdin (or F) is one scan
  devsim printer ...
        a receipt printer (run "devsim printer --help")
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches to a simulator and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	switch args[0] {
	case "scanner":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
		defer stop()
		return cmdScanner(ctx, args[1:], stdin, stdout, stderr)
	case "printer":
		return cmdPrinter(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "devsim: unknown device %q\n\n%s", args[0], usage)
	return 2
}
