//go:build !windows

package scanner

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Describe returns what can be said of a port path typed by hand without
// opening it: where a symlink points and whether it is a character device.
// It never fails; a problem is in Err.
func Describe(path string) PortInfo {
	info := PortInfo{Path: path, Manual: true}
	if target, err := filepath.EvalSymlinks(path); err == nil && target != path {
		info.Target = target
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		info.Err = err.Error()
		switch {
		case errors.Is(err, fs.ErrNotExist):
			info.Problem = ProblemMissing
		case errors.Is(err, fs.ErrPermission):
			info.Problem = ProblemDenied
		}
	case fi.Mode()&os.ModeCharDevice == 0:
		info.Err, info.Problem = "not a character device", ProblemNotCharDev
	}
	return info
}
