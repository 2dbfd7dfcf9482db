package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// Operational endpoints outside the terminal API. Neither needs
// authentication: a load balancer or an orchestrator probes them.
const (
	// PathHealthz answers 200 while the process runs.
	PathHealthz = "/healthz"
	// PathReadyz answers 200 when the storage answers a trivial read within
	// ReadyTimeout, 503 otherwise: take the instance out of rotation.
	PathReadyz = "/readyz"
	// PathAdminBackup (GET, admin token) streams a consistent copy of the
	// database when the storage can make one (bbolt: one read transaction).
	PathAdminBackup = "/v1/admin/backup"
	// PathHead (POST, signed, body {}) answers the terminal's chain head as
	// the server holds it (ChainHead): a restored terminal compares it with
	// its own before it sells again.
	PathHead = "/v1/head"
)

// ReadyTimeout bounds the storage check of /readyz.
const ReadyTimeout = 3 * time.Second

// ChainHead is the answer of PathHead: the last record of the terminal's
// chain that the server holds (Seq 0 before the first).
type ChainHead struct {
	Terminal string   `json:"terminal"`
	Seq      uint64   `json:"seq"`
	Hash     pos.Hash `json:"hash"`
	Records  int      `json:"records"`
}

// Pinger is a Store that can check its connection cheaply; /readyz uses it
// when the Store has it, else it reads the deployment.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Handler returns the HTTP API under /v1/ (see sync/wire/API.md), the
// probes /healthz and /readyz, and logs one line per request.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+PathHealthz, func(w http.ResponseWriter, r *http.Request) {
		s.reply(w, r, map[string]string{"status": "ok"}, nil)
	})
	mux.HandleFunc("GET "+PathReadyz, func(w http.ResponseWriter, r *http.Request) {
		if err := s.Ready(r.Context()); err != nil {
			// The probe is unauthenticated: the detail (database user,
			// name, socket) goes to the log only.
			ref := errRef()
			s.log().Warn("not ready", "ref", ref, "error", err.Error())
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "5")
			w.WriteHeader(http.StatusServiceUnavailable)
			b, _ := json.Marshal(map[string]string{"status": "unavailable", "error": pos.ESTORAGE, "ref": ref})
			w.Write(b)
			return
		}
		s.reply(w, r, map[string]string{"status": "ready"}, nil)
	})
	mux.HandleFunc("GET "+PathAdminBackup, s.backup)
	mux.HandleFunc("POST "+PathHead, s.signed(func(_ *reqInfo, t *wire.Terminal, _ []byte) (any, error) {
		var h Head
		err := s.Store.ViewLedger(func(l LedgerView) error {
			var err error
			h, err = l.Head(t.ID)
			return err
		})
		if err != nil {
			return nil, err
		}
		return &ChainHead{Terminal: t.ID, Seq: h.Seq, Hash: h.Hash, Records: h.Records}, nil
	}))
	mux.HandleFunc("GET "+wire.PathHealth, func(w http.ResponseWriter, r *http.Request) {
		s.reply(w, r, &wire.Health{Status: "ok", Time: s.now().UTC(), Version: wire.ProtocolVersion}, nil)
	})
	mux.HandleFunc("POST "+wire.PathEnroll, func(w http.ResponseWriter, r *http.Request) {
		var req wire.EnrollRequest
		body, err := s.readBody(r)
		if err == nil {
			err = decode(body, &req)
		}
		if err == nil {
			var resp *wire.EnrollResponse
			resp, err = s.Enroll(req)
			if err == nil {
				s.reply(w, r, resp, nil)
				return
			}
		}
		s.reply(w, r, nil, err)
	})
	mux.HandleFunc("POST "+wire.PathDownload, s.signed(func(info *reqInfo, t *wire.Terminal, body []byte) (any, error) {
		var req wire.DownloadRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		resp, err := s.Download(t, req)
		if err == nil {
			info.records = len(resp.Vouchers) + len(resp.Holders) + len(resp.Incidents)
		}
		return resp, err
	}))
	mux.HandleFunc("POST "+wire.PathUpload, s.signed(func(info *reqInfo, t *wire.Terminal, body []byte) (any, error) {
		var req wire.UploadRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		info.records = len(req.Entries)
		res, head, err := s.UploadAcked(t, req.Acked, req.Entries)
		if err != nil {
			return nil, err
		}
		for _, r := range res {
			if r.Result == pos.UploadConflict || r.Result == pos.UploadRejected {
				info.conflicts++
			}
		}
		return &wire.UploadResponse{Results: res, Head: head, ServerTime: s.now().UTC()}, nil
	}))
	mux.HandleFunc("POST "+wire.PathReconcile, s.signed(func(_ *reqInfo, t *wire.Terminal, body []byte) (any, error) {
		var req wire.ReconcileRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		return s.Reconcile(t, req)
	}))
	mux.HandleFunc("POST "+wire.PathReturn, s.signed(func(info *reqInfo, t *wire.Terminal, body []byte) (any, error) {
		var req wire.ReturnRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		info.records = 1
		return s.Return(t, req)
	}))
	mux.HandleFunc("POST "+wire.PathSale, s.signed(func(_ *reqInfo, t *wire.Terminal, body []byte) (any, error) {
		var req wire.SaleRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		return s.Sale(t, req)
	}))
	mux.HandleFunc("POST "+wire.PathAlerts, s.signed(func(_ *reqInfo, t *wire.Terminal, body []byte) (any, error) {
		var req wire.AlertsRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		return s.TerminalAlerts(t, req)
	}))
	mux.HandleFunc("GET "+wire.PathAdminSettle, s.admin(func(r *http.Request, _ []byte) (any, error) {
		return s.Settlement(r.URL.Query().Get("day"), r.URL.Query().Get("store"))
	}))
	mux.HandleFunc("POST "+wire.PathAdminAlerts, s.admin(func(_ *http.Request, body []byte) (any, error) {
		var req wire.AlertsRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		return s.Alerts(req)
	}))
	mux.HandleFunc("POST "+wire.PathAdminDecide, s.admin(func(_ *http.Request, body []byte) (any, error) {
		var req wire.DecideRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		return s.DecideIncident(req)
	}))
	mux.HandleFunc("POST "+wire.PathAdminIssue, s.admin(func(_ *http.Request, body []byte) (any, error) {
		var req wire.IssueRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		return s.Issue(req)
	}))
	mux.HandleFunc("POST "+wire.PathAdminTrust, s.admin(func(_ *http.Request, body []byte) (any, error) {
		var req wire.TrustRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		return s.Trust(req)
	}))
	mux.HandleFunc("POST "+wire.PathAdminCatalogue, s.admin(func(_ *http.Request, body []byte) (any, error) {
		var req wire.CatalogueImportRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		return s.ImportCatalogue(req)
	}))
	mux.HandleFunc("GET "+wire.PathAdminTerminals, s.admin(func(*http.Request, []byte) (any, error) { return s.Terminals() }))
	mux.HandleFunc("POST "+wire.PathAdminTerminals, s.admin(func(_ *http.Request, body []byte) (any, error) {
		var req wire.AddTerminalRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		return s.AddTerminal(req)
	}))
	mux.HandleFunc("POST "+wire.PathAdminDisable, s.admin(func(_ *http.Request, body []byte) (any, error) {
		var req wire.DisableRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		return s.DisableTerminal(req)
	}))
	mux.HandleFunc("GET "+wire.PathAdminIncidents, s.admin(func(r *http.Request, _ []byte) (any, error) {
		q, err := wire.ParseIncidentQuery(r.URL.Query())
		if err != nil {
			return nil, err
		}
		return s.ListIncidents(q)
	}))
	mux.HandleFunc("POST "+wire.PathAdminResolve, s.admin(func(_ *http.Request, body []byte) (any, error) {
		var req wire.ResolveRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		return s.ResolveIncident(req)
	}))
	mux.HandleFunc("POST "+wire.PathAdminRevoke, s.admin(func(_ *http.Request, body []byte) (any, error) {
		var req wire.RevokeRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		return s.Revoke(req)
	}))
	mux.HandleFunc("GET "+wire.PathAdminReport, s.admin(func(r *http.Request, _ []byte) (any, error) {
		var unit uint64
		if u := r.URL.Query().Get("unit"); u != "" {
			var err error
			if unit, err = strconv.ParseUint(u, 10, 32); err != nil {
				return nil, pos.Errorf(pos.EINVALID, "unit %q is not a number", u)
			}
		}
		return s.Report(r.URL.Query().Get("day"), uint32(unit))
	}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.reply(w, r, nil, pos.Errorf(pos.ENOTFOUND, "no endpoint %s %s", r.Method, r.URL.Path))
	})
	return s.logged(mux)
}

