package server_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"fupinpos/pos"
	"fupinpos/sync/server"
)

// failingStore is a Store whose Deployment fails with err (nil: works).
type failingStore struct {
	server.Store
	err error
}

func (f *failingStore) Deployment() (*server.Deployment, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &server.Deployment{}, nil
}

func readyStatus(t *testing.T, s *server.Server) (int, string) {
	t.Helper()
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	resp, err := http.Get(ts.URL + server.PathReadyz)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestReadyz(t *testing.T) {
	open := func(t *testing.T, closed, deployed bool) server.Store {
		st, err := server.OpenBolt(filepath.Join(t.TempDir(), server.DatabaseFile))
		if err != nil {
			t.Fatal(err)
		}
		if deployed {
			if err := st.UpdateDeployment(func(d *server.Deployment) error { d.TrustSeq = 1; return nil }); err != nil {
				t.Fatal(err)
			}
		}
		if closed {
			st.Close()
		} else {
			t.Cleanup(func() { st.Close() })
		}
		return st
	}
	for _, tc := range []struct {
		name  string
		store func(t *testing.T) server.Store
		want  int
	}{
		{"bolt open", func(t *testing.T) server.Store { return open(t, false, true) }, 200},
		{"bolt closed", func(t *testing.T) server.Store { return open(t, true, true) }, 503},
		{"bolt without deployment", func(t *testing.T) server.Store { return open(t, false, false) }, 503},
		{"fake working", func(*testing.T) server.Store { return &failingStore{} }, 200},
		{"fake failing", func(*testing.T) server.Store {
			return &failingStore{err: pos.WrapError(pos.ESTORAGE, errors.New("connection refused"), "read deployment")}
		}, 503},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, body := readyStatus(t, &server.Server{Store: tc.store(t)})
			if st != tc.want {
				t.Errorf("readyz %d (%s), want %d", st, body, tc.want)
			}
			var m map[string]string
			if err := json.Unmarshal([]byte(body), &m); err != nil || (st == 503) != (m["error"] != "") {
				t.Errorf("readyz body %q", body)
			}
		})
	}
	// healthz answers while the storage is down.
	ts := httptest.NewServer((&server.Server{Store: &failingStore{err: errors.New("down")}}).Handler())
	defer ts.Close()
	resp, err := http.Get(ts.URL + server.PathHealthz)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("healthz %d while storage down, want 200", resp.StatusCode)
	}
}

// TestBackupEndpoint: the admin backup needs the token and streams a copy
// of its stated length that opens as a server database with the deployment.
func TestBackupEndpoint(t *testing.T) {
	st, err := server.OpenBolt(filepath.Join(t.TempDir(), server.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.UpdateDeployment(func(d *server.Deployment) error { d.TrustSeq = 7; return nil })
	var logs bytes.Buffer
	ts := httptest.NewServer((&server.Server{Store: st, AdminToken: "tok", Log: slog.New(slog.NewJSONHandler(&logs, nil))}).Handler())
	defer ts.Close()
	do := func(token string) *http.Response {
		req, _ := http.NewRequest("GET", ts.URL+server.PathAdminBackup, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if r := do("wrong"); r.StatusCode != 401 {
		t.Errorf("wrong token: %d", r.StatusCode)
	}
	r := do("tok")
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != 200 || r.ContentLength != int64(len(b)) || len(b) == 0 {
		t.Fatalf("backup: %d, %d bytes, Content-Length %d", r.StatusCode, len(b), r.ContentLength)
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := writeFile(path, b); err != nil {
		t.Fatal(err)
	}
	d, err := server.CheckBackup(path)
	if err != nil || d.TrustSeq != 7 {
		t.Errorf("copy: %+v %v", d, err)
	}
}

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o600) }

// TestFaultDetailLogged: a storage fault's detail (database user, name,
// socket path) is in the log, with a reference, and never in what an
// unauthenticated probe or a terminal's request gets back.
func TestFaultDetailLogged(t *testing.T) {
	secret := "failed to connect to user=postgres database=fup2: /tmp/.s.PGSQL.5432"
	var logs bytes.Buffer
	s := &server.Server{Store: &failingStore{err: pos.WrapError(pos.ESTORAGE, errors.New(secret), "read deployment")},
		Log: slog.New(slog.NewJSONHandler(&logs, nil))}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", server.PathReadyz, 503},
	} {
		req, _ := http.NewRequest(tc.method, ts.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var m map[string]string
		json.Unmarshal(b, &m)
		if resp.StatusCode != tc.status || bytes.Contains(b, []byte("postgres")) || bytes.Contains(b, []byte("PGSQL")) || m["error"] != pos.ESTORAGE || m["ref"] == "" {
			t.Errorf("%s: %d %s", tc.path, resp.StatusCode, b)
		}
		if !bytes.Contains(logs.Bytes(), []byte("PGSQL")) || !bytes.Contains(logs.Bytes(), []byte(m["ref"])) {
			t.Errorf("%s: the log lacks the detail or the reference %q: %s", tc.path, m["ref"], logs.String())
		}
	}
}
