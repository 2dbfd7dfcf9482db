//go:build linux

package printer

import (
	"errors"
	"reflect"

	"go.bug.st/serial"
	"golang.org/x/sys/unix"
)

// portFD digs the file descriptor out of go.bug.st/serial's port (v1.8.0:
// *unixPort.handle), which the library does not expose. A later version
// without that field gets an error, and the link paces instead.
func portFD(p serial.Port) (int, error) {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return 0, errors.New("serial port of an unknown kind")
	}
	h := v.Elem().FieldByName("handle")
	if !h.IsValid() || !h.CanInt() {
		return 0, errors.New("serial port without a handle field")
	}
	return int(h.Int()), nil
}

// unsupportedFlow names the first flow control option of c this platform
// cannot set: Linux has no termios flag for DSR/DTR handshaking.
func unsupportedFlow(c Config) string {
	if c.DSRDTR {
		return "dsrdtr"
	}
	return ""
}

// setFlow turns on RTS/CTS (CRTSCTS) and XON/XOFF (IXON, IXOFF) on the
// open line. The port is opened exclusively (TIOCEXCL), so the descriptor
// of the open port is used.
func setFlow(p serial.Port, c Config) error {
	rtscts, xonxoff := c.RTSCTS, c.XonXoff
	fd, err := portFD(p)
	if err != nil {
		return err
	}
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	if rtscts {
		t.Cflag |= unix.CRTSCTS
	}
	if xonxoff {
		t.Iflag |= unix.IXON | unix.IXOFF
		t.Cc[unix.VSTART], t.Cc[unix.VSTOP] = 0x11, 0x13
	}
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}

// flowOf reads back the flow control in effect on the open line, for tests
// and the technician's diagnostics.
func flowOf(p serial.Port) (rtscts, xonxoff bool, err error) {
	fd, err := portFD(p)
	if err != nil {
		return false, false, err
	}
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return false, false, err
	}
	return t.Cflag&unix.CRTSCTS != 0, t.Iflag&unix.IXON != 0, nil
}
