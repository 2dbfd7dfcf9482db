package server

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// Handler returns the HTTP API under /v1/ (see sync/wire/API.md).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
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
	mux.HandleFunc("POST "+wire.PathDownload, s.signed(func(t *wire.Terminal, body []byte) (any, error) {
		var req wire.DownloadRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		return s.Download(t, req)
	}))
	mux.HandleFunc("POST "+wire.PathUpload, s.signed(func(t *wire.Terminal, body []byte) (any, error) {
		var req wire.UploadRequest
		if err := decode(body, &req); err != nil {
			return nil, err
		}
		res, err := s.Upload(t, req.Entries)
		if err != nil {
			return nil, err
		}
		return &wire.UploadResponse{Results: res, ServerTime: s.now().UTC()}, nil
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
	mux.HandleFunc("GET "+wire.PathAdminIncidents, s.admin(func(*http.Request, []byte) (any, error) { return s.Incidents() }))
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
	return mux
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
func (s *Server) signed(fn func(t *wire.Terminal, body []byte) (any, error)) http.HandlerFunc {
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
		v, err := fn(t, body)
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
		tok, ok := strings.CutPrefix(r.Header.Get(wire.HeaderAuthorization), "Bearer ")
		if s.AdminToken == "" || !ok || subtle.ConstantTimeCompare([]byte(tok), []byte(s.AdminToken)) != 1 {
			s.log().Warn("refused admin request", "path", r.URL.Path, "remote", r.RemoteAddr)
			s.reply(w, r, nil, &wire.Error{Code: wire.AuthBadAdmin, Message: "admin token missing or wrong"})
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
		if status == http.StatusInternalServerError {
			s.log().Error("request failed", "path", r.URL.Path, "error", err.Error())
		}
		msg := err.Error()
		var we *wire.Error
		if errors.As(err, &we) {
			msg = we.Message
		}
		v = &wire.Error{Code: code, Message: msg, ServerTime: now}
	}
	b, merr := json.Marshal(v)
	if merr != nil {
		status, b = http.StatusInternalServerError, []byte(`{"code":"internal","message":"encode answer"}`)
	}
	w.WriteHeader(status)
	w.Write(b)
}
