package wire

import (
	"time"

	"fupinpos/pos"
)

// IssueRequest is POST PathAdminIssue: sign vouchers for a list of members
// in one batch, all or none, on the server that holds the issuing key (the
// admin CLI goes through it while `voucherd serve` holds the database).
type IssueRequest struct {
	Campaign uint16      `json:"campaign"`
	Specs    []IssueSpec `json:"specs"`
}

// IssueSpec asks for Count vouchers of Value each for Member of Unit.
type IssueSpec struct {
	Member string    `json:"member"`
	Unit   uint32    `json:"unit"`
	Value  pos.Money `json:"value"`
	Count  int       `json:"count"`
	Scope  uint32    `json:"scope,omitempty"`
	Flags  pos.Flags `json:"flags,omitempty"`
	// Row is the line of the batch file the spec comes from (0: not from
	// a file); a batch with rows is refused row by row (IssueResponse.Errors).
	Row int `json:"row,omitempty"`
}

// IssueResponse lists the vouchers signed, and what a printed sheet of
// them shows: the campaign and the names of the units.
//
// A batch whose specs carry rows is checked row by row first: when any is
// refused (unknown unit, bad member id or value, over the cap), nothing is
// issued and Errors lists every refused row ("batch.<code>" messages).
type IssueResponse struct {
	Errors   []pos.RowError `json:"errors,omitempty"`
	Issued   []Issued       `json:"issued"`
	Campaign pos.Campaign   `json:"campaign"`
	Units    []pos.WorkUnit `json:"units"`
}

// Issued is one voucher signed: its id, the normalised member id, and the
// code to print or send.
type Issued struct {
	ID       pos.VoucherID `json:"id"`
	Member   string        `json:"member"`
	Unit     uint32        `json:"unit"`
	Value    pos.Money     `json:"value"`
	IssuedAt time.Time     `json:"issued_at"`
	Code     string        `json:"code"`
}

// TrustRequest is POST PathAdminTrust: sign and publish the next trust list
// and the catalogue, valid for Validity plus Grace.
type TrustRequest struct {
	Validity pos.Duration `json:"validity"`
	Grace    pos.Duration `json:"grace"`
}

// TrustResponse is the provisioning bundle a terminal installs and what
// the trust list in it says.
type TrustResponse struct {
	Bundle    []byte    `json:"bundle"`
	Seq       uint64    `json:"seq"`
	Keys      int       `json:"keys"`
	Campaigns int       `json:"campaigns"`
	Expires   time.Time `json:"expires"`
}

// CatalogueImportRequest is POST PathAdminCatalogue: the cells of an
// eligible-product list (the first row its Chinese headers), imported all
// or nothing as the next catalogue version; DryRun checks and stores
// nothing.
type CatalogueImportRequest struct {
	Rows   [][]string `json:"rows"`
	DryRun bool       `json:"dry_run,omitempty"`
}

// CatalogueImportResponse is the catalogue the rows make (stored unless a
// dry run or Errors), or every row refused, with why.
type CatalogueImportResponse struct {
	Catalogue pos.Catalogue  `json:"catalogue"`
	Errors    []pos.RowError `json:"errors,omitempty"`
	Stored    bool           `json:"stored"`
}
