package sim

import "syscall"

// setRecvBuffer sets SO_RCVBUF on a listening socket; accepted
// connections inherit it.
func setRecvBuffer(fd uintptr, n int) error {
	return syscall.SetsockoptInt(syscall.Handle(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, n)
}
