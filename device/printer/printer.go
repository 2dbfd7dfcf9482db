package printer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"fupinpos/device/escpos"
	"fupinpos/pos"
)

// Printer is a receipt printer named by a URI. It opens its transport per
// job and closes it afterwards, so an unplugged or restarted printer needs
// no reconnect logic; jobs on one Printer run one at a time.
type Printer struct {
	cfg Config

	mu   sync.Mutex // one job at a time
	smu  sync.Mutex
	last Status
}

// Open parses uri and returns its printer. It does not contact the
// printer: a counter starts even when the printer is off, and each job
// reports what is wrong then.
func Open(uri string) (*Printer, error) {
	cfg, err := ParseURI(uri)
	if err != nil {
		return nil, fmt.Errorf("open printer: %w", err)
	}
	return &Printer{cfg: cfg}, nil
}

// Config returns the parsed URI.
func (p *Printer) Config() Config { return p.cfg }

// Profile returns the escpos layout profile of the printer (paper width,
// columns, QR mode, cutter, drawer): the URI's paper=; without it, once a
// probe has named the model (GS I 1), the model's profile, else
// escpos.SafeProfile (see Guessed). The URI's qr=, drawer= and cut= apply
// to either.
func (p *Printer) Profile() escpos.Profile {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.profile()
}

// Guessed reports whether the layout is escpos.SafeProfile because the URI
// names no paper and the printer named no model it is known by (yet): the
// technician should add paper= to the URI.
func (p *Printer) Guessed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	pr, ok := p.remembered()
	return !p.cfg.PaperSet && !(ok && pr.ModelProfile)
}

// profile is Profile with p.mu held.
func (p *Printer) profile() escpos.Profile {
	if pr, ok := p.remembered(); ok && pr.ModelProfile && !p.cfg.PaperSet {
		p.cfg.Profile = p.cfg.opts.apply(pr.Profile)
	}
	return p.cfg.Profile
}

// LastStatus returns the status seen at the end of the last job or query;
// unknown before the first, or when the printer cannot answer.
func (p *Printer) LastStatus() Status {
	p.smu.Lock()
	defer p.smu.Unlock()
	return p.last
}

// Close releases the printer. Connections are per job, so it only marks
// the end of use; it exists so callers need not know that.
func (p *Printer) Close() error { return nil }

// Status asks the printer for its status (DLE EOT 1, 2, 4). A transport
// that cannot answer gives an unknown status and no error; a printer that
// should answer but does not, or cannot be reached, gives EPRINTEROFFLINE.
func (p *Printer) Status(ctx context.Context) (Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l, err := p.dial(ctx)
	if err != nil {
		return Status{}, err
	}
	defer l.close()
	stop := context.AfterFunc(ctx, func() { l.close() })
	defer stop()
	return p.query(ctx, l, "status")
}

// Print sends one job (a receipt, a report, a test page). With status
// queries on, it asks the printer first and sends nothing when it is out of
// paper (EPAPEROUT), open (ECOVEROPEN), offline or silent
// (EPRINTEROFFLINE); after the bytes it asks again, and a printer that ran
// out of paper or stopped answering during the job fails the job too: the
// receipt may be incomplete and must be reprinted. The bytes are written
// with a deadline of the URI's timeout plus their time on the wire.
//
// The first job to a device not probed yet probes it (see Probe): a
// printer that never answers DLE EOT is remembered as "no status" and its
// jobs go without queries, now and later; one that answered once and falls
// silent is offline. Over TCP a job counts only when the printer
// acknowledged every byte before the deadline.
func (p *Printer) Print(ctx context.Context, data []byte) error {
	return p.print(ctx, func(escpos.Profile) ([]byte, error) { return data, nil })
}

