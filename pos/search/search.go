// Package search finds catalogue products the way a Chinese counter does:
// by a part of the name (砀山), by its pinyin in full (dangshan) or by the
// initials of its characters (dssl, or dsl skipping one → 砀山酥梨),
// mixed freely (dshan), by
// SKU or barcode, within a category. Everything that depends on the
// product is computed once when the index is built, so a query costs a
// pass over small precomputed tables per keystroke.
//
// It wraps github.com/mozillazg/go-pinyin; it does not import Fyne.
package search

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"

	"fupinpos/pos"
)

// Rank says how well a product matched; lower is better. Results are
// ordered by rank, then by where in the name the match starts, then by
// the shorter name, then by catalogue order.
type Rank int

// The ranks, best first.
const (
	RankCode        Rank = iota // the query is the product's SKU or barcode
	RankInitials                // the query starts the initials of the name (dssl → 砀山酥梨)
	RankPrefix                  // the name, its pinyin or its English name starts with the query
	RankInitialsGap             // the query's letters start initials of the name, in order, some skipped (dsl → 砀山酥梨)
	RankContains                // the query occurs further into the name or its pinyin
	RankCodePart                // the query starts (or, 4+ characters, occurs in) the SKU or barcode
	RankAll                     // an empty query: every product of the category
)

// Hit is one product found.
type Hit struct {
	Product *pos.Product
	Rank    Rank
	// At is the character position in the name where the match starts.
	At     int
	len    int  // tokens in the name
	second bool // matched only through a character's less common reading
}

// Index is a search index over one catalogue. It is read-only after New
// and safe for concurrent use.
type Index struct {
	cat        *pos.Catalogue
	items      []item
	categories []string
}

// item is what is precomputed for one product.
type item struct {
	p      *pos.Product
	name   string  // name, lower case, full-width folded
	nameEn string  // English name, lower case
	sku    string  // lower case
	ean    string  // digits
	toks   []token // one per letter, digit or Han character of the name
	first  uint64  // bit set of the letters/digits a token may start with
}

// token is one character of the name: a Han character with its readings
// (every heteronym, ü also spelled v and u), or a letter or digit as itself.
type token struct {
	alts []string
	at   int // rune position in the name
}

// New builds the index of cat. The catalogue must not change afterwards.
func New(cat *pos.Catalogue) *Index {
	ix := &Index{cat: cat, items: make([]item, len(cat.Products))}
	seen := map[string]bool{}
	args := pinyin.NewArgs()
	args.Heteronym = true
	readings := map[rune][]string{} // go-pinyin is slow per call: once per character
	for i := range cat.Products {
		p := &cat.Products[i]
		it := item{p: p, name: Fold(p.Name), nameEn: Fold(p.NameEn), sku: Fold(p.SKU), ean: p.EAN}
		at := 0
		for _, r := range it.name {
			var alts []string
			switch {
			case unicode.Is(unicode.Han, r):
				var ok bool
				if alts, ok = readings[r]; !ok {
					for _, a := range pinyin.SinglePinyin(r, args) {
						alts = appendUnique(alts, a)
						if strings.Contains(a, "v") {
							alts = appendUnique(alts, strings.ReplaceAll(a, "v", "u"))
						}
					}
					if len(alts) == 0 { // a rare character with no reading: it can only be typed
						alts = []string{string(r)}
					}
					readings[r] = alts
				}
			case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
				alts = []string{string(r)}
			}
			if len(alts) > 0 {
				it.toks = append(it.toks, token{alts: alts, at: at})
				for _, a := range alts {
					it.first |= bit(a[0])
				}
			}
			at++
		}
		ix.items[i] = it
		if c := p.Category; c != "" && !seen[c] {
			seen[c] = true
			ix.categories = append(ix.categories, c)
		}
	}
	return ix
}

func appendUnique(s []string, a string) []string {
	for _, x := range s {
		if x == a {
			return s
		}
	}
	return append(s, a)
}

// bit maps a letter or digit to a bit of a uint64 (other bytes share bit 63).
func bit(b byte) uint64 {
	switch {
	case b >= 'a' && b <= 'z':
		return 1 << (b - 'a')
	case b >= '0' && b <= '9':
		return 1 << (26 + b - '0')
	}
	return 1 << 63
}

// Catalogue returns the indexed catalogue.
func (ix *Index) Catalogue() *pos.Catalogue { return ix.cat }

// Categories lists the catalogue's categories in the order they first
// appear; nil when no product has one.
func (ix *Index) Categories() []string { return append([]string(nil), ix.categories...) }

// Fold normalises text for matching: lower case, full-width letters and
// digits as ASCII (ａ１ → a1), ü as v, spaces removed.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
		case r == 'ü' || r == 'Ü':
			r = 'v'
		case r == 0x3000: // ideographic space
			r = ' '
		}
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// maxPinyinQuery bounds the query length the pinyin matcher considers (its
// state is a 64-bit set of query positions).
const maxPinyinQuery = 60

