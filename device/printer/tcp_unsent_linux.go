package printer

import (
	"errors"
	"net"

	"golang.org/x/sys/unix"
)

// unsentBytes is how many bytes of c's send queue the peer has not
// acknowledged yet (SIOCOUTQ).
func unsentBytes(c net.Conn) (int, error) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return 0, errors.New("not a TCP connection")
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n int
	var ierr error
	if err := rc.Control(func(fd uintptr) { n, ierr = unix.IoctlGetInt(int(fd), unix.SIOCOUTQ) }); err != nil {
		return 0, err
	}
	return n, ierr
}
