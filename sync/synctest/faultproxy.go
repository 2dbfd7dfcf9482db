// Package synctest holds test helpers for the sync protocol: a
// fault-injecting HTTP proxy that sits between a terminal and a real server
// on loopback and misbehaves the way store networks do.
package synctest

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// Fault is one way the proxy mistreats a request.
type Fault int

// The faults. Those marked "after" forward the request first, so the server
// has done (and committed) the work when the answer goes wrong.
const (
	Pass       Fault = iota // forward faithfully
	Status500               // answer 500 without forwarding
	TooMany                 // answer 429 with Retry-After: 1 without forwarding
	Stall                   // hold the request past the client's timeout, then drop it
	Reset                   // reset the connection without forwarding
	Truncate                // after: send half the body, then close
	Garbage                 // after: replace the body with bytes that are not JSON
	LostAnswer              // after: close the connection without any answer
	numFaults
)

var faultNames = [...]string{"pass", "500", "429", "stall", "reset", "truncate", "garbage", "lost-answer"}

// String names the fault for logs.
func (f Fault) String() string {
	if f >= 0 && int(f) < len(faultNames) {
		return faultNames[f]
	}
	return "fault(" + strconv.Itoa(int(f)) + ")"
}

// Chooser picks the fault for the n-th request (from 0).
type Chooser func(n int, r *http.Request) Fault

// Random returns a Chooser that picks a fault other than Pass with
// probability rate, uniformly among all faults, reproducibly from seed.
func Random(seed uint64, rate float64) Chooser {
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return func(int, *http.Request) Fault {
		mu.Lock()
		defer mu.Unlock()
		if rng.Float64() >= rate {
			return Pass
		}
		return Fault(1 + rng.IntN(int(numFaults)-1))
	}
}

// Proxy is a running fault-injecting proxy on loopback.
type Proxy struct {
	URL    string
	target string
	choose Chooser
	stall  time.Duration
	srv    *httptest.Server
	client *http.Client

	mu     sync.Mutex
	n      int
	counts map[Fault]int
}

// New starts a proxy in front of the server at target. stall is how long
// a Stall fault holds a request (longer than the client's timeout).
func New(target string, choose Chooser, stall time.Duration) *Proxy {
	p := &Proxy{target: target, choose: choose, stall: stall, counts: map[Fault]int{},
		client: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = p.srv.URL
	return p
}

// Close stops the proxy.
func (p *Proxy) Close() { p.srv.CloseClientConnections(); p.srv.Close() }

// Counts returns how many requests met each fault.
func (p *Proxy) Counts() map[Fault]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[Fault]int, len(p.counts))
	for k, v := range p.counts {
		out[k] = v
	}
	return out
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	n := p.n
	p.n++
	p.mu.Unlock()
	f := p.choose(n, r)
	p.mu.Lock()
	p.counts[f]++
	p.mu.Unlock()

	switch f {
	case Status500:
		http.Error(w, "internal error (injected)", http.StatusInternalServerError)
		return
	case TooMany:
		w.Header().Set("Retry-After", "1")
		http.Error(w, "slow down (injected)", http.StatusTooManyRequests)
		return
	case Stall:
		select {
		case <-time.After(p.stall):
		case <-r.Context().Done():
		}
		hangUp(w, false)
		return
	case Reset:
		hangUp(w, true)
		return
	}
	body, _ := io.ReadAll(r.Body)
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := p.client.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	switch f {
	case LostAnswer:
		hangUp(w, false)
		return
	case Garbage:
		answer = []byte("\x00\xffnot json <html>")
	}
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
	w.WriteHeader(resp.StatusCode)
	if f == Truncate {
		w.Write(answer[:len(answer)/2])
		hangUp(w, false)
		return
	}
	w.Write(answer)
}

// hangUp closes the client's connection, with a TCP reset when rst.
func hangUp(w http.ResponseWriter, rst bool) {
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok && rst {
		tc.SetLinger(0)
	}
	conn.Close()
}
