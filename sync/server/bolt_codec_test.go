package server

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// TestBoltCodecsRoundTrip: every binary record decodes to what was
// encoded, and a cut record is an error, never a silent zero.
func TestBoltCodecsRoundTrip(t *testing.T) {
	at := time.Date(2020, 9, 15, 2, 0, 0, 123, time.UTC)
	h := pos.HolderRef{1, 2, 3, 4, 5, 6, 7, 8}
	rec := &StoredRecord{Entry: pos.Entry{Body: []byte(`{"seq":3,"time":"2020-09-15T10:00:00+08:00"}`), Hash: pos.Hash{9, 9}, Sig: []byte{1, 2, 3}},
		Result: pos.UploadConflict, Reason: "redeemed_elsewhere", Detail: "both kept", Received: at}
	claims := []wire.Claim{{Terminal: "T1", Store: "HF-001", Seq: 7, Receipt: "T1-000007", Time: at, Counted: true},
		{Terminal: "T2", Store: "HF-002", Seq: 1, Receipt: "T2-000001", Time: at, Voided: true}}
	sale := &StoredRecord{Entry: pos.Entry{Body: []byte(`{"seq":1,"prev":"00","kind":"sale","time":"2020-09-15T10:00:00+08:00","store":"HF-001","terminal":"T01",` +
		`"lines":[{"sku":"DS-PEAR-5","name":"砀山酥梨 5斤装","unit":"箱","county":"砀山县","price":3990,"qty":2,"eligible":true}],"total":7980,"eligible":7980,` +
		`"vouchers":[{"id":8675833937921,"campaign":2020,"code":"` + strings.Repeat("9901003391", 26) + `"}]}`)}, Result: pos.UploadAccepted, Received: at}
	if v := must1(encodeRecord(sale)); v[0] != recPacked || len(v) > len(sale.Entry.Body)*3/4 {
		t.Errorf("a sale's record is format %d, %d bytes for a %d-byte body", v[0], len(v), len(sale.Entry.Body))
	}
	head := Head{Seq: 42, Hash: pos.Hash{7}, Records: 40, LastSeen: at}
	code := strings.Repeat("9901234567", 26) + "8901234"
	cases := []struct {
		name string
		enc  []byte
		dec  func([]byte) (any, error)
		want any
	}{
		{"record", must1(encodeRecord(rec)), func(b []byte) (any, error) { return decodeRecord(b) }, rec},
		{"packed record", must1(encodeRecord(sale)), func(b []byte) (any, error) { return decodeRecord(b) }, sale},
		{"claims", encodeClaims(claims), func(b []byte) (any, error) { return decodeClaims(b) }, claims},
		{"head", encodeHead(&head), func(b []byte) (any, error) { return decodeHead(b) }, head},
		{"voucher change", encodeChange(&Change{Voucher: pos.NewVoucherID(2020, 5), Status: pos.StatusRevoked}),
			func(b []byte) (any, error) { return decodeChange(3, b) }, Change{Seq: 3, Voucher: pos.NewVoucherID(2020, 5), Status: pos.StatusRevoked}},
		{"holder change", encodeChange(&Change{Holder: &h, Suspended: true}),
			func(b []byte) (any, error) { return decodeChange(4, b) }, Change{Seq: 4, Holder: &h, Suspended: true}},
		{"issued, digits", encodeIssued(&Issuance{ID: pos.NewVoucherID(2020, 1), Member: "M-1", Holder: h, Unit: 1001, Value: 30000, IssuedAt: at, Code: code}),
			func(b []byte) (any, error) { return decodeIssued(pos.NewVoucherID(2020, 1), b) },
			&Issuance{ID: pos.NewVoucherID(2020, 1), Member: "M-1", Holder: h, Unit: 1001, Value: 30000, IssuedAt: at, Code: code}},
		{"issued, other text", encodeIssued(&Issuance{ID: 1, Member: "张三", Holder: h, Unit: 1, Value: 1, Code: "code-1"}),
			func(b []byte) (any, error) { return decodeIssued(1, b) }, &Issuance{ID: 1, Member: "张三", Holder: h, Unit: 1, Value: 1, Code: "code-1"}},
	}
	for _, c := range cases {
		got, err := c.dec(c.enc)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: decoded %+v, want %+v", c.name, got, c.want)
		}
		if c.name != "record" { // an unpacked record's body runs to the end: any cut is still a body
			if _, err := c.dec(c.enc[:len(c.enc)-1]); err == nil {
				t.Errorf("%s: a record cut by one byte decodes", c.name)
			}
		}
		if _, err := c.dec(append([]byte{7}, c.enc[1:]...)); err == nil {
			t.Errorf("%s: an unknown format byte decodes", c.name)
		}
	}
	// The packed code is about half the digits.
	if n := len(encodeIssued(&Issuance{Code: code})); n > 150 {
		t.Errorf("issued record with a %d-digit code takes %d bytes", len(code), n)
	}
}

func must1[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// FuzzPackBody: any body without control bytes unpacks to exactly itself.
func FuzzPackBody(f *testing.F) {
	for _, s := range []string{
		`{"seq":1,"prev":"0000000000000000000000000000000000000000000000000000000000000000","kind":"sale","time":"2020-09-15T10:00:00+08:00"}`,
		`","holder":"5c2ef946163756b2","unit":1001,"face":10000,"code":"990100339152354150372000000000228185531972767530326425601"}`,
		"0123456789abcdef0123456789abcdefx", "12345678901", "123456789012", "abcdefabcdefabcdef7", `{"seq":`, `{"seq"`, "砀山酥梨 5斤装", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		packed, ok := packBody(nil, body)
		if !ok {
			for _, c := range body {
				if c < 0x20 {
					return
				}
			}
			t.Fatalf("%q was not packed", body)
		}
		got, err := unpackBody(packed)
		if err != nil || string(got) != string(body) {
			t.Fatalf("%q packed to %x unpacks to %q, %v", body, packed, got, err)
		}
	})
}

// TestRecordTime: the fast read of a record's time agrees with decoding
// the whole body, and other shapes fall back to the decoder.
func TestRecordTime(t *testing.T) {
	want := time.Date(2020, 9, 15, 23, 59, 59, 500_000_000, pos.CST)
	rec := &pos.Record{Seq: 12, Prev: pos.Hash{0xab}, Kind: pos.KindVoid, Time: want, Store: "HF-001", Voids: 3}
	body := must1(json.Marshal(rec))
	for _, c := range []struct {
		name string
		body string
		fast bool
		want time.Time
	}{
		{"a ledger record", string(body), true, want},
		{"other key order", `{"time":"2020-09-15T23:59:59.5+08:00","seq":1}`, false, want},
		{"no time", `{"seq":1,"prev":"00","kind":"sale"}`, false, time.Time{}},
		{"not JSON", `seq`, false, time.Time{}},
	} {
		_, fast := recordTimeFast([]byte(c.body))
		if got := recordTime([]byte(c.body)); !got.Equal(c.want) || fast != c.fast {
			t.Errorf("%s: recordTime %v (fast %v), want %v (fast %v)", c.name, got, fast, c.want, c.fast)
		}
	}
}