// print is Print with the job's bytes laid out by layout for the profile in
// use after the probe, so the first job to a printer whose model names its
// profile is laid out for that model.
func (p *Printer) print(ctx context.Context, layout func(escpos.Profile) ([]byte, error)) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	l, err := p.dial(ctx)
	if err != nil {
		return err
	}
	defer l.close()
	stop := context.AfterFunc(ctx, func() { l.close() })
	defer stop()
	ask := p.cfg.Status && l.canAnswer()
	if ask {
		pr, known := p.remembered()
		var st Status
		switch {
		case !known:
			if pr, err = p.probe(ctx, l); err != nil {
				return err
			}
			ask, st = pr.Answers, pr.Status
		case !pr.Answers:
			ask = false
		default:
			if st, err = p.query(ctx, l, "before printing"); err != nil {
				return err
			}
		}
		if err := st.Err(); ask && err != nil {
			return err
		}
	}
	data, err := layout(p.profile())
	if err != nil {
		return err
	}
	wire := p.cfg.wireTime(len(data))
	if t, ok := l.(interface{ jobTime([]byte) time.Duration }); ok {
		wire = t.jobTime(data)
	}
	deadline := p.deadline(ctx, p.cfg.Timeout+wire)
	if err := l.write(data, deadline); err != nil {
		return p.fail(ctx, err, "send %d bytes", len(data))
	}
	if !ask {
		p.setLast(Status{})
		return nil
	}
	st, err := p.query(ctx, l, "after printing")
	if err != nil {
		return pos.WrapError(pos.EPRINTEROFFLINE, err, "printer %s stopped answering during the job; the receipt may be incomplete", p.cfg.Address)
	}
	if err := st.Err(); err != nil {
		var pe *pos.Error
		if errors.As(err, &pe) {
			pe.Message += "; the receipt may be incomplete"
		}
		return err
	}
	return nil
}

// PrintReceipt lays out r for the printer's profile (labels nil: Chinese)
// and prints it. The layout is chosen after the first contact's probe, so
// the model the printer names (GS I) is the one laid out for.
func (p *Printer) PrintReceipt(ctx context.Context, r *pos.Receipt, labels escpos.Labels) error {
	return p.print(ctx, func(prof escpos.Profile) ([]byte, error) { return escpos.Receipt(r, prof, labels) })
}

// TestPage prints the technicians' test page (profile, URI, Chinese sample,
// column rulers, QR code) and returns its bytes for a preview. It probes
// the printer afresh first (what was remembered of the device is dropped),
// so a printer swapped or switched on since is seen as it is now.
func (p *Printer) TestPage(ctx context.Context, labels escpos.Labels) ([]byte, error) {
	p.Forget()
	if _, err := p.Probe(ctx); err != nil {
		return nil, err
	}
	b, err := escpos.TestPage(p.Profile(), p.cfg.URI, labels)
	if err != nil {
		return nil, err
	}
	return b, p.Print(ctx, b)
}

func (p *Printer) dial(ctx context.Context) (link, error) {
	l, err := dial(ctx, p.cfg)
	if err != nil {
		p.setLast(Status{})
		return nil, pos.WrapError(pos.EPRINTEROFFLINE, err, "open printer %s", p.cfg.Address)
	}
	return l, nil
}

// deadline is now plus d, or the context's deadline when that is sooner.
func (p *Printer) deadline(ctx context.Context, d time.Duration) time.Time {
	t := time.Now().Add(d)
	if cd, ok := ctx.Deadline(); ok && cd.Before(t) {
		return cd
	}
	return t
}

// fail turns a transport error into EPRINTEROFFLINE, naming a cancelled
// context rather than the closed connection it caused.
func (p *Printer) fail(ctx context.Context, err error, format string, args ...any) error {
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	return pos.WrapError(pos.EPRINTEROFFLINE, err, "printer %s: "+format, append([]any{p.cfg.Address}, args...)...)
}

// query asks DLE EOT 1, 2 and 4, each answer within the timeout. Bytes
// that are not status answers (automatic status back, echoes) are skipped.
func (p *Printer) query(ctx context.Context, l link, when string) (Status, error) {
	if !p.cfg.Status || !l.canAnswer() {
		p.setLast(Status{})
		return Status{}, nil
	}
	l.drain()
	var ans [3]byte
	for i, n := range []byte{escpos.StatusPrinter, escpos.StatusOffline, escpos.StatusPaper} {
		deadline := p.deadline(ctx, p.cfg.Timeout)
		if err := l.write(escpos.StatusQuery(n), deadline); err != nil {
			p.setLast(Status{})
			return Status{}, p.fail(ctx, err, "status query %s", when)
		}
		b, err := readStatusByte(l, deadline)
		if err != nil {
			p.setLast(Status{})
			if errors.Is(err, errNoAnswer) && ctx.Err() == nil {
				return Status{}, p.offlineErr(err, n, when)
			}
			return Status{}, p.fail(ctx, err, "status answer %s", when)
		}
		ans[i] = b
	}
	st := ParseStatus(ans[0], ans[1], ans[2])
	p.setLast(st)
	return st, nil
}

func readStatusByte(l link, deadline time.Time) (byte, error) {
	var buf [1]byte
	for {
		n, err := l.read(buf[:], deadline)
		if err != nil {
			return 0, err
		}
		if n == 1 && escpos.IsStatusByte(buf[0]) {
			return buf[0], nil
		}
	}
}

func (p *Printer) setLast(s Status) {
	p.smu.Lock()
	p.last = s
	p.smu.Unlock()
}
