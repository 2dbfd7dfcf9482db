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
	got := mergePorts(names, list, links)
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
