package server

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"slices"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// The bbolt engine's own record types (schema 2). Nothing from sync/wire
// and no JSON of an API type reaches the file: each value is converted at
// the boundary, so changing the API never changes the database.
//
// The records written once per redemption (ledger records, claims, issued
// vouchers, change feed entries, heads) use a compact binary form:
// a leading format byte, then fixed-width or uvarint fields and
// length-prefixed strings. They are most of the file: the binary form
// holds the signed ledger entry's bytes (packed by packBody, restored
// exactly) instead of quoting them inside JSON, and decodes
// faster, which is what a day's report does a thousand times. The
// measured result: 1,137 bytes of file per redemption at 100,000
// (BenchmarkBytesPerRedemption), the ledger record about half of it. The
// rare records (terminals,
// incidents, enrollment codes) are JSON of storage-only structs below,
// which stay readable with `bbolt get` and cheap to extend.

const recFormat1 = 1 // the first format byte of every binary record

// enc appends the fields of a binary record.
type enc []byte

func (e enc) u(v uint64) enc     { return binary.AppendUvarint(e, v) }
func (e enc) b(v byte) enc       { return append(e, v) }
func (e enc) raw(v []byte) enc   { return append(e, v...) }
func (e enc) bytes(v []byte) enc { return append(e.u(uint64(len(v))), v...) }
func (e enc) str(v string) enc   { return append(e.u(uint64(len(v))), v...) }
func (e enc) time(t time.Time) enc { // zero stays zero; otherwise unix seconds + 1, nanoseconds
	if t.IsZero() {
		return e.u(0)
	}
	return e.u(uint64(t.Unix()) + 1).u(uint64(t.Nanosecond()))
}

// dec reads the fields of a binary record; the first error sticks.
type dec struct {
	b   []byte
	err error
}

func (d *dec) fail() {
	if d.err == nil {
		d.err = pos.Errorf(pos.EINTERNAL, "truncated or corrupt stored record")
	}
	d.b = nil
}

