package voucher

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
)

// wideTrust trusts keyC for every campaign id used below over the whole
// range of 32-bit unix times, so that round trips reach the extremes.
func wideTrust() *pos.TrustList {
	tl := testTrust()
	tl.Keys[2] = issuer(keyC, time.Unix(0, 0), time.Unix(math.MaxUint32, 0), 0, 2020, 2021, math.MaxUint16)
	return tl
}

func TestRoundTrip(t *testing.T) {
	tl := wideTrust()
	var ones pos.HolderRef
	for i := range ones {
		ones[i] = 0xff
	}
	tests := []struct {
		name   string
		modify func(v *pos.Voucher)
	}{
		{"realistic", func(v *pos.Voucher) {}},
		{"serial 0, value 1 fen, no flags", func(v *pos.Voucher) { v.Serial, v.Value, v.Flags = 0, 1, 0 }},
		{"serial max", func(v *pos.Voucher) { v.Serial = math.MaxUint32 }},
		{"value max uint32", func(v *pos.Voucher) { v.Value = math.MaxUint32 }},
		{"all known flags", func(v *pos.Voucher) { v.Flags = pos.FlagNoChange | pos.FlagOnlineOnly | pos.FlagTest }},
		{"online only", func(v *pos.Voucher) { v.Flags = pos.FlagOnlineOnly }},
		{"test voucher", func(v *pos.Voucher) { v.Flags = pos.FlagTest }},
		{"campaign 0", func(v *pos.Voucher) { v.Campaign = 0 }},
		{"campaign max", func(v *pos.Voucher) { v.Campaign = math.MaxUint16 }},
		{"campaign 2021", func(v *pos.Voucher) { v.Campaign = 2021 }},
		{"holder zero", func(v *pos.Voucher) { v.Holder = pos.HolderRef{} }},
		{"holder ones", func(v *pos.Voucher) { v.Holder = ones }},
		{"unit and scope max", func(v *pos.Voucher) { v.Unit, v.Scope = math.MaxUint32, math.MaxUint32 }},
		{"unit and scope 0", func(v *pos.Voucher) { v.Unit, v.Scope = 0, 0 }},
		{"times at epoch", func(v *pos.Voucher) {
			v.NotBefore, v.NotAfter, v.IssuedAt = time.Unix(0, 0), time.Unix(0, 0), time.Unix(0, 0)
		}},
		{"times at 2106", func(v *pos.Voucher) {
			v.NotBefore, v.NotAfter, v.IssuedAt = time.Unix(math.MaxUint32, 0), time.Unix(math.MaxUint32, 0), time.Unix(math.MaxUint32, 0)
		}},
		{"widest window", func(v *pos.Voucher) { v.NotBefore, v.NotAfter = time.Unix(0, 0), time.Unix(math.MaxUint32, 0) }},
		{"one-second window", func(v *pos.Voucher) { v.NotAfter = v.NotBefore }},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := testVoucher()
			tt.modify(want)
			text := mustEncode(t, want, keyC)
			if seen[text] {
				t.Fatalf("two vouchers encode to the same text")
			}
			seen[text] = true
			if want.KeyID != pos.KeyIDOf(pub(keyC)) || want.Version != Version {
				t.Fatalf("Encode set key id %s version %d", want.KeyID, want.Version)
			}
			got, err := Verify(text, tl)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if f := sameVoucher(got, want); f != "" {
				t.Fatalf("field %s differs: got %+v, want %+v", f, got, want)
			}
			for _, tm := range []time.Time{got.NotBefore, got.NotAfter, got.IssuedAt} {
				if tm.Location() != pos.CST {
					t.Fatalf("time %v not in CST", tm)
				}
			}
			dec, err := Decode(text)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if f := sameVoucher(dec, want); f != "" {
				t.Fatalf("Decode field %s differs", f)
			}
			if again := mustEncode(t, got, keyC); again != text {
				t.Fatalf("re-encoding the verified voucher gives another text")
			}
		})
	}
}

func TestTimeZoneNotEncoded(t *testing.T) {
	v := testVoucher()
	text := mustEncode(t, v, keyA)
	v.NotBefore, v.NotAfter, v.IssuedAt = v.NotBefore.UTC(), v.NotAfter.UTC(), v.IssuedAt.Local()
	if utc := mustEncode(t, v, keyA); utc != text {
		t.Fatalf("the same instants in another zone encode differently")
	}
	v.NotAfter = v.NotAfter.Add(999 * time.Millisecond)
	if frac := mustEncode(t, v, keyA); frac != text {
		t.Fatalf("a fraction of a second changes the text")
	}
}