// Ready checks that the storage answers: Ping when the Store has it, else
// a read of the deployment (ENOTFOUND before voucherd init is not ready
// either), within ReadyTimeout.
func (s *Server) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, ReadyTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		if p, ok := s.Store.(Pinger); ok {
			done <- p.Ping(ctx)
			return
		}
		_, err := s.Store.Deployment()
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return pos.WrapError(pos.ESTORAGE, ctx.Err(), "storage did not answer within %s", ReadyTimeout)
	}
}

// reqInfo is what a handler tells the request log about its request.
type reqInfo struct {
	terminal  string // the authenticated terminal, "" when unsigned or refused
	records   int    // records uploaded or changes downloaded; -1 when not a transfer
	conflicts int    // upload results that were conflicts or rejections
}

type reqInfoKey struct{}

func infoOf(r *http.Request) *reqInfo {
	if i, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{records: -1}
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (write deadline
// of a long backup).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logged writes one log line per request: method, path, status, duration,
// the terminal when the request was signed by one, and for uploads and
// downloads the number of records. Probes (/healthz, /readyz) log at debug
// level so that a load balancer's polling does not drown the log.
func (s *Server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqInfo{records: -1}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, info)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.Int64("bytes", sw.bytes),
			slog.String("remote", r.RemoteAddr),
		}
		if info.terminal != "" {
			attrs = append(attrs, slog.String("terminal", info.terminal))
		}
		if info.records >= 0 {
			attrs = append(attrs, slog.Int("records", info.records))
		}
		if info.conflicts > 0 {
			attrs = append(attrs, slog.Int("conflicts", info.conflicts))
		}
		level := slog.LevelInfo
		if r.URL.Path == PathHealthz || r.URL.Path == PathReadyz {
			level = slog.LevelDebug
		}
		s.log().LogAttrs(r.Context(), level, "request", attrs...)
	})
}

