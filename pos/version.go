package pos

import "runtime/debug"

// Version is the release this binary belongs to, set at link time from
// `git describe` (make app/build/dist: -ldflags "-X fupinpos/pos.Version=…").
// A binary built without it (go test, go run) reports the VCS revision Go
// recorded, else "dev". Every command prints it with --version, and the
// installers name their packages after it.
var Version = ""

// BuildVersion is Version, or the VCS revision Go recorded when it was not set.
func BuildVersion() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", ""
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if len(s.Value) > 12 {
					rev = s.Value[:12]
				} else {
					rev = s.Value
				}
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "-dirty"
				}
			}
		}
		if rev != "" {
			return "0.0.0-g" + rev + dirty
		}
	}
	return "dev"
}
