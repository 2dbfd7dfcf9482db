package scanner

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"go.bug.st/serial/enumerator"
)

func TestMergePorts(t *testing.T) {
	names := []string{"/dev/ttyS0", "/dev/ttyUSB0", "/dev/ttyACM0"}
	list := []*enumerator.PortDetails{
		{Name: "/dev/ttyUSB0", IsUSB: true, VID: "0C2E", PID: "0B61", SerialNumber: "18012B1234", Manufacturer: "Honeywell", Product: "1900 Scanner"},
		{Name: "/dev/ttyACM0", IsUSB: true, VID: "1eab", PID: "1a03"},
		nil,
	}
	links := map[string][]string{
		"/dev/ttyUSB0": {"/dev/serial/by-id/usb-Honeywell_1900-if00"},
		"/dev/ttyACM9": {"/dev/serial/by-id/usb-gone-if00"},
	}
	got := mergePorts(names, list, links, nil)
	want := []PortInfo{
		{Path: "/dev/ttyACM0", USB: true, VID: "1eab", PID: "1a03"},
		{Path: "/dev/ttyACM9", ByID: []string{"/dev/serial/by-id/usb-gone-if00"}, USB: true},
		{Path: "/dev/ttyS0"},
		{Path: "/dev/ttyUSB0", ByID: []string{"/dev/serial/by-id/usb-Honeywell_1900-if00"}, USB: true, VID: "0c2e", PID: "0b61",
			SerialNumber: "18012B1234", Manufacturer: "Honeywell", Product: "1900 Scanner"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%+v\nwant\n%+v", got, want)
	}
	names2 := []string{"USB 1eab:1a03", "usb-gone-if00", "ttyS0", "Honeywell 1900 Scanner"}
	for i, p := range got {
		if p.Name() != names2[i] {
			t.Errorf("%s: name %q, want %q", p.Path, p.Name(), names2[i])
		}
	}
}

func TestManualPorts(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "scanner")
	if err := os.Symlink("/dev/null", link); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain")
	os.WriteFile(plain, nil, 0o600)
	listed := []PortInfo{{Path: "/dev/ttyUSB0", ByID: []string{"/dev/serial/by-id/x"}}}
	got := appendManual(listed, []string{"/dev/ttyUSB0", "/dev/serial/by-id/x", link, plain, filepath.Join(dir, "missing"), ""})
	if len(got) != 4 {
		t.Fatalf("got %+v", got)
	}
	if p := got[1]; p.Path != link || p.Target != "/dev/null" || !p.Manual || p.Err != "" {
		t.Errorf("symlink: %+v", p)
	}
	if p := got[2]; p.Path != plain || p.Err != "not a character device" {
		t.Errorf("plain file: %+v", p)
	}
	if p := got[3]; p.Err == "" {
		t.Errorf("missing path: %+v", p)
	}
}

