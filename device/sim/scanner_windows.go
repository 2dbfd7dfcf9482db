//go:build windows

package sim

import "os"

// pendingBytes is never reached on Windows: NewScannerSim fails there
// (no pty), so a ScannerSim has no slave to ask.
func pendingBytes(*os.File) (int, error) { return 0, errNoPTY }
