package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/width"

	"fupinpos/device/scanner"
)

// cmdPorts lists the machine's serial ports with their USB ids, product
// names, serial numbers and stable /dev/serial/by-id links, then each path
// named on the command line (a simulator's symlink, a by-id link) with what
// it points at, so a technician can tell which port the scanner is on.
//
//	posctl ports [--json] [PATH...]
func cmdPorts(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("ports", stderr)
	asJSON := fs.Bool("json", false, "print the ports as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: posctl ports [--json] [PATH...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	ports, err := scanner.Ports(fs.Args()...)
	if err != nil {
		fmt.Fprintf(stderr, "posctl ports: %v\n", err)
		return 1
	}
	if *asJSON {
		if ports == nil {
			ports = []scanner.PortInfo{}
		}
		if err := printJSON(stdout, ports); err != nil {
			fmt.Fprintf(stderr, "posctl ports: %v\n", err)
			return 1
		}
		return 0
	}
	writePorts(stdout, ports)
	return 0
}

// writePorts prints ports as an aligned table in the operator's language.
func writePorts(w io.Writer, ports []scanner.PortInfo) {
	m := msgs()
	if len(ports) == 0 {
		fmt.Fprintln(w, m.T("ports.none", nil))
		return
	}
	rows := [][]string{{m.T("ports.col.path", nil), m.T("ports.col.usb", nil), m.T("ports.col.name", nil),
		m.T("ports.col.serial", nil), m.T("ports.col.links", nil)}}
	for _, p := range ports {
		usb := "-"
		if p.VID != "" {
			usb = p.VID + ":" + p.PID
		}
		name := p.Name()
		links := strings.Join(p.ByID, " ")
		switch {
		case p.Manual && p.Err != "":
			name = m.T("ports.manual", nil) + ": " + p.Err
		case p.Manual && p.Target != "":
			name = m.T("ports.manual", nil) + " → " + p.Target
		case p.Manual:
			name = m.T("ports.manual", nil)
		}
		rows = append(rows, []string{p.Path, usb, name, orDash(p.SerialNumber), orDash(links)})
	}
	writeColumns(w, rows)
	fmt.Fprintln(w)
	fmt.Fprintln(w, m.T("ports.hint", nil))
}

// writeColumns aligns rows in columns by display width (a Chinese character
// takes two columns), two spaces apart, without trailing space.
func writeColumns(w io.Writer, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], cellWidth(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-cellWidth(c)+2))
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

// cellWidth counts East Asian wide and fullwidth characters as two
// columns.
func cellWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// orDash returns s, or "-" for an empty table cell.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
