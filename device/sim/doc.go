// Package sim holds simulators of the counter's scanner and receipt printer
// that speak over the real transports (a pty, TCP), so that tests, the demo
// and cmd/devsim exercise the production code paths rather than fakes.
//
// ScannerSim is a serial scanner on a pty: the slave in raw mode behind a
// stable symlink, bytes paced at a chosen baud rate, any terminator, a
// pause inside a scan (as wireless scanners make), and unplug/replug. The
// pty simulators are Unix-only; on Windows they fail to start (the package
// still builds, so the commands cross-build).
package sim
