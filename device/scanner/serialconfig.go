package scanner

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.bug.st/serial"

	"fupinpos/pos"
)

// Parity is a serial port's parity setting.
type Parity int

// Parity settings; the zero value is none, as on most scanners.
const (
	ParityNone Parity = iota
	ParityOdd
	ParityEven
	ParityMark
	ParitySpace
)

var parityNames = [...]string{ParityNone: "none", ParityOdd: "odd", ParityEven: "even", ParityMark: "mark", ParitySpace: "space"}

// String returns the name used in scanner URIs: none, odd, even, mark, space.
func (p Parity) String() string {
	if p < 0 || int(p) >= len(parityNames) {
		return "Parity(" + strconv.Itoa(int(p)) + ")"
	}
	return parityNames[p]
}

// ParseParity reads none, odd, even, mark or space (or n, o, e, m, s).
func ParseParity(s string) (Parity, error) {
	for i, n := range parityNames {
		if strings.EqualFold(s, n) || strings.EqualFold(s, n[:1]) {
			return Parity(i), nil
		}
	}
	return 0, pos.Errorf(pos.EINVALID, "parity %q: want none, odd, even, mark or space", s).Say("setting_choice", "name", "parity", "value", s, "known", "none, odd, even, mark, space")
}

// StopBits is a serial port's number of stop bits.
type StopBits int

// Stop bit settings; the zero value is one stop bit.
const (
	Stop1 StopBits = iota
	Stop1Half
	Stop2
)

var stopNames = [...]string{Stop1: "1", Stop1Half: "1.5", Stop2: "2"}

// String returns 1, 1.5 or 2.
func (s StopBits) String() string {
	if s < 0 || int(s) >= len(stopNames) {
		return "StopBits(" + strconv.Itoa(int(s)) + ")"
	}
	return stopNames[s]
}

// ParseStopBits reads 1, 1.5 or 2.
func ParseStopBits(s string) (StopBits, error) {
	for i, n := range stopNames {
		if s == n {
			return StopBits(i), nil
		}
	}
	return 0, pos.Errorf(pos.EINVALID, "stop bits %q: want 1, 1.5 or 2", s).Say("setting_choice", "name", "stop", "value", s, "known", "1, 1.5, 2")
}

// SerialConfig is everything needed to read a serial scanner: the port, its
// line settings and how its bytes are framed. Zero Baud and DataBits mean
// 9600 and 8, the factory default of most scanners (8N1, CR).
type SerialConfig struct {
	Path     string
	Baud     int
	DataBits int
	Parity   Parity
	StopBits StopBits
	Framing  Config
}

// Defaults for the serial line.
const (
	DefaultBaud     = 9600
	DefaultDataBits = 8
)

func (c SerialConfig) withDefaults() SerialConfig {
	if c.Baud == 0 {
		c.Baud = DefaultBaud
	}
	if c.DataBits == 0 {
		c.DataBits = DefaultDataBits
	}
	c.Framing = c.Framing.withDefaults()
	return c
}

// Validate reports the first setting a port could not be opened with.
func (c SerialConfig) Validate() error {
	c = c.withDefaults()
	switch {
	case c.Path == "":
		return pos.Errorf(pos.EINVALID, "scanner: no port path")
	case c.Baud < 50 || c.Baud > 4000000:
		return pos.Errorf(pos.EINVALID, "scanner %s: baud %d out of range 50–4000000", c.Path, c.Baud).Say("setting_number", "name", "baud", "value", strconv.Itoa(c.Baud))
	case c.DataBits < 5 || c.DataBits > 8:
		return pos.Errorf(pos.EINVALID, "scanner %s: data bits %d: want 5, 6, 7 or 8", c.Path, c.DataBits).Say("setting_choice", "name", "data", "value", strconv.Itoa(c.DataBits), "known", "5, 6, 7, 8")
	case c.Parity < ParityNone || c.Parity > ParitySpace:
		return pos.Errorf(pos.EINVALID, "scanner %s: invalid parity %v", c.Path, c.Parity)
	case c.StopBits < Stop1 || c.StopBits > Stop2:
		return pos.Errorf(pos.EINVALID, "scanner %s: invalid stop bits %v", c.Path, c.StopBits)
	case c.Framing.Terminator < TermCR || c.Framing.Terminator > TermNone:
		return pos.Errorf(pos.EINVALID, "scanner %s: invalid terminator %v", c.Path, c.Framing.Terminator)
	}
	return nil
}

func (c SerialConfig) mode() *serial.Mode {
	// InitialStatusBits stays nil: modem lines are not touched, since a
	// pty (and some USB adapters) refuse them.
	return &serial.Mode{
		BaudRate: c.Baud,
		DataBits: c.DataBits,
		Parity:   [...]serial.Parity{serial.NoParity, serial.OddParity, serial.EvenParity, serial.MarkParity, serial.SpaceParity}[c.Parity],
		StopBits: [...]serial.StopBits{serial.OneStopBit, serial.OnePointFiveStopBits, serial.TwoStopBits}[c.StopBits],
	}
}

// Line returns the line settings in the usual short form, such as
// "9600 8N1" or "115200 7E2", for technicians' messages.
func (c SerialConfig) Line() string {
	c = c.withDefaults()
	return fmt.Sprintf("%d %d%s%s", c.Baud, c.DataBits, strings.ToUpper(c.Parity.String()[:1]), c.StopBits)
}

