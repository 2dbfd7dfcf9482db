package printer

import (
	"net"
	"net/url"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"fupinpos/device/escpos"
	"fupinpos/pos"
)

// Transport schemes of a printer URI.
const (
	SchemeTCP    = "tcp"    // network printer, raw port 9100
	SchemeSerial = "serial" // RS-232 or USB virtual COM port, go.bug.st/serial
	SchemeFile   = "file"   // USB line printer device (/dev/usb/lp0) or a plain file
)

// Defaults of a printer URI's options.
const (
	DefaultPort    = "9100"
	DefaultBaud    = 9600
	DefaultTimeout = 3 * time.Second
	// DefaultPaper is the paper the technician screen offers first. A URI
	// without paper= does not get it: it gets escpos.SafeProfile until the
	// printer names its model (GS I), so no line wraps on any printer.
	DefaultPaper = "80"
)

// Config is a parsed printer URI.
type Config struct {
	URI     string
	Scheme  string // SchemeTCP, SchemeSerial or SchemeFile
	Address string // host:port for tcp, a path (or COM3) otherwise
	Profile escpos.Profile
	// PaperSet says the URI named the paper; without it the profile is
	// escpos.SafeProfile until the printer's model id (GS I 1) names one.
	PaperSet bool
	// opts are the URI's qr=, drawer= and cut=, applied on top of whichever
	// profile is in use (the paper's or the model's).
	opts    profileOpts
	Baud    int           // serial line speed; also paces write deadlines
	Timeout time.Duration // deadline for a status answer, and the base of a job's write deadline
	Status  bool          // ask DLE EOT before and after each job
	// Serial flow control (rtscts=1, xonxoff=1, dsrdtr=1): Linux sets
	// RTS/CTS and XON/XOFF (DSR/DTR has no termios flag there), Windows all
	// three; ParseURI refuses one the platform cannot set. A serial link
	// without flow control in effect paces raster jobs at slow baud rates
	// instead (see Pace).
	RTSCTS, XonXoff, DSRDTR bool
}

// profileOpts holds the profile options a URI set: 0 not set, 1 off, 2 on.
type profileOpts struct{ nativeQR, drawer, cut byte }

func optOf(on bool) byte {
	if on {
		return 2
	}
	return 1
}

// apply returns p with the URI's options set.
func (o profileOpts) apply(p escpos.Profile) escpos.Profile {
	if o.nativeQR != 0 {
		p.NativeQR = o.nativeQR == 2
	}
	if o.drawer != 0 {
		p.Drawer = o.drawer == 2
	}
	if o.cut != 0 {
		p.Cut = o.cut == 2
	}
	return p
}

// comName matches Windows serial port names (COM1 … COM256).
var comName = regexp.MustCompile(`(?i)^COM[0-9]{1,3}$`)