func (d *dec) u() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) byte1() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) fixed(n int) []byte {
	if len(d.b) < n {
		d.fail()
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *dec) bytes() []byte {
	n := d.u()
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	return append([]byte(nil), d.fixed(int(n))...)
}

func (d *dec) str() string {
	n := d.u()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	return string(d.fixed(int(n)))
}

func (d *dec) time() time.Time {
	s := d.u()
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(int64(s-1), int64(d.u())).UTC()
}

func (d *dec) format() {
	if f := d.byte1(); f != recFormat1 && d.err == nil {
		d.err = pos.Errorf(pos.EINTERNAL, "stored record of unknown format %d", f)
	}
}

// storedResults numbers the upload storedResults in a stored record.
var storedResults = []pos.UploadResult{"", pos.UploadAccepted, pos.UploadDuplicate, pos.UploadConflict, pos.UploadRejected}

func resultByte(r pos.UploadResult) (byte, error) {
	for i, x := range storedResults {
		if x == r {
			return byte(i), nil
		}
	}
	return 0, pos.Errorf(pos.EINTERNAL, "unknown upload result %q", r)
}

// recPacked is the format byte of a ledger record whose body is packed
// by packBody.
const recPacked = 2

// bodyFragments are the JSON pieces of a ledger body that packBody writes
// as one byte each (fragment i as byte fragBase+i). They are part of the
// file format: never change or reorder them; append (up to 0x1F).
var bodyFragments = []string{
	`{"seq":`, `,"prev":"`, `","kind":"sale","time":"`, `","kind":"void","time":"`, `","store":"`, `","terminal":"`,
	`","receipt":"`, `","cashier":"`, `","lines":[{"sku":"`, `","name":"`, `","unit":"`, `","county":"`, `","price":`,
	`,"qty":`, `,"eligible":true}`, `,"total":`, `,"eligible":`, `,"vouchers":[{"id":`, `,"campaign":`, `,"key":"`,
	`","holder":"`, `","unit":`, `,"face":`, `,"applied":`, `,"forfeited":`, `,"code":"`, `,"voucher_amount":`,
}

const (
	fragDigits = 0x01 // then uvarint count, then the digits two a byte
	fragHex    = 0x02 // then uvarint count of bytes, then the bytes of a lowercase hex run
	fragBase   = 0x03
	minDigits  = 12 // shorter digit runs stay as they are
	minHex     = 16
)

// fragFirst indexes bodyFragments by first byte, longest first.
var fragFirst = func() (t [256][]int) {
	for i, f := range bodyFragments {
		t[f[0]] = append(t[f[0]], i)
	}
	for _, ids := range t {
		slices.SortStableFunc(ids, func(a, b int) int { return len(bodyFragments[b]) - len(bodyFragments[a]) })
	}
	return t
}()

func isHexLower(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' }

// packBody writes a ledger body compactly and exactly reversibly
// (unpackBody): the record's JSON names as one byte each, long digit runs
// (the voucher code) two digits a byte, long lowercase hex runs (hashes,
// holders) as bytes. A body with a control byte, which a compact JSON
// body never holds, is not packed (ok false). One pass, no allocation
// but the output: a few microseconds, cheap enough inside the ingest
// transaction, where deflate cost four times as much for a similar size.
func packBody(e enc, body []byte) (enc, bool) {
	for i := 0; i < len(body); {
		c := body[i]
		if c < 0x20 {
			return e, false
		}
		if isHexLower(c) {
			d := i // the digit run, then the hex run from i
			for d < len(body) && '0' <= body[d] && body[d] <= '9' {
				d++
			}
			if d-i >= minDigits {
				e = e.b(fragDigits).u(uint64(d - i))
				for k := i; k < d; k += 2 {
					lo := byte(0xF)
					if k+1 < d {
						lo = body[k+1] - '0'
					}
					e = append(e, (body[k]-'0')<<4|lo)
				}
				i = d
				continue
			}
			h := d
			for h < len(body) && isHexLower(body[h]) {
				h++
			}
			if n := (h - i) / 2; 2*n >= minHex {
				e = e.b(fragHex).u(uint64(n))
				for k := i; k < i+2*n; k += 2 {
					e = append(e, unhex(body[k])<<4|unhex(body[k+1]))
				}
				i += 2 * n
				continue
			}
			// A short run: as it is (no fragment starts with a hex digit).
			e = append(e, body[i:h]...)
			i = h
			continue
		}
		matched := false
		for _, f := range fragFirst[c] {
			if frag := bodyFragments[f]; len(body)-i >= len(frag) && string(body[i:i+len(frag)]) == frag {
				e = e.b(byte(fragBase + f))
				i += len(frag)
				matched = true
				break
			}
		}
		if !matched {
			e = append(e, c)
			i++
		}
	}
	return e, true
}

func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'a' + 10
}

func unpackBody(b []byte) ([]byte, error) {
	const hexDigits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	d := dec{b: b}
	for len(d.b) > 0 && d.err == nil {
		c := d.byte1()
		switch {
		case c == fragDigits:
			n := d.u()
			if n > uint64(2*len(d.b)) {
				d.fail()
				break
			}
			digits := unpackDigits(d.fixed(int(n+1) / 2))
			if uint64(len(digits)) != n {
				d.fail()
				break
			}
			out = append(out, digits...)
		case c == fragHex:
			n := d.u()
			if n > uint64(len(d.b)) {
				d.fail()
				break
			}
			for _, x := range d.fixed(int(n)) {
				out = append(out, hexDigits[x>>4], hexDigits[x&0xF])
			}
		case c >= fragBase && c < 0x20:
			if int(c-fragBase) >= len(bodyFragments) {
				d.fail()
				break
			}
			out = append(out, bodyFragments[c-fragBase]...)
		case c < 0x20:
			d.fail()
		default:
			out = append(out, c)
		}
	}
	return out, d.err
}

// encodeRecord: format, result, received, hash (32), sig, reason, detail,
// then the entry's body to the end: its length and the body packed
// (format recPacked, about half
// the size, unpacked to the exact signed bytes) or, when a body cannot be
// packed, as it is (recFormat1).
func encodeRecord(r *StoredRecord) ([]byte, error) {
	res, err := resultByte(r.Result)
	if err != nil {
		return nil, err
	}
	e := make(enc, 0, len(r.Entry.Body)+len(r.Entry.Sig)+len(r.Reason)+len(r.Detail)+64)
	e = e.b(recPacked).b(res).time(r.Received).raw(r.Entry.Hash[:]).bytes(r.Entry.Sig).str(r.Reason).str(r.Detail)
	head := len(e)
	e, ok := packBody(e.u(uint64(len(r.Entry.Body))), r.Entry.Body)
	if !ok {
		e = append(e[:head], r.Entry.Body...)
		e[0] = recFormat1
	}
	return e, nil
}

func decodeRecord(v []byte) (*StoredRecord, error) {
	d := dec{b: v}
	packed := len(v) > 0 && v[0] == recPacked
	if packed {
		d.b = d.b[1:]
	} else {
		d.format()
	}
	var r StoredRecord
	res := d.byte1()
	r.Received = d.time()
	copy(r.Entry.Hash[:], d.fixed(len(r.Entry.Hash)))
	r.Entry.Sig = d.bytes()
	r.Reason = d.str()
	r.Detail = d.str()
	if d.err != nil {
		return nil, d.err
	}
	if int(res) >= len(storedResults) || res == 0 {
		return nil, pos.Errorf(pos.EINTERNAL, "stored record with result %d", res)
	}
	r.Result = storedResults[res]
	if !packed {
		r.Entry.Body = append(json.RawMessage(nil), d.b...)
		return &r, nil
	}
	n := d.u()
	if d.err != nil {
		return nil, d.err
	}
	body, err := unpackBody(d.b)
	if err == nil && uint64(len(body)) != n {
		err = pos.Errorf(pos.EINTERNAL, "stored record body unpacks to %d bytes, want %d", len(body), n)
	}
	if err != nil {
		return nil, err
	}
	r.Entry.Body = body
	return &r, nil
}

// recordTime reads the record's own time (the sale's or void's) from an
// entry body, for the index by day; zero when the body has none.
func recordTime(body []byte) time.Time {
	if t, ok := recordTimeFast(body); ok {
		return t
	}
	var x struct {
		Time time.Time `json:"time"`
	}
	if json.Unmarshal(body, &x) != nil {
		return time.Time{}
	}
	return x.Time
}

// recordTimeFast reads the time of a body that starts as pos.Record's
// JSON does ({"seq":N,"prev":"…","kind":"…","time":"…"), without a scan of
// the rest; ok false for any other body.
func recordTimeFast(b []byte) (time.Time, bool) {
	cut := func(prefix string) bool {
		if !bytes.HasPrefix(b, []byte(prefix)) {
			return false
		}
		b = b[len(prefix):]
		return true
	}
	skip := func(in func(byte) bool) {
		for len(b) > 0 && in(b[0]) {
			b = b[1:]
		}
	}
	if !cut(`{"seq":`) {
		return time.Time{}, false
	}
	skip(func(c byte) bool { return '0' <= c && c <= '9' })
	if !cut(`,"prev":"`) {
		return time.Time{}, false
	}
	skip(isHexLower)
	if !cut(`","kind":"`) {
		return time.Time{}, false
	}
	skip(func(c byte) bool { return 'a' <= c && c <= 'z' || c == '_' })
	if !cut(`","time":"`) {
		return time.Time{}, false
	}
	end := bytes.IndexByte(b, '"')
	if end < 0 || bytes.IndexByte(b[:end], '\\') >= 0 {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, string(b[:end]))
	return t, err == nil
}

// claimRec is a claim as stored: the terminal's store and the receipt are
// kept as the record named them.
const (
	claimVoided  = 1 << 0
	claimCounted = 1 << 1
)

func appendClaim(e enc, c *wire.Claim) enc {
	var f byte
	if c.Voided {
		f |= claimVoided
	}
	if c.Counted {
		f |= claimCounted
	}
	return e.str(c.Terminal).str(c.Store).u(c.Seq).str(c.Receipt).time(c.Time).b(f)
}

func readClaim(d *dec) wire.Claim {
	c := wire.Claim{Terminal: d.str(), Store: d.str(), Seq: d.u(), Receipt: d.str(), Time: d.time()}
	f := d.byte1()
	c.Voided, c.Counted = f&claimVoided != 0, f&claimCounted != 0
	return c
}

// encodeClaims: format, count, the claims.
func encodeClaims(cs []wire.Claim) []byte {
	e := enc{recFormat1}.u(uint64(len(cs)))
	for i := range cs {
		e = appendClaim(e, &cs[i])
	}
	return e
}

func decodeClaims(v []byte) ([]wire.Claim, error) {
	d := dec{b: v}
	d.format()
	n := d.u()
	if n > uint64(len(v)) {
		d.fail()
	}
	var out []wire.Claim
	for i := uint64(0); i < n && d.err == nil; i++ {
		out = append(out, readClaim(&d))
	}
	return out, d.err
}

// encodeHead: format, seq, hash (32), records, last seen.
func encodeHead(h *Head) []byte {
	return enc{recFormat1}.u(h.Seq).raw(h.Hash[:]).u(uint64(h.Records)).time(h.LastSeen)
}

func decodeHead(v []byte) (Head, error) {
	d := dec{b: v}
	d.format()
	var h Head
	h.Seq = d.u()
	copy(h.Hash[:], d.fixed(len(h.Hash)))
	h.Records = int(d.u())
	h.LastSeen = d.time()
	return h, d.err
}

// encodeChange: format, then 'v', voucher id (8), status (1) or 'h',
// holder (8), suspended (1). The seq is the key.
func encodeChange(ch *Change) []byte {
	if ch.Holder != nil {
		on := byte(0)
		if ch.Suspended {
			on = 1
		}
		return enc{recFormat1, 'h'}.raw(ch.Holder[:]).b(on)
	}
	return enc{recFormat1, 'v'}.raw(idKey(ch.Voucher)).b(byte(ch.Status))
}

func decodeChange(seq uint64, v []byte) (Change, error) {
	d := dec{b: v}
	d.format()
	ch := Change{Seq: seq}
	switch d.byte1() {
	case 'h':
		var h pos.HolderRef
		copy(h[:], d.fixed(len(h)))
		ch.Holder, ch.Suspended = &h, d.byte1() == 1
	case 'v':
		ch.Voucher = pos.VoucherID(binary.BigEndian.Uint64(d.fixed(8)))
		ch.Status = pos.VoucherStatus(d.byte1())
	default:
		d.fail()
	}
	return ch, d.err
}

// encodeIssued: format, holder (8), unit, value, issued at, member, and
// the code packed two digits a byte (a voucher code is digits only: 267
// digits take 134 bytes instead of ~270 in JSON), so a lost sheet can be
// printed again. The id is the key.
func encodeIssued(is *Issuance) []byte {
	e := make(enc, 0, 48+len(is.Member)+len(is.Code)/2)
	return e.b(recFormat1).raw(is.Holder[:]).u(uint64(is.Unit)).u(uint64(is.Value)).time(is.IssuedAt).str(is.Member).bytes(packDigits(is.Code))
}

func decodeIssued(id pos.VoucherID, v []byte) (*Issuance, error) {
	d := dec{b: v}
	d.format()
	is := &Issuance{ID: id}
	copy(is.Holder[:], d.fixed(len(is.Holder)))
	is.Unit = uint32(d.u())
	is.Value = pos.Money(d.u())
	is.IssuedAt = d.time()
	is.Member = d.str()
	is.Code = unpackDigits(d.bytes())
	return is, d.err
}

// packDigits packs a string of ASCII digits two to a byte (a nibble each,
// 0xF pads an odd count); any other string is kept as it is behind a 0xFF
// marker byte, which no packed pair starts with.
func packDigits(s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return append([]byte{0xFF}, s...)
		}
	}
	out := make([]byte, 0, (len(s)+1)/2)
	for i := 0; i < len(s); i += 2 {
		hi, lo := s[i]-'0', byte(0xF)
		if i+1 < len(s) {
			lo = s[i+1] - '0'
		}
		out = append(out, hi<<4|lo)
	}
	return out
}

