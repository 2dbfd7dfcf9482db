//go:build demo

package main

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"fupinpos/device/sim"
	"fupinpos/pos"
	"fupinpos/pos/ui"
)

// The figures of issue 8 that the smoke run measures (reported in
// smoke.json, never asserted): scan-to-verdict through the pty scanner
// simulator, F12-to-receipt-bytes at a TCP printer simulator, and RSS over
// a long scripted session (SMOKE_MINUTES).

// Figure is a latency distribution in milliseconds.
type Figure struct {
	N    int     `json:"n"`
	Lost int     `json:"lost,omitempty"` // no outcome within 5 s (not in the percentiles)
	P50  float64 `json:"p50_ms"`
	P99  float64 `json:"p99_ms"`
	Max  float64 `json:"max_ms"`
}

// figureOf returns the distribution of ds (nearest-rank percentiles).
func figureOf(ds []time.Duration) Figure {
	if len(ds) == 0 {
		return Figure{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := func(q float64) float64 {
		i := int(math.Ceil(q*float64(len(s)))) - 1
		return math.Round(float64(s[max(i, 0)].Microseconds())/100) / 10
	}
	return Figure{N: len(s), P50: rank(0.50), P99: rank(0.99), Max: rank(1)}
}

// verdictProbe timestamps the banner: armed with a condition on the
// session, it records when Banner.Show first ran with the condition true
// (on the UI goroutine, at the end of the Cashier's refresh).
type verdictProbe struct {
	mu   sync.Mutex
	cond func() bool
	hit  chan time.Time
}

func newVerdictProbe(c *ui.Cashier) *verdictProbe {
	p := &verdictProbe{}
	fyne.DoAndWait(func() { c.Banner.OnShow = p.shown })
	return p
}

func (p *verdictProbe) shown() {
	now := time.Now()
	p.mu.Lock()
	cond, hit := p.cond, p.hit
	p.mu.Unlock()
	if cond != nil && cond() {
		p.mu.Lock()
		p.cond = nil
		p.mu.Unlock()
		hit <- now
	}
}

// scan sends text through the pty scanner simulator and returns the time
// from its last byte written to the banner showing a verdict with cond.
func (p *verdictProbe) scan(text string, cond func() bool) (time.Duration, error) {
	hit := make(chan time.Time, 1)
	p.mu.Lock()
	p.cond, p.hit = cond, hit
	p.mu.Unlock()
	if err := demo.scan(text); err != nil {
		return 0, err
	}
	sent := time.Now()
	select {
	case t := <-hit:
		return max(0, t.Sub(sent)), nil
	case <-time.After(5 * time.Second):
		p.mu.Lock()
		p.cond = nil
		p.mu.Unlock()
		return 0, errNoVerdict
	}
}

var errNoVerdict = fmt.Errorf("no verdict on the banner within 5 s")

// scanToVerdict scans rounds × (a product, a voucher) through the pty and
// cancels each basket (nothing is redeemed, so a few vouchers serve every
// round): the scan-to-verdict figure.
func scanToVerdict(c *ui.Cashier, eans []string, rounds int) (Figure, error) {
	sess := c.Session()
	var pool []string
	for _, v := range []pos.Money{pos.Yuan(100), pos.Yuan(50), pos.Yuan(30)} {
		for len(pool) < 3 {
			code := demo.codes.Next(v)
			if code == "" {
				break
			}
			pool = append(pool, code)
		}
	}
	if len(pool) == 0 {
		return Figure{}, fmt.Errorf("scan-to-verdict: no ¥100/¥50/¥30 code left in --codes")
	}
	p := newVerdictProbe(c)
	defer fyne.DoAndWait(func() { c.Banner.OnShow = nil })
	var ds []time.Duration
	lost := 0
	measure := func(text string, cond func() bool) error {
		d, err := p.scan(text, cond)
		switch {
		case err == errNoVerdict:
			lost++
			log.Printf("smoke: scan-to-verdict: no verdict for %.20s… (verdict %+v, %d lines)", text, sess.Verdict(), len(sess.Lines()))
			if lost > rounds/10 {
				return fmt.Errorf("scan-to-verdict: %d scans without a verdict", lost)
			}
		case err != nil:
			return err
		default:
			ds = append(ds, d)
		}
		time.Sleep(30 * time.Millisecond)
		return nil
	}
	refused := func() bool { return sess.Verdict().Kind == ui.VerdictRefused }
	for i := 0; i < rounds; i++ {
		if err := measure(eans[i%len(eans)], func() bool { return len(sess.Lines()) >= 1 || refused() }); err != nil {
			return Figure{}, err
		}
		if err := measure(pool[i%len(pool)], func() bool { return len(sess.Vouchers()) >= 1 || refused() }); err != nil {
			return Figure{}, err
		}
		fyne.DoAndWait(sess.Cancel)
	}
	f := figureOf(ds)
	f.Lost = lost
	return f, nil
}

// printTap is a TCP relay in front of a printer: it timestamps what the
// app writes (status queries told apart from receipt bytes) and passes
// everything both ways.
type printTap struct {
	ln       net.Listener
	upstream string
	mu       sync.Mutex
	events   []tapEvent
}

type tapEvent struct {
	t     time.Time
	query bool // only DLE EOT n status queries
	cut   bool // holds the end of a GS V cut
}

func newPrintTap(upstream string) (*printTap, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &printTap{ln: ln, upstream: upstream}
	go p.accept()
	return p, nil
}

func (p *printTap) Close() { p.ln.Close() }

func (p *printTap) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.relay(c)
	}
}

