package escpos

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestInterpret(t *testing.T) {
	zhong := []byte{FS, '&', 0xD6, 0xD0, FS, '.'}
	qr := func(payload string) []byte {
		w := NewWriter(Paper58)
		w.QRNative(payload, 4, ECLow)
		b, _ := w.Bytes()
		return b
	}
	tests := []struct {
		name    string
		in      []byte
		lines   []string
		events  []EventKind
		qrs     []string
		unknown int
	}{
		{"text", []byte("ab\ncd\n"), []string{"ab", "cd"}, nil, nil, 0},
		{"unterminated line prints", []byte("ab"), []string{"ab"}, nil, nil, 0},
		{"chinese", cat(zhong, []byte("1\n")), []string{"中1"}, nil, nil, 0},
		{"gb bytes outside FS &", []byte{0xD6, 0xD0, LF}, []string{"??"}, nil, nil, 2},
		{"init cut drawer", []byte{ESC, '@', 'x', GS, 'V', 66, 0, ESC, 'p', 0, 25, 250}, []string{"x"}, []EventKind{EventInit, EventCut, EventDrawer}, nil, 0},
		{"partial cut", []byte{GS, 'V', 1}, nil, []EventKind{EventCut}, nil, 0},
		{"status queries", []byte{DLE, EOT, 1, DLE, EOT, 4}, nil, []EventKind{EventStatus, EventStatus}, nil, 0},
		{"bad status", []byte{DLE, EOT, 9}, nil, []EventKind{EventStatus}, nil, 1},
		{"feed", []byte{'a', ESC, 'd', 2}, []string{"a", ""}, []EventKind{EventFeed}, nil, 0},
		{"native qr", qr("FPR1:X:1"), nil, nil, []string{"FPR1:X:1"}, 0},
		{"qr print without data", []byte{GS, '(', 'k', 3, 0, 49, 81, 48}, nil, nil, nil, 1},
		{"unknown esc", []byte{ESC, 'Z', 'a', LF}, []string{"a"}, nil, nil, 1},
		{"unknown control", []byte{0x07, 'a'}, []string{"a"}, nil, nil, 1},
		{"truncated command", []byte{'a', LF, GS, 'v', '0', 0, 1}, []string{"a"}, nil, nil, 1},
		{"sizes and bold", []byte{GS, '!', 0x11, ESC, 'E', 1, 'W', ESC, 'E', 0, GS, '!', 0, LF}, []string{"W"}, nil, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Interpret(tc.in, Paper58)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(doc.Lines, tc.lines) && !(len(doc.Lines) == 0 && len(tc.lines) == 0) {
				t.Errorf("lines %q, want %q", doc.Lines, tc.lines)
			}
			var kinds []EventKind
			for _, e := range doc.Events {
				kinds = append(kinds, e.Kind)
			}
			if !reflect.DeepEqual(kinds, tc.events) {
				t.Errorf("events %v, want %v", kinds, tc.events)
			}
			if !reflect.DeepEqual(doc.QRs, tc.qrs) {
				t.Errorf("QRs %q, want %q", doc.QRs, tc.qrs)
			}
			if len(doc.Unknown) != tc.unknown {
				t.Errorf("unknown %q, want %d", doc.Unknown, tc.unknown)
			}
		})
	}
}

// TestDoubleWidthCounts checks that GS ! double width counts two columns
// per character, and that a line too wide for the paper is reported.
func TestDoubleWidthCounts(t *testing.T) {
	in := cat([]byte{GS, '!', 0x10}, []byte(strings.Repeat("W", 16)), []byte{LF}, []byte(strings.Repeat("N", 17)), []byte{LF})
	doc, err := Interpret(in, Paper58)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Widths[0] != 32 {
		t.Errorf("16 double-width characters use %d columns, want 32", doc.Widths[0])
	}
	if len(doc.Overflows) != 1 || len(doc.Lines) != 3 {
		t.Errorf("17 double-width characters: lines %q, overflows %v", doc.Lines, doc.Overflows)
	}
}

// TestStreamSplits feeds a receipt to a Stream in pieces of every size and
// checks the commands come out the same as from the whole: the printer
// simulator reads sockets in arbitrary pieces.
func TestStreamSplits(t *testing.T) {
	p := Paper58
	p.NativeQR = false
	b, err := Receipt(fixtureReceipt(2), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	whole := commands(b, len(b))
	for _, piece := range []int{1, 2, 3, 7, 64, 1000} {
		if got := commands(b, piece); !reflect.DeepEqual(got, whole) {
			t.Fatalf("pieces of %d: %d commands, want %d", piece, len(got), len(whole))
		}
	}
	raster := 0
	for _, c := range whole {
		if strings.HasPrefix(c, "raster") {
			raster++
		}
	}
	if raster != 1 {
		t.Errorf("%d raster commands, want 1", raster)
	}
}

// commands tokenizes b fed to a Stream in pieces of piece bytes and
// returns each command's kind and bytes. Text runs end where a piece ends,
// so adjacent text is merged: the printer prints it the same either way.
func commands(b []byte, piece int) []string {
	var s Stream
	var out []string
	text := false
	for i := 0; i < len(b); i += piece {
		s.Write(b[i:min(i+piece, len(b))])
		for {
			c, ok := s.Next()
			if !ok {
				break
			}
			if c.Kind == KindText && text {
				out[len(out)-1] += string(c.Bytes)
				continue
			}
			text = c.Kind == KindText
			name := fmt.Sprintf("%d:", c.Kind)
			if c.Kind == KindRaster {
				name = "raster:"
			}
			out = append(out, name+string(c.Bytes))
		}
	}
	return out
}

// TestInterpretNeedsFont checks that a missing font is a clear error
// naming the package to install, not a blank image.
func TestInterpretNeedsFont(t *testing.T) {
	_, err := readFont("/nonexistent/unifont.hex")
	if err == nil || !strings.Contains(err.Error(), "unifont") {
		t.Errorf("missing font: %v", err)
	}
}
