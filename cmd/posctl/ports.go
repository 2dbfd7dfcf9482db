package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"fupinpos/device/scanner"
	"fupinpos/pos/report"
)

// cmdPorts lists the machine's serial ports with their USB ids, USB socket,
// product names, serial numbers and stable /dev/serial/by-id and by-path
// links, then each path
// named on the command line (a simulator's symlink, a by-id link) with what
// it points at, so a technician can tell which port the scanner is on.
//
//	posctl ports [--json] [PATH...]
func cmdPorts(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("ports", stderr, "posctl ports [--json] [PATH...]")
	asJSON := fs.Bool("json", false, "print the ports as JSON")
	if err := parse(fs, args, true); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return usageExit(stderr, "ports", err)
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

// writePorts prints ports as a table in the operator's language, aligned
// by display width (report.Table: a Chinese character takes two columns),
// then each port's stable links, one a line: the by-id links, then the
// by-path ones. A CH340 adapter without a serial number has only by-path
// links, which follow the USB socket shown in the USB port column.
func writePorts(w io.Writer, ports []scanner.PortInfo) {
	m := msgs()
	if len(ports) == 0 {
		fmt.Fprintln(w, m.T("ports.none", nil))
		return
	}
	var tb report.Table
	tb.Row(m.T("ports.col.path", nil), m.T("ports.col.usb", nil), m.T("ports.col.usbport", nil),
		m.T("ports.col.serial", nil), m.T("ports.col.name", nil))
	var links [][2]string
	for _, p := range ports {
		usb := "-"
		if p.VID != "" {
			usb = p.VID + ":" + p.PID
		}
		name := p.Name()
		switch {
		case p.Manual && p.Err != "":
			why := p.Err
			if p.Problem != "" && m.Has("ports.problem."+p.Problem) {
				why = m.T("ports.problem."+p.Problem, nil)
			}
			name = m.T("ports.manual", nil) + ": " + why
		case p.Manual && p.Target != "":
			name = m.T("ports.manual", nil) + " → " + p.Target
		case p.Manual:
			name = m.T("ports.manual", nil)
		}
		tb.Row(p.Path, usb, orDash(p.USBPort), orDash(p.SerialNumber), name)
		for _, l := range append(append([]string(nil), p.ByID...), p.ByPath...) {
			links = append(links, [2]string{p.Path, l})
		}
	}
	tb.Write(w)
	if len(links) > 0 {
		fmt.Fprintf(w, "\n%s\n", m.T("ports.links", nil))
		for _, l := range links {
			fmt.Fprintf(w, "  %s → %s\n", l[0], l[1])
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, m.T("ports.hint", nil))
}

// orDash returns s, or "-" for an empty table cell.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
