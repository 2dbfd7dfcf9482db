package wire

import "time"

// Paths of the API. Terminal endpoints are signed (see Sign); enrollment
// is authenticated by its one-time code; admin endpoints by the admin
// token; health is open.
const (
	PathHealth   = "/v1/health"   // GET: Health, unsigned
	PathEnroll   = "/v1/enroll"   // POST EnrollRequest → EnrollResponse, one-time code
	PathDownload = "/v1/download" // POST DownloadRequest → DownloadResponse, signed
	PathUpload   = "/v1/upload"   // POST UploadRequest → UploadResponse, signed
	// PathReconcile: POST ReconcileRequest → ReconcileResponse, signed: how
	// the server holds this terminal's records of a day.
	PathReconcile = "/v1/reconcile"
	// PathAlerts: POST AlertsRequest → AlertsResponse, signed: the day's
	// supervision alerts of this terminal's store.
	PathAlerts = "/v1/alerts"
	// PathReturn: POST ReturnRequest → ReturnResponse, signed: the server's
	// agreement to a return (退货), which a terminal needs before it records one.
	PathReturn = "/v1/return"
	// PathSale: POST SaleRequest → SaleResponse, signed: a sale of this
	// terminal's store and its agreed returns, to take goods back at any
	// of the store's terminals.
	PathSale = "/v1/sale"

	PathAdminTerminals = "/v1/admin/terminals"         // GET → []Terminal; POST AddTerminalRequest → AddTerminalResponse
	PathAdminDisable   = "/v1/admin/terminals/disable" // POST DisableRequest → Terminal
	PathAdminIncidents = "/v1/admin/incidents"         // GET ?day=&store=&status=&after=&limit= (IncidentQuery) → IncidentPage
	PathAdminResolve   = "/v1/admin/incidents/resolve" // POST ResolveRequest → Incident
	PathAdminRevoke    = "/v1/admin/revoke"            // POST RevokeRequest → RevokeResponse
	PathAdminReport    = "/v1/admin/report"            // GET ?day=YYYY-MM-DD[&unit=U] → Report
	PathAdminSettle    = "/v1/admin/settle"            // GET ?day=YYYY-MM-DD[&store=S] → Settlement
	PathAdminAlerts    = "/v1/admin/alerts"            // POST AlertsRequest → AlertsResponse
	PathAdminDecide    = "/v1/admin/incidents/decide"  // POST DecideRequest → Incident
	PathAdminIssue     = "/v1/admin/issue"             // POST IssueRequest → IssueResponse
	PathAdminTrust     = "/v1/admin/trust"             // POST TrustRequest → TrustResponse
	PathAdminCatalogue = "/v1/admin/catalogue"         // POST CatalogueImportRequest → CatalogueImportResponse
)

// Header names of a signed request.
const (
	HeaderTerminal  = "X-Fupin-Terminal"  // the terminal id the server assigned at enrollment
	HeaderTimestamp = "X-Fupin-Timestamp" // unix seconds, decimal, of the signer's clock
	HeaderSignature = "X-Fupin-Signature" // Ed25519 signature of Canonical, standard base64
	// HeaderServerTime is on every server answer (RFC 3339, UTC) so a
	// terminal can measure its clock skew even from a refusal.
	HeaderServerTime = "X-Fupin-Server-Time"
	// HeaderAuthorization carries "Bearer <admin token>" on admin requests.
	HeaderAuthorization = "Authorization"
)

// Limits both sides respect.
const (
	// MaxSkew is how far a request's timestamp may be from the server's
	// clock, either way. Older requests are refused as replays; a terminal
	// whose clock is off signs with its clock corrected by the server time
	// it last saw (Health, HeaderServerTime).
	MaxSkew = 5 * time.Minute
	// MaxBody is the largest request body the server reads.
	MaxBody = 16 << 20
	// MaxUploadEntries is the most ledger entries in one upload.
	MaxUploadEntries = 1000
	// DefaultDownloadLimit and MaxDownloadLimit bound the status changes in
	// one download page.
	DefaultDownloadLimit = 2000
	MaxDownloadLimit     = 10000
)
