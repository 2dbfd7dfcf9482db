//go:build !linux

package printer

import (
	"errors"

	"go.bug.st/serial"
)

// errNoFlow: go.bug.st/serial v1.8.0 cannot set flow control, and this
// platform has no way around it here; raster jobs are paced instead.
var errNoFlow = errors.New("serial flow control is not supported on this platform; raster jobs are paced")

func setFlow(p serial.Port, rtscts, xonxoff bool) error { return errNoFlow }

func flowOf(p serial.Port) (rtscts, xonxoff bool, err error) { return false, false, errNoFlow }
