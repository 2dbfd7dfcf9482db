package printer

import (
	"context"
	"errors"
	"os"
	"time"
)

// errNoAnswer is a read that reached its deadline without a byte.
var errNoAnswer = errors.New("no answer before the deadline")

// link is one open connection to the printer. Every write and read has a
// deadline, so a printer that stops taking bytes or answering never hangs
// the counter.
type link interface {
	// write sends all of p or fails at deadline.
	write(p []byte, deadline time.Time) error
	// read returns at least one byte, or errNoAnswer at deadline.
	read(p []byte, deadline time.Time) (int, error)
	// canAnswer reports whether the transport carries bytes back.
	canAnswer() bool
	// drain drops bytes that arrived before the job (stale answers).
	drain()
	close() error
}

// dial opens the link the configuration names.
func dial(ctx context.Context, c Config) (link, error) {
	switch c.Scheme {
	case SchemeTCP:
		return dialTCP(ctx, c)
	case SchemeSerial:
		return openSerial(c)
	}
	return openFile(c)
}

// writeAsync runs a blocking write in a goroutine and gives up at
// deadline, calling abort to unblock it (flush or close the device). It is
// for transports without deadlines of their own (serial ports, device
// files).
func writeAsync(write func() error, deadline time.Time, abort func()) error {
	done := make(chan error, 1)
	go func() { done <- write() }()
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		abort()
		return os.ErrDeadlineExceeded
	}
}
