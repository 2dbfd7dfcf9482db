package main

import (
	"context"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
)

// quitWait is how long a stop request waits for the window to close
// before the process exits anyway.
const quitWait = 5 * time.Second

// quitOnSignal ends the app cleanly when it is asked to stop — SIGTERM
// from the kiosk session's systemd unit or a package upgrade, SIGINT from
// a terminal — instead of dying on the spot: the window quits on the UI
// goroutine, so run returns through its deferred steps (the control
// socket removed, the database closed). A UI that does not quit within
// quitWait is left: the process exits (every sale is committed before
// it prints, so nothing recorded is lost).
func quitOnSignal(ctx context.Context, a fyne.App) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM, os.Interrupt)
	go func() {
		defer signal.Stop(ch)
		select {
		case <-ctx.Done():
			return
		case sig := <-ch:
			log.Printf("fupinpos: %v: closing", sig)
			fyne.Do(a.Quit)
		}
		select {
		case <-ctx.Done():
		case <-time.After(quitWait):
			log.Printf("fupinpos: the window did not close within %s: exiting", quitWait)
			os.Exit(1)
		}
	}()
}
