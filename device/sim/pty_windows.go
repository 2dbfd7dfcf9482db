//go:build windows

package sim

import (
	"errors"
	"fmt"
	"os"
)

// errNoPTY is what the pty simulators return on Windows, which has no
// pseudo-terminals a serial library can open by path: use the TCP printer
// simulator there, or a com0com pair for a scanner.
var errNoPTY = errors.New("pty simulators need Linux or another Unix")

// rawMode fails on Windows: there is no pty to set.
func rawMode(slave *os.File, who string) error {
	return fmt.Errorf("%s: %w", who, errNoPTY)
}

// pollable is not needed where there are no ptys.
func pollable(f *os.File) (*os.File, error) { return f, nil }
