package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// AdminTokenFile holds the bearer token of the admin endpoints, in the
// data directory next to the keys (0600).
const AdminTokenFile = "admin.token"

// AdminToken returns the admin token of dir, creating a random one when
// there is none yet; created says whether it did.
func AdminToken(dir string) (token string, created bool, err error) {
	path := filepath.Join(dir, AdminTokenFile)
	b, err := os.ReadFile(path)
	if err == nil {
		tok := strings.TrimSpace(string(b))
		if len(tok) < 32 {
			return "", false, fmt.Errorf("%s: token too short", path)
		}
		return tok, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", false, fmt.Errorf("read admin token: %w", err)
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return "", false, err
	}
	token = hex.EncodeToString(raw)
	if err := writeFileSync(path, []byte(token+"\n"), fileMode); err != nil {
		return "", false, err
	}
	return token, true, nil
}
