//go:build demo

package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// RSSParts splits the resident memory (MB, from /proc/self/smaps) by who
// holds it, so that the smoke figures separate what the app can change
// from what the machine's GL driver brings: under Xvfb that is Mesa's
// software renderer (llvmpipe: libLLVM and swrast_dri.so, about 65 MB),
// which a terminal with a GPU driver does not run.
type RSSParts struct {
	GLDriverMB int `json:"gl_driver_mb"` // Mesa and the GL/DRM libraries (llvmpipe's JIT under Xvfb)
	ProgramMB  int `json:"program_mb"`   // the program file's pages (code, read-only data)
	AnonMB     int `json:"anon_mb"`      // anonymous memory: the Go heap and stacks, the C heap
	SharedMB   int `json:"shared_mb"`    // shared memory with the X server (window buffers)
	OtherMB    int `json:"other_libs_mb"`
}

// rssParts reads /proc/self/smaps; the zero value when it cannot.
func rssParts() RSSParts {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return RSSParts{}
	}
	defer f.Close()
	exe, _ := os.Executable()
	var kb [5]int
	part := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			name := ""
			if len(fields) >= 6 {
				name = strings.Join(fields[5:], " ")
			}
			part = rssPart(name, exe)
			continue
		}
		if fields[0] == "Rss:" && len(fields) >= 2 {
			n, _ := strconv.Atoi(fields[1])
			kb[part] += n
		}
	}
	return RSSParts{GLDriverMB: kb[0] / 1024, ProgramMB: kb[1] / 1024, AnonMB: kb[2] / 1024, SharedMB: kb[3] / 1024, OtherMB: kb[4] / 1024}
}

// rssPart is the RSSParts field index of a mapping named name.
func rssPart(name, exe string) int {
	base := filepath.Base(name)
	switch {
	case strings.HasPrefix(base, "libLLVM"), strings.HasSuffix(base, "_dri.so"), strings.HasPrefix(base, "libgallium"),
		strings.HasPrefix(base, "libGL"), strings.HasPrefix(base, "libEGL"), strings.HasPrefix(base, "libglapi"),
		strings.HasPrefix(base, "libdrm"), strings.HasPrefix(base, "libvulkan"):
		return 0
	case name == exe:
		return 1
	case name == "", name == "[heap]", name == "[stack]", strings.HasPrefix(name, "[anon"):
		return 2
	case strings.HasPrefix(name, "/SYSV"), strings.HasPrefix(name, "/dev/shm"), strings.HasPrefix(name, "/memfd:"):
		return 3
	}
	return 4
}
