package scanner

import (
	"os"
	"path/filepath"
	"regexp"
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
	Path   string   `json:"path"`              // /dev/ttyUSB0, COM3, or a path typed by hand
	Target string   `json:"target,omitempty"`  // for a path that is a symlink (a by-id link, a simulator): the device it points at
	ByID   []string `json:"by_id,omitempty"`   // stable /dev/serial/by-id links to it (they follow the device, but need a serial number)
	ByPath []string `json:"by_path,omitempty"` // stable /dev/serial/by-path links to it (they follow the USB socket: for CH340 and other adapters without a serial number)
	// USBPort is the USB socket the device is plugged into, as the by-path
	// link names it: the port chain from the root hub, such as "2" or
	// "1.4" (hub port 4 behind root port 1).
	USBPort      string `json:"usb_port,omitempty"`
	USB          bool   `json:"usb"`
	VID          string `json:"vid,omitempty"` // USB vendor id, hex
	PID          string `json:"pid,omitempty"` // USB product id, hex
	SerialNumber string `json:"serial_number,omitempty"`
	Manufacturer string `json:"manufacturer,omitempty"`
	Product      string `json:"product,omitempty"`
	Manual       bool   `json:"manual,omitempty"` // named by hand rather than found by enumeration
	Err          string `json:"error,omitempty"`  // for a manual path: why it cannot be a port (missing, not a terminal)
	// Problem names Err's kind for a translated message: one of the
	// Problem constants, "" when there is none or it has no name.
	Problem string `json:"problem,omitempty"`
}

// Kinds of PortInfo.Problem.
const (
	ProblemMissing    = "missing"      // no such file
	ProblemDenied     = "denied"       // no permission to look at it
	ProblemNotCharDev = "not_char_dev" // exists, but is not a character device
	ProblemNotCOMName = "not_com_name" // Windows: not a COM name
	ProblemNoCOMPort  = "no_com_port"  // Windows: a COM name the system does not list
)

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

// StableLink returns the path to put in the scanner URI: the by-id link (it
// follows the scanner to any socket), else the by-path link (it follows the
// socket: a CH340 adapter without a serial number has no by-id link), else
// the port's own path.
func (p PortInfo) StableLink() string {
	switch {
	case len(p.ByID) > 0:
		return p.ByID[0]
	case len(p.ByPath) > 0:
		return p.ByPath[0]
	}
	return p.Path
}

// Where udev keeps stable names for serial devices: by-id from the USB
// device's ids and serial number, by-path from the USB socket.
const (
	ByIDDir   = "/dev/serial/by-id"
	ByPathDir = "/dev/serial/by-path"
)

// Ports lists the serial ports of this machine (ttyS, ttyUSB, ttyACM …;
// COM1, COM3 … on Windows) with their USB details, by-id and by-path links
// and USB socket, sorted by path, followed by each extra path as given (a
// by-id link or a simulator's symlink typed by hand, which enumeration never
// finds: it does not list /dev/pts/*). An extra path naming a port already
// listed (the same device by any name, or given twice) is not listed again;
// one that is missing or not a character device is listed with Err set, so
// the technician sees why.
func Ports(extra ...string) ([]PortInfo, error) {
	return systemPorts.list(extra)
}

// portSource is where Ports looks: the file system root holding /dev (a
// fake tree in tests) and the enumerators.
type portSource struct {
	root    string
	names   func() ([]string, error)
	details func() ([]*enumerator.PortDetails, error)
}

var systemPorts = portSource{
	root:    "/",
	names:   serial.GetPortsList,
	details: func() ([]*enumerator.PortDetails, error) { return enumerator.GetDetailedPortsList() },
}

func (s portSource) list(extra []string) ([]PortInfo, error) {
	names, err := s.names()
	if err != nil {
		return nil, pos.WrapError(pos.EINTERNAL, err, "list serial ports")
	}
	list, err := s.details()
	if err != nil {
		return nil, pos.WrapError(pos.EINTERNAL, err, "list serial ports with USB details")
	}
	ports := mergePorts(names, list, s.links(ByIDDir), s.links(ByPathDir))
	return appendManual(ports, extra), nil
}