func (p *printTap) relay(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		log.Printf("smoke: print tap: %v", err)
		return
	}
	defer up.Close()
	go io.Copy(c, up)
	buf := make([]byte, 64<<10)
	var tail []byte
	for {
		n, err := c.Read(buf)
		if n > 0 {
			now := time.Now()
			b := buf[:n]
			ev := tapEvent{t: now, query: isQuery(b), cut: bytes.Contains(append(tail, b...), []byte{0x1d, 'V'})}
			tail = append(tail[:0], b[max(0, n-2):]...)
			p.mu.Lock()
			p.events = append(p.events, ev)
			p.mu.Unlock()
			if _, err := up.Write(b); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// isQuery reports whether b is only DLE EOT n status queries.
func isQuery(b []byte) bool {
	if len(b) == 0 || len(b)%3 != 0 {
		return false
	}
	for i := 0; i < len(b); i += 3 {
		if b[i] != 0x10 || b[i+1] != 0x04 {
			return false
		}
	}
	return true
}

// job waits for the first receipt byte and the cut written after since.
func (p *printTap) job(since time.Time, timeout time.Duration) (first, last time.Time, err error) {
	end := time.Now().Add(timeout)
	for time.Now().Before(end) {
		p.mu.Lock()
		first, last = time.Time{}, time.Time{}
		for _, e := range p.events {
			if e.t.Before(since) || e.query {
				continue
			}
			if first.IsZero() {
				first = e.t
			}
			if e.cut {
				last = e.t
				break
			}
		}
		p.mu.Unlock()
		if !last.IsZero() {
			return first, last, nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	return first, last, fmt.Errorf("no cut reached the printer within %v", timeout)
}

// f12ToReceipt completes 1 + n sales as F12 does (Cashier.Complete on the UI
// goroutine) with the receipts going to a TCP printer simulator through a
// timestamping relay: the printer the app is configured with when it is a
// tcp:// one (demo.sh's devsim printer), else one started here. The first
// job to a printer probes it (device/printer: status and GS I 1 model
// query, which a printer without the command leaves unanswered for the
// URI's timeout): its time is warm, not in the figures.
func f12ToReceipt(d *terminal, c *ui.Cashier, eans []string, n int) (first, last Figure, warm time.Duration, err error) {
	sess := c.Session()
	d.printer.mu.Lock()
	orig := d.printer.uri
	d.printer.mu.Unlock()
	cfg, _ := d.db.Config()
	lang := ""
	if cfg != nil {
		lang = cfg.ReceiptLang
	}
	upstream, query, ok := strings.Cut(strings.TrimPrefix(orig, "tcp://"), "?")
	if !strings.HasPrefix(orig, "tcp://") || !ok {
		ps, err := sim.NewPrinterTCP("127.0.0.1:0", sim.PrinterConfig{})
		if err != nil {
			return first, last, warm, err
		}
		defer ps.Close()
		upstream, query = ps.Addr(), "paper=80"
	}
	tap, err := newPrintTap(upstream)
	if err != nil {
		return first, last, warm, err
	}
	defer tap.Close()
	if err := d.printer.configure("tcp://"+tap.ln.Addr().String()+"?"+query, lang); err != nil {
		return first, last, warm, err
	}
	defer d.printer.configure(orig, lang)
	var fs, ls []time.Duration
	for i := 0; i <= n; i++ {
		sess.Scan(eans[i%len(eans)])
		code := demo.codes.Next(pos.Yuan(10))
		if code == "" {
			return first, last, warm, fmt.Errorf("F12 sale %d: no ¥10 code left in --codes", i)
		}
		if v := sess.Scan(code); v.Kind != ui.VerdictOK {
			return first, last, warm, fmt.Errorf("F12 sale %d: voucher refused: %v", i, v.Err)
		}
		fyne.DoAndWait(func() {}) // the basket's refresh is done before F12
		_, before := sess.Last()
		t0 := time.Now()
		fyne.DoAndWait(c.Complete)
		f, l, err := tap.job(t0, 10*time.Second)
		if err != nil {
			return first, last, warm, fmt.Errorf("F12 sale %d: %v", i, err)
		}
		if i == 0 {
			warm = l.Sub(t0)
		} else {
			fs, ls = append(fs, f.Sub(t0)), append(ls, l.Sub(t0))
		}
		if l.Sub(t0) > 300*time.Millisecond {
			log.Printf("smoke: F12 sale %d: receipt's first byte %v, cut %v after F12", i, f.Sub(t0), l.Sub(t0))
		}
		if !waitFor(10*time.Second, func() bool { _, s := sess.Last(); return s != before }) {
			return first, last, warm, fmt.Errorf("F12 sale %d not completed: %+v", i, sess.Verdict())
		}
		fyne.DoAndWait(func() {})
		time.Sleep(20 * time.Millisecond)
	}
	return figureOf(fs), figureOf(ls), warm, nil
}

// MinuteSample is one minute of the long session.
type MinuteSample struct {
	Minute   int `json:"minute"`
	Sales    int `json:"sales"`
	RSSMB    int `json:"rss_mb"`
	HeapMB   int `json:"go_heap_inuse_mb"`
	Goroutns int `json:"goroutines"`
}

// longSession sells at a human pace for minutes minutes: each sale a few
// products scanned through the pty, a quantity changed, sometimes a
// product searched, a voucher scanned and taken off again, a basket held
// and resumed, a basket cancelled; most are completed (self-paid by WeChat,
// receipt printed). RSS is sampled each minute (no forced GC) into
// res.Session, and smoke.json is rewritten after each sample.
func longSession(d *terminal, c *ui.Cashier, win fyne.Window, eans []string, minutes int, res *SmokeResult, save func()) error {
	sess := c.Session()
	var pool []string
	for _, v := range []pos.Money{pos.Yuan(100), pos.Yuan(50), pos.Yuan(30), pos.Yuan(300)} {
		for code := demo.codes.Next(v); code != ""; code = demo.codes.Next(v) {
			pool = append(pool, code)
		}
	}
	pace := func(ms int) { time.Sleep(time.Duration(ms) * time.Millisecond) }
	scan := func(text string, until func() bool) {
		if err := demo.scan(text); err != nil {
			log.Printf("smoke session: scan: %v", err)
			return
		}
		waitFor(5*time.Second, until)
	}
	start := time.Now()
	next := start.Add(time.Minute)
	sales, i := 0, 0
	for time.Since(start) < time.Duration(minutes)*time.Minute {
		i++
		k := 1 + i%4
		for j := 0; j < k; j++ {
			n := len(sess.Lines())
			scan(eans[(i+j)%len(eans)], func() bool { return len(sess.Lines()) > n || sess.Verdict().Kind == ui.VerdictProduct })
			pace(400)
		}
		if lines := sess.Lines(); len(lines) > 0 {
			sess.SetQty(0, lines[0].Qty+1)
			pace(300)
		}
		if i%3 == 0 {
			fyne.DoAndWait(c.SearchProduct) // F2: the dialog opens on the live window
			pace(500)
			fyne.DoAndWait(func() { ui.CloseModals(win) })
			cat, _ := d.store.Catalogue()
			if cat != nil && len(cat.Products) > 0 {
				sess.Add(&cat.Products[i%len(cat.Products)], 2)
			}
			pace(300)
		}
		if i%4 == 0 && len(pool) > 0 {
			scan(pool[i%len(pool)], func() bool { return len(sess.Vouchers()) == 1 || sess.Verdict().Kind == ui.VerdictRefused })
			pace(600)
			if len(sess.Vouchers()) > 0 {
				sess.RemoveVoucher(0)
			}
			pace(300)
		}
		if i%5 == 0 {
			if h, err := sess.Hold(); err == nil {
				pace(800)
				if err := sess.Resume(h.ID); err != nil {
					log.Printf("smoke session: resume %d: %v", h.ID, err)
				}
			}
			pace(300)
		}
		if i%11 == 0 {
			fyne.DoAndWait(sess.Cancel)
		} else if len(sess.Lines()) > 0 {
			sess.SetMethod(pos.PayWeChat)
			_, before := sess.Last()
			fyne.DoAndWait(c.Complete)
			if waitFor(10*time.Second, func() bool { _, s := sess.Last(); return s != before }) {
				sales++
			} else {
				log.Printf("smoke session: sale %d not completed: %+v", i, sess.Verdict())
				fyne.DoAndWait(sess.Cancel)
			}
		}
		pace(700)
		if time.Now().After(next) {
			next = next.Add(time.Minute)
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			s := MinuteSample{Minute: len(res.Session) + 1, Sales: sales, RSSMB: rssKB() / 1024,
				HeapMB: int(ms.HeapInuse >> 20), Goroutns: runtime.NumGoroutine()}
			res.Session = append(res.Session, s)
			log.Printf("smoke session: minute %d, %d sales, RSS %d MB, Go heap in use %d MB, %d goroutines",
				s.Minute, s.Sales, s.RSSMB, s.HeapMB, s.Goroutns)
			save()
		}
	}
	res.SessionSales = sales
	debug.FreeOSMemory()
	res.RSSSessionEndMB = rssKB() / 1024
	return nil
}

// smokeMinutes is SMOKE_MINUTES (0 when unset or not a number).
func smokeMinutes() int {
	var n int
	fmt.Sscan(os.Getenv("SMOKE_MINUTES"), &n)
	return max(n, 0)
}