func TestDecodeCarriesUnknownFlags(t *testing.T) {
	v := testVoucher()
	v.Flags = 0xff
	text := mustEncode(t, v, keyA)
	got, err := Decode(text)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if got.Flags != 0xff {
		t.Fatalf("flags %#x, want 0xff", got.Flags)
	}
	_, err = Verify(text, testTrust())
	wantCode(t, err, pos.EUPDATE)
}

func TestEncodeOverwritesKeyAndVersion(t *testing.T) {
	v := testVoucher()
	v.Version, v.KeyID = 9, pos.KeyID{1, 2, 3, 4}
	mustEncode(t, v, keyA)
	if v.Version != 1 || v.KeyID != pos.KeyIDOf(pub(keyA)) {
		t.Fatalf("version %d key %s", v.Version, v.KeyID)
	}
}

func TestEncodeRefuses(t *testing.T) {
	tests := []struct {
		name   string
		modify func(v *pos.Voucher)
	}{
		{"value 0", func(v *pos.Voucher) { v.Value = 0 }},
		{"negative value", func(v *pos.Voucher) { v.Value = -1 }},
		{"value over uint32", func(v *pos.Voucher) { v.Value = math.MaxUint32 + 1 }},
		{"not-before before 1970", func(v *pos.Voucher) { v.NotBefore = time.Unix(-1, 0) }},
		{"not-after after 2106", func(v *pos.Voucher) { v.NotAfter = time.Unix(math.MaxUint32+1, 0) }},
		{"issued-at zero time", func(v *pos.Voucher) { v.IssuedAt = time.Time{} }},
		{"window ends before it starts", func(v *pos.Voucher) { v.NotAfter = v.NotBefore.Add(-time.Second) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := testVoucher()
			tt.modify(v)
			s, err := Encode(v, keyA)
			wantCode(t, err, pos.EINVALID)
			if s != "" {
				t.Fatalf("text %q with error", s)
			}
		})
	}
	_, err := Encode(testVoucher(), keyA[:32])
	wantCode(t, err, pos.EINVALID)
}

func TestTextForm(t *testing.T) {
	text := mustEncode(t, testVoucher(), keyA)
	if TextLen != 267 || len(text) != 267 {
		t.Fatalf("TextLen %d, text has %d digits, want 267", TextLen, len(text))
	}
	if !strings.HasPrefix(text, "9901") {
		t.Fatalf("text starts %q, want 9901", text[:4])
	}
	if !allDigits(text) {
		t.Fatalf("text has non-digits: %q", text)
	}
	if again := mustEncode(t, testVoucher(), keyA); again != text {
		t.Fatalf("encoding is not deterministic")
	}
	for _, fill := range []byte{0x00, 0xff} {
		raw := bytes.Repeat([]byte{fill}, CodeSize)
		s := encodeText(raw)
		back, err := decodeText(s)
		if err != nil || !bytes.Equal(back[:], raw) {
			t.Fatalf("bytes %#x: decodeText = %v", fill, err)
		}
	}
	// All-ones groups are the largest canonical values.
	want := "9901" + strings.Repeat("72057594037927935", 15) + "16777215"
	if s := encodeText(bytes.Repeat([]byte{0xff}, CodeSize)); s != want {
		t.Fatalf("all-ones text\n%s, want\n%s", s, want)
	}
}

func TestNonCanonicalGroup(t *testing.T) {
	text := mustEncode(t, testVoucher(), keyA)
	last := TextLen - 8
	tests := []struct {
		name string
		at   int
		put  string
	}{
		{"first group 2^56", 4, "72057594037927936"},
		{"first group all nines", 4, "99999999999999999"},
		{"middle group 2^56", 4 + 7*17, "72057594037927936"},
		{"last full group all nines", 4 + 14*17, "99999999999999999"},
		{"final group 2^24", last, "16777216"},
		{"final group all nines", last, "99999999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := text[:tt.at] + tt.put + text[tt.at+len(tt.put):]
			if len(bad) != TextLen {
				t.Fatalf("test text has %d digits", len(bad))
			}
			_, err := Decode(bad)
			wantCode(t, err, pos.EMALFORMED)
			_, err = Verify(bad, testTrust())
			wantCode(t, err, pos.EMALFORMED)
		})
	}
}

