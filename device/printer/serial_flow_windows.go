//go:build windows

package printer

import (
	"errors"
	"reflect"

	"go.bug.st/serial"
	"golang.org/x/sys/windows"
)

// DCB flag bits (the C bit fields of DCB, lowest first).
const (
	dcbOutxCtsFlow  = 1 << 2
	dcbOutxDsrFlow  = 1 << 3
	dcbDtrMask      = 3 << 4
	dcbDtrHandshake = 2 << 4
	dcbTXContOnXoff = 1 << 7
	dcbOutX         = 1 << 8
	dcbInX          = 1 << 9
	dcbRtsMask      = 3 << 12
	dcbRtsHandshake = 2 << 12
)

// unsupportedFlow: Windows sets all three (SetCommState).
func unsupportedFlow(Config) string { return "" }

// portHandle digs the handle out of go.bug.st/serial's port (v1.8.0:
// *windowsPort.handle), which the library does not expose. A later version
// without that field gets an error, and the link paces instead.
func portHandle(p serial.Port) (windows.Handle, error) {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return 0, errors.New("serial port of an unknown kind")
	}
	h := v.Elem().FieldByName("handle")
	if !h.IsValid() || !h.CanUint() {
		return 0, errors.New("serial port without a handle field")
	}
	return windows.Handle(h.Uint()), nil
}

// setFlow turns on RTS/CTS, XON/XOFF and DSR/DTR handshaking in the open
// port's DCB (go.bug.st/serial v1.8.0 opens it with none).
func setFlow(p serial.Port, c Config) error {
	h, err := portHandle(p)
	if err != nil {
		return err
	}
	var dcb windows.DCB
	dcb.DCBlength = uint32(reflect.TypeOf(dcb).Size())
	if err := windows.GetCommState(h, &dcb); err != nil {
		return err
	}
	if c.RTSCTS {
		dcb.Flags |= dcbOutxCtsFlow
		dcb.Flags = dcb.Flags&^dcbRtsMask | dcbRtsHandshake
	}
	if c.DSRDTR {
		dcb.Flags |= dcbOutxDsrFlow
		dcb.Flags = dcb.Flags&^dcbDtrMask | dcbDtrHandshake
	}
	if c.XonXoff {
		dcb.Flags |= dcbOutX | dcbInX | dcbTXContOnXoff
		dcb.XonChar, dcb.XoffChar = 0x11, 0x13 // limits: the driver's
	}
	return windows.SetCommState(h, &dcb)
}

// flowOf reads back the flow control in effect on the open port.
func flowOf(p serial.Port) (rtscts, xonxoff bool, err error) {
	h, err := portHandle(p)
	if err != nil {
		return false, false, err
	}
	var dcb windows.DCB
	dcb.DCBlength = uint32(reflect.TypeOf(dcb).Size())
	if err := windows.GetCommState(h, &dcb); err != nil {
		return false, false, err
	}
	return dcb.Flags&dcbOutxCtsFlow != 0, dcb.Flags&dcbOutX != 0, nil
}
