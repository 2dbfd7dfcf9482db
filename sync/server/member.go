package server

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"fupinpos/pos"
)

// MaxMemberLen is the longest member id accepted, in bytes after
// normalisation (an 18-character ID-card number or a union's member number
// is far shorter).
const MaxMemberLen = 64

// NormalizeMember returns the one spelling of a union member id from which
// the holder reference is derived, so that one member is one holder and
// the per-person cap cannot be passed by spelling the id another way. Every
// issuance path (voucherd issue --member, --batch, and any API) goes
// through Issuer.Issue, which applies it before voucher.HolderOf.
//
// The rule, in order:
//  1. the id must be valid UTF-8;
//  2. Unicode NFKC: compatibility forms fold to their plain form, so
//     full-width letters, digits and signs typed with a Chinese input
//     method equal ASCII ("Ｍ－Ａ１" = "M-A1") and the ideographic space
//     U+3000 becomes a space;
//  3. white space at both ends is removed, and each run of white space
//     inside becomes one ASCII space;
//  4. ASCII letters are upper-cased ("m-a" = "M-A"; an ID-card check
//     digit "x" = "X"); letters of other scripts are kept as NFKC gives them;
//  5. an id that is then empty, longer than MaxMemberLen bytes, or holds a
//     control character (C0, DEL, C1) or an invisible format character
//     (Unicode category Cf: zero-width space, BOM, direction marks) is
//     refused with EINVALID, never silently cleaned: such an id is a typing
//     or export error that a person must look at.
func NormalizeMember(id string) (string, error) {
	if !utf8.ValidString(id) {
		return "", pos.Errorf(pos.EINVALID, "member id %q is not valid UTF-8", id).Say("member_chars")
	}
	s := norm.NFKC.String(id)
	var b strings.Builder
	space := false
	for _, r := range strings.TrimFunc(s, unicode.IsSpace) {
		switch {
		case unicode.IsSpace(r) && r != '\t' && r != '\n' && r != '\r' && r != '\v' && r != '\f' && r != 0x85:
			space = true
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return "", pos.Errorf(pos.EINVALID, "member id %q contains the control character %U", id, r).With("member", id).Say("member_chars")
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	out := b.String()
	switch {
	case out == "":
		return "", pos.Errorf(pos.EINVALID, "member id is required (got %q)", id).Say("member_empty")
	case len(out) > MaxMemberLen:
		return "", pos.Errorf(pos.EINVALID, "member id %q is longer than %d bytes", id, MaxMemberLen).With("member", id).With("max", strconv.Itoa(MaxMemberLen)).Say("member_long")
	}
	return out, nil
}
