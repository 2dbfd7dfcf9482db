package client

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// Options tune a Client. Zero fields take the defaults.
type Options struct {
	// Server is the central server's base URL, or several separated by
	// commas (instances of one deployment behind no common load balancer);
	// default the terminal configuration's Server. See ServerList.
	Server string
	// Timeout bounds one HTTP attempt. Default 15 s.
	Timeout time.Duration
	// RetryMax is how many times one request is retried after a network
	// error, a 5xx or a 429. Default 4.
	RetryMax int
	// RetryMin and RetryWait bound the backoff between retries. Defaults 200 ms and 30 s.
	RetryMin, RetryWait time.Duration
	// BatchSize is how many records one upload carries. Default
	// DefaultBatchSize (see BenchmarkDrain).
	BatchSize int
	// Interval is how often the pump syncs when nothing wakes it. Default 30 s.
	Interval time.Duration
	// Transport replaces the HTTP transport (tests). Default: the
	// system's TLS roots, or only the pinned CA of the terminal
	// configuration's ServerCA (see PinnedTransport).
	Transport http.RoundTripper
	// Logger receives one line per failed attempt; default discards.
	Logger *log.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// DefaultBatchSize was chosen with BenchmarkDrain: past a few hundred
// records a batch gains little and a lost answer costs more to repeat.
const DefaultBatchSize = 250

// Client talks to the central server for one terminal database.
type Client struct {
	db       Store
	servers  *failover
	terminal string
	key      ed25519.PrivateKey
	http     *retryablehttp.Client
	opts     Options

	offset  atomic.Int64 // server clock minus ours, ns, from the last answer
	wake    chan struct{}
	mu      sync.Mutex
	lastErr error
	skew    time.Duration
	stats   Stats
}

// Stats counts what a client has done since it was made.
type Stats struct {
	Requests  int // HTTP requests that got an answer, retries included
	Uploaded  int // records the server answered for
	Conflicts int // of which conflicts or rejections
	Pages     int // download pages applied
	Rewound   int // records put back into the outbox: the server had lost them (restored)
}

// New returns a client for the enrolled terminal in db.
func New(db Store, opts Options) (*Client, error) {
	cfg, err := db.Config()
	if err != nil {
		return nil, err
	}
	if opts.Server == "" {
		opts.Server = cfg.Server
	}
	if opts.Server == "" {
		return nil, pos.Errorf(pos.ENOTPROVISIONED, "no central server configured (run posctl enroll)").Say("no_server")
	}
	key, err := db.PrivateKey()
	if err != nil {
		return nil, err
	}
	if opts.Transport == nil && cfg.ServerCA != "" {
		if opts.Transport, err = PinnedTransport(cfg.ServerCA); err != nil {
			return nil, err
		}
	}
	setDefaults(&opts)
	c := &Client{db: db, terminal: cfg.Terminal, key: key, opts: opts, wake: make(chan struct{}, 1)}
	if c.servers, err = newFailover(opts.Server, opts.Transport, c.resign); err != nil {
		return nil, err
	}
	if last, err := db.LastServer(); err == nil && last != "" {
		c.servers.prefer(last)
	}
	c.http = newHTTP(opts, c.servers)
	c.http.PrepareRetry = c.resign
	return c, nil
}

// Server returns the base URL the client talks to now: the last one that
// answered, or the first of the list.
func (c *Client) Server() string { return c.servers.current() }

func setDefaults(o *Options) {
	if o.Timeout == 0 {
		o.Timeout = 15 * time.Second
	}
	if o.RetryMax == 0 {
		o.RetryMax = 4
	}
	if o.RetryMin == 0 {
		o.RetryMin = 200 * time.Millisecond
	}
	if o.RetryWait == 0 {
		o.RetryWait = 30 * time.Second
	}
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.BatchSize > wire.MaxUploadEntries {
		o.BatchSize = wire.MaxUploadEntries
	}
	if o.Interval == 0 {
		o.Interval = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = log.New(io.Discard, "", 0)
	}
}

// newHTTP builds the retrying HTTP client. Each attempt goes through f,
// which fails over between the servers; retries and backoff wrap that.
func newHTTP(o Options, f *failover) *retryablehttp.Client {
	hc := retryablehttp.NewClient()
	hc.HTTPClient = &http.Client{Timeout: o.Timeout, Transport: f}
	hc.RetryMax = o.RetryMax
	hc.RetryWaitMin, hc.RetryWaitMax = o.RetryMin, o.RetryWait
	hc.Backoff = backoff
	hc.Logger = nil
	hc.RequestLogHook = func(_ retryablehttp.Logger, r *http.Request, attempt int) {
		if attempt > 0 {
			o.Logger.Printf("sync: retry %d of %s %s", attempt, r.Method, r.URL.Path)
		}
	}
	hc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	return hc
}

// backoff waits exponentially longer between retries, with full jitter so
// that a store's terminals coming back online do not retry in step, and
// honours a server's Retry-After on 429 and 503.
func backoff(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) &&
		resp.Header.Get("Retry-After") != "" {
		return retryablehttp.DefaultBackoff(lo, hi, attempt, resp)
	}
	ceil := lo << min(attempt, 20)
	if ceil > hi || ceil <= 0 {
		ceil = hi
	}
	return lo + rand.N(ceil-lo+1)
}

