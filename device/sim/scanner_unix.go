//go:build !windows

package sim

import (
	"os"

	"golang.org/x/sys/unix"
)

// pendingBytes returns how many bytes wait unread on a pty's slave side.
func pendingBytes(slave *os.File) (int, error) {
	return unix.IoctlGetInt(int(slave.Fd()), unix.TIOCINQ)
}
