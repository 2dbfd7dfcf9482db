//go:build windows

package main

import (
	"log"
	"os"
	"strings"

	"golang.org/x/sys/windows"

	"fupinpos/assets"
)

// NoMessageBoxEnv, set to 1, keeps a start-up failure out of a message
// box (it is logged all the same): for tests under wine, where nobody
// would close the box.
const NoMessageBoxEnv = "FUPINPOS_NO_MESSAGEBOX"

// Without a console (started from the Start menu or at logon) a start-up
// failure would only reach fupinpos.log, and the cashier would see the app
// simply not come up: failed also shows it in a message box, with the log
// file's path.
func init() { fatalHook = showFailure }

// failureText is the message box's title and text: the translated "could
// not start", what failed wrote and where the log is.
func failureText(m *assets.Messages, lines []string, logPath string) (title, text string) {
	title = m.T("app.start_failed", nil)
	text = strings.Join(lines, "\r\n\r\n")
	if logPath != "" {
		text += "\r\n\r\n" + m.T("app.start_failed.log", map[string]string{"path": logPath})
	}
	return title, text
}

// showFailure shows the failure in a message box in front of everything
// (the kiosk's full-screen window may not be up yet, or never will be),
// when the app has no console to say it on.
func showFailure(m *assets.Messages, lines []string) {
	if windowsLog == "" {
		return
	}
	title, text := failureText(m, lines, windowsLog)
	if os.Getenv(NoMessageBoxEnv) == "1" {
		log.Printf("message box not shown (%s=1): %s: %s", NoMessageBoxEnv, title, strings.ReplaceAll(text, "\r\n\r\n", " | "))
		return
	}
	log.Printf("message box: %s", title)
	t, err1 := windows.UTF16PtrFromString(text)
	c, err2 := windows.UTF16PtrFromString(title)
	if err1 != nil || err2 != nil {
		return
	}
	_, _ = windows.MessageBox(0, t, c, windows.MB_OK|windows.MB_ICONERROR|windows.MB_SYSTEMMODAL|windows.MB_SETFOREGROUND|windows.MB_TOPMOST)
}
