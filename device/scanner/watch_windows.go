//go:build windows

package scanner

// watchable reports whether the reader can see a device come and go at
// path by stat: Windows COM names are not files, so the reader retries the
// open itself every PollInterval.
func watchable(string) bool { return false }