func unpackDigits(b []byte) string {
	if len(b) > 0 && b[0] == 0xFF {
		return string(b[1:])
	}
	out := make([]byte, 0, 2*len(b))
	for _, x := range b {
		out = append(out, '0'+x>>4)
		if x&0xF != 0xF {
			out = append(out, '0'+x&0xF)
		}
	}
	return string(out)
}

// terminalRec is a terminal as stored; its chain head lives in heads.
type terminalRec struct {
	ID          string    `json:"id"`
	Store       string    `json:"store"`
	Name        string    `json:"name"`
	State       string    `json:"state"`
	Public      []byte    `json:"pub,omitempty"`
	Hostname    string    `json:"host,omitempty"`
	Created     time.Time `json:"created"`
	CodeExpires time.Time `json:"code_exp,omitzero"`
	Enrolled    time.Time `json:"enrolled,omitzero"`
}

func terminalToRec(t *wire.Terminal) terminalRec {
	return terminalRec{ID: t.ID, Store: t.Store, Name: t.Name, State: t.State, Public: t.Public, Hostname: t.Hostname,
		Created: t.Created, CodeExpires: t.CodeExpires, Enrolled: t.Enrolled}
}

func (r *terminalRec) wire() wire.Terminal {
	return wire.Terminal{ID: r.ID, Store: r.Store, Name: r.Name, State: r.State, Public: r.Public, Hostname: r.Hostname,
		Created: r.Created, CodeExpires: r.CodeExpires, Enrolled: r.Enrolled}
}

