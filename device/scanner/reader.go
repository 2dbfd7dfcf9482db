package scanner

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.bug.st/serial"

	"fupinpos/pos"
)

// EventKind says what a reader Event reports.
type EventKind int

// Reader events.
const (
	// EventConnected: the port is open and its stale input dropped; scans
	// from now on are read.
	EventConnected EventKind = iota + 1
	// EventDisconnected: the port failed (unplugged scanner, read error);
	// Err has code pos.ESCANNERGONE. The reader is reopening it.
	EventDisconnected
	// EventScan: a frame, accepted or refused (Frame.Err).
	EventScan
	// EventError: the port could not be opened; Err has code
	// pos.ESCANNERGONE. Reported once per run of failures, not per retry.
	EventError
)

// String returns the event kind's name for logs.
func (k EventKind) String() string {
	switch k {
	case EventConnected:
		return "connected"
	case EventDisconnected:
		return "disconnected"
	case EventScan:
		return "scan"
	case EventError:
		return "error"
	}
	return "EventKind(" + fmt.Sprint(int(k)) + ")"
}

// Event is one thing that happened on a scanner port.
type Event struct {
	Kind  EventKind
	Path  string
	At    time.Time
	Frame Frame // for EventScan
	Err   error // for EventDisconnected and EventError
}

// Reconnect backoff after an unplug or a failed open.
const (
	MinBackoff = 100 * time.Millisecond
	MaxBackoff = 2 * time.Second
)

// maxReadWait bounds one blocking read even with nothing pending, as a
// guard against a port that fails without waking its reader.
const maxReadWait = 500 * time.Millisecond

// Reader reads scans from a serial scanner. It owns the port: Run opens it,
// frames what it reads and reopens it with backoff whenever it fails, until
// the context ends or Close is called.
type Reader struct {
	cfg SerialConfig

	mu      sync.Mutex
	port    serial.Port
	running bool
	stopped bool
	quit    chan struct{}
	exited  chan struct{}
}

// NewReader checks cfg and returns a Reader for it. It does not touch the
// port: Run opens it, so a scanner plugged in later still works.
func NewReader(cfg SerialConfig) (*Reader, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Reader{cfg: cfg.withDefaults(), quit: make(chan struct{})}, nil
}

// Config returns the reader's settings with defaults applied.
func (r *Reader) Config() SerialConfig { return r.cfg }

// Run reads the port and sends events to out until ctx ends or Close is
// called, then closes the port and returns nil. Sends block: the consumer
// must keep reading out (a stop unblocks them). A Reader runs once.
func (r *Reader) Run(ctx context.Context, out chan<- Event) error {
	r.mu.Lock()
	if r.running || r.stopped {
		r.mu.Unlock()
		return pos.Errorf(pos.EINVALID, "scanner %s: reader already run", r.cfg.Path)
	}
	r.running = true
	r.exited = make(chan struct{})
	r.mu.Unlock()
	defer close(r.exited)
	defer context.AfterFunc(ctx, r.stop)()

	backoff := MinBackoff
	reported := ""
	for !r.isStopped() {
		p, err := r.open()
		if err != nil {
			if msg := err.Error(); msg != reported {
				reported = msg
				r.send(out, Event{Kind: EventError, Err: err})
			}
			if !r.sleep(backoff) {
				break
			}
			backoff = min(2*backoff, MaxBackoff)
			continue
		}
		reported = ""
		connected := time.Now()
		r.send(out, Event{Kind: EventConnected})
		err = r.read(p, out)
		r.closePort(p)
		if r.isStopped() {
			break
		}
		r.send(out, Event{Kind: EventDisconnected, Err: pos.WrapError(pos.ESCANNERGONE, err, "scanner %s disconnected", r.cfg.Path)})
		// A port that fails right after opening (a flaky cable, a dead
		// adapter) backs off like a failed open instead of cycling
		// connected/disconnected ten times a second.
		if time.Since(connected) > MaxBackoff {
			backoff = MinBackoff
		}
		if !r.sleep(backoff) {
			break
		}
		backoff = min(2*backoff, MaxBackoff)
	}
	return nil
}

// Close stops Run and waits for it to return. It is safe to call more than
// once, and before or without Run.
func (r *Reader) Close() error {
	r.stop()
	r.mu.Lock()
	exited := r.exited
	r.mu.Unlock()
	if exited != nil {
		<-exited
	}
	return nil
}

func (r *Reader) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return
	}
	r.stopped = true
	close(r.quit)
	if r.port != nil {
		// Unblocks a pending Read.
		r.port.Close()
	}
}

func (r *Reader) isStopped() bool {
	select {
	case <-r.quit:
		return true
	default:
		return false
	}
}

func (r *Reader) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.quit:
		return false
	}
}

func (r *Reader) send(out chan<- Event, ev Event) {
	ev.Path = r.cfg.Path
	if ev.At.IsZero() {
		ev.At = time.Now()
	}
	select {
	case out <- ev:
	case <-r.quit:
	}
}

// open opens the port and drops the bytes that waited in its buffer: they
// belong to scans made while nobody listened.
func (r *Reader) open() (serial.Port, error) {
	p, err := serial.Open(r.cfg.Path, r.cfg.mode())
	if err != nil {
		return nil, pos.WrapError(pos.ESCANNERGONE, err, "open scanner %s", r.cfg.Path)
	}
	if err := p.ResetInputBuffer(); err != nil {
		p.Close()
		return nil, pos.WrapError(pos.ESCANNERGONE, err, "open scanner %s: reset input", r.cfg.Path)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		p.Close()
		return nil, errors.New("stopped")
	}
	r.port = p
	return p, nil
}

func (r *Reader) closePort(p serial.Port) {
	r.mu.Lock()
	r.port = nil
	r.mu.Unlock()
	p.Close()
}

// read frames what the port delivers until it fails or the reader stops.
// The read timeout is the pending frame's idle deadline, so a frame cut by
// idle is reported as soon as it is due and an idle port costs no wakeups.
func (r *Reader) read(p serial.Port, out chan<- Event) error {
	f := NewFramer(r.cfg.Framing)
	buf := make([]byte, 512)
	deliver := func(frames []Frame) {
		for _, fr := range frames {
			r.send(out, Event{Kind: EventScan, At: fr.At, Frame: fr})
		}
	}
	defer func() { deliver(f.Flush(nil)) }()
	for {
		wait := maxReadWait
		if d, ok := f.Deadline(); ok {
			wait = min(max(time.Until(d)+time.Millisecond, time.Millisecond), maxReadWait)
		}
		if err := p.SetReadTimeout(wait); err != nil {
			return err
		}
		n, err := p.Read(buf)
		now := time.Now()
		if n > 0 {
			// Only a read that timed out proves a pause on the line. Bytes
			// read after the deadline waited in the kernel's buffer while
			// this goroutine was not running (a loaded machine): they are
			// on time, so they are fed at the deadline, not now.
			at := now
			if d, ok := f.Deadline(); ok && at.After(d) {
				at = d
			}
			deliver(f.Feed(buf[:n], at))
		}
		if err != nil {
			return err
		}
		if n == 0 {
			deliver(f.Tick(now))
		}
		if r.isStopped() {
			return nil
		}
	}
}
