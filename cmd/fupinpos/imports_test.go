package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestOnlyUIImportsFyne enforces DESIGN §2: only pos/ui (and its test
// helpers) and cmd/fupinpos may depend on Fyne, and only cmd/fupinpos on
// fyne.io/fyne/v2/app, so everything else builds and tests without cgo.
func TestOnlyUIImportsFyne(t *testing.T) {
	out, err := exec.Command("go", "list", "-e", "-deps", "-f", "{{.ImportPath}} {{join .Imports \",\"}}", "fupinpos/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, " ")
		if !strings.HasPrefix(pkg, "fupinpos") {
			continue
		}
		for _, imp := range strings.Split(imports, ",") {
			if !strings.HasPrefix(imp, "fyne.io/") {
				continue
			}
			ui := pkg == "fupinpos/pos/ui" || strings.HasPrefix(pkg, "fupinpos/pos/ui/") || pkg == "fupinpos/cmd/fupinpos"
			if !ui {
				t.Errorf("%s imports %s: only pos/ui and cmd/fupinpos may use Fyne", pkg, imp)
			}
			if imp == "fyne.io/fyne/v2/app" && pkg != "fupinpos/cmd/fupinpos" {
				t.Errorf("%s imports fyne.io/fyne/v2/app: only cmd/fupinpos may", pkg)
			}
		}
	}
}
