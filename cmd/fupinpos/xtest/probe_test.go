//go:build realx

package xtest

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestProbe takes screenshots for finding coordinates (XTEST_PROBE=x,y;x,y clicks).
func TestProbe(t *testing.T) {
	if os.Getenv("XTEST_PROBE") == "" {
		t.Skip("probe only")
	}
	w, h := 1024, 768
	if sz := os.Getenv("XTEST_SIZE"); sz != "" {
		a, b, _ := strings.Cut(sz, "x")
		w, _ = strconv.Atoi(a)
		h, _ = strconv.Atoi(b)
	}
	r := newRig(t, w, h)
	r.start()
	r.shot("start")
	for i, c := range strings.Split(os.Getenv("XTEST_PROBE"), ";") {
		if c == "" {
			continue
		}
		if strings.HasPrefix(c, "k:") {
			r.key(c[2:])
		} else if strings.HasPrefix(c, "t:") {
			r.typeText(c[2:])
		} else {
			x, y, _ := strings.Cut(c, ",")
			xi, _ := strconv.Atoi(x)
			yi, _ := strconv.Atoi(y)
			r.click(xi, yi)
		}
		r.shot("step" + strconv.Itoa(i))
	}
}