// claimJSON is a claim inside a stored incident.
type claimJSON struct {
	Terminal string    `json:"terminal"`
	Store    string    `json:"store"`
	Seq      uint64    `json:"seq"`
	Receipt  string    `json:"receipt"`
	Time     time.Time `json:"time"`
	Voided   bool      `json:"voided,omitempty"`
	Counted  bool      `json:"counted,omitempty"`
}

// incidentRec is an incident as stored, under its id. Its JSON names are
// the ones v0.9.0 wrote, so stored incidents need no conversion; it is
// the engine's own type all the same: fields added to the API's incident
// do not reach the file unless they are added here.
type incidentRec struct {
	ID       uint64        `json:"id"`
	Time     time.Time     `json:"time"`
	Kind     string        `json:"kind"`
	Reason   string        `json:"reason"`
	Terminal string        `json:"terminal"`
	Store    string        `json:"store"`
	Seq      uint64        `json:"seq"`
	Voucher  uint64        `json:"voucher,omitempty"`
	Holder   pos.HolderRef `json:"holder,omitzero"`
	Amount   int64         `json:"amount,omitempty"`
	Claims   []claimJSON   `json:"claims,omitempty"`
	Detail   string        `json:"detail,omitempty"`
}

func encodeIncident(in *wire.Incident) ([]byte, error) {
	r := incidentRec{ID: in.ID, Time: in.Time, Kind: in.Kind, Reason: in.Reason, Terminal: in.Terminal, Store: in.Store, Seq: in.Seq,
		Voucher: uint64(in.Voucher), Holder: in.Holder, Amount: int64(in.Amount), Detail: in.Detail}
	for _, c := range in.Claims {
		r.Claims = append(r.Claims, claimJSON{Terminal: c.Terminal, Store: c.Store, Seq: c.Seq, Receipt: c.Receipt, Time: c.Time, Voided: c.Voided, Counted: c.Counted})
	}
	b, err := json.Marshal(&r)
	if err != nil {
		return nil, pos.WrapError(pos.EINTERNAL, err, "encode incident")
	}
	return b, nil
}

