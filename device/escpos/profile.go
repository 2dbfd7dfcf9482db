package escpos

import (
	"bytes"
	"fmt"
	"strings"

	"fupinpos/pos"
)

// Profile describes one printer model as installed: paper width in dots
// and in Font A columns, and which optional features it has. Layout code
// always takes a Profile, so a new printer is a setting, not a code change.
//
// The zero values of the newer fields (Model, NoRaster, CutMode,
// DrawerPulse, Chinese) keep the behaviour of an Epson-compatible printer:
// raster images, GS V 66 0, ESC p 0 25 250 and FS & … FS ..
type Profile struct {
	Name     string
	Model    string // printer family shown to the technician, e.g. "Epson TM-T88"
	Dots     int    // printable width in dots
	Columns  int    // Font A (12×24) characters per line; a CJK character takes two
	NativeQR bool   // the printer understands GS ( k; otherwise QR codes go as raster images
	// NoRaster marks a printer without GS v 0: QR codes (without NativeQR)
	// are left out (the audit code still prints as text), and characters
	// outside the printer's font print as the substitute □.
	NoRaster bool
	Cut      bool    // the printer has an autocutter
	CutMode  CutMode // which cut command it takes
	// Drawer kicks the drawer connector (ESC p) on the first copy of a cash
	// sale. On in every profile: most counters hang the cash drawer off
	// the receipt printer, and a pulse on a connector with nothing plugged
	// in does nothing (drawer=0 in the URI turns it off).
	Drawer      bool
	DrawerPulse DrawerPulse // the kick pulse; zero: pin 2, 50 ms on, 500 ms off
	Chinese     ChineseMode // how two-byte Chinese text is switched on
}

// CutMode is the cut command a printer takes.
type CutMode byte

// Cut commands.
const (
	// CutFeedPartial is GS V 66 0: feed to the cutter and cut leaving a
	// hinge (Epson TM, most 80 mm clones).
	CutFeedPartial CutMode = iota
	// CutPartial is GS V 1 after ESC d 4: the older function A partial cut
	// that some 58 mm and GPrinter firmwares know instead of function B.
	CutPartial
	// CutFull is GS V 0 after ESC d 4: a full cut.
	CutFull
)

// DrawerPulse is an ESC p kick: connector pin (0 = pin 2, 1 = pin 5), and
// on and off times in 2 ms units. The zero value is ESC p 0 25 250
// (pin 2, 50 ms on, 500 ms off), which Epson and the common clones take.
type DrawerPulse struct {
	Pin     byte
	On, Off byte
}

// bytes returns the ESC p command of d.
func (d DrawerPulse) bytes() []byte {
	if d == (DrawerPulse{}) {
		d = DrawerPulse{0, 25, 250}
	}
	return []byte{ESC, 'p', d.Pin, d.On, d.Off}
}

// ChineseMode is how a printer is told that two-byte GB18030 text follows.
type ChineseMode byte

// Chinese modes.
const (
	// ChineseFS wraps each run of Chinese in FS & … FS . (Chinese character
	// mode on, off): right for printers whose default code page is not
	// Chinese, harmless on those where it is.
	ChineseFS ChineseMode = iota
	// ChineseNative sends GB18030 bytes bare: for firmwares that are always
	// in Chinese mode and print FS & as garbage (none known yet; a setting
	// so one found in the field is not a code change).
	ChineseNative
)

// Paper presets. Copy one and change the options (NativeQR, Cut, Drawer)
// to describe a particular installation.
var (
	// Paper58 is 58 mm paper at 203 dpi: 384 dots, 32 columns.
	Paper58 = Profile{Name: "58", Dots: 384, Columns: 32, NativeQR: true, Cut: true, Drawer: true}
	// Paper80 is 80 mm paper at 203 dpi: 576 dots, 48 columns.
	Paper80 = Profile{Name: "80", Dots: 576, Columns: 48, NativeQR: true, Cut: true, Drawer: true}
	// Paper80At180 is 80 mm paper on a 180 dpi head: 512 dots, 42 columns.
	Paper80At180 = Profile{Name: "80-180", Dots: 512, Columns: 42, NativeQR: true, Cut: true, Drawer: true}
	// SafeProfile is what an unknown printer gets: the narrowest paper
	// (32 columns, so no line wraps on any printer), QR codes as raster
	// images (GS v 0 is older and more widely implemented than GS ( k) and
	// the tear bar instead of a cut command.
	SafeProfile = Profile{Name: "safe", Model: "unknown printer", Dots: 384, Columns: 32, Drawer: true}
)

// Profiles is the table of printer models, by name. Nothing here was tried
// on hardware: dots and columns follow the makers' data sheets, features
// the conservative reading of them (a 58 mm model without a documented
// GS ( k gets raster QR; a model sold with and without cutter gets none —
// add cut=1 to the URI).
var Profiles = []Profile{
	Paper58,
	Paper80,
	Paper80At180,
	{Name: "tm-t88", Model: "Epson TM-T88", Dots: 512, Columns: 42, NativeQR: true, Cut: true, Drawer: true},
	{Name: "tm-t20", Model: "Epson TM-T20", Dots: 576, Columns: 48, NativeQR: true, Cut: true, Drawer: true},
	{Name: "xp-58", Model: "Xprinter XP-58", Dots: 384, Columns: 32, Drawer: true},
	{Name: "xp-80", Model: "Xprinter XP-80", Dots: 576, Columns: 48, NativeQR: true, Cut: true, Drawer: true},
	{Name: "gp-58", Model: "GPrinter GP-58", Dots: 384, Columns: 32, CutMode: CutPartial, Drawer: true},
	{Name: "gp-80", Model: "GPrinter GP-80", Dots: 576, Columns: 48, NativeQR: true, Cut: true, CutMode: CutPartial, Drawer: true},
	{Name: "sunmi-58", Model: "Sunmi built-in 58 mm (V2, P2)", Dots: 384, Columns: 32, NativeQR: true}, // handheld: no drawer connector
	{Name: "sunmi-80", Model: "Sunmi built-in 80 mm (T2)", Dots: 576, Columns: 48, NativeQR: true, Cut: true, Drawer: true},
	SafeProfile,
}

