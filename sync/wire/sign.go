package wire

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"fupinpos/pos"
)

// signPrefix starts every canonical string, so a request signature can
// never be mistaken for a ledger or document signature made by the same key.
const signPrefix = "fupinpos-request-v1"

// Canonical returns the bytes a terminal signs for a request:
//
//	fupinpos-request-v1 \n METHOD \n PATH \n TIMESTAMP \n hex(SHA-256(body)) \n TERMINAL
//
// METHOD is upper case, PATH is the escaped path with "?query" when there is
// one (CanonicalPath), TIMESTAMP is unix seconds in decimal, and the body
// digest is of the exact bytes sent (the empty body's digest for none).
func Canonical(method, path string, timestamp int64, body []byte, terminal string) []byte {
	sum := sha256.Sum256(body)
	var b bytes.Buffer
	b.Grow(len(signPrefix) + len(method) + len(path) + len(terminal) + 100)
	b.WriteString(signPrefix)
	b.WriteByte('\n')
	b.WriteString(method)
	b.WriteByte('\n')
	b.WriteString(path)
	b.WriteByte('\n')
	b.WriteString(strconv.FormatInt(timestamp, 10))
	b.WriteByte('\n')
	b.WriteString(hex.EncodeToString(sum[:]))
	b.WriteByte('\n')
	b.WriteString(terminal)
	return b.Bytes()
}

// CanonicalPath returns the PATH part of Canonical for u.
func CanonicalPath(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

// Sign sets the signature headers of req, whose body is body (the caller
// sets req.Body itself), for terminal with key at now. Sign again before
// each retry: a retry a few minutes later needs a fresh timestamp.
func Sign(req *http.Request, body []byte, terminal string, key ed25519.PrivateKey, now time.Time) {
	ts := now.Unix()
	sig := ed25519.Sign(key, Canonical(req.Method, CanonicalPath(req.URL), ts, body, terminal))
	req.Header.Set(HeaderTerminal, terminal)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, base64.StdEncoding.EncodeToString(sig))
}

// Signature is what the headers of a signed request claim, before the
// server has looked up the terminal's key.
type Signature struct {
	Terminal  string
	Timestamp int64
	Sig       []byte
}

// ReadSignature reads the signature headers. A missing or unreadable
// header is an *Error with code AuthUnsigned.
func ReadSignature(h http.Header) (Signature, error) {
	s := Signature{Terminal: h.Get(HeaderTerminal)}
	ts, sig := h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if s.Terminal == "" || ts == "" || sig == "" {
		return s, &Error{Code: AuthUnsigned, Message: "request is not signed"}
	}
	var err error
	if s.Timestamp, err = strconv.ParseInt(ts, 10, 64); err != nil {
		return s, &Error{Code: AuthUnsigned, Message: "unreadable " + HeaderTimestamp}
	}
	if s.Sig, err = base64.StdEncoding.DecodeString(sig); err != nil || len(s.Sig) != ed25519.SignatureSize {
		return s, &Error{Code: AuthUnsigned, Message: "unreadable " + HeaderSignature}
	}
	return s, nil
}

// Verify checks the signature over method, path and body with the
// terminal's public key, and the timestamp against now within ±MaxSkew.
// It checks the timestamp first, so a stale replay is reported as such
// (AuthStale) even when its signature is good; a signature that does not
// verify is AuthBadSignature.
func (s Signature) Verify(method, path string, body []byte, pub ed25519.PublicKey, now time.Time) error {
	d := now.Sub(time.Unix(s.Timestamp, 0))
	if d > MaxSkew || d < -MaxSkew {
		return &Error{Code: AuthStale, Message: "timestamp " + time.Unix(s.Timestamp, 0).UTC().Format(time.RFC3339) +
			" is " + d.Round(time.Second).String() + " from the server clock"}
	}
	if len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, Canonical(method, path, s.Timestamp, body, s.Terminal), s.Sig) {
		return &Error{Code: AuthBadSignature, Message: "request signature does not verify"}
	}
	return nil
}

// StatusOf returns the HTTP status for an error code: 401 for auth
// failures, 403 for a disabled terminal or forbidden action, 400 for bad
// input, 404, 409, 413 and 500 otherwise.
func StatusOf(code string) int {
	switch code {
	case AuthUnsigned, AuthBadSignature, AuthStale, AuthUnknown, AuthNotEnrolled, AuthBadCode, AuthBadAdmin:
		return http.StatusUnauthorized
	case AuthDisabled, pos.EFORBIDDEN:
		return http.StatusForbidden
	case pos.EINVALID, pos.EMALFORMED:
		return http.StatusBadRequest
	case pos.ENOTFOUND:
		return http.StatusNotFound
	case pos.ECONFLICT:
		return http.StatusConflict
	case ErrTooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// ErrTooLarge is the code of a body over MaxBody or an upload over
// MaxUploadEntries (HTTP 413): split the batch.
const ErrTooLarge = "too_large"
