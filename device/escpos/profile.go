package escpos

import (
	"fmt"
	"strings"

	"fupinpos/pos"
)

// Profile describes one printer model as installed: paper width in dots
// and in Font A columns, and which optional features it has. Layout code
// always takes a Profile, so a new printer is a setting, not a code change.
type Profile struct {
	Name     string
	Dots     int  // printable width in dots
	Columns  int  // Font A (12×24) characters per line; a CJK character takes two
	NativeQR bool // the printer understands GS ( k; otherwise QR codes go as raster images
	Cut      bool // the printer has an autocutter
	Drawer   bool // a cash drawer hangs off the printer's kick connector
}

// Paper presets. Copy one and change the options (NativeQR, Cut, Drawer)
// to describe a particular installation.
var (
	// Paper58 is 58 mm paper at 203 dpi: 384 dots, 32 columns.
	Paper58 = Profile{Name: "58", Dots: 384, Columns: 32, NativeQR: true, Cut: true}
	// Paper80 is 80 mm paper at 203 dpi: 576 dots, 48 columns.
	Paper80 = Profile{Name: "80", Dots: 576, Columns: 48, NativeQR: true, Cut: true}
	// Paper80At180 is 80 mm paper on a 180 dpi head: 512 dots, 42 columns.
	Paper80At180 = Profile{Name: "80-180", Dots: 512, Columns: 42, NativeQR: true, Cut: true}
)

// ProfileByName returns the preset named by a printer URI's paper option:
// "58", "80" or "80-180".
func ProfileByName(name string) (Profile, error) {
	switch strings.TrimSpace(strings.ToLower(name)) {
	case "58", "58mm":
		return Paper58, nil
	case "80", "80mm":
		return Paper80, nil
	case "80-180", "80mm-180", "80/180":
		return Paper80At180, nil
	}
	return Profile{}, pos.Errorf(pos.EINVALID, "unknown paper %q, want 58, 80 or 80-180", name)
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
	}
	return fmt.Sprintf("%s: %d dots, %d columns, %s, cut=%t, drawer=%t", p.Name, p.Dots, p.Columns, qr, p.Cut, p.Drawer)
}