// aliases maps other spellings to a profile name.
var aliases = map[string]string{
	"58mm": "58", "80mm": "80", "80mm-180": "80-180", "80/180": "80-180",
	"epson": "tm-t88", "tm-t88v": "tm-t88", "tm-t88vi": "tm-t88", "tm-t88iv": "tm-t88",
	"xprinter": "xp-58", "xp58": "xp-58", "xp80": "xp-80",
	"gprinter": "gp-58", "gp58": "gp-58", "gp80": "gp-80",
	"sunmi": "sunmi-58", "unknown": "safe",
}

// ProfileByName returns the profile named by a printer URI's paper option:
// a paper width ("58", "80", "80-180") or a model ("tm-t88", "xp-58",
// "xp-80", "gp-58", "gp-80", "sunmi-58", "sunmi-80", "safe"), case-blind.
func ProfileByName(name string) (Profile, error) {
	n := strings.TrimSpace(strings.ToLower(name))
	if a, ok := aliases[n]; ok {
		n = a
	}
	for _, p := range Profiles {
		if p.Name == n {
			return p, nil
		}
	}
	names := make([]string, len(Profiles))
	for i, p := range Profiles {
		names[i] = p.Name
	}
	return Profile{}, pos.Errorf(pos.EINVALID, "unknown paper %q, want one of %s", name, strings.Join(names, ", ")).Say("paper", "value", name, "known", strings.Join(names, ", "))
}

// modelIDs maps what a printer answers to GS I to a profile name. Text
// answers (GS I 67 model name, GS I 66 maker name, GS I 69/65 on some
// clones: "_" header, text, NUL) are matched by substring, longest first;
// a one-byte answer to GS I 1 (printer model ID) by value.
var modelIDs = []struct {
	match string
	name  string
}{
	{"TM-T88", "tm-t88"},
	{"TM-T20", "tm-t20"},
	{"XP-58", "xp-58"}, {"XP58", "xp-58"},
	{"XP-80", "xp-80"}, {"XP80", "xp-80"}, {"XP-Q80", "xp-80"}, {"XP-C", "xp-80"},
	{"GP-58", "gp-58"}, {"GP58", "gp-58"},
	{"GP-80", "gp-80"}, {"GP80", "gp-80"}, {"GP-L80", "gp-80"}, {"GP-C80", "gp-80"},
	{"SUNMI T2", "sunmi-80"},
	{"SUNMI", "sunmi-58"},
	{"XPRINTER", "xp-58"},
	{"GPRINTER", "gp-58"},
}

// modelBytes maps a GS I 1 one-byte model ID to a profile name. 0x20 is
// the TM-T88 family in Epson's model ID table; clones answer arbitrary
// bytes there, so no other value is trusted.
var modelBytes = map[byte]string{0x20: "tm-t88"}

// ProfileByModelID returns the profile for a printer's answer to GS I:
// the model name (GS I 67, or 66/69/65, with or without the "_" header
// and trailing NUL) or the one-byte model ID of GS I 1. Recognised:
// "TM-T88…" and byte 0x20 → tm-t88 (512 dots, 42 columns); "TM-T20" →
// tm-t20; "XP-58"/"XP58" → xp-58; "XP-80"/"XP-Q80"/"XP-C…" → xp-80;
// "GP-58" → gp-58; "GP-80"/"GP-L80"/"GP-C80" → gp-80; "SUNMI T2" →
// sunmi-80, other "SUNMI" → sunmi-58; a bare "XPRINTER"/"GPRINTER" maker
// name → the 58 mm model of that maker. Anything else (no answer, an
// unknown model) gives SafeProfile and false: 32 columns, which wrap no
// line on any paper.
func ProfileByModelID(id []byte) (Profile, bool) {
	s := bytes.TrimRight(id, "\x00")
	if len(s) == 1 { // 0x20 is a model ID, not a space
		if n, ok := modelBytes[s[0]]; ok {
			p, err := ProfileByName(n)
			return p, err == nil
		}
		return SafeProfile, false
	}
	t := strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(s)), "_")))
	if t == "" {
		return SafeProfile, false
	}
	for _, m := range modelIDs {
		if strings.Contains(t, m.match) {
			p, err := ProfileByName(m.name)
			return p, err == nil
		}
	}
	return SafeProfile, false
}

// Validate reports a profile that no layout can use.
func (p Profile) Validate() error {
	if p.Dots < 96 || p.Dots > 4096 || p.Dots%8 != 0 {
		return pos.Errorf(pos.EINVALID, "profile %q: %d dots, want a multiple of 8 between 96 and 4096", p.Name, p.Dots)
	}
	if p.Columns < 16 || p.Columns*CellWidth > p.Dots {
		return pos.Errorf(pos.EINVALID, "profile %q: %d columns do not fit %d dots", p.Name, p.Columns, p.Dots)
	}
	return nil
}

// String names the profile for logs and the test page.
func (p Profile) String() string {
	qr := "raster QR"
	if p.NativeQR {
		qr = "native QR"
	} else if p.NoRaster {
		qr = "no QR"
	}
	return fmt.Sprintf("%s: %d dots, %d columns, %s, cut=%t, drawer=%t", p.Name, p.Dots, p.Columns, qr, p.Cut, p.Drawer)
}