// ParseURI reads a printer URI (see the package comment). Unknown options
// are errors, so a typo in the terminal configuration is caught at setup
// rather than silently ignored. serial://COM3 (and serial:///COM3) name a
// Windows port.
func ParseURI(uri string) (Config, error) {
	// bad refuses uri: say is the finer message's key and parameters
	// (pos.Error.Say), then the English detail.
	bad := func(say []string, format string, args ...any) (Config, error) {
		return Config{}, pos.Errorf(pos.EINVALID, "printer URI %q: "+format, append([]any{uri}, args...)...).Say(say[0], say[1:]...)
	}
	u, err := url.Parse(strings.TrimSpace(uri))
	if err != nil {
		return bad([]string{"printer_uri", "value", uri}, "%v", err)
	}
	c := Config{URI: uri, Scheme: strings.ToLower(u.Scheme), Baud: DefaultBaud, Timeout: DefaultTimeout}
	switch c.Scheme {
	case SchemeTCP:
		if u.Host == "" {
			return bad([]string{"printer_tcp", "value", uri}, "want tcp://host:9100")
		}
		c.Address = u.Host
		if _, _, err := net.SplitHostPort(u.Host); err != nil {
			c.Address = net.JoinHostPort(u.Host, DefaultPort)
		}
		c.Status = true
	case SchemeSerial, SchemeFile:
		switch {
		case c.Scheme == SchemeSerial && comName.MatchString(u.Host) && (u.Path == "" || u.Path == "/"):
			c.Address = strings.ToUpper(u.Host)
		case c.Scheme == SchemeSerial && u.Host == "" && comName.MatchString(strings.TrimPrefix(u.Path, "/")):
			c.Address = strings.ToUpper(strings.TrimPrefix(u.Path, "/"))
		case u.Host != "" || u.Path == "":
			return bad([]string{"printer_path", "value", uri, "scheme", c.Scheme}, "want %s:///path (three slashes, an absolute path)", c.Scheme)
		default:
			c.Address = u.Path
		}
		c.Status = c.Scheme == SchemeSerial
	default:
		return bad([]string{"printer_uri", "value", uri}, "scheme %q: want tcp, serial or file", u.Scheme)
	}
	q := u.Query()
	paper := q.Get("paper")
	c.PaperSet = paper != ""
	c.Profile = escpos.SafeProfile
	if c.PaperSet {
		if c.Profile, err = escpos.ProfileByName(paper); err != nil {
			return Config{}, err
		}
	}
	for k, vs := range q {
		v := vs[len(vs)-1]
		switch k {
		case "paper":
		case "qr":
			switch v {
			case "native":
				c.opts.nativeQR = 2
			case "raster":
				c.opts.nativeQR = 1
			default:
				return bad([]string{"setting_choice", "name", k, "value", v, "known", "native, raster"}, "qr=%s: want native or raster", v)
			}
		case "drawer", "cut", "status", "rtscts", "xonxoff", "dsrdtr":
			on, err := strconv.ParseBool(v)
			if err != nil {
				return bad([]string{"setting_choice", "name", k, "value", v, "known", "0, 1"}, "%s=%s: want 0 or 1", k, v)
			}
			switch k {
			case "drawer":
				c.opts.drawer = optOf(on)
			case "cut":
				c.opts.cut = optOf(on)
			case "status":
				c.Status = on
			case "rtscts":
				c.RTSCTS = on
			case "xonxoff":
				c.XonXoff = on
			case "dsrdtr":
				c.DSRDTR = on
			}
		case "baud":
			n, err := strconv.Atoi(v)
			if err != nil || n < 300 || n > 4000000 {
				return bad([]string{"setting_number", "name", k, "value", v}, "baud=%s: want a line speed such as 9600 or 115200", v)
			}
			c.Baud = n
		case "timeout":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return bad([]string{"setting_duration", "name", k, "value", v}, "timeout=%s: want a duration such as 3s", v)
			}
			c.Timeout = d
		default:
			return bad([]string{"setting_unknown", "name", k, "known", "paper, qr, drawer, cut, baud, timeout, status, rtscts, xonxoff, dsrdtr"}, "unknown option %q (paper, qr, drawer, cut, baud, timeout, status, rtscts, xonxoff, dsrdtr)", k)
		}
	}
	if c.Scheme != SchemeSerial && (c.RTSCTS || c.XonXoff || c.DSRDTR) {
		return bad([]string{"printer_flow"}, "rtscts, xonxoff and dsrdtr are for serial printers")
	}
	if opt := unsupportedFlow(c); opt != "" {
		return bad([]string{"printer_flow_unsupported", "name", opt, "os", runtime.GOOS},
			"%s=1: this platform (%s) cannot set that flow control; leave it out (raster jobs are then paced at the baud rate)", opt, runtime.GOOS)
	}
	c.Profile = c.opts.apply(c.Profile)
	return c, nil
}

// wireTime is how long n bytes take on the line: ten bits a byte (8N1) at
// the serial baud rate; zero for tcp and file, whose links are fast.
func (c Config) wireTime(n int) time.Duration {
	if c.Scheme != SchemeSerial || c.Baud <= 0 {
		return 0
	}
	return time.Duration(float64(n) * 10 / float64(c.Baud) * float64(time.Second))
}
