package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fupinpos/pos/voucher"
	"fupinpos/sync/server"
	"fupinpos/sync/server/pgtest"
)

// rootFingerprint returns the fingerprint of the root key in data.
func rootFingerprint(t *testing.T, data string) string {
	t.Helper()
	k, err := server.LoadKeyring(data)
	if err != nil {
		t.Fatal(err)
	}
	return voucher.Fingerprint(k.RootPublic())
}

// TestForeignKeysRefusedBolt: a data directory whose database is another
// deployment's (a copied file, a restore of another deployment's backup)
// is refused by every command that opens it, naming both fingerprints;
// restore refuses such a backup unless --force.
func TestForeignKeysRefusedBolt(t *testing.T) {
	tmp := t.TempDir()
	a, b := filepath.Join(tmp, "a"), filepath.Join(tmp, "b")
	mustRun(t, 0, "init", "--data", a, "--demo")
	mustRun(t, 0, "init", "--data", b, "--demo")
	fpA, fpB := rootFingerprint(t, a), rootFingerprint(t, b)
	issue := []string{"--campaign", "2020", "--unit", "1001", "--member", "M-1", "--value", "30000"}
	mustRun(t, 0, append([]string{"issue", "--data", a}, issue...)...)
	backupA := filepath.Join(tmp, "a.db")
	mustRun(t, 0, "backup", "--data", a, "--out", backupA)

	csv := filepath.Join(tmp, "cat.csv")
	os.WriteFile(csv, []byte("sku,name\n"), 0o644)
	out := mustRun(t, 1, "restore", "--data", b, "--from", backupA)
	if !strings.Contains(out, "密钥与数据库中的部署不符") || !strings.Contains(out, fpA) || !strings.Contains(out, fpB) {
		t.Errorf("restore of another deployment's backup: %s", out)
	}
	mustRun(t, 0, "restore", "--data", b, "--from", backupA, "--force")
	for _, args := range [][]string{
		append([]string{"issue", "--data", b}, issue...),
		{"trust", "--data", b, "--out", filepath.Join(tmp, "bundle")},
		{"serve", "--data", b, "--listen", "127.0.0.1:0"},
		{"report", "--data", b, "--day", "2020-08-01"},
		{"terminal", "list", "--data", b},
		{"catalogue", "import", "--data", b, "--dry-run", csv},
	} {
		out := mustRun(t, 1, args...)
		if !strings.Contains(out, "文件夹的根密钥指纹 "+fpB) || !strings.Contains(out, "数据库记录的根密钥指纹 "+fpA) {
			t.Errorf("voucherd %s with foreign keys: %s", strings.Join(args, " "), out)
		}
	}
	if _, err := os.Stat(filepath.Join(tmp, "bundle")); !os.IsNotExist(err) {
		t.Errorf("trust wrote a bundle with foreign keys: %v", err)
	}
	mustRun(t, 0, "issue", "--data", a, "--campaign", "2020", "--unit", "1001", "--member", "M-2", "--value", "30000")
}

// TestForeignKeysRefusedPostgres: init refuses a PostgreSQL database that
// already holds a deployment (its keys, campaign and holder secret stay),
// and a command with another directory's keys is refused.
func TestForeignKeysRefusedPostgres(t *testing.T) {
	url := pgtest.NewDatabase(t)
	tmp := t.TempDir()
	a, b := filepath.Join(tmp, "a"), filepath.Join(tmp, "b")
	mustRun(t, 0, "migrate", "--db", url)
	mustRun(t, 0, "init", "--data", a, "--db", url, "--demo")
	fpA := rootFingerprint(t, a)
	out := mustRun(t, 1, "init", "--data", b, "--db", url, "--demo")
	if !strings.Contains(out, "该数据库已有一个部署（根密钥指纹 "+fpA+"）") {
		t.Errorf("init over a deployment: %s", out)
	}
	if _, err := os.Stat(filepath.Join(b, server.RootKeyFile)); !os.IsNotExist(err) {
		t.Errorf("a refused init left keys behind: %v", err)
	}
	issue := []string{"--db", url, "--campaign", "2020", "--unit", "1001", "--member", "M-1", "--value", "30000"}
	mustRun(t, 0, append([]string{"issue", "--data", a}, issue...)...)

	// Keys of another deployment (made on another database) against this one.
	mustRun(t, 0, "init", "--data", b, "--demo")
	fpB := rootFingerprint(t, b)
	for _, args := range [][]string{
		append([]string{"issue", "--data", b}, issue...),
		{"serve", "--data", b, "--db", url, "--listen", "127.0.0.1:0"},
		{"incidents", "--data", b, "--db", url},
	} {
		out := mustRun(t, 1, args...)
		if !strings.Contains(out, "文件夹的根密钥指纹 "+fpB) || !strings.Contains(out, "数据库记录的根密钥指纹 "+fpA) {
			t.Errorf("voucherd %s with foreign keys: %s", strings.Join(args, " "), out)
		}
	}
	// The deployment's own keys still work, and the cap still holds.
	if out := mustRun(t, 1, append([]string{"issue", "--data", a}, issue...)...); !strings.Contains(out, "cap_exceeded") {
		t.Errorf("second ¥300: %s", out)
	}
}

// TestOldDeploymentAdopted: a deployment recorded before its root was
// (issuer key only) is checked by its issuer key, and the first command
// with the matching directory records the root.
func TestOldDeploymentAdopted(t *testing.T) {
	tmp := t.TempDir()
	a, b := filepath.Join(tmp, "a"), filepath.Join(tmp, "b")
	mustRun(t, 0, "init", "--data", a, "--demo")
	mustRun(t, 0, "init", "--data", b, "--demo")
	forget := func() {
		st, err := openStore(a, "")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.UpdateDeployment(func(d *server.Deployment) error { d.Root = nil; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	forget()
	// b's keys against a's database (copied): refused by the issuer key.
	os.Rename(filepath.Join(b, server.DatabaseFile), filepath.Join(b, "own.db"))
	copyFile(filepath.Join(a, server.DatabaseFile), filepath.Join(b, server.DatabaseFile))
	if out := mustRun(t, 1, "terminal", "list", "--data", b); !strings.Contains(out, "其发券密钥不在数据库的部署中") {
		t.Errorf("old record, other keys: %s", out)
	}
	mustRun(t, 0, "terminal", "list", "--data", a)
	st, err := openStore(a, "")
	if err != nil {
		t.Fatal(err)
	}
	d, err := st.Deployment()
	st.Close()
	if err != nil || d.Fingerprint() != rootFingerprint(t, a) {
		t.Errorf("root not recorded: %q %v", d.Fingerprint(), err)
	}
}
