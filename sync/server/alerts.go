package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// AlertConfigFile in the data directory holds the supervision thresholds
// (pos.AlertConfig as JSON); without it the defaults apply.
const AlertConfigFile = "alerts.json"

// LoadAlertConfig reads and validates dir's alerts.json: the defaults when
// there is none, EINVALID for a file that does not parse (unknown keys
// included) or has bad opening hours, so a typo is refused, not ignored.
func LoadAlertConfig(dir string) (pos.AlertConfig, error) {
	var cfg pos.AlertConfig
	b, err := os.ReadFile(filepath.Join(dir, AlertConfigFile))
	if errors.Is(err, fs.ErrNotExist) {
		return pos.DefaultAlertConfig(), nil
	}
	if err != nil {
		return cfg, pos.WrapError(pos.EINTERNAL, err, "read %s", AlertConfigFile)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return cfg, pos.WrapError(pos.EINVALID, err, "%s", AlertConfigFile)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("%s: %w", AlertConfigFile, err)
	}
	return cfg, nil
}

// alertConfig is the thresholds the server applies: AlertConfig, or the defaults.
func (s *Server) alertConfig() pos.AlertConfig {
	if s.AlertConfig != nil {
		return *s.AlertConfig
	}
	return pos.DefaultAlertConfig()
}

// Alerts applies the supervision rules (pos.Supervisor) with cfg's
// thresholds (nil: the server's, AlertConfig) to the records the server
// accepted on CST day, of store or of every store.
func (s *Server) Alerts(req wire.AlertsRequest) (*wire.AlertsResponse, error) {
	cfg := s.alertConfig()
	if req.Config != nil {
		if err := req.Config.Validate(); err != nil {
			return nil, err
		}
		cfg = *req.Config
	}
	sup := pos.NewSupervisor(cfg, req.Day)
	err := s.Store.ViewLedger(func(l LedgerView) error {
		return dayRecords(l, req.Day, func(terminal string, sr *StoredRecord, r *pos.Record) error {
			if sr.Result == pos.UploadAccepted && (req.Store == "" || r.Store == req.Store) {
				sup.Add(terminal, r)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("alerts %s: %w", req.Day, err)
	}
	out := &wire.AlertsResponse{Day: req.Day, Store: req.Store, Alerts: sup.Alerts()}
	if out.Alerts == nil {
		out.Alerts = []pos.Alert{}
	}
	return out, nil
}

// TerminalAlerts answers PathAlerts: the day's alerts of t's store, with
// the server's thresholds.
func (s *Server) TerminalAlerts(t *wire.Terminal, req wire.AlertsRequest) (*wire.AlertsResponse, error) {
	return s.Alerts(wire.AlertsRequest{Day: req.Day, Store: t.Store})
}
