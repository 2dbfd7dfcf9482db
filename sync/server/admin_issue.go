package server

import (
	"errors"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// Issue signs the vouchers of an admin request (Issuer.Issue: all or
// none) and says what a printed sheet of them needs.
func (s *Server) Issue(req wire.IssueRequest) (*wire.IssueResponse, error) {
	if s.Issuer == nil {
		return nil, pos.Errorf(pos.EFORBIDDEN, "this server holds no issuing key")
	}
	specs := make([]IssueSpec, len(req.Specs))
	for i, x := range req.Specs {
		specs[i] = IssueSpec{Member: x.Member, Unit: x.Unit, Value: x.Value, Count: x.Count, Scope: x.Scope, Flags: x.Flags, Row: x.Row}
	}
	issued, err := s.Issuer.Issue(req.Campaign, specs)
	var batch *BatchError
	if errors.As(err, &batch) {
		return &wire.IssueResponse{Errors: batch.Rows, Issued: []wire.Issued{}}, nil
	}
	if err != nil {
		return nil, err
	}
	d, err := s.Store.Deployment()
	if err != nil {
		return nil, err
	}
	out := &wire.IssueResponse{Issued: make([]wire.Issued, len(issued))}
	if c := d.Campaign(req.Campaign); c != nil {
		out.Campaign = *c
	}
	units := map[uint32]bool{}
	for i, v := range issued {
		out.Issued[i] = wire.Issued{ID: v.ID, Member: v.Member, Unit: v.Unit, Value: v.Value, IssuedAt: v.IssuedAt, Code: v.Code}
		if u := d.Unit(v.Unit); u != nil && !units[v.Unit] {
			units[v.Unit] = true
			out.Units = append(out.Units, *u)
		}
	}
	return out, nil
}

// Trust signs and publishes the next trust list and the catalogue
// (Issuer.TrustBundle) for an admin request.
func (s *Server) Trust(req wire.TrustRequest) (*wire.TrustResponse, error) {
	if s.Issuer == nil {
		return nil, pos.Errorf(pos.EFORBIDDEN, "this server holds no root key")
	}
	if req.Validity <= 0 || req.Grace < 0 {
		return nil, pos.Errorf(pos.EINVALID, "validity %v, grace %v: want a positive validity", time.Duration(req.Validity), time.Duration(req.Grace))
	}
	b, tl, err := s.Issuer.TrustBundle(time.Duration(req.Validity), time.Duration(req.Grace))
	if err != nil {
		return nil, err
	}
	return &wire.TrustResponse{Bundle: b, Seq: tl.Seq, Keys: len(tl.Keys), Campaigns: len(tl.Campaigns), Expires: tl.Expires}, nil
}

// ImportCatalogue makes the next catalogue version from the cells of an
// eligible-product list (pos.ImportCatalogue: all rows or none) and, unless
// req.DryRun or a row is refused, stores it for the next trust bundle.
func (s *Server) ImportCatalogue(req wire.CatalogueImportRequest) (*wire.CatalogueImportResponse, error) {
	out := &wire.CatalogueImportResponse{}
	errStop := errors.New("not stored")
	err := s.Store.UpdateDeployment(func(d *Deployment) error {
		ps, errs := pos.ImportCatalogue(req.Rows, d.Units)
		if len(errs) > 0 {
			out.Errors = errs
			return errStop
		}
		out.Catalogue = pos.Catalogue{Version: d.Catalogue.Version + 1, IssuedAt: s.now().Truncate(time.Second), Products: ps}
		if err := out.Catalogue.Validate(); err != nil {
			return err
		}
		if req.DryRun {
			return errStop
		}
		d.Catalogue = out.Catalogue
		return nil
	})
	switch {
	case errors.Is(err, errStop):
	case err != nil:
		return nil, err
	default:
		out.Stored = true
	}
	return out, nil
}
