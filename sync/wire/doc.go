// Package wire is the HTTP/JSON sync protocol between counter terminals and
// the central server (voucherd): the paths under /v1/, the request and
// response bodies, the reason codes, and the request signing that both sides
// share. It holds types and pure helpers only, so the terminal (sync/client)
// and the server (sync/server) can never disagree on a field name or on the
// bytes a signature covers. API.md in this directory is the reference.
package wire