// now is our clock corrected by the server's, for signing.
func (c *Client) now() time.Time { return c.opts.Now().Add(time.Duration(c.offset.Load())) }

// resign signs a retry afresh: after a long Retry-After the first
// timestamp could be too old for the server.
func (c *Client) resign(req *http.Request) error {
	if req.GetBody == nil || req.Header.Get(wire.HeaderTerminal) == "" {
		return nil
	}
	rc, err := req.GetBody()
	if err != nil {
		return err
	}
	defer rc.Close()
	body, err := io.ReadAll(rc)
	if err != nil {
		return err
	}
	wire.Sign(req, body, c.terminal, c.key, c.now())
	return nil
}

// post sends a signed JSON request and decodes the JSON answer into out.
// A 401 for a stale timestamp is retried once with the clock corrected by
// the server's time from that answer.
func (c *Client) post(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return pos.WrapError(pos.EINTERNAL, err, "encode %s", path)
	}
	for attempt := 0; ; attempt++ {
		err := c.postOnce(ctx, path, body, out)
		var we *wire.Error
		if attempt == 0 && errors.As(err, &we) && we.Code == wire.AuthStale {
			continue
		}
		return err
	}
}

func (c *Client) postOnce(ctx context.Context, path string, body []byte, out any) error {
	req, err := c.servers.request(ctx, path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	wire.Sign(req.Request, body, c.terminal, c.key, c.now())
	resp, err := c.http.Do(req)
	if err != nil {
		return offline(err, path)
	}
	defer resp.Body.Close()
	c.mu.Lock()
	c.stats.Requests++
	c.mu.Unlock()
	c.noteServerTime(resp.Header.Get(wire.HeaderServerTime))
	return decode(resp, path, out)
}

// noteServerTime keeps the offset between the server's clock and ours.
func (c *Client) noteServerTime(h string) {
	t, err := time.Parse(time.RFC3339, h)
	if err != nil {
		return
	}
	c.offset.Store(int64(t.Sub(c.opts.Now())))
}

// offline wraps a transport failure: the server did not answer.
func offline(err error, path string) error {
	return pos.WrapError(pos.ESERVEROFFLINE, err, "server unreachable (%s)", path)
}

// decode reads a JSON answer: out on 2xx, a *wire.Error otherwise. A body
// that is cut short or not JSON is an error like no answer at all.
func decode(resp *http.Response, path string, out any) error {
	data, err := io.ReadAll(io.LimitReader(resp.Body, wire.MaxBody))
	if err != nil {
		return pos.WrapError(pos.ESERVEROFFLINE, err, "%s: answer cut short", path)
	}
	if resp.StatusCode/100 != 2 {
		we := &wire.Error{}
		if json.Unmarshal(data, we) != nil || we.Code == "" {
			we = &wire.Error{Code: pos.EINTERNAL, Message: fmt.Sprintf("HTTP %d: %.200s", resp.StatusCode, data)}
		}
		return fmt.Errorf("%s: HTTP %d: %w", path, resp.StatusCode, we)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return pos.WrapError(pos.ESERVEROFFLINE, err, "%s: answer is not the expected JSON", path)
	}
	return nil
}