// decodeIncident reads the stored incident id (the key of v). Every reader
// of bucketIncidents goes through it.
func decodeIncident(id uint64, v []byte) (wire.Incident, error) {
	var r incidentRec
	if err := json.Unmarshal(v, &r); err != nil {
		return wire.Incident{}, pos.WrapError(pos.EINTERNAL, err, "decode incident %d", id)
	}
	in := wire.Incident{ID: id, Time: r.Time, Kind: r.Kind, Reason: r.Reason, Terminal: r.Terminal, Store: r.Store, Seq: r.Seq,
		Voucher: pos.VoucherID(r.Voucher), Holder: r.Holder, Amount: pos.Money(r.Amount), Detail: r.Detail}
	for _, c := range r.Claims {
		in.Claims = append(in.Claims, wire.Claim{Terminal: c.Terminal, Store: c.Store, Seq: c.Seq, Receipt: c.Receipt, Time: c.Time, Voided: c.Voided, Counted: c.Counted})
	}
	return in, nil
}

// documentsRec is the published documents as stored.
type documentsRec struct {
	Trust            []byte `json:"trust"`
	TrustSeq         uint64 `json:"trust_seq"`
	Catalogue        []byte `json:"catalogue"`
	CatalogueVersion uint32 `json:"catalogue_version"`
}
