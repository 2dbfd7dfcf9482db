package main

import (
	"bytes"
	"testing"
)

// TestPrinterFlags checks that bad printer flags are usage errors (exit 2)
// before anything is served.
func TestPrinterFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--paper", "76"}, {"--status", "jammed"}, {"--paper-out-after", "-1"}, {"extra"},
		{"--model-id", "256"}, {"--model-id", "-2"}, {"--never-prints=maybe"},
	} {
		var out, errb bytes.Buffer
		if code := cmdPrinter(args, &out, &errb); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	var out, errb bytes.Buffer
	if code := cmdPrinter([]string{"--help"}, &out, &errb); code != 0 || !bytes.Contains(errb.Bytes(), []byte("devsim printer")) ||
		!bytes.Contains(errb.Bytes(), []byte("--never-prints")) || !bytes.Contains(errb.Bytes(), []byte("-model-id")) {
		t.Errorf("--help: exit %d\n%s", code, errb.String())
	}
}
