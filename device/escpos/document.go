package escpos

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
)

// EventKind names a non-text action found in a byte stream.
type EventKind string

// Event kinds.
const (
	EventCut    EventKind = "cut"
	EventDrawer EventKind = "drawer"
	EventStatus EventKind = "status" // DLE EOT n; N is n
	EventFeed   EventKind = "feed"   // ESC d n (N lines) or ESC J n (N dots, Dots true)
	EventInit   EventKind = "init"
)

// Event is one cut, drawer kick, status query or feed, with where it
// happened: Line is the number of printed lines before it, Offset its
// byte position.
type Event struct {
	Kind   EventKind
	N      int
	Dots   bool
	Line   int
	Offset int
}

// String describes e for test output and the simulator's .txt files.
func (e Event) String() string {
	return fmt.Sprintf("%s(%d) after line %d at byte %d", e.Kind, e.N, e.Line, e.Offset)
}

// Image is one QR code (Kind "qr", GS ( k) or raster image (Kind
// "raster", GS v 0) on the paper: Line is the number of text lines printed
// before it, X and Y its top-left corner in dots on Document.Image, W and
// H its size in dots (after GS v 0's doubling), Offset its byte position.
type Image struct {
	Kind   string
	Line   int
	X, Y   int
	W, H   int
	Offset int
}

// String describes i for test output and transcripts.
func (i Image) String() string {
	return fmt.Sprintf("%s(%dx%d) after line %d at byte %d", i.Kind, i.W, i.H, i.Line, i.Offset)
}

// Document is what a printer would have printed from a byte stream: the
// text lines (GB18030 decoded back to UTF-8), the events, the payloads of
// native QR codes, the commands it did not understand, and the paper as a
// grey image as wide as the profile's dots.
type Document struct {
	Lines []string
	// Widths holds, per line, the columns it used: characters times their
	// width magnification. Layout tests assert Widths[i] <= Columns.
	Widths []int
	// Overflows lists the lines that were too wide and that the printer
	// wrapped on its own: a layout bug.
	Overflows []int
	Events    []Event
	// Images lists each QR code and raster image drawn, where and how big:
	// a line the Writer printed as an image is one of them, not a Line.
	Images  []Image
	QRs     []string
	Unknown []string
	Image   *image.Gray
}

// Text returns the lines joined by newlines.
func (d *Document) Text() string {
	var b bytes.Buffer
	for _, l := range d.Lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// Transcript returns the text lines followed by a section per kind of
// finding: events, images, QR payloads and unknown commands. The printer
// simulator writes it next to each receipt's PNG; golden files hold it.
func (d *Document) Transcript() string {
	var b bytes.Buffer
	b.WriteString(d.Text())
	section := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintf(&b, "---- %s\n", title)
		for _, s := range items {
			b.WriteString(s)
			b.WriteByte('\n')
		}
	}
	events := make([]string, len(d.Events))
	for i, e := range d.Events {
		events[i] = e.String()
	}
	section("events", events)
	images := make([]string, len(d.Images))
	for i, im := range d.Images {
		images[i] = im.String()
	}
	section("images", images)
	section("qr", d.QRs)
	section("unknown", d.Unknown)
	if len(d.Overflows) > 0 {
		fmt.Fprintf(&b, "---- overflowing lines %v\n", d.Overflows)
	}
	return b.String()
}

// Count returns how many events of kind k the document holds.
func (d *Document) Count(k EventKind) int {
	n := 0
	for _, e := range d.Events {
		if e.Kind == k {
			n++
		}
	}
	return n
}

// PNG returns the printed paper as a PNG image.
func (d *Document) PNG() ([]byte, error) {
	if d.Image == nil {
		return nil, fmt.Errorf("escpos: document has no image")
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, d.Image); err != nil {
		return nil, fmt.Errorf("escpos: encode png: %w", err)
	}
	return b.Bytes(), nil
}
