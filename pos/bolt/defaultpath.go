package bolt

import (
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// DefaultPath is the terminal database the installed packages set up, used
// by fupinpos and posctl when no --db is given: $FUPINPOS_DB when set, else
// the packages' file (/var/lib/fupinpos/terminal.db; on Windows
// %ProgramData%\fupinpos\terminal.db) when it exists, else "".
func DefaultPath() string {
	if p := os.Getenv("FUPINPOS_DB"); p != "" {
		return p
	}
	p := "/var/lib/fupinpos/terminal.db"
	if runtime.GOOS == "windows" {
		pd := os.Getenv("ProgramData")
		if pd == "" {
			return ""
		}
		p = filepath.Join(pd, "fupinpos", "terminal.db")
	}
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return ""
}

// Now is the terminal's clock as sales are stamped with it, for a preview
// that must judge what the commit will judge (a certificate's last day).
func (db *DB) Now() time.Time { return db.timestamp() }
