package main

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// gcPercent is the app's GOGC unless the environment sets one: the live
// heap is mostly parsed font tables that never change (about 36 MB), so
// the default 100 lets the heap idle at twice that between collections.
// At 50, a cashier session holds about 17 MB less resident (smoke run with
// SMOKE_MINUTES) for a few more short collections, which a counter's pace
// of allocation makes rare.
const gcPercent = 50

func init() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

// processStart is when the kernel started this process (from
// /proc/self/stat and /proc/uptime), so cold-start timing includes loading
// the binary and its GL libraries; it falls back to now.
func processStart() time.Time {
	now := time.Now()
	stat, err1 := os.ReadFile("/proc/self/stat")
	up, err2 := os.ReadFile("/proc/uptime")
	if err1 != nil || err2 != nil {
		return now
	}
	s := string(stat)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 20 {
		return now
	}
	ticks, err1 := strconv.ParseFloat(f[19], 64)
	uptime, err2 := strconv.ParseFloat(strings.Fields(string(up))[0], 64)
	if err1 != nil || err2 != nil {
		return now
	}
	age := uptime - ticks/100
	return now.Add(-time.Duration(age * float64(time.Second)))
}

// rssKB is the resident set size in kB (VmRSS).
func rssKB() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(l)[1])
			return n
		}
	}
	return 0
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return s.Value[:12]
			}
		}
		return bi.Main.Version
	}
	return "dev"
}
