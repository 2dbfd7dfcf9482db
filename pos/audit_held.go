package pos

// Audit actions of the parked baskets (挂单/取单) and of a manager's unlock.
// They are written by the store beside the Audit* actions of record.go.
const (
	AuditHold     = "hold"      // a basket was parked (挂单)
	AuditTakeHeld = "take_held" // a parked basket was taken back (取单)
	AuditUnlock   = "unlock"    // a manager cleared a user's PIN lockout
)
