package pos

import (
	"net/url"
	"strings"
	"time"
)

// TerminalConfig is the terminal's own settings: where it stands, which
// scopes its store belongs to, and its local limits. Technicians set it;
// every change is audited.
type TerminalConfig struct {
	Store     string   `json:"store"`
	StoreName string   `json:"store_name"`
	Counter   string   `json:"counter"`
	Terminal  string   `json:"terminal"`
	Scopes    []uint32 `json:"scopes"` // store groups / regions this store belongs to
	TestMode  bool     `json:"test_mode"`

	// Offline overrides the campaign's offline limits where stricter.
	Offline OfflineLimits `json:"offline"`
	// ClockTolerance is how far behind its clock floor the clock may be.
	ClockTolerance Duration `json:"clock_tolerance"`
	// MaxClockAhead is how far past the last sync the clock may plausibly be.
	MaxClockAhead Duration `json:"max_clock_ahead"`

	Lang    string `json:"lang"`    // zh_Hans or en
	Kiosk   bool   `json:"kiosk"`   // full screen, no window decorations: the counter's normal mode
	Server  string `json:"server"`  // central server URL
	Printer string `json:"printer"` // printer URI, e.g. tcp://127.0.0.1:9100?paper=80
	Scanner string `json:"scanner"` // scanner URI, e.g. serial:///dev/ttyUSB0?baud=9600

	// ReceiptLang is the language printed receipts speak (zh_Hans, the
	// default, or en), apart from the screen's Lang: a store may run the
	// screens in English and still hand customers Chinese receipts.
	ReceiptLang string `json:"receipt_lang,omitempty"`
	// Wedge tells a keyboard-wedge scanner's key bursts from a person
	// typing: a URI parsed by device/scanner.ParseWedge, e.g.
	// "wedge:?prefix=%5DQ1&gap=35ms" (empty: the defaults).
	Wedge string `json:"wedge,omitempty"`
	// ServerCA pins the central server's TLS certificate authority: PEM
	// certificates that are the only roots the sync client trusts (a
	// deployment's private CA), set at enrollment (posctl enroll --ca).
	// Empty: the system's roots.
	ServerCA string `json:"server_ca,omitempty"`
}

// Defaults for clock checks.
const (
	DefaultClockTolerance = 2 * time.Minute
	DefaultMaxClockAhead  = 30 * 24 * time.Hour
)

// Validate checks the configuration a technician entered.
func (c *TerminalConfig) Validate() error {
	if c.Store == "" || c.Terminal == "" {
		return Errorf(EINVALID, "store and terminal ids are required").Say("ids_required")
	}
	for _, s := range c.Terminal + c.Store {
		if !(s >= '0' && s <= '9' || s >= 'A' && s <= 'Z' || s >= 'a' && s <= 'z' || s == '-' || s == '_') {
			return Errorf(EINVALID, "store and terminal ids may use only letters, digits, - and _").Say("ids_chars")
		}
	}
	if c.Lang != "" && c.Lang != "zh_Hans" && c.Lang != "en" {
		return Errorf(EINVALID, "language %q: want zh_Hans or en", c.Lang).Say("language", "value", c.Lang)
	}
	if c.Offline.MaxQueueCount < 0 || c.Offline.MaxQueueAmount < 0 || c.Offline.MaxCacheAge < 0 {
		return Errorf(EINVALID, "offline limits must not be negative")
	}
	return nil
}

// InScope reports whether a voucher scope may be used at this terminal.
func (c *TerminalConfig) InScope(scope uint32) bool {
	if scope == 0 {
		return true
	}
	for _, s := range c.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// EffectiveOffline returns the stricter of the campaign's and the terminal's
// offline limits, field by field, falling back to DefaultOfflineLimits where
// neither sets one.
func (c *TerminalConfig) EffectiveOffline(camp *Campaign) OfflineLimits {
	var cl OfflineLimits
	if camp != nil {
		cl = camp.Offline
	}
	tl := c.Offline
	d := DefaultOfflineLimits
	return OfflineLimits{
		MaxCacheAge:    Duration(minPos(int64(cl.MaxCacheAge), int64(tl.MaxCacheAge), int64(d.MaxCacheAge))),
		MaxQueueCount:  int(minPos(int64(cl.MaxQueueCount), int64(tl.MaxQueueCount), int64(d.MaxQueueCount))),
		MaxQueueAmount: Money(minPos(int64(cl.MaxQueueAmount), int64(tl.MaxQueueAmount), int64(d.MaxQueueAmount))),
	}
}

// minPos returns the smaller of the positive values among a and b, or def
// when neither is positive.
func minPos(a, b, def int64) int64 {
	switch {
	case a > 0 && b > 0:
		return min(a, b)
	case a > 0:
		return a
	case b > 0:
		return b
	}
	return def
}

// ParseServers reads the Server setting: one central server URL or several,
// comma-separated, that the terminal fails over between (trailing slashes
// dropped, empty entries skipped). Each must be http(s)://host[:port].
func ParseServers(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimRight(strings.TrimSpace(p), "/")
		if p == "" {
			continue
		}
		u, err := url.Parse(p)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, Errorf(EINVALID, "server URL %q: want http(s)://host[:port]", p).Say("server_url", "url", p)
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, Errorf(ENOTPROVISIONED, "no central server configured (run posctl enroll)").Say("no_server")
	}
	return out, nil
}
