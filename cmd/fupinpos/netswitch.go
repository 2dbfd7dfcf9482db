//go:build demo

package main

import (
	"errors"
	"net/http"
	"sync/atomic"
)

// netSwitch is the HTTP transport of the sync client with a switch that
// unplugs the network: the demo script uses it to make a sale offline and
// watch it sync later. Unplugged, every request fails as a dead cable would.
type netSwitch struct {
	base http.RoundTripper
	down atomic.Bool
}

var errUnplugged = errors.New("network unplugged (demo)")

// RoundTrip sends the request unless the network is unplugged.
func (n *netSwitch) RoundTrip(r *http.Request) (*http.Response, error) {
	if n.down.Load() {
		return nil, errUnplugged
	}
	return n.base.RoundTrip(r)
}
