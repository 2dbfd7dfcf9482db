//go:build windows

package scanner

import (
	"slices"
	"strings"

	"go.bug.st/serial"
)

// On Windows, Ports finds COM ports through go.bug.st/serial's enumerator
// (SetupAPI: USB ids, serial numbers, product names); there are no by-id
// or by-path links, so ByID, ByPath and USBPort stay empty and a port is
// named by its COM name in the scanner URI (serial://COM3?baud=9600).

// Describe returns what can be said of a port name typed by hand without
// opening it: whether it is a COM name the system lists. It never fails; a
// problem is in Err.
func Describe(path string) PortInfo {
	info := PortInfo{Path: path, Manual: true}
	if !IsCOMName(path) && !strings.HasPrefix(path, `\\.\`) {
		info.Err, info.Problem = "not a COM port name (COM1, COM3 …)", ProblemNotCOMName
		return info
	}
	names, err := serial.GetPortsList()
	switch {
	case err != nil:
		info.Err = err.Error()
	case !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, strings.TrimPrefix(path, `\\.\`)) }):
		info.Err, info.Problem = "no such COM port on this computer", ProblemNoCOMPort
	}
	return info
}
