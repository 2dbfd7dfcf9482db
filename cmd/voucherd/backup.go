package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// cmdBackup writes a consistent copy of the server database. While
// `voucherd serve` runs on the data directory (serve.url there) it holds
// the file's lock, so the copy comes from the server's admin endpoint,
// made in one read transaction while it goes on serving; otherwise the file
// is opened read-only and copied the same way.
func cmdBackup(args []string, stdout io.Writer) error {
	fs := newFlags("backup", stdout)
	dir := fs.String("data", "", "data `DIR` made by voucherd init")
	db := dbFlag(fs)
	out := fs.String("out", "", "backup `FILE` to write (replaced atomically)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := require(fs, "data", "out"); err != nil {
		return err
	}
	if *db != "" {
		return errPostgresBackup()
	}
	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		return pos.Errorf(pos.ENOTFOUND, "data directory %s not found", *dir).Say("no_data_dir", "dir", *dir)
	}
	part := *out + ".part"
	// A path that cannot be written is said before the copy is made.
	f, err := os.Create(part)
	if err != nil {
		return pos.WrapError(pos.EINVALID, err, "cannot write the backup file %s", *out).Say("backup_out", "file", *out)
	}
	f.Close()
	defer os.Remove(part)
	how, n, err := backupTo(*dir, part)
	if err != nil {
		return err
	}
	d, err := server.CheckBackup(part)
	if err != nil {
		return fmt.Errorf("the copy does not open: %w", err)
	}
	if err := os.Rename(part, *out); err != nil {
		return pos.WrapError(pos.EINVALID, err, "cannot write the backup file %s", *out).Say("backup_out", "file", *out)
	}
	say(stdout, "voucherd.backup.done", "file", *out, "bytes", n, "how", how, "campaigns", len(d.Campaigns), "seq", d.TrustSeq)
	say(stdout, "voucherd.backup.note")
	return nil
}

// backupTo writes the copy to path (fsynced) and says how it was made.
func backupTo(dir, path string) (string, int64, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return "", 0, fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	how := tr("voucherd.backup.from_server")
	n, err := remoteBackup(dir, f)
	if errors.Is(err, errNotServing) {
		how = tr("voucherd.backup.from_file")
		n, err = server.BackupFile(filepath.Join(dir, server.DatabaseFile), f, 2*time.Second)
	}
	if err != nil {
		return "", n, err
	}
	if err := f.Sync(); err != nil {
		return "", n, fmt.Errorf("backup: %w", err)
	}
	return how, n, f.Close()
}

// errPostgresBackup refuses backup and restore of a PostgreSQL deployment
// (a function: worded in the LANG of the moment).
func errPostgresBackup() error { return usagef("voucherd.usage_err.postgres_backup") }

// errNotServing: no voucherd serve answers for the data directory.
var errNotServing = errors.New("voucherd serve is not running")

