//go:build !linux && !windows

package printer

import (
	"errors"

	"go.bug.st/serial"
)

// errNoFlow: go.bug.st/serial v1.8.0 cannot set flow control, and this
// platform has no way around it here.
var errNoFlow = errors.New("serial flow control is not supported on this platform; raster jobs are paced")

// unsupportedFlow names the first flow control option of c: none can be
// set here, so ParseURI refuses them rather than accept them silently.
func unsupportedFlow(c Config) string {
	switch {
	case c.RTSCTS:
		return "rtscts"
	case c.XonXoff:
		return "xonxoff"
	case c.DSRDTR:
		return "dsrdtr"
	}
	return ""
}

func setFlow(p serial.Port, c Config) error { return errNoFlow }

func flowOf(p serial.Port) (rtscts, xonxoff bool, err error) { return false, false, errNoFlow }