func decode(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return pos.WrapError(pos.EINVALID, err, "request body")
	}
	return nil
}

func (s *Server) readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, wire.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, pos.Errorf(wire.ErrTooLarge, "request body over %d bytes", wire.MaxBody)
		}
		return nil, pos.WrapError(pos.EINVALID, err, "read request body")
	}
	return b, nil
}

// signed wraps a terminal endpoint: the request must be signed by an
// enrolled, active terminal within the clock window. Refusals are logged.
func (s *Server) signed(fn func(info *reqInfo, t *wire.Terminal, body []byte) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := s.readBody(r)
		if err != nil {
			s.reply(w, r, nil, err)
			return
		}
		t, err := s.authenticate(r, body)
		if err != nil {
			s.log().Warn("refused request", "path", r.URL.Path, "remote", r.RemoteAddr,
				"terminal", r.Header.Get(wire.HeaderTerminal), "reason", codeOf(err), "detail", err.Error())
			s.reply(w, r, nil, err)
			return
		}
		info := infoOf(r)
		info.terminal = t.ID
		v, err := fn(info, t, body)
		s.Seen(t)
		s.reply(w, r, v, err)
	}
}

func (s *Server) authenticate(r *http.Request, body []byte) (*wire.Terminal, error) {
	sig, err := wire.ReadSignature(r.Header)
	if err != nil {
		return nil, err
	}
	t, err := s.Store.Terminal(sig.Terminal)
	if pos.ErrorCode(err) == pos.ENOTFOUND {
		return nil, &wire.Error{Code: wire.AuthUnknown, Message: "unknown terminal " + strconv.Quote(sig.Terminal)}
	}
	if err != nil {
		return nil, err
	}
	if t.State == wire.TerminalPending {
		return nil, &wire.Error{Code: wire.AuthNotEnrolled, Message: "terminal " + t.ID + " is not enrolled"}
	}
	if err := sig.Verify(r.Method, wire.CanonicalPath(r.URL), body, t.Public, s.now()); err != nil {
		return nil, err
	}
	switch t.State {
	case wire.TerminalActive:
		return t, nil
	case wire.TerminalDisabled:
		return nil, &wire.Error{Code: wire.AuthDisabled, Message: "terminal " + t.ID + " is disabled"}
	}
	return nil, &wire.Error{Code: wire.AuthUnknown, Message: "terminal " + t.ID + " is " + t.State}
}

