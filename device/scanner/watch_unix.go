//go:build !windows

package scanner

// watchable reports whether the reader can see a device come and go at
// path by stat: on Unix every port is a device node.
func watchable(string) bool { return true }