// TestTamperEveryBit flips each bit of each of the 108 code bytes, writes the
// tampered bytes as text again and checks the exact refusal.
func TestTamperEveryBit(t *testing.T) {
	tl := testTrust()
	text := mustEncode(t, testVoucher(), keyA)
	orig := rawOf(t, text)
	fields := []struct {
		name     string
		off, len int
		want     string
	}{
		{"version", offVersion, 1, pos.EMALFORMED},
		{"key id", offKeyID, 4, pos.ESYNC},
		{"campaign", offCampaign, 2, pos.EBADSIGNATURE},
		{"serial", offSerial, 4, pos.EBADSIGNATURE},
		{"holder", offHolder, 8, pos.EBADSIGNATURE},
		{"unit", offUnit, 4, pos.EBADSIGNATURE},
		{"value", offValue, 4, pos.EBADSIGNATURE}, // ¥300 has several bits set: one flip never makes it 0
		{"not-before", offNotBefore, 4, pos.EBADSIGNATURE},
		{"not-after", offNotAfter, 4, pos.EBADSIGNATURE},
		{"issued-at", offIssuedAt, 4, pos.EBADSIGNATURE},
		{"scope", offScope, 4, pos.EBADSIGNATURE},
		{"flags", offFlags, 1, pos.EBADSIGNATURE},
		{"signature R", BodySize, 32, pos.EBADSIGNATURE},
		{"signature S", BodySize + 32, 32, pos.EBADSIGNATURE},
	}
	covered := 0
	for _, f := range fields {
		if f.off != covered {
			t.Fatalf("field table has a gap at byte %d", covered)
		}
		covered += f.len
		t.Run(f.name, func(t *testing.T) {
			for i := f.off; i < f.off+f.len; i++ {
				for bit := range 8 {
					raw := bytes.Clone(orig)
					raw[i] ^= 1 << bit
					want := f.want
					// A flip that ends the window before it starts is caught
					// by the structural check, before the signature.
					nb := binary.BigEndian.Uint32(raw[offNotBefore:])
					na := binary.BigEndian.Uint32(raw[offNotAfter:])
					if nb > na {
						want = pos.EMALFORMED
					}
					v, err := Verify(encodeText(raw), tl)
					if got := pos.ErrorCode(err); got != want {
						t.Fatalf("byte %d bit %d: code %q (%v), want %q", i, bit, got, err, want)
					}
					if v != nil {
						t.Fatalf("byte %d bit %d: voucher returned with error", i, bit)
					}
				}
			}
		})
	}
	if covered != CodeSize {
		t.Fatalf("field table covers %d bytes, want %d", covered, CodeSize)
	}
}

// TestTamperFields changes one field to another plausible value, keeping the
// original signature.
func TestTamperFields(t *testing.T) {
	tl := testTrust()
	orig := testVoucher()
	text := mustEncode(t, orig, keyA)
	sig := rawOf(t, text)[BodySize:]
	tests := []struct {
		name   string
		modify func(v *pos.Voucher)
		want   string
	}{
		{"version 2", func(v *pos.Voucher) { v.Version = 2 }, pos.EMALFORMED},
		{"unknown key", func(v *pos.Voucher) { v.KeyID = pos.KeyIDOf(pub(keyX)) }, pos.ESYNC},
		{"another trusted key", func(v *pos.Voucher) { v.KeyID = pos.KeyIDOf(pub(keyC)) }, pos.EBADSIGNATURE},
		{"campaign", func(v *pos.Voucher) { v.Campaign = 2021 }, pos.EBADSIGNATURE},
		{"serial", func(v *pos.Voucher) { v.Serial = 43 }, pos.EBADSIGNATURE},
		{"holder", func(v *pos.Voucher) { v.Holder = HolderOf([]byte("issuer secret"), "someone else") }, pos.EBADSIGNATURE},
		{"unit", func(v *pos.Voucher) { v.Unit = 3401002 }, pos.EBADSIGNATURE},
		{"value", func(v *pos.Voucher) { v.Value = pos.Yuan(3000) }, pos.EBADSIGNATURE},
		{"not-before", func(v *pos.Voucher) { v.NotBefore = v.NotBefore.AddDate(0, -1, 0) }, pos.EBADSIGNATURE},
		{"not-after", func(v *pos.Voucher) { v.NotAfter = v.NotAfter.AddDate(1, 0, 0) }, pos.EBADSIGNATURE},
		{"issued-at", func(v *pos.Voucher) { v.IssuedAt = v.IssuedAt.Add(time.Hour) }, pos.EBADSIGNATURE},
		{"scope", func(v *pos.Voucher) { v.Scope = 7 }, pos.EBADSIGNATURE},
		{"flags cleared", func(v *pos.Voucher) { v.Flags = 0 }, pos.EBADSIGNATURE},
		{"test flag", func(v *pos.Voucher) { v.Flags |= pos.FlagTest }, pos.EBADSIGNATURE},
		{"value zero", func(v *pos.Voucher) { v.Value = 0 }, pos.EMALFORMED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := *orig
			tt.modify(&v)
			body := bodyBytes(t, &v)
			_, err := Verify(encodeText(append(body, sig...)), tl)
			wantCode(t, err, tt.want)
		})
	}
}

