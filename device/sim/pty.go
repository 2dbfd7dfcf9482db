package sim

import (
	"fmt"
	"os"
	"path/filepath"
)

// relink points link at target atomically, so a reader never finds the
// path missing or half-made while it is repointed. An existing file at link
// that is not a symlink is left alone and reported.
func relink(target, link, who string) error {
	if fi, err := os.Lstat(link); err == nil && fi.Mode()&os.ModeSymlink == 0 {
		return fmt.Errorf("%s: %s exists and is not a symlink", who, link)
	}
	tmp := filepath.Join(filepath.Dir(link), fmt.Sprintf(".%s.%d.tmp", filepath.Base(link), os.Getpid()))
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("%s: link %s: %w", who, link, err)
	}
	if err := os.Rename(tmp, link); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: link %s: %w", who, link, err)
	}
	return nil
}
