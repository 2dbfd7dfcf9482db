//go:build !windows

package sim

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// rawMode turns off the slave's line discipline (echo, CR/NL translation,
// line editing, signals) so every byte passes unchanged both ways. It must
// happen before the first write: the line discipline acts on bytes as they
// arrive. who names the simulator in errors.
func rawMode(slave *os.File, who string) error {
	fd := int(slave.Fd())
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return fmt.Errorf("%s: get termios of %s: %w", who, slave.Name(), err)
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON | unix.IXOFF
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, t); err != nil {
		return fmt.Errorf("%s: set raw mode on %s: %w", who, slave.Name(), err)
	}
	return nil
}

// pollable returns f as a file the Go runtime polls, so read deadlines work
// on it: creack/pty hands out the master in blocking mode (its Fd was
// called), where a deadline never interrupts a Read. f is closed; the new
// file holds a duplicate of its descriptor in non-blocking mode.
func pollable(f *os.File) (*os.File, error) {
	fd, err := unix.Dup(int(f.Fd()))
	if err != nil {
		return nil, err
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, err
	}
	name := f.Name()
	f.Close()
	return os.NewFile(uintptr(fd), name), nil
}
