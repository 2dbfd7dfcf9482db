package ui_test

import (
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"fupinpos/pos/ui"
)

// subsetFont writes a subset of the full CJK font with only chars (as
// make font does with GB2312), or skips without fontTools.
func subsetFont(t *testing.T, chars string) string {
	t.Helper()
	dir := t.TempDir()
	list, out := filepath.Join(dir, "chars.txt"), filepath.Join(dir, "subset.ttf")
	if err := os.WriteFile(list, []byte(chars), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/bin/python3", "-m", "fontTools.subset", ui.DefaultFontPath,
		"--text-file="+list, "--output-file="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("no fontTools (make deps installs python3-fonttools): %v %s", err, b)
	}
	return out
}

// render draws text at 40 px with the theme of the font at path.
func render(t *testing.T, path, text string) image.Image {
	t.Helper()
	a := newApp(t)
	th, err := ui.LoadTheme(path)
	if err != nil {
		t.Fatal(err)
	}
	a.Settings().SetTheme(th)
	w := test.NewWindow(nil)
	defer w.Close()
	c := canvas.NewText(text, ui.ColorIdle)
	c.TextSize = 40
	w.SetContent(c)
	w.Resize(fyne.NewSize(160, 70))
	return w.Canvas().Capture()
}

// ink tells whether the pixel at x, y is dark (half-covered or more).
func ink(img image.Image, x, y int) bool {
	if !(image.Point{x, y}).In(img.Bounds()) {
		return false
	}
	r, g, b, _ := img.At(x, y).RGBA()
	return (r+g+b)/3 < 0x9000
}

// inked counts the dark pixels.
func inked(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if ink(img, x, y) {
				n++
			}
		}
	}
	return n
}

// differ counts the pixels dark in one of a and b only, with b moved by
// at most 2 px either way to line up best (a character drawn from a
// fallback face may sit 1 px lower).
func differ(a, b image.Image) int {
	best := -1
	r := a.Bounds()
	for dy := -2; dy <= 2; dy++ {
		for dx := -2; dx <= 2; dx++ {
			n := 0
			for y := r.Min.Y; y < r.Max.Y; y++ {
				for x := r.Min.X; x < r.Max.X; x++ {
					if ink(a, x, y) != ink(b, x+dx, y+dy) {
						n++
					}
				}
			}
			if best < 0 || n < best {
				best = n
			}
		}
	}
	return best
}

// TestSubsetFontFallsBack: with a subset theme font (make font), a
// character the subset lacks (堃, 㐀: GBK-only) is still drawn, from the
// system's full font, as the full theme font draws it, not as the empty
// box or the replacement character; a character in the subset renders
// pixel for pixel as with the full font.
func TestSubsetFontFallsBack(t *testing.T) {
	sub := subsetFont(t, "abcdefghijklmnopqrstuvwxyz0123456789王芳￥")
	for _, tc := range []struct {
		text     string
		inSubset bool
	}{
		{"王芳￥12", true},
		{"堃", false},
		{"㐀", false},
		{"王堃", false},
	} {
		full, subset := render(t, ui.DefaultFontPath, tc.text), render(t, sub, tc.text)
		if inked(full) < 50 {
			t.Fatalf("%s: the full font draws %d pixels", tc.text, inked(full))
		}
		d := differ(full, subset)
		if tc.inSubset {
			if d != 0 {
				t.Errorf("%s: %d pixels differ from the full font's %d", tc.text, d, inked(full))
			}
			continue
		}
		// From the system's face the glyph is the same, rasterised a
		// little differently (no hinting); a missing one would be a box
		// or �, far further from the full font's.
		for _, missing := range []string{"\U000F0000", "\uFFFD"} {
			m := differ(full, render(t, sub, strings.Replace(tc.text, []string{"堃", "㐀"}[0], missing, 1)))
			if tc.text == "㐀" {
				m = differ(full, render(t, sub, missing))
			}
			t.Logf("%s: %d pixels differ from the full font's %d; as %q: %d", tc.text, d, inked(full), missing, m)
			if 3*d > m {
				t.Errorf("%s: %d pixels differ from the full font's %d, only %d if drawn as %q", tc.text, d, inked(full), m, missing)
			}
		}
	}
}
