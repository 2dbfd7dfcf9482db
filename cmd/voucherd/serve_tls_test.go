package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// writeCert writes a self-signed certificate for the host names and IPs
// given (none of them loopback, as a real server's) and its key.
func writeCert(t *testing.T, dir string, names []string, ips []net.IP) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names, IPAddresses: ips,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return certFile, keyFile
}

// TestServeTLSWildcardAdmin: a server on 0.0.0.0 with TLS, its certificate
// naming the server's public name and address only (as the .deb's
// voucherd.conf sets it up): admin commands on the same machine reach it on
// loopback, trusting exactly that certificate, and a backup streams through it.
func TestServeTLSWildcardAdmin(t *testing.T) {
	data := filepath.Join(t.TempDir(), "server")
	mustRun(t, 0, "init", "--data", data, "--demo")
	cert, key := writeCert(t, t.TempDir(), []string{"voucherd.example"}, []net.IP{net.IPv4(192, 0, 2, 10)})

	ctx, cancel := context.WithCancel(context.Background())
	serveContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	var out lockedBuffer
	done := make(chan int)
	go func() {
		done <- run([]string{"serve", "--data", data, "--listen", "0.0.0.0:0", "--cert", cert, "--key", key}, &out, &out)
	}()
	defer func() {
		cancel()
		if st := <-done; st != 0 {
			t.Errorf("serve exit %d: %s", st, out.String())
		}
	}()
	for i := 0; i < 500 && !strings.Contains(out.String(), "正在服务：https://"); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	info, err := os.ReadFile(filepath.Join(data, serveFile))
	if err != nil {
		t.Fatalf("serve did not start: %v %s", err, out.String())
	}
	u, _ := url.Parse(strings.Fields(string(info))[0])
	if ip := net.ParseIP(u.Hostname()); u.Scheme != "https" || ip == nil || !ip.IsLoopback() {
		t.Errorf("%s says %q, want a loopback URL for a wildcard listen", serveFile, info)
	}
	add := mustRun(t, 0, "terminal", "add", "--data", data, "--store", "HF-001", "--name", "T-TLS")
	if !regexp.MustCompile(`(?m)^注册码：\d{4}-\d{4}-\d{4}$`).MatchString(add) {
		t.Errorf("terminal add through the TLS server: %q", add)
	}
	bak := filepath.Join(t.TempDir(), "voucherd.bak")
	mustRun(t, 0, "backup", "--data", data, "--out", bak)
	if st, err := os.Stat(bak); err != nil || st.Size() == 0 {
		t.Errorf("backup through the TLS server: %v", err)
	}

	// Another certificate in the file than the server's: refused.
	other, _ := writeCert(t, t.TempDir(), []string{"voucherd.example"}, nil)
	lines := strings.Fields(string(info))
	os.WriteFile(filepath.Join(data, serveFile), []byte(lines[0]+"\n"+other+"\n"), 0o600)
	if out := mustRun(t, 1, "terminal", "add", "--data", data, "--store", "HF-001", "--name", "T-X"); !strings.Contains(out, "certificate") {
		t.Errorf("a server with another certificate: %q", out)
	}
}
