package scanner

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"fupinpos/pos"
)

// WedgeConfig is how a Wedge tells a keyboard-wedge scanner from a person
// at the keyboard. Zero fields take the defaults below.
type WedgeConfig struct {
	// Prefix is what the scanner is set to type before each code (e.g. the
	// AIM identifier "]Q1"). It marks a burst of doubtful timing as a scan
	// and is stripped from the text. Empty: none.
	Prefix string
	// Suffix is what the scanner types after each code, before its Enter;
	// it is stripped from scans. Empty: none.
	Suffix string
	// Term is the key that ends a code: "enter" (Enter or Tab, the default)
	// or "none" (a scanner that presses nothing: a burst ends after Pause).
	Term string
	// Gap is the largest median gap between keys of a scan (35 ms).
	Gap time.Duration
	// Pause is the longest single pause inside a scan (150 ms); a longer
	// one starts a new burst.
	Pause time.Duration
	// Forget drops keys left without Enter for this long (3 s).
	Forget time.Duration
	// MinLen is the fewest characters of a scan (4): shorter bursts are
	// typing.
	MinLen int
	// MaxLen caps a burst (DefaultMaxLen).
	MaxLen int
}

// Wedge defaults.
const (
	DefaultWedgeGap    = 35 * time.Millisecond
	DefaultWedgePause  = 150 * time.Millisecond
	DefaultWedgeForget = 3 * time.Second
	DefaultWedgeMinLen = 4
)

func (c WedgeConfig) withDefaults() WedgeConfig {
	if c.Gap <= 0 {
		c.Gap = DefaultWedgeGap
	}
	if c.Pause <= 0 {
		c.Pause = DefaultWedgePause
	}
	if c.Forget <= 0 {
		c.Forget = DefaultWedgeForget
	}
	if c.MinLen <= 0 {
		c.MinLen = DefaultWedgeMinLen
	}
	if c.MaxLen <= 0 {
		c.MaxLen = DefaultMaxLen
	}
	if c.Term == "" {
		c.Term = "enter"
	}
	return c
}

// String formats c as ParseWedge reads it, with only non-default fields.
func (c WedgeConfig) String() string {
	q := url.Values{}
	d := WedgeConfig{}.withDefaults()
	c = c.withDefaults()
	if c.Prefix != "" {
		q.Set("prefix", c.Prefix)
	}
	if c.Suffix != "" {
		q.Set("suffix", c.Suffix)
	}
	if c.Term != d.Term {
		q.Set("term", c.Term)
	}
	for _, f := range []struct {
		k    string
		v, d time.Duration
	}{{"gap", c.Gap, d.Gap}, {"pause", c.Pause, d.Pause}, {"forget", c.Forget, d.Forget}} {
		if f.v != f.d {
			q.Set(f.k, f.v.String())
		}
	}
	if c.MinLen != d.MinLen {
		q.Set("minlen", strconv.Itoa(c.MinLen))
	}
	if c.MaxLen != d.MaxLen {
		q.Set("maxlen", strconv.Itoa(c.MaxLen))
	}
	if len(q) == 0 {
		return "wedge:"
	}
	return "wedge:?" + q.Encode()
}

// ParseWedge reads a wedge setting (pos.TerminalConfig.Wedge), such as
// "wedge:?prefix=%5DQ1&gap=35ms&pause=150ms". Parameters: prefix, suffix
// (URL-escaped text), term (enter or none), gap, pause, forget (Go
// durations), minlen, maxlen. The empty string gives the defaults.
func ParseWedge(s string) (WedgeConfig, error) {
	var c WedgeConfig
	s = strings.TrimSpace(s)
	if s == "" {
		return c.withDefaults(), nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return c, pos.Errorf(pos.EINVALID, "wedge setting %q: %v", s, err).Say("wedge_form")
	}
	if u.Scheme != "wedge" || u.Host != "" || (u.Opaque != "" && u.Opaque != "//") || u.Path != "" {
		return c, pos.Errorf(pos.EINVALID, "wedge setting %q: want wedge:?prefix=…&gap=35ms&pause=150ms", s).Say("wedge_form")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return c, pos.Errorf(pos.EINVALID, "wedge setting %q: %v", s, err).Say("wedge_form")
	}
	for k, vs := range q {
		v := vs[len(vs)-1]
		switch k {
		case "prefix":
			c.Prefix = v
		case "suffix":
			c.Suffix = v
		case "term":
			v = strings.ToLower(v)
			if v != "enter" && v != "none" {
				return c, pos.Errorf(pos.EINVALID, "wedge setting: term %q: want enter or none", v).Say("setting_choice", "name", k, "value", v, "known", "enter, none")
			}
			c.Term = v
		case "gap", "pause", "forget":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 || d > time.Minute {
				return c, pos.Errorf(pos.EINVALID, "wedge setting: %s %q: want a duration such as 35ms", k, v).Say("setting_duration", "name", k, "value", v)
			}
			switch k {
			case "gap":
				c.Gap = d
			case "pause":
				c.Pause = d
			default:
				c.Forget = d
			}
		case "minlen", "maxlen":
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 || n > 1<<16 {
				return c, pos.Errorf(pos.EINVALID, "wedge setting: %s %q: want a positive number", k, v).Say("setting_number", "name", k, "value", v)
			}
			if k == "minlen" {
				c.MinLen = n
			} else {
				c.MaxLen = n
			}
		default:
			return c, pos.Errorf(pos.EINVALID, "wedge setting: unknown parameter %q (prefix, suffix, term, gap, pause, forget, minlen, maxlen)", k).Say("setting_unknown", "name", k, "known", "prefix, suffix, term, gap, pause, forget, minlen, maxlen")
		}
	}
	c = c.withDefaults()
	if c.Gap >= c.Pause {
		return c, pos.Errorf(pos.EINVALID, "wedge setting: gap %v must be shorter than pause %v", c.Gap, c.Pause).Say("setting_order", "a", "gap="+c.Gap.String(), "b", "pause="+c.Pause.String())
	}
	if c.Pause >= c.Forget {
		return c, pos.Errorf(pos.EINVALID, "wedge setting: pause %v must be shorter than forget %v", c.Pause, c.Forget).Say("setting_order", "a", "pause="+c.Pause.String(), "b", "forget="+c.Forget.String())
	}
	return c, nil
}