// remoteBackup streams the backup from the running server into w. When
// serve.url is missing, or names a server that does not answer while the
// database file is free (a crash left serve.url behind), it returns
// errNotServing.
func remoteBackup(dir string, w io.Writer) (int64, error) {
	base, client, err := servingAt(dir)
	if err != nil {
		return 0, err
	}
	tok, _, err := server.AdminToken(dir)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequest(http.MethodGet, strings.TrimSuffix(base, "/")+server.PathAdminBackup, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set(wire.HeaderAuthorization, "Bearer "+tok)
	resp, err := client.Do(req)
	if err != nil {
		if free(dir) {
			return 0, errNotServing
		}
		return 0, fmt.Errorf("voucherd serve at %s does not answer, and the database is locked: %w", base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		var we wire.Error
		if json.Unmarshal(data, &we) == nil && we.Code != "" {
			return 0, pos.Errorf(we.Code, "backup through %s: %s", base, we.Message)
		}
		return 0, fmt.Errorf("backup through %s: HTTP %d", base, resp.StatusCode)
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("backup through %s cut short after %d bytes: %w", base, n, err)
	}
	if want, perr := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64); perr == nil && want != n {
		return n, fmt.Errorf("backup through %s: %d of %d bytes", base, n, want)
	}
	return n, nil
}

// servingAt reads serve.url: the running server's URL and a client that
// trusts its certificate. errNotServing when there is none.
func servingAt(dir string) (string, *http.Client, error) {
	b, err := os.ReadFile(filepath.Join(dir, serveFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil, errNotServing
	}
	if err != nil {
		return "", nil, err
	}
	lines := strings.Fields(string(b))
	if len(lines) == 0 {
		return "", nil, errNotServing
	}
	client, err := serveClient(lines, 30*time.Minute)
	if err != nil {
		return "", nil, err
	}
	return lines[0], client, nil
}

// free reports whether no process holds the data directory's database.
func free(dir string) bool {
	_, err := server.BackupFile(filepath.Join(dir, server.DatabaseFile), io.Discard, 200*time.Millisecond)
	return pos.ErrorCode(err) != pos.EBUSY
}

// cmdRestore replaces the data directory's database with a backup. It
// refuses while voucherd serve runs, and checks first that the backup
// opens and holds a deployment, and that the deployment is the one of the
// directory's keys (server.CheckKeys; --force overrides). The replaced file is kept next to it. The
// restored database gets a new epoch, so every terminal downloads a full
// snapshot at its next sync, and each campaign's serial counter moves
// --serial-gap past the last serial issued (server.MoveSerials), so no
// voucher id issued after the backup is issued again.
func cmdRestore(args []string, stdout io.Writer) error {
	fs := newFlags("restore", stdout)
	dir := fs.String("data", "", "data `DIR` made by voucherd init")
	db := dbFlag(fs)
	from := fs.String("from", "", "backup `FILE` made by voucherd backup")
	gap := fs.Uint("serial-gap", server.RestoreSerialGap, "move each campaign's serial counter `N` past the last one issued, so no voucher id issued since the backup is issued again")
	force := fs.Bool("force", false, "restore a backup of another deployment (keys of another data directory)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := require(fs, "data", "from"); err != nil {
		return err
	}
	if *db != "" {
		return errPostgresBackup()
	}
	if _, err := os.Stat(filepath.Join(*dir, serveFile)); err == nil {
		return pos.Errorf(pos.EBUSY, "voucherd serve is running on %s (%s): stop it first (remove %s if it crashed)", *dir, serveFile, serveFile)
	}
	dbPath := filepath.Join(*dir, server.DatabaseFile)
	if !free(*dir) {
		return pos.Errorf(pos.EBUSY, "%s is held by a running process: stop voucherd serve first", dbPath)
	}
	d, err := server.CheckBackup(*from)
	if err != nil {
		return err
	}
	keys, err := server.LoadKeyring(*dir)
	if err != nil {
		return err
	}
	// A backup of another deployment would serve vouchers and terminals
	// this directory's keys never signed, and let members be issued again.
	if err := server.CheckKeys(d, keys); err != nil && !*force {
		return err
	}
	tmp := dbPath + ".restore"
	defer os.Remove(tmp)
	if err := copyFile(*from, tmp); err != nil {
		return err
	}
	if err := server.NewEpoch(tmp); err != nil {
		return err
	}
	floor, _ := server.ReadSerials(dbPath) // the replaced file, when it still opens
	serials, err := server.MoveSerials(tmp, floor, uint32(min(*gap, uint(^uint32(0)))))
	if err != nil {
		return err
	}
	kept := ""
	if _, err := os.Stat(dbPath); err == nil {
		kept = dbPath + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(dbPath, kept); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return err
	}
	say(stdout, "voucherd.restore.done", "db", dbPath, "from", *from, "campaigns", len(d.Campaigns), "seq", d.TrustSeq)
	if kept != "" {
		say(stdout, "voucherd.restore.kept", "file", kept)
	}
	for _, c := range slices.Sorted(maps.Keys(serials)) {
		say(stdout, "voucherd.restore.serials", "campaign", c, "serial", serials[c])
	}
	say(stdout, "voucherd.restore.note")
	return nil
}

// copyFile copies src to dst and fsyncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer out.Close()
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	if err := out.Sync(); err != nil {
		return err
	}
	return out.Close()
}

// serveClient returns the HTTP client for the server that serve.url's
// lines describe: with TLS (a second line, the certificate file) it trusts
// exactly that certificate, whatever host name it was reached by (the
// admin commands reach a wildcard listen on loopback).
func serveClient(lines []string, timeout time.Duration) (*http.Client, error) {
	client := &http.Client{Timeout: timeout}
	if len(lines) < 2 {
		return client, nil
	}
	pemBytes, err := os.ReadFile(lines[1])
	if err != nil {
		return nil, fmt.Errorf("read server certificate: %w", err)
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("server certificate %s: no PEM certificate", lines[1])
	}
	leaf := block.Bytes
	client.Transport = &http.Transport{TLSClientConfig: &tls.Config{
		InsecureSkipVerify: true, // replaced by the pin below: the very certificate the server was started with
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 || !bytes.Equal(raw[0], leaf) {
				return fmt.Errorf("the server's certificate is not %s", lines[1])
			}
			return nil
		},
	}}
	return client, nil
}
