package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// adminAPI is what the admin commands need. *server.Server provides it on
// the database file; remoteAdmin provides it through the admin endpoints of
// a running `voucherd serve`, which holds the file's lock.
type adminAPI interface {
	AddTerminal(wire.AddTerminalRequest) (*wire.AddTerminalResponse, error)
	Terminals() ([]wire.Terminal, error)
	DisableTerminal(wire.DisableRequest) (*wire.Terminal, error)
	ListIncidents(wire.IncidentQuery) (*wire.IncidentPage, error)
	ResolveIncident(wire.ResolveRequest) (*wire.Incident, error)
	Revoke(wire.RevokeRequest) (*wire.RevokeResponse, error)
	Report(day string, unit uint32) (*wire.Report, error)
}

// serveFile in the data directory tells admin commands where the running
// server listens: its URL, and the certificate file to trust when TLS.
const serveFile = "serve.url"

// parseAdmin parses args, checks --data and the other required flags, and
// opens the admin API of the data directory *dir (and --db, which it adds
// to fs). The caller closes it.
func parseAdmin(fs *flag.FlagSet, args []string, dir *string, required ...string) (adminAPI, func() error, error) {
	db := dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return nil, nil, err
	}
	if err := require(fs, append([]string{"data"}, required...)...); err != nil {
		return nil, nil, err
	}
	return openAdmin(*dir, *db)
}

// openAdmin opens the storage (openStore), or, when `voucherd serve` is
// running on the data directory (serve.url exists), talks to that server.
func openAdmin(dir, db string) (adminAPI, func() error, error) {
	if r, ok, err := remoteServe(dir); err != nil || ok {
		return r, func() error { return nil }, err
	}
	st, keys, err := openDeployment(dir, db)
	if err != nil {
		return nil, nil, err
	}
	return &server.Server{Store: st, Root: keys.RootPublic()}, st.Close, nil
}

// remoteServe returns the admin API of the `voucherd serve` running on
// dir, and false when none runs (no serve.url).
func remoteServe(dir string) (*remoteAdmin, bool, error) {
	b, err := os.ReadFile(filepath.Join(dir, serveFile))
	if err != nil {
		return nil, false, nil
	}
	tok, _, err := server.AdminToken(dir)
	if err != nil {
		return nil, true, err
	}
	lines := strings.Fields(string(b))
	if len(lines) == 0 {
		return nil, true, fmt.Errorf("%s is empty", serveFile)
	}
	client, err := serveClient(lines, 30*time.Second)
	if err != nil {
		return nil, true, err
	}
	return &remoteAdmin{base: lines[0], token: tok, client: client}, true, nil
}

// remoteAdmin calls the admin endpoints of a running server.
type remoteAdmin struct {
	base, token string
	client      *http.Client
}

func (r *remoteAdmin) do(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, strings.TrimSuffix(r.base, "/")+path, body)
	if err != nil {
		return err
	}
	req.Header.Set(wire.HeaderAuthorization, "Bearer "+r.token)
	resp, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("voucherd serve at %s (remove %s if it is not running): %w", r.base, serveFile, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var we wire.Error
		if json.Unmarshal(data, &we) != nil {
			return fmt.Errorf("%s %s: HTTP %d", method, path, resp.StatusCode)
		}
		return &pos.Error{Code: we.Code, Message: we.Message, Params: we.Params, Key: we.Key}
	}
	return json.Unmarshal(data, out)
}

func (r *remoteAdmin) AddTerminal(req wire.AddTerminalRequest) (*wire.AddTerminalResponse, error) {
	var out wire.AddTerminalResponse
	return &out, r.do("POST", wire.PathAdminTerminals, req, &out)
}

func (r *remoteAdmin) Issue(req wire.IssueRequest) (*wire.IssueResponse, error) {
	var out wire.IssueResponse
	return &out, r.do("POST", wire.PathAdminIssue, req, &out)
}

func (r *remoteAdmin) Trust(req wire.TrustRequest) (*wire.TrustResponse, error) {
	var out wire.TrustResponse
	return &out, r.do("POST", wire.PathAdminTrust, req, &out)
}

func (r *remoteAdmin) ImportCatalogue(req wire.CatalogueImportRequest) (*wire.CatalogueImportResponse, error) {
	var out wire.CatalogueImportResponse
	return &out, r.do("POST", wire.PathAdminCatalogue, req, &out)
}

func (r *remoteAdmin) Terminals() ([]wire.Terminal, error) {
	var out []wire.Terminal
	return out, r.do("GET", wire.PathAdminTerminals, nil, &out)
}

func (r *remoteAdmin) DisableTerminal(req wire.DisableRequest) (*wire.Terminal, error) {
	var out wire.Terminal
	return &out, r.do("POST", wire.PathAdminDisable, req, &out)
}

func (r *remoteAdmin) ListIncidents(q wire.IncidentQuery) (*wire.IncidentPage, error) {
	var out wire.IncidentPage
	path := wire.PathAdminIncidents
	if v := q.Values().Encode(); v != "" {
		path += "?" + v
	}
	return &out, r.do("GET", path, nil, &out)
}

func (r *remoteAdmin) ResolveIncident(req wire.ResolveRequest) (*wire.Incident, error) {
	var out wire.Incident
	return &out, r.do("POST", wire.PathAdminResolve, req, &out)
}

func (r *remoteAdmin) Revoke(req wire.RevokeRequest) (*wire.RevokeResponse, error) {
	var out wire.RevokeResponse
	return &out, r.do("POST", wire.PathAdminRevoke, req, &out)
}

func (r *remoteAdmin) Report(day string, unit uint32) (*wire.Report, error) {
	var out wire.Report
	q := url.Values{"day": {day}}
	if unit != 0 {
		q.Set("unit", fmt.Sprint(unit))
	}
	return &out, r.do("GET", wire.PathAdminReport+"?"+q.Encode(), nil, &out)
}