// bodyBytes writes a body without marshalBody's checks, so tests can build
// bodies Encode would refuse.
func bodyBytes(t *testing.T, v *pos.Voucher) []byte {
	t.Helper()
	w := *v
	if w.Value == 0 {
		w.Value = 1
	}
	b, err := marshalBody(&w)
	if err != nil {
		t.Fatalf("marshalBody: %v", err)
	}
	if v.Value == 0 {
		binary.BigEndian.PutUint32(b[offValue:], 0)
	}
	return b[:]
}

// TestTamperEveryDigit changes each digit of the text: every change is refused.
func TestTamperEveryDigit(t *testing.T) {
	tl := testTrust()
	text := mustEncode(t, testVoucher(), keyA)
	for i := range len(text) {
		b := []byte(text)
		b[i] = '0' + (b[i]-'0'+1)%10
		v, err := Verify(string(b), tl)
		if err == nil || v != nil {
			t.Fatalf("digit %d changed: accepted", i)
		}
		want := map[string]bool{pos.EMALFORMED: true, pos.EUPDATE: true, pos.ESYNC: true, pos.EBADSIGNATURE: true}
		if c := pos.ErrorCode(err); !want[c] {
			t.Fatalf("digit %d changed: code %q (%v)", i, c, err)
		}
	}
}

func TestVerifyRefuses(t *testing.T) {
	tl := testTrust()
	signed := func(k byte, modify func(v *pos.Voucher)) string {
		v := testVoucher()
		modify(v)
		return mustEncode(t, v, testKey(k))
	}
	same := func(v *pos.Voucher) {}
	valid := signed(1, same)
	forged := func() string {
		raw := rawOf(t, signed(9, same))
		id := pos.KeyIDOf(pub(keyA))
		copy(raw[offKeyID:], id[:])
		return encodeText(raw)
	}()
	tests := []struct {
		name string
		text string
		tl   *pos.TrustList
		want string
	}{
		{"valid", valid, tl, ""},
		{"valid with scanner terminator", " " + valid + "\r\n", tl, ""},
		{"format 02", "9902" + valid[4:], tl, pos.EUPDATE},
		{"format 99", "9999" + valid[4:], tl, pos.EUPDATE},
		{"format 02 of another length", "9902" + strings.Repeat("5", 300), tl, pos.EUPDATE},
		{"format 02, shortest plausible", "9902" + strings.Repeat("5", 60), tl, pos.EUPDATE},
		{"format 02, too short to be a voucher", "9902" + strings.Repeat("5", 59), tl, pos.EMALFORMED},
		{"prefix 98", "9801" + valid[4:], tl, pos.EMALFORMED},
		{"unknown key", signed(9, same), tl, pos.ESYNC},
		{"forged with a trusted key id", forged, tl, pos.EBADSIGNATURE},
		{"key not allowed for campaign", signed(1, func(v *pos.Voucher) { v.Campaign = 2021 }), tl, pos.EKEYNOTALLOWED},
		{"campaign of another key", signed(2, same), tl, pos.EKEYNOTALLOWED},
		{"issued before key window", signed(1, func(v *pos.Voucher) { v.IssuedAt = cst(2020, 6, 30, 23, 59, 59) }), tl, pos.EKEYNOTALLOWED},
		{"issued after key window", signed(1, func(v *pos.Voucher) { v.IssuedAt = cst(2020, 9, 1, 0, 0, 0) }), tl, pos.EKEYNOTALLOWED},
		{"issued at key window start", signed(1, func(v *pos.Voucher) { v.IssuedAt = cst(2020, 7, 1, 0, 0, 0) }), tl, ""},
		{"issued at key window end", signed(1, func(v *pos.Voucher) { v.IssuedAt = cst(2020, 8, 31, 23, 59, 59) }), tl, ""},
		{"unknown flag", signed(1, func(v *pos.Voucher) { v.Flags |= 1 << 3 }), tl, pos.EUPDATE},
		{"no trust list", valid, nil, pos.ENOTPROVISIONED},
		{"empty trust list", valid, &pos.TrustList{}, pos.ESYNC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Verify(tt.text, tt.tl)
			wantCode(t, err, tt.want)
			if (v != nil) != (tt.want == "") {
				t.Fatalf("voucher %v with error %v", v, err)
			}
		})
	}
}

