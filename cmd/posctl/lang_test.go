package main

import (
	"os"
	"testing"
)

// TestMain runs the tests in Chinese (LANG=zh_CN.UTF-8), the default
// language, whatever the caller's LANG: tests that check English set it
// themselves with t.Setenv.
func TestMain(m *testing.M) {
	os.Setenv("LANG", "zh_CN.UTF-8")
	os.Exit(m.Run())
}
