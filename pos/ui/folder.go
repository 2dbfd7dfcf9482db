package ui

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Folder is a place the manager can export to: a mounted USB stick or the
// home folder.
type Folder struct {
	Path string
	Name string // the stick's volume name, or the folder's base name
	USB  bool
}

// MountRoot is a directory under which removable media are mounted, and
// the depths below it where a medium's mount point sits: /media/usb0 (1),
// /media/<user>/<label> (2), /run/media/<user>/<label> (2).
type MountRoot struct {
	Dir    string
	Depths []int
}

// DefaultMountRoots are where Debian-family desktops (udisks, usbmount)
// mount USB sticks.
var DefaultMountRoots = []MountRoot{{Dir: "/media", Depths: []int{1, 2}}, {Dir: "/run/media", Depths: []int{2}}}

// Folders finds the export destinations: every directory at a root's
// depths that is a mount point (isMount; nil reads /proc/self/mountinfo,
// and where that cannot be read every directory that is not the parent of
// another candidate counts), USB sticks first by path, then home (when
// not empty). Nothing is ever chosen silently: the screen lists these.
func Folders(roots []MountRoot, home string, isMount func(string) bool) []Folder {
	if isMount == nil {
		isMount = systemMounts()
	}
	var cands []string
	for _, r := range roots {
		for _, depth := range r.Depths {
			pattern := r.Dir
			for range depth {
				pattern = filepath.Join(pattern, "*")
			}
			matches, _ := filepath.Glob(pattern)
			for _, p := range matches {
				if fi, err := os.Stat(p); err == nil && fi.IsDir() {
					cands = append(cands, p)
				}
			}
		}
	}
	sort.Strings(cands)
	var out []Folder
	for i, p := range cands {
		if isMount != nil {
			if !isMount(p) {
				continue
			}
		} else if i+1 < len(cands) && strings.HasPrefix(cands[i+1], p+string(filepath.Separator)) {
			continue // /media/<user> holding the sticks
		}
		out = append(out, Folder{Path: p, Name: filepath.Base(p), USB: true})
	}
	if home != "" {
		out = append(out, Folder{Path: home, Name: filepath.Base(home)})
	}
	return out
}

// systemMounts returns a mount-point test from /proc/self/mountinfo, or
// nil where it cannot be read (not Linux).
func systemMounts() func(string) bool {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	defer f.Close()
	mounts := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// id parent major:minor root mountpoint …; spaces in paths are \040.
		fields := strings.Fields(sc.Text())
		if len(fields) > 4 {
			mounts[strings.ReplaceAll(fields[4], `\040`, " ")] = true
		}
	}
	return func(p string) bool { return mounts[p] }
}
