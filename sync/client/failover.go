package client

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/hashicorp/go-retryablehttp"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// failover is the HTTP transport over a list of servers. Each request goes
// to the last server that answered; on a connection error or a 5xx answer
// it is sent at once to the next one, and so on once round the list. The
// retrying client around it waits and tries the whole round again.
type failover struct {
	bases []*url.URL
	cur   atomic.Int32
	next  http.RoundTripper
	sign  func(*http.Request) error // signs a request sent to another server afresh
}

func newFailover(servers string, next http.RoundTripper, sign func(*http.Request) error) (*failover, error) {
	list, err := pos.ParseServers(servers)
	if err != nil {
		return nil, err
	}
	if next == nil {
		next = http.DefaultTransport
	}
	f := &failover{next: next, sign: sign}
	for _, s := range list {
		u, _ := url.Parse(s)
		f.bases = append(f.bases, u)
	}
	return f, nil
}

// prefer makes u, when it is one of the servers, the one requests go to
// first (the last that answered, as the terminal database remembers it).
func (f *failover) prefer(u string) {
	for i, b := range f.bases {
		if b.String() == u {
			f.cur.Store(int32(i))
			return
		}
	}
}

// current returns the server requests go to first.
func (f *failover) current() string { return f.bases[f.cur.Load()].String() }

type relPathKey struct{}

// request builds a POST of body to path on the current server; the path is
// kept aside so that the transport can send it to another.
func (f *failover) request(ctx context.Context, path string, body []byte) (*retryablehttp.Request, error) {
	ctx = context.WithValue(ctx, relPathKey{}, path)
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, f.current()+path, body)
	if err != nil {
		return nil, pos.WrapError(pos.EINVALID, err, "server URL %q", f.current())
	}
	return req, nil
}

// RoundTrip sends req to the servers in turn from the current one.
func (f *failover) RoundTrip(req *http.Request) (*http.Response, error) {
	rel, ok := req.Context().Value(relPathKey{}).(string)
	if !ok || len(f.bases) == 1 || req.GetBody == nil {
		return f.next.RoundTrip(req)
	}
	if req.Body != nil {
		req.Body.Close()
	}
	start := int(f.cur.Load())
	var resp *http.Response
	var err error
	for i := range f.bases {
		k := (start + i) % len(f.bases)
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
			resp = nil
		}
		r := req.Clone(req.Context())
		u := *f.bases[k]
		u.Path = strings.TrimRight(u.Path, "/") + rel
		u.RawPath = ""
		r.URL, r.Host = &u, ""
		if r.Body, err = req.GetBody(); err != nil {
			return nil, err
		}
		if r.Header.Get(wire.HeaderTerminal) != "" && f.sign != nil {
			if err = f.sign(r); err != nil {
				return nil, err
			}
		}
		resp, err = f.next.RoundTrip(r)
		if err == nil && resp.StatusCode < 500 {
			f.cur.Store(int32(k))
			return resp, nil
		}
		if req.Context().Err() != nil {
			break
		}
	}
	return resp, err
}
