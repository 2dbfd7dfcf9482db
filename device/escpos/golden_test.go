package escpos

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"fupinpos/pos"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from the current output")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./device/escpos -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Errorf("%s: %d bytes, want %d; first difference at byte %d (run with -update if the change is intended)", name, len(got), len(want), i)
	}
}

// TestGoldenReceipt pins the exact bytes of a fixed receipt at each paper
// width, natively and with a raster QR, and the text the interpreter reads
// back from them (the .txt files are what a reviewer reads).
func TestGoldenReceipt(t *testing.T) {
	raster58 := Paper58
	raster58.Name, raster58.NativeQR = "58-raster", false
	drawer80 := Paper80
	drawer80.Name, drawer80.Drawer = "80-drawer", true
	void := fixtureReceipt(2)
	void.Kind, void.Number, void.Voids, void.Lines, void.Cashier = pos.KindVoid, "T0007-000124", "T0007-000123", nil, "李经理"
	reprint := fixtureReceipt(2)
	reprint.Reprint = true
	tests := []struct {
		name string
		r    *pos.Receipt
		p    Profile
	}{
		{"receipt-58", fixtureReceipt(3), Paper58},
		{"receipt-80", fixtureReceipt(3), Paper80},
		{"receipt-80-180", fixtureReceipt(3), Paper80At180},
		{"receipt-58-raster", fixtureReceipt(3), raster58},
		{"receipt-80-drawer", fixtureReceipt(3), drawer80},
		{"void-58", void, Paper58},
		{"reprint-80", reprint, Paper80},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Receipt(tc.r, tc.p, nil)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name+".bin", b)
			doc, err := Interpret(b, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name+".txt", []byte(doc.Transcript()))
		})
	}
}
