package printer

import (
	"runtime"
	"testing"
	"time"

	"fupinpos/pos"
)

func TestParseURI(t *testing.T) {
	tests := []struct {
		uri                  string
		scheme, addr         string
		dots, cols           int
		native, drawer, stat bool
		baud                 int
		timeout              time.Duration
	}{
		// The drawer is on unless drawer=0 (issue 10 defect 6).
		{"tcp://192.168.1.50:9100?paper=80", "tcp", "192.168.1.50:9100", 576, 48, true, true, true, 9600, DefaultTimeout},
		// No paper=: the safe profile until the printer names its model.
		{"tcp://printer.local", "tcp", "printer.local:9100", 384, 32, false, true, true, 9600, DefaultTimeout},
		{"serial:///dev/ttyS0?baud=115200&paper=58&drawer=0", "serial", "/dev/ttyS0", 384, 32, true, false, true, 115200, DefaultTimeout},
		{"file:///dev/usb/lp0?paper=80-180&qr=raster&drawer=1", "file", "/dev/usb/lp0", 512, 42, false, true, false, 9600, DefaultTimeout},
		{"file:///dev/usb/lp0?status=1&timeout=500ms&qr=native", "file", "/dev/usb/lp0", 384, 32, true, true, true, 9600, 500 * time.Millisecond},
	}
	for _, tc := range tests {
		c, err := ParseURI(tc.uri)
		if err != nil {
			t.Errorf("%s: %v", tc.uri, err)
			continue
		}
		if c.Scheme != tc.scheme || c.Address != tc.addr || c.Profile.Dots != tc.dots || c.Profile.Columns != tc.cols ||
			c.Profile.NativeQR != tc.native || c.Profile.Drawer != tc.drawer || c.Status != tc.stat || c.Baud != tc.baud || c.Timeout != tc.timeout {
			t.Errorf("%s: %+v", tc.uri, c)
		}
	}
	for _, bad := range []string{
		"lpt://1", "tcp://", "serial://dev/ttyS0", "file://", "tcp://h?paper=76", "tcp://h?qr=laser",
		"tcp://h?baud=fast", "tcp://h?timeout=-1s", "tcp://h?drawer=maybe", "tcp://h?papr=80", "%zz",
		"tcp://h?rtscts=1", "file:///dev/usb/lp0?xonxoff=1", "serial:///dev/ttyS0?dsrdtr=yes", "serial://COM", "serial://LPT1", "file://COM3",
	} {
		if _, err := ParseURI(bad); pos.ErrorCode(err) != pos.EINVALID {
			t.Errorf("ParseURI(%q): %v, want %s", bad, err, pos.EINVALID)
		}
	}
}

// TestParseURISerial reads flow control and Windows port names.
func TestParseURISerial(t *testing.T) {
	tests := []struct {
		uri                     string
		addr                    string
		baud                    int
		rtscts, xonxoff, dsrdtr bool
		paperSet                bool
	}{
		{"serial://COM3?baud=9600", "COM3", 9600, false, false, false, false},
		{"serial://com12?baud=115200&paper=58", "COM12", 115200, false, false, false, true},
		{"serial:///COM4", "COM4", 9600, false, false, false, false},
		{"serial:///dev/ttyUSB0?rtscts=1", "/dev/ttyUSB0", 9600, true, false, false, false},
		{"serial:///dev/ttyS0?xonxoff=1&baud=19200", "/dev/ttyS0", 19200, false, true, false, false},
		{"serial:///dev/ttyS0?rtscts=0", "/dev/ttyS0", 9600, false, false, false, false},
	}
	for _, tc := range tests {
		c, err := ParseURI(tc.uri)
		if err != nil {
			t.Errorf("%s: %v", tc.uri, err)
			continue
		}
		if c.Scheme != SchemeSerial || c.Address != tc.addr || c.Baud != tc.baud || c.RTSCTS != tc.rtscts ||
			c.XonXoff != tc.xonxoff || c.DSRDTR != tc.dsrdtr || c.PaperSet != tc.paperSet || !c.Status {
			t.Errorf("%s: %+v", tc.uri, c)
		}
	}
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		n1, n2, n4 byte
		want       State
		code       string
	}{
		{0x12, 0x12, 0x12, StateOnline, ""},
		{0x12, 0x12, 0x1E, StatePaperNearEnd, ""},
		{0x1A, 0x32, 0x72, StatePaperOut, pos.EPAPEROUT},
		{0x12, 0x12, 0x72, StatePaperOut, pos.EPAPEROUT},
		{0x1A, 0x16, 0x12, StateCoverOpen, pos.ECOVEROPEN},
		{0x1A, 0x12, 0x12, StateOffline, pos.EPRINTEROFFLINE},
		{0x12, 0x52, 0x12, StateOffline, pos.EPRINTEROFFLINE},
	}
	for _, tc := range tests {
		st := ParseStatus(tc.n1, tc.n2, tc.n4)
		if st.State() != tc.want || pos.ErrorCode(st.Err()) != tc.code {
			t.Errorf("% X % X % X: %s, %v; want %s, %s", tc.n1, tc.n2, tc.n4, st.State(), st.Err(), tc.want, tc.code)
		}
	}
	if (Status{}).State() != StateUnknown || (Status{}).Err() != nil {
		t.Error("an unknown status must let printing proceed")
	}
}

// TestParseURIFlowPlatform is issue 10 defect 11: a flow control option the
// platform cannot set is refused (with a translated reason), never accepted
// silently: DSR/DTR on Linux, every one elsewhere but Windows.
func TestParseURIFlowPlatform(t *testing.T) {
	want := map[string]map[string]bool{ // GOOS → option → accepted
		"linux":   {"rtscts": true, "xonxoff": true, "dsrdtr": false},
		"windows": {"rtscts": true, "xonxoff": true, "dsrdtr": true},
	}[runtime.GOOS]
	for _, opt := range []string{"rtscts", "xonxoff", "dsrdtr"} {
		_, err := ParseURI("serial:///dev/ttyS0?" + opt + "=1")
		if ok := err == nil; ok != want[opt] {
			t.Errorf("%s=1 on %s: %v, want accepted %t", opt, runtime.GOOS, err, want[opt])
		}
		if err != nil && (pos.ErrorCode(err) != pos.EINVALID || pos.ErrorKey(err) != "printer_flow_unsupported") {
			t.Errorf("%s=1: %v, want %s printer_flow_unsupported", opt, err, pos.EINVALID)
		}
	}
}