func TestVerifyErrorParams(t *testing.T) {
	text := mustEncode(t, testVoucher(), keyX)
	_, err := Verify(text, testTrust())
	if got, want := pos.ErrorParams(err)["key"], pos.KeyIDOf(pub(keyX)).String(); got != want {
		t.Fatalf("ESYNC key param %q, want %q", got, want)
	}
	_, err = Verify("9907"+text[4:], testTrust())
	if got := pos.ErrorParams(err)["version"]; got != "07" {
		t.Fatalf("EUPDATE version param %q, want 07", got)
	}
}

func TestGarbage(t *testing.T) {
	valid := mustEncode(t, testVoucher(), keyA)
	tests := []struct {
		name string
		text string
	}{
		{"empty", ""},
		{"whitespace only", " \r\n\t"},
		{"letters", "hello voucher"},
		{"hex", strings.Repeat("ab", 134)},
		{"99 only", "99"},
		{"990", "990"},
		{"prefix only", "9901"},
		{"266 digits", valid[:266]},
		{"268 digits", valid + "0"},
		{"266 zeros", "9901" + strings.Repeat("0", 262)},
		{"10 KB of digits", "9901" + strings.Repeat("1", 10*1024)},
		{"10 KB of nines", strings.Repeat("9", 10*1024)},
		{"EAN-13", "6901234567892"},
		{"EAN-13 coupon", "9912345678905"},
		{"fullwidth digits", "１２３"},
		{"fullwidth digit inside", valid[:100] + "１" + valid[101:]},
		{"arabic-indic digits", "٩٩٠١" + valid[4:]},
		{"embedded NUL", valid[:100] + "\x00" + valid[100:]},
		{"NUL replacing a digit", valid[:100] + "\x00" + valid[101:]},
		{"trailing NUL", valid + "\x00"},
		{"inner space", valid[:100] + " " + valid[101:]},
		{"sign", "-" + valid[1:]},
		{"plus", "+" + valid},
		{"AIM prefix", "]Q1" + valid},
		{"invalid UTF-8", "\xff\xfe" + valid[2:]},
		{"version byte 0", encodeText(append([]byte{0}, rawOf(t, valid)[1:]...))},
		{"version byte 2", encodeText(append([]byte{2}, rawOf(t, valid)[1:]...))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, f := range map[string]func(string) (*pos.Voucher, error){
				"Decode": Decode,
				"Verify": func(s string) (*pos.Voucher, error) { return Verify(s, testTrust()) },
			} {
				v, err := f(tt.text)
				if pos.ErrorCode(err) != pos.EMALFORMED || v != nil {
					t.Fatalf("%s: voucher %v, error %v; want %s", name, v, err, pos.EMALFORMED)
				}
			}
		})
	}
}

func TestLooks(t *testing.T) {
	valid := mustEncode(t, testVoucher(), keyA)
	tests := []struct {
		text string
		want bool
	}{
		{valid, true},
		{"\r\n" + valid + "\r\n", true},
		{"9902" + valid[4:], true},
		{"9902" + strings.Repeat("3", 400), true},
		{valid[:200], true}, // a partial scan: a voucher, and Verify says malformed
		{"", false},
		{"9912345678905", false},
		{"6901234567892", false},
		{"99" + strings.Repeat("0", 50), false},
		{"1901" + valid[4:], false},
		{"99ab" + valid[4:], false},
		{"9901" + strings.Repeat("0", 600), false},
		{valid[:100] + "\x00" + valid[101:], false},
	}
	for i, tt := range tests {
		if got := Looks(tt.text); got != tt.want {
			t.Errorf("case %d (%.20q…, %d chars): Looks = %v, want %v", i, tt.text, len(tt.text), got, tt.want)
		}
	}
}
