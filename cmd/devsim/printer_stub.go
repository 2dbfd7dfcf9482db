package main

import (
	"fmt"
	"io"
)

// cmdPrinter is a placeholder until cmd/devsim/printer.go provides the
// printer simulator; delete this file then.
func cmdPrinter(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "devsim printer: not built yet")
	return 1
}
