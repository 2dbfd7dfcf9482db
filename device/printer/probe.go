package printer

import (
	"context"
	"errors"
	"sync"
	"time"

	"fupinpos/device/escpos"
	"fupinpos/pos"
)

// Probe is what a printer told about itself when first contacted: whether
// it answers DLE EOT at all, its status then, and its model id (GS I 1).
type Probe struct {
	// Answers is false for a printer that never answered DLE EOT: "no
	// status". Its jobs are sent without status queries from then on.
	Answers bool
	Status  Status
	// ModelID is the answer to GS I 1, -1 when there was none.
	ModelID int
	// Profile is the escpos profile the model id names, when it names one
	// (ModelProfile true). It replaces the default profile of a URI
	// without paper=.
	Profile      escpos.Profile
	ModelProfile bool
	Time         time.Time
}

// devices remembers each device's probe for the life of the process, by
// scheme and address, so a printer opened again (a new Printer for the
// same URI, the technician's test page) is not asked again.
var devices sync.Map // deviceKey → Probe

func deviceKey(c Config) string { return c.Scheme + "://" + c.Address }

// remembered returns the probe of p's device, if it was probed.
func (p *Printer) remembered() (Probe, bool) {
	v, ok := devices.Load(deviceKey(p.cfg))
	if !ok {
		return Probe{}, false
	}
	return v.(Probe), true
}

// Probed returns the remembered probe of the printer's device, if any.
func (p *Printer) Probed() (Probe, bool) { return p.remembered() }

// NoStatus reports whether the device was probed and never answered DLE
// EOT: its jobs go without status queries and its state is unknown.
func (p *Printer) NoStatus() bool {
	pr, ok := p.remembered()
	return ok && !pr.Answers
}

// Forget drops what was remembered about the printer's device, so the
// next job or Probe asks it again (after the technician changed or
// replaced the printer).
func (p *Printer) Forget() { devices.Delete(deviceKey(p.cfg)) }

// Probe contacts the printer once: DLE EOT 1, 2, 4 and GS I 1. A printer
// that does not answer DLE EOT within the timeout is remembered as "no
// status" (no error: it may well print); an unreachable one gives
// EPRINTEROFFLINE and nothing is remembered. A transport that cannot carry
// answers (file without status=1) gives Answers false and is not
// remembered. Probe always asks, even when the device was probed before.
func (p *Printer) Probe(ctx context.Context) (Probe, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l, err := p.dial(ctx)
	if err != nil {
		return Probe{ModelID: -1}, err
	}
	defer l.close()
	stop := context.AfterFunc(ctx, func() { l.close() })
	defer stop()
	if !p.cfg.Status || !l.canAnswer() {
		p.setLast(Status{})
		return Probe{ModelID: -1, Profile: p.cfg.Profile, Time: time.Now()}, nil
	}
	return p.probe(ctx, l)
}

// probe asks on an open link and remembers the answer.
func (p *Printer) probe(ctx context.Context, l link) (Probe, error) {
	pr := Probe{ModelID: -1, Profile: p.cfg.Profile, Time: time.Now()}
	st, err := p.query(ctx, l, "at the first contact")
	switch {
	case err == nil:
		pr.Answers, pr.Status = true, st
	case errors.Is(err, errNoAnswer) && ctx.Err() == nil:
		p.setLast(Status{})
		devices.Store(deviceKey(p.cfg), pr)
		return pr, nil
	default:
		return pr, err
	}
	if id, ok := p.modelID(ctx, l); ok {
		pr.ModelID = int(id)
		if prof, ok := profileOfModel(id); ok && !p.cfg.PaperSet {
			p.cfg.Profile, pr.Profile, pr.ModelProfile = p.cfg.opts.apply(prof), prof, true
		}
	}
	devices.Store(deviceKey(p.cfg), pr)
	return pr, nil
}

// modelID asks GS I 1; a printer without the command stays silent.
func (p *Printer) modelID(ctx context.Context, l link) (byte, bool) {
	l.drain()
	deadline := p.deadline(ctx, p.cfg.Timeout)
	if err := l.write([]byte{escpos.GS, 'I', 1}, deadline); err != nil {
		return 0, false
	}
	var b [1]byte
	if n, err := l.read(b[:], deadline); n != 1 || err != nil {
		return 0, false
	}
	return b[0], true
}

// offlineErr is the error of a printer that answered before and now does
// not.
func (p *Printer) offlineErr(err error, n byte, when string) error {
	return pos.WrapError(pos.EPRINTEROFFLINE, err, "printer %s did not answer DLE EOT %d %s within %s", p.cfg.Address, n, when, p.cfg.Timeout)
}