// TestPortsFakeDev lists ports from a fake /dev tree made as udev makes
// it: relative by-id and by-path links. A CH340 adapter has no serial
// number, so no by-id link: its by-path link and USB socket identify it.
func TestPortsFakeDev(t *testing.T) {
	root := t.TempDir()
	mk := func(dir string, links map[string]string) {
		d := filepath.Join(root, dir)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, target := range links {
			if err := os.Symlink(target, filepath.Join(d, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	mk("dev", nil)
	for _, n := range []string{"ttyUSB0", "ttyUSB1", "ttyACM0", "ttyS0"} {
		os.WriteFile(filepath.Join(root, "dev", n), nil, 0o600)
	}
	mk("dev/serial/by-id", map[string]string{"usb-Honeywell_1900_18012B1234-if00": "../../ttyACM0"})
	mk("dev/serial/by-path", map[string]string{
		"pci-0000:00:14.0-usb-0:1.4:1.0-port0":   "../../ttyUSB0",
		"pci-0000:00:14.0-usbv2-0:1.4:1.0-port0": "../../ttyUSB0",
		"pci-0000:00:14.0-usb-0:2:1.0-port0":     "../../ttyUSB1",
		"pci-0000:00:14.0-usb-0:3:1.0":           "../../ttyACM0",
		"platform-xhci-hcd.0-usb-0:1:1.0-port0":  "../../ttyUSB9", // dangling: ignored
	})
	src := portSource{
		root: root,
		names: func() ([]string, error) {
			return []string{"/dev/ttyS0", "/dev/ttyUSB0", "/dev/ttyUSB1", "/dev/ttyACM0"}, nil
		},
		details: func() ([]*enumerator.PortDetails, error) {
			return []*enumerator.PortDetails{
				{Name: "/dev/ttyUSB0", IsUSB: true, VID: "1A86", PID: "7523", Product: "USB Serial"},
				{Name: "/dev/ttyUSB1", IsUSB: true, VID: "1A86", PID: "7523", Product: "USB Serial"},
				{Name: "/dev/ttyACM0", IsUSB: true, VID: "0C2E", PID: "0B61", SerialNumber: "18012B1234", Manufacturer: "Honeywell", Product: "1900"},
			}, nil
		},
	}
	got, err := src.list(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []PortInfo{
		{Path: "/dev/ttyACM0", ByID: []string{"/dev/serial/by-id/usb-Honeywell_1900_18012B1234-if00"},
			ByPath: []string{"/dev/serial/by-path/pci-0000:00:14.0-usb-0:3:1.0"}, USBPort: "3",
			USB: true, VID: "0c2e", PID: "0b61", SerialNumber: "18012B1234", Manufacturer: "Honeywell", Product: "1900"},
		{Path: "/dev/ttyS0"},
		{Path: "/dev/ttyUSB0", ByPath: []string{"/dev/serial/by-path/pci-0000:00:14.0-usb-0:1.4:1.0-port0", "/dev/serial/by-path/pci-0000:00:14.0-usbv2-0:1.4:1.0-port0"},
			USBPort: "1.4", USB: true, VID: "1a86", PID: "7523", Product: "USB Serial"},
		{Path: "/dev/ttyUSB1", ByPath: []string{"/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0-port0"},
			USBPort: "2", USB: true, VID: "1a86", PID: "7523", Product: "USB Serial"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%+v\nwant\n%+v", got, want)
	}
	// The two CH340s look alike but for their socket: the stable link to
	// put in a URI is by-path for them, by-id for the Honeywell.
	for i, link := range []string{"/dev/serial/by-id/usb-Honeywell_1900_18012B1234-if00", "/dev/ttyS0",
		"/dev/serial/by-path/pci-0000:00:14.0-usb-0:1.4:1.0-port0", "/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0-port0"} {
		if got[i].StableLink() != link {
			t.Errorf("%s: stable link %q, want %q", got[i].Path, got[i].StableLink(), link)
		}
	}
}

func TestUSBPort(t *testing.T) {
	for name, want := range map[string]string{
		"pci-0000:00:14.0-usb-0:2:1.0-port0":       "2",
		"pci-0000:00:14.0-usbv2-0:1.4.3:1.0-port0": "1.4.3",
		"platform-fe9c0000.xhci-usb-0:1:1.0":       "1",
		"pci-0000:00:16.3":                         "",
	} {
		if got := usbPort([]string{"/dev/serial/by-path/" + name}); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

// TestManualPortsDeduplicated is defect 9 of issue 9: the same device named
// twice (the same /dev/pts/N, or a link and its target) is listed once.
func TestManualPortsDeduplicated(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "scanner")
	os.Symlink("/dev/null", link)
	got := appendManual(nil, []string{"/dev/null", "/dev/null", link, "/dev/../dev/null", "/dev/zero"})
	if len(got) != 2 || got[0].Path != "/dev/null" || got[1].Path != "/dev/zero" {
		t.Errorf("got %+v", got)
	}
	// A by-path link to an enumerated port is that port.
	listed := []PortInfo{{Path: "/dev/ttyUSB0", ByPath: []string{"/dev/serial/by-path/x"}}}
	if got := appendManual(listed, []string{"/dev/serial/by-path/x"}); len(got) != 1 {
		t.Errorf("by-path link listed again: %+v", got)
	}
}

// TestPorts runs the real enumeration: whatever this machine has, every
// listed port has a path, and a path typed by hand is listed last.
func TestPorts(t *testing.T) {
	ports, err := Ports("/dev/null")
	if err != nil {
		t.Skipf("no serial port enumeration here: %v", err)
	}
	for _, p := range ports {
		if p.Path == "" {
			t.Errorf("port without a path: %+v", p)
		}
	}
	if last := ports[len(ports)-1]; last.Path != "/dev/null" || !last.Manual {
		t.Errorf("manual path not last: %+v", last)
	}
}
