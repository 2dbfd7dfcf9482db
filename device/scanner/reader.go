package scanner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"go.bug.st/serial"

	"fupinpos/pos"
)

// EventKind says what a reader Event reports.
type EventKind int

// Reader events.
const (
	// EventConnected: the port is open; scans from now on are read. At
	// the reader's first open, input that waited from before is dropped
	// (and reported by EventDiscarded); after a reopen nothing is dropped,
	// since every byte of a replugged scanner arrived after it came back.
	EventConnected EventKind = iota + 1
	// EventDisconnected: the port failed (unplugged scanner, read error);
	// Err has code pos.ESCANNERGONE. The reader is reopening it.
	EventDisconnected
	// EventScan: a frame, accepted or refused (Frame.Err).
	EventScan
	// EventError: the port could not be opened; Err has code
	// pos.ESCANNERGONE. Reported once per run of failures, not per retry.
	EventError
	// EventDiscarded: bytes were read and dropped without being framed;
	// Reason says why (DiscardStale) and Raw holds them, so that no scan
	// is ever lost without the cashier being told.
	EventDiscarded
)

// Reasons for EventDiscarded. Each is also the last part of a translation
// key, "scan.discarded." + reason.
const (
	// DiscardStale: bytes that waited in the port when the reader first
	// opened it: scans made while nobody listened (before the app started).
	DiscardStale = "stale_input"
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
	case EventDiscarded:
		return "discarded"
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

	Reason string // for EventDiscarded: DiscardStale
	Raw    []byte // for EventDiscarded: the bytes dropped
}

// Reconnect backoff after an unplug or a failed open of a port that is
// there. The backoff only paces retries of a port that fails while present
// (busy, a flaky adapter): the reader watches the path every PollInterval
// and reopens as soon as a device (re)appears at it, so a scan made right
// after a replug is read.
const (
	MinBackoff   = 100 * time.Millisecond
	MaxBackoff   = 2 * time.Second
	PollInterval = 25 * time.Millisecond
)

// maxStale caps the stale bytes kept in an EventDiscarded (the count is
// exact).
const maxStale = 4096

// maxReadWait bounds one blocking read even with nothing pending, as a
// guard against a port that fails without waking its reader.
const maxReadWait = 500 * time.Millisecond

// Reader reads scans from a serial scanner. It owns the port: Run opens it,
// frames what it reads and reopens it whenever it fails (as soon as a
// device reappears at its path, else with backoff), until the context ends
// or Close is called.
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
	first := true
	for !r.isStopped() {
		seen := r.watch()
		p, err := r.open()
		// Only the very first attempt drops waiting input: a port that
		// appears later (plugged in, replugged) holds nothing stale.
		drop := first
		first = false
		if err != nil {
			if msg := err.Error(); msg != reported {
				reported = msg
				r.send(out, Event{Kind: EventError, Err: err})
			}
			if !r.waitChange(seen, backoff) {
				break
			}
			backoff = min(2*backoff, MaxBackoff)
			continue
		}
		reported = ""
		connected := time.Now()
		var stale []byte
		var nStale int
		if drop {
			stale, nStale = drain(p)
		}
		r.send(out, Event{Kind: EventConnected})
		if nStale > 0 {
			r.send(out, Event{Kind: EventDiscarded, Reason: DiscardStale, Raw: stale,
				Err: pos.Errorf(pos.EPARTIALSCAN, "scanner %s: %d bytes that waited in the port before it was opened were dropped (scans made before the app listened): scan again", r.cfg.Path, nStale).With("bytes", strconv.Itoa(nStale))})
		}
		err = r.read(p, out)
		r.closePort(p)
		if r.isStopped() {
			break
		}
		r.send(out, Event{Kind: EventDisconnected, Err: pos.WrapError(pos.ESCANNERGONE, err, "scanner %s disconnected", r.cfg.Path)})
		// A port that fails right after opening (a flaky cable, a dead
		// adapter) backs off like a failed open instead of cycling
		// connected/disconnected ten times a second, unless a device
		// reappears at the path.
		if time.Since(connected) > MaxBackoff {
			backoff = MinBackoff
		}
		if !r.waitChange(seen, backoff) {
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

// waitChange waits d, or less: until the device at the reader's path is no
// longer the one watch saw (it appeared, went away or was replaced), polled
// every PollInterval. It returns false if the reader stopped. Where a
// port's presence cannot be watched (Windows COM names), it waits at most
// PollInterval: opening an absent port is cheap.
func (r *Reader) waitChange(seen device, d time.Duration) bool {
	if !watchable(r.cfg.Path) {
		return r.sleep(min(d, PollInterval))
	}
	deadline := time.Now().Add(d)
	for {
		step := min(PollInterval, time.Until(deadline))
		if step <= 0 {
			return true
		}
		if !r.sleep(step) {
			return false
		}
		if now := r.watch(); !now.same(seen) {
			return true
		}
	}
}

// device identifies what is at a port path: nothing, or one device node.
type device struct {
	fi os.FileInfo // nil: nothing at the path
}

func (r *Reader) watch() device {
	fi, err := os.Stat(r.cfg.Path)
	if err != nil {
		return device{}
	}
	return device{fi: fi}
}

func (d device) same(e device) bool {
	if d.fi == nil || e.fi == nil {
		return d.fi == nil && e.fi == nil
	}
	return os.SameFile(d.fi, e.fi)
}

// drain reads what waited in a port just opened, without waiting for more:
// the bytes of scans made while nobody listened. It returns up to maxStale
// of them and their count.
func drain(p serial.Port) ([]byte, int) {
	if err := p.SetReadTimeout(time.Millisecond); err != nil {
		return nil, 0
	}
	var kept []byte
	total := 0
	buf := make([]byte, 512)
	for total < 1<<20 {
		n, err := p.Read(buf)
		if n > 0 {
			total += n
			kept = append(kept, buf[:min(n, max(0, maxStale-len(kept)))]...)
		}
		if err != nil || n == 0 {
			break
		}
	}
	return kept, total
}

// open opens the port. Nothing is dropped here: see Run.
func (r *Reader) open() (serial.Port, error) {
	p, err := serial.Open(r.cfg.Path, r.cfg.mode())
	if err != nil {
		return nil, pos.WrapError(pos.ESCANNERGONE, err, "open scanner %s", r.cfg.Path)
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
