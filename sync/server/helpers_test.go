package server

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/pos/voucher"
	"fupinpos/sync/wire"
)

const adminToken = "test-admin-token"

// env is a real server on loopback over a real bbolt file, with the state
// of a postest deployment.
type env struct {
	t    testing.TB
	dep  *postest.Deployment
	srv  *Server
	http *httptest.Server
	logs *syncBuffer
	now  time.Time
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func newEnv(t testing.TB) *env {
	t.Helper()
	now := time.Date(2020, 9, 15, 10, 0, 0, 0, pos.CST)
	dep := postest.NewDeployment(t, now)
	st, err := OpenBolt(filepath.Join(t.TempDir(), DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.UpdateDeployment(func(d *Deployment) error {
		d.Campaigns, d.Units, d.Keys, d.Catalogue, d.TrustSeq = dep.Trust.Campaigns, dep.Trust.Units, dep.Trust.Keys, *dep.Catalogue, dep.Trust.Seq
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.SetDocuments(&Documents{Trust: dep.TrustDoc(t), TrustSeq: dep.Trust.Seq, Catalogue: dep.CatalogueDoc(t), CatalogueVersion: dep.Catalogue.Version})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, dep: dep, logs: &syncBuffer{}, now: now}
	e.srv = &Server{Store: st, Root: dep.RootPublic(), AdminToken: adminToken,
		Log: slog.New(slog.NewTextHandler(e.logs, nil)), Now: func() time.Time { return e.now }}
	e.http = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.http.Close)
	return e
}

// term is a terminal under test: its key and its ledger's chain.
type term struct {
	e     *env
	id    string
	store string
	key   ed25519.PrivateKey
	seq   uint64
	prev  pos.Hash
	sales map[uint64]*pos.Record
}

// enroll adds and enrolls a terminal through the API.
func (e *env) enroll(name string, keyN byte) *term {
	e.t.Helper()
	add, err := e.srv.AddTerminal(wire.AddTerminalRequest{Store: "HF-001", Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	k := postest.Key(keyN)
	var resp wire.EnrollResponse
	if st, werr := e.call("POST", wire.PathEnroll, nil, wire.EnrollRequest{Code: add.Code, Public: postest.Public(k)}, &resp); st != 200 {
		e.t.Fatalf("enroll %s: %d %v", name, st, werr)
	}
	if resp.Terminal != name || !bytes.Equal(resp.RootPublic, e.dep.RootPublic()) {
		e.t.Fatalf("enroll answer %+v", resp)
	}
	return &term{e: e, id: name, store: "HF-001", key: k, sales: map[uint64]*pos.Record{}}
}

// call sends a request; sign, when not nil, signs it. It returns the
// status and, for an error answer, the decoded wire.Error.
func (e *env) call(method, path string, sign func(*http.Request, []byte), body, out any) (int, *wire.Error) {
	e.t.Helper()
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			e.t.Fatal(err)
		}
	}
	return e.raw(method, path, sign, b, out)
}

func (e *env) raw(method, path string, sign func(*http.Request, []byte), b []byte, out any) (int, *wire.Error) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.http.URL+path, bytes.NewReader(b))
	if err != nil {
		e.t.Fatal(err)
	}
	if sign != nil {
		sign(req, b)
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		var we wire.Error
		if err := json.Unmarshal(data, &we); err != nil {
			e.t.Fatalf("%s %s: %d with body %q", method, path, resp.StatusCode, data)
		}
		return resp.StatusCode, &we
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: decode %q: %v", method, path, data, err)
		}
	}
	return 200, nil
}

// signer signs as terminal tm at the server's clock.
func (tm *term) signer() func(*http.Request, []byte) {
	return func(r *http.Request, b []byte) { wire.Sign(r, b, tm.id, tm.key, tm.e.now) }
}

// sale seals the next ledger record: a sale of two pear boxes paid with codes.
func (tm *term) sale(codes ...string) pos.Entry {
	tm.e.t.Helper()
	r := &pos.Record{Kind: pos.KindSale, Cashier: "1001", Method: pos.PayWeChat}
	p := tm.e.dep.Catalogue.Products[0]
	r.Lines = []pos.Line{pos.NewLine(&p, 2)}
	r.Total = r.Lines[0].Amount()
	r.Eligible = r.Total
	for _, c := range codes {
		v, err := voucher.Decode(c)
		if err != nil {
			tm.e.t.Fatal(err)
		}
		applied := min(v.Value, r.Total-r.VoucherAmount)
		r.Vouchers = append(r.Vouchers, pos.AppliedVoucher{ID: v.ID(), Campaign: v.Campaign, KeyID: v.KeyID, Holder: v.Holder,
			Unit: v.Unit, Face: v.Value, Applied: applied, Forfeited: v.Value - applied, Code: c})
		r.VoucherAmount += applied
		r.Forfeited += v.Value - applied
	}
	r.SelfPaid = r.Total - r.VoucherAmount
	return tm.seal(r)
}

// void seals a void of the sale at seq.
func (tm *term) void(seq uint64) pos.Entry {
	return tm.seal(&pos.Record{Kind: pos.KindVoid, Voids: seq, Cashier: "1001", Manager: "9001", Reason: "customer"})
}

func (tm *term) seal(r *pos.Record) pos.Entry {
	tm.e.t.Helper()
	tm.seq++
	r.Seq, r.Prev, r.Time, r.Store, r.Terminal = tm.seq, tm.prev, tm.e.now, tm.store, tm.id
	r.Receipt = pos.ReceiptNumber(tm.id, tm.seq)
	e, err := pos.Seal(r, tm.key)
	if err != nil {
		tm.e.t.Fatal(err)
	}
	tm.prev = e.Hash
	return e
}

// upload sends entries and returns the results.
func (tm *term) upload(entries ...pos.Entry) []wire.UploadResult {
	tm.e.t.Helper()
	var resp wire.UploadResponse
	if st, werr := tm.e.call("POST", wire.PathUpload, tm.signer(), wire.UploadRequest{Entries: entries}, &resp); st != 200 {
		tm.e.t.Fatalf("upload: %d %v", st, werr)
	}
	if len(resp.Results) != len(entries) {
		tm.e.t.Fatalf("upload: %d results for %d entries", len(resp.Results), len(entries))
	}
	return resp.Results
}

// download fetches one page after cursor.
func (tm *term) download(cursor string) *wire.DownloadResponse {
	tm.e.t.Helper()
	var resp wire.DownloadResponse
	if st, werr := tm.e.call("POST", wire.PathDownload, tm.signer(), wire.DownloadRequest{Cursor: cursor, TrustSeq: 1, CatalogueVersion: tm.e.dep.Catalogue.Version}, &resp); st != 200 {
		tm.e.t.Fatalf("download: %d %v", st, werr)
	}
	return &resp
}

func results(rs []wire.UploadResult) []string {
	var out []string
	for _, r := range rs {
		s := string(r.Result)
		if r.Reason != "" {
			s += ":" + r.Reason
		}
		out = append(out, s)
	}
	return out
}

func (e *env) incidents() []wire.Incident {
	e.t.Helper()
	var page wire.IncidentPage
	if st, werr := e.call("GET", wire.PathAdminIncidents+"?limit=1000", func(r *http.Request, _ []byte) {
		r.Header.Set("Authorization", "Bearer "+adminToken)
	}, nil, &page); st != 200 {
		e.t.Fatalf("incidents: %d %v", st, werr)
	}
	return page.Incidents
}
