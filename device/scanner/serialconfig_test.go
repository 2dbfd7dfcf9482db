package scanner

import (
	"testing"
	"time"

	"fupinpos/pos"
)

func TestParseURI(t *testing.T) {
	tests := []struct {
		uri  string
		want SerialConfig
	}{
		{"serial:///dev/ttyUSB0", SerialConfig{Path: "/dev/ttyUSB0", Baud: 9600, DataBits: 8,
			Framing: Config{Idle: DefaultIdle, TermWait: DefaultTermWait, MaxLen: DefaultMaxLen, DedupWindow: DefaultDedupWindow}}},
		{"serial:///dev/ttyUSB0?baud=9600&term=cr", SerialConfig{Path: "/dev/ttyUSB0", Baud: 9600, DataBits: 8,
			Framing: Config{Idle: DefaultIdle, TermWait: DefaultTermWait, MaxLen: DefaultMaxLen, DedupWindow: DefaultDedupWindow}}},
		{"serial:///dev/serial/by-id/usb-Honeywell_1900-if00?baud=115200&term=crlf&parity=even&data=7&stop=2&aim=1&idle=80ms&max=600&dedup=off",
			SerialConfig{Path: "/dev/serial/by-id/usb-Honeywell_1900-if00", Baud: 115200, DataBits: 7, Parity: ParityEven, StopBits: Stop2,
				Framing: Config{Terminator: TermCRLF, AIMPrefix: true, Idle: 80 * time.Millisecond, TermWait: DefaultTermWait, MaxLen: 600, DedupWindow: -1}}},
		{"serial:///tmp/scanner?term=NONE&parity=o&stop=1.5&dedup=300ms", SerialConfig{Path: "/tmp/scanner", Baud: 9600, DataBits: 8,
			Parity: ParityOdd, StopBits: Stop1Half,
			Framing: Config{Terminator: TermNone, Idle: DefaultIdle, TermWait: DefaultTermWait, MaxLen: DefaultMaxLen, DedupWindow: 300 * time.Millisecond}}},
		{"serial:///dev/ttyACM0?term=tab", SerialConfig{Path: "/dev/ttyACM0", Baud: 9600, DataBits: 8,
			Framing: Config{Terminator: TermTAB, Idle: DefaultIdle, TermWait: DefaultTermWait, MaxLen: DefaultMaxLen, DedupWindow: DefaultDedupWindow}}},
		// Windows COM names, in every form a technician may type.
		{"serial://COM3?baud=9600", SerialConfig{Path: "COM3", Baud: 9600, DataBits: 8,
			Framing: Config{Idle: DefaultIdle, TermWait: DefaultTermWait, MaxLen: DefaultMaxLen, DedupWindow: DefaultDedupWindow}}},
		{"serial:///COM3?baud=9600", SerialConfig{Path: "COM3", Baud: 9600, DataBits: 8,
			Framing: Config{Idle: DefaultIdle, TermWait: DefaultTermWait, MaxLen: DefaultMaxLen, DedupWindow: DefaultDedupWindow}}},
		{"serial:COM12?baud=115200&term=crlf", SerialConfig{Path: "COM12", Baud: 115200, DataBits: 8,
			Framing: Config{Terminator: TermCRLF, Idle: DefaultIdle, TermWait: DefaultTermWait, MaxLen: DefaultMaxLen, DedupWindow: DefaultDedupWindow}}},
		{"serial://com4/", SerialConfig{Path: "com4", Baud: 9600, DataBits: 8,
			Framing: Config{Idle: DefaultIdle, TermWait: DefaultTermWait, MaxLen: DefaultMaxLen, DedupWindow: DefaultDedupWindow}}},
	}
	for _, tt := range tests {
		got, err := ParseURI(tt.uri)
		if err != nil || got != tt.want {
			t.Errorf("ParseURI(%q) = %+v, %v\nwant %+v", tt.uri, got, err, tt.want)
			continue
		}
		// The canonical form reads back to the same settings.
		again, err := ParseURI(got.String())
		if err != nil || again != got {
			t.Errorf("round trip of %q through %q: %+v, %v", tt.uri, got.String(), again, err)
		}
	}
}

func TestParseURIRefuses(t *testing.T) {
	for _, uri := range []string{
		"", "tcp://host:9100", "serial://dev/ttyUSB0", "serial://COM0", "serial://COMX", "serial://COM3/dev/x", "serial:", "serial:///dev/ttyUSB0?baud=fast",
		"serial:///dev/ttyUSB0?baud=0", "serial:///dev/ttyUSB0?baud=9000000", "serial:///dev/ttyUSB0?data=9",
		"serial:///dev/ttyUSB0?parity=x", "serial:///dev/ttyUSB0?stop=3", "serial:///dev/ttyUSB0?term=etx",
		"serial:///dev/ttyUSB0?aim=maybe", "serial:///dev/ttyUSB0?idle=-1s", "serial:///dev/ttyUSB0?max=-4",
		"serial:///dev/ttyUSB0?bauds=9600", "serial:///dev/ttyUSB0?%zz",
	} {
		if _, err := ParseURI(uri); pos.ErrorCode(err) != pos.EINVALID {
			t.Errorf("ParseURI(%q): %v, want code %s", uri, err, pos.EINVALID)
		}
	}
}

func TestTerminator(t *testing.T) {
	for term, want := range map[Terminator]string{TermCR: "\r", TermCRLF: "\r\n", TermLF: "\n", TermTAB: "\t", TermNone: ""} {
		if string(term.Bytes()) != want {
			t.Errorf("%v bytes %q, want %q", term, term.Bytes(), want)
		}
		if back, err := ParseTerminator(term.String()); err != nil || back != term {
			t.Errorf("ParseTerminator(%q) = %v, %v", term.String(), back, err)
		}
	}
}

func TestSerialMode(t *testing.T) {
	c, _ := ParseURI("serial:///dev/ttyS0?baud=19200&data=7&parity=even&stop=2")
	m := c.mode()
	if m.BaudRate != 19200 || m.DataBits != 7 || m.Parity != 2 || m.StopBits != 2 || m.InitialStatusBits != nil {
		t.Errorf("mode %+v", m)
	}
}

func TestLine(t *testing.T) {
	for uri, want := range map[string]string{
		"serial:///dev/ttyS0": "9600 8N1",
		"serial:///dev/ttyS0?baud=115200&data=7&parity=e&stop=2": "115200 7E2",
		"serial:///dev/ttyS0?parity=space&stop=1.5":              "9600 8S1.5",
	} {
		c, err := ParseURI(uri)
		if err != nil || c.Line() != want {
			t.Errorf("%s: %q, %v, want %q", uri, c.Line(), err, want)
		}
	}
}

func TestCOMURIString(t *testing.T) {
	c, err := ParseURI("serial:///COM3?baud=9600")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.String(), "serial://COM3?baud=9600&data=8&parity=none&stop=1&term=cr"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for s, want := range map[string]bool{"COM1": true, "com255": true, "COM": false, "COM0": false, "COM1a": false, "/dev/COM1": false, "LPT1": false} {
		if IsCOMName(s) != want {
			t.Errorf("IsCOMName(%q) = %v", s, !want)
		}
	}
}