// admin wraps an admin endpoint: Authorization: Bearer <admin token>.
func (s *Server) admin(fn func(r *http.Request, body []byte) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.adminOK(w, r) {
			return
		}
		body, err := s.readBody(r)
		if err != nil {
			s.reply(w, r, nil, err)
			return
		}
		v, err := fn(r, body)
		s.reply(w, r, v, err)
	}
}

// adminOK checks Authorization: Bearer <admin token>, answering the
// refusal itself when it returns false.
func (s *Server) adminOK(w http.ResponseWriter, r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get(wire.HeaderAuthorization), "Bearer ")
	if s.AdminToken == "" || !ok || subtle.ConstantTimeCompare([]byte(tok), []byte(s.AdminToken)) != 1 {
		s.log().Warn("refused admin request", "path", r.URL.Path, "remote", r.RemoteAddr)
		s.reply(w, r, nil, &wire.Error{Code: wire.AuthBadAdmin, Message: "admin token missing or wrong"})
		return false
	}
	return true
}

// backup streams a consistent copy of the database (GET PathAdminBackup)
// with its length, so that a cut transfer is seen by the receiver. A
// storage that cannot copy itself (PostgreSQL: use its own tools) answers
// 501.
func (s *Server) backup(w http.ResponseWriter, r *http.Request) {
	if !s.adminOK(w, r) {
		return
	}
	b, ok := s.Store.(Backupper)
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotImplemented)
		b, _ := json.Marshal(&wire.Error{Code: pos.EINVALID, Message: "this storage engine has no file backup: use the database's own backup (pg_basebackup, PITR)", ServerTime: s.now().UTC()})
		w.Write(b)
		return
	}
	// A large file may take longer than the server's write timeout.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
	n, err := b.Backup(w, func(size int64) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		w.WriteHeader(http.StatusOK)
	})
	if err != nil {
		s.log().Error("backup failed", "written", n, "error", err.Error())
		if n == 0 && w.Header().Get("Content-Length") == "" {
			s.reply(w, r, nil, pos.WrapError(pos.ESTORAGE, err, "backup"))
		}
		return
	}
	s.log().Info("backup sent", "bytes", n, "remote", r.RemoteAddr)
}

func codeOf(err error) string {
	var we *wire.Error
	if errors.As(err, &we) {
		return we.Code
	}
	return pos.ErrorCode(err)
}

// reply writes v as JSON, or err as a wire.Error with its HTTP status.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, v any, err error) {
	now := s.now().UTC()
	w.Header().Set(wire.HeaderServerTime, now.Format(time.RFC3339))
	w.Header().Set("Content-Type", "application/json")
	status := http.StatusOK
	if err != nil {
		code := codeOf(err)
		status = wire.StatusOf(code)
		msg := err.Error()
		var we *wire.Error
		var pe *pos.Error
		switch {
		case status == http.StatusInternalServerError:
			// A server fault's detail (a database's user, name or socket
			// path, a file path) is for the log, not for the client: it
			// gets the code and a reference to find the log line by.
			ref := errRef()
			s.log().Error("request failed", "path", r.URL.Path, "ref", ref, "error", err.Error())
			msg = "server error " + ref + ": see the server log"
		case errors.As(err, &we):
			msg = we.Message
		case errors.As(err, &pe):
			msg = strings.TrimPrefix(msg, pe.Code+": ")
		}
		v = &wire.Error{Code: code, Message: msg, Params: pos.ErrorParams(err), Key: pos.ErrorKey(err), ServerTime: now}
	}
	b, merr := json.Marshal(v)
	if merr != nil {
		status, b = http.StatusInternalServerError, []byte(`{"code":"internal","message":"encode answer"}`)
	}
	w.WriteHeader(status)
	w.Write(b)
}

// errRef returns a short random reference that ties an answer without
// detail (a 5xx, a failed probe) to the log line that has it.
func errRef() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}