// Search returns the products of category ("" = all) matching query, best
// first, at most limit of them (limit <= 0: all). An empty query lists the
// category in catalogue order.
func (ix *Index) Search(query, category string, limit int) []Hit {
	q := Fold(query)
	var hits []Hit
	for i := range ix.items {
		it := &ix.items[i]
		if category != "" && it.p.Category != category {
			continue
		}
		if q == "" {
			hits = append(hits, Hit{Product: it.p, Rank: RankAll})
			continue
		}
		if h, ok := it.match(q); ok {
			hits = append(hits, h)
		}
	}
	slices.SortStableFunc(hits, func(a, b Hit) int {
		switch {
		case a.Rank != b.Rank:
			return cmp.Compare(a.Rank, b.Rank)
		case a.second != b.second:
			if a.second {
				return 1
			}
			return -1
		case a.At != b.At:
			return cmp.Compare(a.At, b.At)
		}
		return cmp.Compare(a.len, b.len)
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

// match ranks one product against the folded query q.
func (it *item) match(q string) (Hit, bool) {
	h := Hit{Product: it.p, len: len(it.toks)}
	if q == it.sku || q == it.ean {
		h.Rank = RankCode
		return h, true
	}
	if i := strings.Index(it.name, q); i >= 0 {
		h.At = runeCount(it.name[:i])
		h.Rank = RankContains
		if i == 0 {
			h.Rank = RankPrefix
		}
		return h, true
	}
	if isPinyinQuery(q) && it.first&bit(q[0]) != 0 {
		// All readings first: most products fail here, at one pass. A
		// match is then ranked by the common readings when they match too.
		if r, at, ok := matchPinyin(it.toks, q, false); ok {
			h.Rank, h.At, h.second = r, at, true
			if r, at, ok := matchPinyin(it.toks, q, true); ok {
				h.Rank, h.At, h.second = r, at, false
			}
			return h, true
		}
	}
	if it.nameEn != "" {
		if i := strings.Index(it.nameEn, q); i == 0 {
			h.Rank = RankPrefix
			return h, true
		} else if i > 0 {
			h.Rank, h.At = RankContains, i
			return h, true
		}
	}
	if strings.HasPrefix(it.sku, q) || strings.HasPrefix(it.ean, q) ||
		(len(q) >= 4 && (strings.Contains(it.sku, q) || strings.Contains(it.ean, q))) {
		h.Rank = RankCodePart
		return h, true
	}
	return h, false
}

func runeCount(s string) int { return len([]rune(s)) }

// isPinyinQuery reports whether q is made of ASCII letters and digits only.
func isPinyinQuery(q string) bool {
	if len(q) == 0 || len(q) > maxPinyinQuery {
		return false
	}
	for i := 0; i < len(q); i++ {
		c := q[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// matchPinyin ranks a pinyin query against the tokens.
func matchPinyin(toks []token, q string, primary bool) (Rank, int, bool) {
	switch {
	case walk(toks, q, true, primary):
		return RankInitials, 0, true
	case walk(toks, q, false, primary):
		return RankPrefix, 0, true
	case initialsGap(toks, q, primary):
		return RankInitialsGap, 0, true
	}
	if at, ok := matchAnywhere(toks, q, primary); ok {
		return RankContains, at, true
	}
	return 0, 0, false
}

// matchAnywhere reports whether q is spelled by tokens starting at some
// token after the first, and the position in the name (in characters)
// where the earliest such match starts.
func matchAnywhere(toks []token, q string, primary bool) (int, bool) {
	for s := 1; s < len(toks); s++ {
		if walk(toks[s:], q, false, primary) {
			return toks[s].at, true
		}
	}
	return 0, false
}

// readings returns the token's readings: only the most common one when
// primary is set (a less common reading ranks a match lower: 霍 is huo
// before suo).
func (t *token) readings(primary bool) []string {
	if primary {
		return t.alts[:1]
	}
	return t.alts
}

// initialsGap reports whether the letters of q are initials of tokens in
// order, the first token's among them, other tokens possibly skipped: dsl
// for 砀山酥梨 (dssl), as cashiers abbreviate.
func initialsGap(toks []token, q string, primary bool) bool {
	n := len(q)
	done := uint64(1) << n
	cur := uint64(1)
	for i, t := range toks {
		next := cur
		if i == 0 {
			next = 0 // the first token must give the first letter
		}
		for j := 0; j < n; j++ {
			if cur&(1<<j) == 0 {
				continue
			}
			for _, a := range t.readings(primary) {
				if a[0] == q[j] {
					next |= 1 << (j + 1)
				}
			}
		}
		if next&done != 0 {
			return true
		}
		if next == 0 {
			return false
		}
		cur = next
	}
	return false
}

// walk reports whether q is spelled by consecutive tokens from the first,
// each token giving its first letter or a whole reading, the last one
// possibly only the start of a reading (dangs → 砀山). initialsOnly allows
// first letters only (dssl → 砀山酥梨); primary, the most common readings
// only.
//
// It never backtracks: cur is the set of query positions reachable after
// the tokens seen so far.
func walk(toks []token, q string, initialsOnly, primary bool) bool {
	n := len(q)
	done := uint64(1) << n
	cur := uint64(1) // query position 0 before the first token
	for _, t := range toks {
		var next uint64
		for j := 0; j < n; j++ {
			if cur&(1<<j) == 0 {
				continue
			}
			rest := q[j:]
			for _, a := range t.readings(primary) {
				if a[0] == rest[0] {
					next |= 1 << (j + 1)
				}
				if initialsOnly {
					continue
				}
				switch {
				case strings.HasPrefix(rest, a):
					next |= 1 << (j + len(a))
				case strings.HasPrefix(a, rest):
					next |= done
				}
			}
		}
		if next&done != 0 {
			return true
		}
		if next == 0 {
			return false
		}
		cur = next
	}
	return false
}
