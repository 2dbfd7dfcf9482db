//go:build windows

package main

import (
	"log"
	"os"
	"path/filepath"
	"runtime/debug"
	"syscall"
)

// The Windows build is a GUI program (-H=windowsgui, make windows): started
// from the Start menu or at logon it has no console, so its log and a
// start-up failure ("no terminal database", a database another program
// holds) would go nowhere. Then standard error and the log go to
// WindowsLogFile in the data folder the installer makes writable for
// Users (%ProgramData%\fupinpos), as does a crash's stack trace. Started
// from a console, or with standard error redirected, nothing changes.

// WindowsLogFile is the app's log file in the data folder.
const WindowsLogFile = "fupinpos.log"

// windowsLogMax is the size past which the log is moved to
// fupinpos.log.1 at the next start (the one before that is dropped).
const windowsLogMax = 4 << 20

// windowsLog is the log file's path once standard error goes there ("":
// the app has a console or redirected standard error).
var windowsLog string

func init() {
	if h, err := syscall.GetStdHandle(syscall.STD_ERROR_HANDLE); err == nil && h != 0 && h != syscall.InvalidHandle {
		return
	}
	base := os.Getenv("ProgramData")
	if base == "" {
		return
	}
	dir := filepath.Join(base, "fupinpos")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	path := filepath.Join(dir, WindowsLogFile)
	if st, err := os.Stat(path); err == nil && st.Size() > windowsLogMax {
		_ = os.Rename(path, path+".1")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return
	}
	os.Stderr = f
	windowsLog = path
	log.SetOutput(f)
	_ = debug.SetCrashOutput(f, debug.CrashOptions{})
}