// links maps each device that dir's symlinks point at to the links, both
// as seen from the real root. A missing dir (no USB serial devices, or
// Windows) is no links.
func (s portSource) links(dir string) map[string][]string {
	links := map[string][]string{}
	real := filepath.Join(s.root, dir)
	entries, err := os.ReadDir(real)
	if err != nil {
		return links
	}
	for _, e := range entries {
		target, err := filepath.EvalSymlinks(filepath.Join(real, e.Name()))
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(s.root, target); err == nil && !strings.HasPrefix(rel, "..") {
			target = "/" + filepath.ToSlash(rel)
		}
		links[target] = append(links[target], dir+"/"+e.Name())
	}
	return links
}

// usbPortRE finds the USB port chain in a by-path link name such as
// pci-0000:00:14.0-usb-0:1.4:1.0-port0 (or usbv2-…, as newer udev writes).
var usbPortRE = regexp.MustCompile(`-usb(?:v\d+)?-\d+:([0-9.]+):\d+\.\d+`)

// usbPort returns the USB port chain named by by-path links, or "".
func usbPort(byPath []string) string {
	for _, l := range byPath {
		if m := usbPortRE.FindStringSubmatch(filepath.Base(l)); m != nil {
			return m[1]
		}
	}
	return ""
}

// mergePorts joins the plain port list, the detailed list (which may miss
// ports the plain one has, or fail to describe them) and the by-id and
// by-path links.
func mergePorts(names []string, list []*enumerator.PortDetails, byID, byPath map[string][]string) []PortInfo {
	seen := map[string]bool{}
	var ports []PortInfo
	for _, d := range list {
		if d == nil || seen[d.Name] {
			continue
		}
		seen[d.Name] = true
		ports = append(ports, PortInfo{
			Path: d.Name, USB: d.IsUSB,
			VID: strings.ToLower(d.VID), PID: strings.ToLower(d.PID),
			SerialNumber: d.SerialNumber, Manufacturer: d.Manufacturer, Product: d.Product,
		})
	}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			ports = append(ports, PortInfo{Path: n})
		}
	}
	// A device only udev's links know (the enumerator missed it) is a USB
	// serial device too.
	for _, links := range []map[string][]string{byID, byPath} {
		for target := range links {
			if !seen[target] {
				seen[target] = true
				ports = append(ports, PortInfo{Path: target, USB: true})
			}
		}
	}
	for i := range ports {
		p := &ports[i]
		p.ByID = sorted(byID[p.Path])
		p.ByPath = sorted(byPath[p.Path])
		p.USBPort = usbPort(p.ByPath)
	}
	slices.SortFunc(ports, func(a, b PortInfo) int { return strings.Compare(a.Path, b.Path) })
	return ports
}

// sorted returns a sorted copy of links, nil for none.
func sorted(links []string) []string {
	if len(links) == 0 {
		return nil
	}
	return slices.Sorted(slices.Values(links))
}

// appendManual adds the paths typed by hand, skipping any that names a port
// already listed, by its path, a link to it or the device a symlink
// resolves to (so /dev/pts/3 given twice, or a simulator's link and its
// pty, is listed once).
func appendManual(ports []PortInfo, extra []string) []PortInfo {
	names := func(q PortInfo) []string {
		return append(append([]string{q.Path, q.Target}, q.ByID...), q.ByPath...)
	}
	for _, p := range extra {
		if p == "" {
			continue
		}
		resolved := resolve(p)
		if slices.ContainsFunc(ports, func(q PortInfo) bool {
			for _, n := range names(q) {
				if n != "" && (n == p || n == resolved || resolve(n) == resolved) {
					return true
				}
			}
			return false
		}) {
			continue
		}
		ports = append(ports, Describe(p))
	}
	return ports
}

// resolve returns the device path p names: symlinks followed, cleaned.
func resolve(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return filepath.Clean(p)
}
