package scanner

import (
	"strconv"

	"fupinpos/pos"
	"fupinpos/pos/voucher"
)

// Kind is what a scanned text is, decided before any decoding so each kind
// goes to its own path: vouchers to signature checks, barcodes to the
// catalogue.
type Kind int

// Kinds of scans.
const (
	Unknown Kind = iota
	Voucher
	EAN13
	EAN8
)

// String returns the kind's name as the scan test prints it.
func (k Kind) String() string {
	switch k {
	case Voucher:
		return "voucher"
	case EAN13:
		return "EAN-13"
	case EAN8:
		return "EAN-8"
	}
	return "unknown"
}

// Key returns the translation key of the kind's name for operators
// ("scan.kind.voucher", "scan.kind.ean13", "scan.kind.ean8",
// "scan.kind.unknown").
func (k Kind) Key() string {
	switch k {
	case Voucher:
		return "scan.kind.voucher"
	case EAN13:
		return "scan.kind.ean13"
	case EAN8:
		return "scan.kind.ean8"
	}
	return "scan.kind.unknown"
}

// Classify says whether text is a voucher code, a product barcode with a
// correct check digit, or neither. The voucher rule is voucher.Looks: digits
// only, the "99" prefix and a voucher's length range, deliberately looser
// than any one format version so that a code of a newer format still goes
// to the decoder, which answers "update required" rather than "unknown
// scan". No EAN is that long, so the kinds never overlap. An EAN with a
// wrong check digit is Unknown: it is a misread, not a product.
func Classify(text string) Kind {
	k, _ := Check(text)
	return k
}

// Check classifies text as Classify does and, for Unknown, returns an error
// with code pos.EUNKNOWNSCAN that says why (a wrong check digit, a
// digits-only text of no known length, other characters), for the
// technician's scan test and the cashier's refusal.
func Check(text string) (Kind, error) {
	switch {
	case voucher.Looks(text):
		return Voucher, nil
	case len(text) == 13 && pos.ValidEAN(text):
		return EAN13, nil
	case len(text) == 8 && pos.ValidEAN(text):
		return EAN8, nil
	}
	// why is the English hint, key the finer message's (error.unknown_scan.KEY).
	var why, key string
	switch {
	case len(text) > 3 && text[0] == ']' && isAIMChar(text[1]) && isAIMChar(text[2]) && Classify(text[3:]) != Unknown:
		// A scanner sending AIM identifiers to a port read with aim=0.
		why, key = "it starts with the AIM identifier "+text[:3]+": set aim=1 for this scanner", "aim"
	case text == "":
		why = "empty"
	case !allDigits(text):
		why = "not digits only"
	case len(text) == 13 || len(text) == 8:
		why, key = "wrong EAN check digit (a misread?)", "check_digit"
	case len(text) >= 2 && text[:2] == "99" && len(text) > 13:
		why, key = "digits starting 99 but not a voucher's length (a cut-off voucher?)", "cut_voucher"
	default:
		why, key = "digits of no known barcode length", "length"
	}
	err := pos.Errorf(pos.EUNKNOWNSCAN, "scan of %d characters is neither a voucher nor an EAN-13/EAN-8: %s", len(text), why).With("length", strconv.Itoa(len(text)))
	if key != "" {
		err = err.Say(key)
		if key == "aim" {
			err.With("aim", text[:3])
		}
	}
	return Unknown, err
}

// isAIMChar reports whether c may follow "]" in an AIM symbology
// identifier (a letter for the symbology, a digit or letter modifier).
func isAIMChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
