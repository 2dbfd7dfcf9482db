package pos

import (
	"errors"
	"fmt"
)

// Error codes. They are stable: the CLI prints them, scripts match on them,
// the translation files key their messages on them ("error.<code>"), and the
// sync protocol carries them. Add codes, never rename one.
const (
	// Scan and code format (validation step 1–2).
	EMALFORMED     = "malformed"       // not a voucher code: wrong length, non-digits, bad structure
	EUPDATE        = "update_required" // a voucher format this terminal does not know yet
	ESYNC          = "sync_required"   // signed by a key this terminal does not know yet
	EBADSIGNATURE  = "bad_signature"   // forged or tampered code
	EKEYNOTALLOWED = "key_not_allowed" // the key may not sign for this campaign or at this issue date

	// Time (step 3).
	ECLOCKBEHIND = "clock_behind" // the terminal clock is earlier than times it has already seen
	ECLOCKAHEAD  = "clock_ahead"  // the terminal clock is implausibly far past its last sync
	ENOTYETVALID = "not_yet_valid"
	EEXPIRED     = "expired"

	// Campaign rules (step 4).
	ECAMPAIGNCLOSED  = "campaign_closed"
	EOUTOFSCOPE      = "out_of_scope"
	ENOELIGIBLE      = "no_eligible_lines"
	ECHANGEREFUSED   = "change_refused" // vouchers exceed the eligible basket and the campaign refuses
	ECAPEXCEEDED     = "cap_exceeded"   // the member's redeemed total would pass the per-person cap
	EDUPLICATEINSALE = "duplicate_in_sale"
	ENOTPAYABLE      = "not_payable" // the voucher may pay none of the lines left (designated-point products of other units)

	// Status (step 5).
	EREVOKED           = "revoked"
	EREDEEMEDELSEWHERE = "redeemed_elsewhere"
	ESUSPENDED         = "suspended"
	EALREADYREDEEMED   = "already_redeemed"

	// Offline limits (step 6).
	EOFFLINELIMIT = "offline_limit"
	EONLINEONLY   = "online_only"

	// Trust list and provisioning.
	ETRUSTEXPIRED   = "trust_expired"
	ETRUSTSTALE     = "trust_stale" // sequence not newer than the one installed
	ENOTPROVISIONED = "not_provisioned"

	// Users.
	EBADPIN    = "bad_pin"
	ELOCKED    = "locked"
	EFORBIDDEN = "forbidden"

	// Devices.
	EPAPEROUT       = "paper_out"
	ECOVEROPEN      = "cover_open"
	EPRINTEROFFLINE = "printer_offline" // the printer cannot be reached or does not answer
	EUNPRINTABLE    = "unprintable"     // text outside the printer's character repertoire
	ESCANNERGONE    = "scanner_gone"    // the scanner was unplugged or its port failed
	EPARTIALSCAN    = "partial_scan"    // a frame ended by idle timeout without its terminator
	ESCANTOOLONG    = "scan_too_long"   // a frame longer than the configured maximum
	EUNKNOWNSCAN    = "unknown_scan"    // neither a voucher nor a known product barcode
	EUNKNOWNPRODUCT = "unknown_product" // a valid barcode that is not in the catalogue

	// Sync.
	ESERVEROFFLINE = "server_offline" // the central server did not answer, or answered garbage
	ESERVERREFUSED = "server_refused" // the central server refused the request (auth, enrollment)
	ESKEW          = "clock_skew"     // the terminal clock is far from the server's

	// General.
	EINVALID  = "invalid"
	ENOTFOUND = "not_found"
	ECONFLICT = "conflict"
	ESTORAGE  = "storage" // the disk refused a write; nothing was recorded
	EBUSY     = "db_busy" // another process (the terminal app) holds the database file
	EINTERNAL = "internal"
)

// Error is an error with a stable code, an English detail for logs, and
// named parameters that the translated message templates use
// (e.g. {{.receipt}} in "error.already_redeemed").
type Error struct {
	Code    string
	Message string
	Params  map[string]string
	// Key, when set, names a finer translated message than the code's
	// ("error.<code>.<key>", e.g. error.invalid.pin_length): the general
	// codes (invalid, not_found, conflict) say little on their own.
	Key string
	Err error // wrapped cause, if any
}

// Error returns the English detail, prefixed by the code.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// With returns e with the parameter k set to v, for translated messages.
func (e *Error) With(k, v string) *Error {
	if e.Params == nil {
		e.Params = map[string]string{}
	}
	e.Params[k] = v
	return e
}

// Say sets the key of e's finer translated message (see Error.Key) and
// that message's parameters, given as name, value pairs.
func (e *Error) Say(key string, kv ...string) *Error {
	e.Key = key
	for i := 0; i+1 < len(kv); i += 2 {
		e.With(kv[i], kv[i+1])
	}
	return e
}

// ErrorKey returns the finer message key of the first *Error in err's
// chain, or "".
func ErrorKey(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}

// Errorf returns an *Error with the given code and formatted English detail.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error with code that wraps cause.
func WrapError(code string, cause error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: cause}
}

// ErrorCode returns the code of the first *Error in err's chain, "" for nil,
// and EINTERNAL for any other error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorParams returns the message parameters of the first *Error in err's
// chain, or nil.
func ErrorParams(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Params
	}
	return nil
}
