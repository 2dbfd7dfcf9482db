//go:build realx

package xtest

import "testing"

func TestProbe(t *testing.T) {
	r := newRig(t, 1024, 768)
	r.start()
	r.shot("login")
	t.Log(r.dir)
}
