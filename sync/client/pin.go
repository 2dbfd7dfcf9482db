package client

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"

	"fupinpos/pos"
)

// PinnedTransport returns an HTTP transport that trusts only the CA
// certificates in pem (pos.TerminalConfig.ServerCA), so a terminal talks
// to its deployment's servers and to no other certificate the system's
// roots would accept. A pem with no certificate is pos.EINVALID.
func PinnedTransport(pem string) (http.RoundTripper, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(pem)) {
		return nil, pos.Errorf(pos.EINVALID, "server CA: no PEM certificate found")
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return t, nil
}
