package client_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/sync/client"
)

// TestPinnedCA: a terminal enrolled with --ca trusts only that CA: enrollment
// and every later sync go through it, and a server whose certificate another
// CA signed is refused (server_offline with the x509 cause), even one the
// system would trust.
func TestPinnedCA(t *testing.T) {
	e := newEnv(t)
	tlsSrv := httptest.NewTLSServer(e.srv.Handler())
	defer tlsSrv.Close()
	// The same handler behind a certificate of another CA (httptest's
	// servers all share one built-in certificate).
	other := httptest.NewUnstartedServer(e.srv.Handler())
	other.TLS = &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}}
	other.StartTLS()
	defer other.Close()
	if caOf := func(s *httptest.Server) []byte { return s.Certificate().Raw }; string(caOf(tlsSrv)) == string(caOf(other)) {
		t.Fatal("both test servers have one certificate")
	}
	caOf := func(s *httptest.Server) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}))
	}
	enroll := func(url, ca, name string) (*bolt.DB, error) {
		db, err := bolt.Open(filepath.Join(t.TempDir(), "t.db"), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		_, err = client.Enroll(context.Background(), db, url, e.code(name), pos.TerminalConfig{ServerCA: ca},
			func(string) bool { return true }, fastOptions(10))
		return db, err
	}

	db, err := enroll(tlsSrv.URL, caOf(tlsSrv), "T-pin")
	if err != nil {
		t.Fatalf("enroll with the server's CA pinned: %v", err)
	}
	cfg, err := db.Config()
	if err != nil || cfg.ServerCA != caOf(tlsSrv) {
		t.Fatalf("pinned CA not kept in the terminal configuration (%v)", err)
	}
	c, err := client.New(db, fastOptions(10))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(context.Background()); err != nil {
		t.Fatalf("sync through the pinned CA: %v", err)
	}

	// The same terminal pointed at a server with another CA's certificate.
	c, err = client.New(db, client.Options{Server: other.URL, RetryMax: 1, RetryMin: 1, RetryWait: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(context.Background()); pos.ErrorCode(err) != pos.ESERVEROFFLINE {
		t.Fatalf("sync to a server outside the pinned CA: %v, want %s", err, pos.ESERVEROFFLINE)
	}
	if _, err := enroll(other.URL, caOf(tlsSrv), "T-pin2"); pos.ErrorCode(err) != pos.ESERVEROFFLINE {
		t.Fatalf("enroll to a server outside the pinned CA: %v", err)
	}
	if _, err := client.PinnedTransport("not a certificate"); pos.ErrorCode(err) != pos.EINVALID {
		t.Fatalf("a pin with no certificate: %v", err)
	}
}

// selfSigned returns a fresh self-signed certificate for 127.0.0.1.
func selfSigned(t *testing.T) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "another CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
