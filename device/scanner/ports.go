package scanner

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.bug.st/serial"
	"go.bug.st/serial/enumerator"

	"fupinpos/pos"
)

// PortInfo is one serial port a scanner may be on, with what the system
// knows about the USB device behind it, so a technician can pick "Honeywell
// 1900" rather than guess between ttyUSB0 and ttyACM1.
type PortInfo struct {
	Path         string   `json:"path"`             // /dev/ttyUSB0, or a path typed by hand
	Target       string   `json:"target,omitempty"` // for a path that is a symlink (a by-id link, a simulator): the device it points at
	ByID         []string `json:"by_id,omitempty"`  // stable /dev/serial/by-id links to it: use them in the scanner URI
	USB          bool     `json:"usb"`
	VID          string   `json:"vid,omitempty"` // USB vendor id, hex
	PID          string   `json:"pid,omitempty"` // USB product id, hex
	SerialNumber string   `json:"serial_number,omitempty"`
	Manufacturer string   `json:"manufacturer,omitempty"`
	Product      string   `json:"product,omitempty"`
	Manual       bool     `json:"manual,omitempty"` // named by hand rather than found by enumeration
	Err          string   `json:"error,omitempty"`  // for a manual path: why it cannot be a port (missing, not a terminal)
}

// Name returns the best human name for the port: its USB manufacturer and
// product, or its USB ids, or the name of its by-id link or its path.
func (p PortInfo) Name() string {
	switch {
	case p.Product != "" && p.Manufacturer != "" && !strings.HasPrefix(p.Product, p.Manufacturer):
		return p.Manufacturer + " " + p.Product
	case p.Product != "":
		return p.Product
	}
	if p.USB && p.VID != "" {
		return "USB " + p.VID + ":" + p.PID
	}
	if len(p.ByID) > 0 {
		return filepath.Base(p.ByID[0])
	}
	return filepath.Base(p.Path)
}

// ByIDDir is where udev keeps stable names for USB serial devices.
const ByIDDir = "/dev/serial/by-id"

// Ports lists the serial ports of this machine (ttyS, ttyUSB, ttyACM …) with
// their USB details and by-id links, sorted by path, followed by each extra
// path as given (a by-id link or a simulator's symlink typed by hand, which
// enumeration never finds: it does not list /dev/pts/*). An extra path that
// enumeration found too is not listed twice; one that is missing or not a
// character device is listed with Err set, so the technician sees why.
func Ports(extra ...string) ([]PortInfo, error) {
	names, err := serial.GetPortsList()
	if err != nil {
		return nil, pos.WrapError(pos.EINTERNAL, err, "list serial ports")
	}
	list, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, pos.WrapError(pos.EINTERNAL, err, "list serial ports with USB details")
	}
	ports := mergePorts(names, list, byIDLinks(ByIDDir))
	return appendManual(ports, extra), nil
}

// byIDLinks maps each device in dir's symlinks to its link paths. A missing
// dir (no USB serial devices) is no links.
func byIDLinks(dir string) map[string][]string {
	links := map[string][]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return links
	}
	for _, e := range entries {
		link := filepath.Join(dir, e.Name())
		target, err := filepath.EvalSymlinks(link)
		if err != nil {
			continue
		}
		links[target] = append(links[target], link)
	}
	return links
}

// mergePorts joins the plain port list, the detailed list (which may miss
// ports the plain one has, or fail to describe them) and the by-id links.
func mergePorts(names []string, list []*enumerator.PortDetails, links map[string][]string) []PortInfo {
	seen := map[string]bool{}
	var ports []PortInfo
	for _, d := range list {
		if d == nil || seen[d.Name] {
			continue
		}
		seen[d.Name] = true
		ports = append(ports, PortInfo{
			Path: d.Name, ByID: links[d.Name], USB: d.IsUSB,
			VID: strings.ToLower(d.VID), PID: strings.ToLower(d.PID),
			SerialNumber: d.SerialNumber, Manufacturer: d.Manufacturer, Product: d.Product,
		})
	}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			ports = append(ports, PortInfo{Path: n, ByID: links[n]})
		}
	}
	for target, l := range links {
		if !seen[target] {
			ports = append(ports, PortInfo{Path: target, ByID: l, USB: true})
		}
	}
	for i := range ports {
		slices.Sort(ports[i].ByID)
	}
	slices.SortFunc(ports, func(a, b PortInfo) int { return strings.Compare(a.Path, b.Path) })
	return ports
}

// appendManual adds the paths typed by hand, skipping those already listed
// (by path, by-id link or symlink target).
func appendManual(ports []PortInfo, extra []string) []PortInfo {
	for _, p := range extra {
		if p == "" || slices.ContainsFunc(ports, func(q PortInfo) bool { return q.Path == p || slices.Contains(q.ByID, p) }) {
			continue
		}
		ports = append(ports, Describe(p))
	}
	return ports
}

// Describe returns what can be said of a port path typed by hand without
// opening it: where a symlink points and whether it is a character device.
// It never fails; a problem is in Err.
func Describe(path string) PortInfo {
	info := PortInfo{Path: path, Manual: true}
	if target, err := filepath.EvalSymlinks(path); err == nil && target != path {
		info.Target = target
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		info.Err = err.Error()
	case fi.Mode()&os.ModeCharDevice == 0:
		info.Err = "not a character device"
	}
	return info
}
