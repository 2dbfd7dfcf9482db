package pos

import (
	"path"
	"strings"
	"time"
)

// SettlementManifest lists the files of one day's settlement (对账/结算) for
// the stores: what the union owes each store per work unit, as written by
// `voucherd settle`. It travels signed by the deployment's root key (the
// MANIFEST file), so a store, a union's finance office or an auditor can
// check offline that no file was changed, added or left out.
type SettlementManifest struct {
	Day     string         `json:"day"`             // CST day settled, 2006-01-02
	Store   string         `json:"store,omitempty"` // only this store, or every store
	Created time.Time      `json:"created"`
	Files   []ManifestFile `json:"files"`
	// Totals repeat the sums of the files, for a reader of the manifest alone.
	Payable  Money `json:"payable"`  // applied voucher value owed to the stores
	Withheld int   `json:"withheld"` // records in conflict, listed apart and not paid
}

// ManifestFile is one file of a settlement and its SHA-256 (hex).
type ManifestFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// ManifestName is the settlement manifest's file name inside its folder.
const ManifestName = "MANIFEST"

// Validate checks the manifest's shape: a day, and plain file names (no
// folders, no dot files, no duplicates, not the manifest itself), so that a
// verifier never reads outside the settlement's folder.
func (m *SettlementManifest) Validate() error {
	if _, err := ParseDay(m.Day); err != nil {
		return err
	}
	if len(m.Files) == 0 {
		return Errorf(EMALFORMED, "settlement manifest lists no files")
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		if f.Name == "" || f.Name != path.Base(f.Name) || strings.ContainsAny(f.Name, `/\:`) || strings.HasPrefix(f.Name, ".") ||
			f.Name == ManifestName || seen[f.Name] {
			return Errorf(EMALFORMED, "settlement manifest: bad file name %q", f.Name)
		}
		if len(f.SHA256) != 64 || strings.Trim(f.SHA256, "0123456789abcdef") != "" {
			return Errorf(EMALFORMED, "settlement manifest: bad SHA-256 for %q", f.Name)
		}
		seen[f.Name] = true
	}
	return nil
}

// ReconcileTotals are a terminal's figures of one CST day, net of voids
// and returns: what the terminal and the server each compare in a
// reconciliation (the server counts only the records it accepted).
// Returns counts the day's return records (退货); a return takes back part
// of a sale, so Sales − Voids stays the net count of sales.
type ReconcileTotals struct {
	Sales         int   `json:"sales"`
	Voids         int   `json:"voids"`
	Returns       int   `json:"returns,omitempty"`
	Total         Money `json:"total"`
	VoucherAmount Money `json:"voucher_amount"` // applied voucher value
}

// Add counts r (a sale, a void with the sale it cancels, or a return,
// whose own amounts are what it took back).
func (t *ReconcileTotals) Add(r, sale *Record) {
	switch {
	case r.Kind == KindSale:
		t.Sales++
		t.Total += r.Total
		t.VoucherAmount += r.VoucherAmount
	case r.Kind == KindVoid:
		t.Voids++
		if sale != nil {
			t.Total -= sale.Total
			t.VoucherAmount -= sale.VoucherAmount
		}
	case r.Kind == KindReturn:
		t.Returns++
		t.Total -= r.Total
		t.VoucherAmount -= r.VoucherAmount
	}
}

// Kinds of difference a terminal-side reconciliation finds.
const (
	DiffNotUploaded = "not_uploaded" // still in the outbox: the server has not answered for it
	DiffMissing     = "missing"      // answered, yet the server does not hold it
	DiffRejected    = "rejected"     // the server refused it
	DiffConflict    = "conflict"     // the server keeps it in conflict (a double spend…): not paid until decided
	DiffOtherDay    = "other_day"    // the server holds it on another day
	DiffTotals      = "totals"       // the day's totals differ (terminal vs accepted by the server)
)

// ReconcileDiff is one difference between a terminal's day and the server's.
type ReconcileDiff struct {
	Kind    string `json:"kind"` // Diff*
	Seq     uint64 `json:"seq,omitempty"`
	Receipt string `json:"receipt,omitempty"`
	Reason  string `json:"reason,omitempty"` // the server's reason code
	Detail  string `json:"detail,omitempty"`
}

// Reconciliation compares a terminal's records of one CST day with the
// server's record of them (posctl reconcile, the manager's "已对账 / 差异 N 笔").
type Reconciliation struct {
	Day      string          `json:"day"`
	Terminal string          `json:"terminal"`
	Time     time.Time       `json:"time"`    // when it was made
	Records  int             `json:"records"` // the terminal's records of the day
	Local    ReconcileTotals `json:"local"`
	Server   ReconcileTotals `json:"server"`
	Diffs    []ReconcileDiff `json:"diffs"`
}

// Differences is the number the manager sees: records that differ, or 1
// when only the totals do.
func (r *Reconciliation) Differences() int {
	n := 0
	for _, d := range r.Diffs {
		if d.Kind != DiffTotals {
			n++
		}
	}
	if n == 0 && len(r.Diffs) > 0 {
		return 1
	}
	return n
}