// String returns c as a canonical scanner URI, the form ParseURI reads.
func (c SerialConfig) String() string {
	c = c.withDefaults()
	q := url.Values{}
	q.Set("baud", strconv.Itoa(c.Baud))
	q.Set("data", strconv.Itoa(c.DataBits))
	q.Set("parity", c.Parity.String())
	q.Set("stop", c.StopBits.String())
	q.Set("term", c.Framing.Terminator.String())
	if c.Framing.AIMPrefix {
		q.Set("aim", "1")
	}
	if c.Framing.Idle != DefaultIdle {
		q.Set("idle", c.Framing.Idle.String())
	}
	if c.Framing.MaxLen != DefaultMaxLen {
		q.Set("max", strconv.Itoa(c.Framing.MaxLen))
	}
	switch {
	case c.Framing.DedupWindow < 0:
		q.Set("dedup", "off")
	case c.Framing.DedupWindow != DefaultDedupWindow:
		q.Set("dedup", c.Framing.DedupWindow.String())
	}
	u := url.URL{Scheme: "serial", Path: c.Path, RawQuery: q.Encode()}
	if IsCOMName(c.Path) {
		u.Path, u.Host = "", c.Path
	}
	return u.String()
}

// ParseURI reads a scanner setting such as
//
//	serial:///dev/ttyUSB0?baud=9600&parity=none&data=8&stop=1&term=crlf&aim=1
//	serial://COM3?baud=9600 (Windows; serial:///COM3 and serial:COM3 too)
//
// Optional framing keys are idle (a duration: with term=none, the pause
// that ends a scan; not used with a terminator, which alone frames a scan),
// max (bytes) and dedup (a duration; "off" disables). Unknown keys are errors, so a typo never
// silently falls back to a default. Missing keys take the defaults: 9600
// 8N1, CR.
func ParseURI(s string) (SerialConfig, error) {
	var c SerialConfig
	u, err := url.Parse(s)
	if err != nil {
		return c, pos.WrapError(pos.EINVALID, err, "scanner URI %q", s)
	}
	if u.Scheme != "serial" {
		return c, pos.Errorf(pos.EINVALID, "scanner URI %q: scheme must be serial (serial:///dev/ttyUSB0)", s).Say("scanner_uri", "value", s)
	}
	switch {
	case IsCOMName(u.Host) && (u.Path == "" || u.Path == "/"):
		c.Path = u.Host
	case u.Host != "":
		return c, pos.Errorf(pos.EINVALID, "scanner URI %q: the port path needs three slashes (serial:///dev/…), or a Windows COM name (serial://COM3)", s).Say("scanner_uri", "value", s)
	case IsCOMName(strings.TrimPrefix(u.Path, "/")):
		c.Path = strings.TrimPrefix(u.Path, "/")
	default:
		c.Path = u.Path
	}
	if c.Path == "" {
		c.Path = u.Opaque
	}
	if c.Path == "" {
		return c, pos.Errorf(pos.EINVALID, "scanner URI %q: no port path", s).Say("scanner_uri", "value", s)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return c, pos.WrapError(pos.EINVALID, err, "scanner URI %q: query", s)
	}
	for k, vs := range q {
		v := vs[len(vs)-1]
		if err := c.set(k, v); err != nil {
			return SerialConfig{}, fmt.Errorf("scanner URI %q: %w", s, err)
		}
	}
	c = c.withDefaults()
	if err := c.Validate(); err != nil {
		return SerialConfig{}, err
	}
	return c, nil
}

func (c *SerialConfig) set(k, v string) error {
	var err error
	switch k {
	case "baud":
		c.Baud, err = positive(k, v)
	case "data":
		c.DataBits, err = positive(k, v)
	case "parity":
		c.Parity, err = ParseParity(v)
	case "stop":
		c.StopBits, err = ParseStopBits(v)
	case "term":
		c.Framing.Terminator, err = ParseTerminator(v)
	case "aim":
		c.Framing.AIMPrefix, err = strconv.ParseBool(v)
		if err != nil {
			err = pos.Errorf(pos.EINVALID, "aim %q: want 1 or 0", v).Say("setting_choice", "name", k, "value", v, "known", "0, 1")
		}
	case "idle":
		c.Framing.Idle, err = duration(k, v)
	case "max":
		c.Framing.MaxLen, err = positive(k, v)
	case "dedup":
		if v == "off" || v == "0" {
			c.Framing.DedupWindow = -1
			return nil
		}
		c.Framing.DedupWindow, err = duration(k, v)
	default:
		err = pos.Errorf(pos.EINVALID, "unknown setting %q (want baud, data, parity, stop, term, aim, idle, max, dedup)", k).Say("setting_unknown", "name", k, "known", "baud, data, parity, stop, term, aim, idle, max, dedup")
	}
	return err
}

// IsCOMName reports whether s is a Windows serial port name: COM and a
// number (COM3, com10), which go.bug.st/serial opens as \\.\COM3.
func IsCOMName(s string) bool {
	if len(s) < 4 || !strings.EqualFold(s[:3], "COM") || s[3] == '0' {
		return false
	}
	for i := 3; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func positive(k, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, pos.Errorf(pos.EINVALID, "%s %q: want a positive whole number", k, v).Say("setting_number", "name", k, "value", v)
	}
	return n, nil
}

func duration(k, v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, pos.Errorf(pos.EINVALID, "%s %q: want a positive duration such as 50ms", k, v).Say("setting_duration", "name", k, "value", v)
	}
	return d, nil
}
