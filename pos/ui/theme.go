package ui

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// DefaultFontPath is the single-face CJK TrueType font installed by the
// fonts-droid-fallback package. A .ttc collection panics in Fyne v2.7.1.
const DefaultFontPath = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

// Colours of the verdict banner: meant to be told apart at arm's length.
var (
	ColorOK      = color.NRGBA{R: 0x1b, G: 0x7f, B: 0x3a, A: 0xff}
	ColorRefused = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	ColorIdle    = color.NRGBA{R: 0x45, G: 0x5a, B: 0x64, A: 0xff}
	ColorWarn    = color.NRGBA{R: 0xe6, G: 0x8a, B: 0x00, A: 0xff}
)

// Theme is the app theme: the default Fyne light theme with a CJK font so
// Chinese renders the same everywhere, and sizes scaled for a counter
// touchscreen read from a standing position.
type Theme struct {
	font  fyne.Resource
	scale float32
}

// LoadTheme reads the font at path (DefaultFontPath when empty). It fails
// with a message naming the missing package rather than showing boxes.
// The font may be a subset (the app's GB2312 subset, make font): Fyne
// draws each character the theme font lacks from the system's fonts
// (fonts-droid-fallback has the full face), so a rare character in a name
// still shows (TestSubsetFontFallsBack).
func LoadTheme(path string) (*Theme, error) {
	if path == "" {
		path = DefaultFontPath
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("CJK font %s: %w (install the Debian package fonts-droid-fallback)", path, err)
	}
	if len(b) >= 4 && string(b[:4]) == "ttcf" {
		return nil, fmt.Errorf("font %s is a .ttc collection; Fyne v2.7.1 needs a single-face .ttf", path)
	}
	return &Theme{font: fyne.NewStaticResource(filepath.Base(path), b), scale: 1.25}, nil
}

// Color returns the default light colours.
func (t *Theme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

// Font returns the CJK font for every text style; monospace keeps Fyne's.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return theme.DefaultTheme().Font(s)
	}
	return t.font
}

// Icon returns the default icons.
func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Size enlarges text, padding and touch targets.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 {
	return theme.DefaultTheme().Size(n) * t.scale
}
