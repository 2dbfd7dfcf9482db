package server

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// BoltSchema is the layout version of the server's bbolt file this build
// reads and writes, kept under meta/schema. Version 1 (v0.9.0 and before,
// no schema key) stored the API's JSON; version 2 stores the engine's own
// records (bolt_codec.go), a compact issued-voucher table and the index of
// records by CST day; version 3 adds the index of voids and returns by
// their sale (followers); version 4 lets a return name a sale of another
// terminal of the store (a follower key may end with the returning
// terminal: followerKey), a layout version 3 keys still read as before,
// so the upgrade changes no data, while a voucherd of version 3 refuses a
// file that may hold such keys. OpenBolt upgrades an older file once, in
// the opening transaction, and refuses a newer one.
const BoltSchema = 4

var keySchema = []byte("schema")

// schemaVersion reads the file's schema version; a file with a meta bucket
// and no version is version 1.
func schemaVersion(m *bolt.Bucket) (int, error) {
	v := m.Get(keySchema)
	if v == nil {
		return 1, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil || n < 1 {
		return 0, pos.Errorf(pos.EINTERNAL, "unreadable schema version %q", v)
	}
	return n, nil
}

// Upgrade says what OpenBolt did to an older file: schema From to To and
// how many ledger records it converted and indexed.
type Upgrade struct {
	From, To int
	Records  int
}

// The version 1 records, exactly as v0.9.0 wrote them (JSON of the API's
// types then), read only by the upgrade. Incidents keep their layout
// (incidentRec reads it).
type (
	v1Claim struct {
		Terminal string    `json:"terminal"`
		Store    string    `json:"store"`
		Seq      uint64    `json:"seq"`
		Receipt  string    `json:"receipt"`
		Time     time.Time `json:"time"`
		Voided   bool      `json:"voided,omitempty"`
		Counted  bool      `json:"counted,omitempty"`
	}
	v1Terminal struct {
		ID          string    `json:"id"`
		Store       string    `json:"store"`
		Name        string    `json:"name"`
		State       string    `json:"state"`
		Public      []byte    `json:"public,omitempty"`
		Hostname    string    `json:"hostname,omitempty"`
		Created     time.Time `json:"created"`
		CodeExpires time.Time `json:"code_expires,omitzero"`
		Enrolled    time.Time `json:"enrolled,omitzero"`
	}
	v1Record struct {
		Entry    pos.Entry        `json:"entry"`
		Result   pos.UploadResult `json:"result"`
		Reason   string           `json:"reason,omitempty"`
		Detail   string           `json:"detail,omitempty"`
		Received time.Time        `json:"received"`
	}
	v1Head struct {
		Seq      uint64    `json:"seq"`
		Hash     pos.Hash  `json:"hash"`
		Records  int       `json:"records"`
		LastSeen time.Time `json:"last_seen"`
	}
	v1Change struct {
		Voucher   pos.VoucherID     `json:"voucher,omitempty"`
		Status    pos.VoucherStatus `json:"status,omitempty"`
		Holder    *pos.HolderRef    `json:"holder,omitempty"`
		Suspended bool              `json:"suspended,omitempty"`
	}
	v1Issuance struct {
		ID       pos.VoucherID `json:"id"`
		Member   string        `json:"member"`
		Holder   pos.HolderRef `json:"holder"`
		Unit     uint32        `json:"unit"`
		Value    pos.Money     `json:"value"`
		IssuedAt time.Time     `json:"issued_at"`
		Code     string        `json:"code"`
	}
)

// rewrite replaces every value of bucket name with convert(key, value),
// in key order. The cursor seeks back to the key after each Put, since a
// bucket must not change under a running ForEach.
func rewrite(tx *bolt.Tx, name []byte, convert func(k, v []byte) ([]byte, error)) error {
	b := tx.Bucket(name)
	if b == nil {
		return nil
	}
	b.FillPercent = appendFill
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		nv, err := convert(k, v)
		if err != nil {
			return pos.WrapError(pos.EINTERNAL, err, "upgrade %s %x", name, k)
		}
		key := bytes.Clone(k)
		if err := b.Put(key, nv); err != nil {
			return err
		}
		c.Seek(key)
	}
	return nil
}

// upgradeV1 converts a version 1 file to version 2 inside tx and builds
// the index by day. It returns how many ledger records it converted.
func upgradeV1(tx *bolt.Tx) (int, error) {
	n := 0
	days := tx.Bucket(bucketDays)
	days.FillPercent = appendFill
	steps := []struct {
		bucket  []byte
		convert func(k, v []byte) ([]byte, error)
	}{
		{bucketRecords, func(k, v []byte) ([]byte, error) {
			var r v1Record
			if err := json.Unmarshal(v, &r); err != nil {
				return nil, err
			}
			n++
			if t := recordTime(r.Entry.Body); !t.IsZero() {
				if err := days.Put(dayKey(t, k), nil); err != nil {
					return nil, err
				}
			}
			return encodeRecord(&StoredRecord{Entry: r.Entry, Result: r.Result, Reason: r.Reason, Detail: r.Detail, Received: r.Received})
		}},
		{bucketHeads, func(_, v []byte) ([]byte, error) {
			var h v1Head
			if err := json.Unmarshal(v, &h); err != nil {
				return nil, err
			}
			return encodeHead(&Head{Seq: h.Seq, Hash: h.Hash, Records: h.Records, LastSeen: h.LastSeen}), nil
		}},
		{bucketClaims, func(_, v []byte) ([]byte, error) {
			var cs []v1Claim
			if err := json.Unmarshal(v, &cs); err != nil {
				return nil, err
			}
			return encodeClaims(claimsOfV1(cs)), nil
		}},
		{bucketChanges, func(_, v []byte) ([]byte, error) {
			var ch v1Change
			if err := json.Unmarshal(v, &ch); err != nil {
				return nil, err
			}
			return encodeChange(&Change{Voucher: ch.Voucher, Status: ch.Status, Holder: ch.Holder, Suspended: ch.Suspended}), nil
		}},
		{bucketTerminals, func(_, v []byte) ([]byte, error) {
			var t v1Terminal
			if err := json.Unmarshal(v, &t); err != nil {
				return nil, err
			}
			return json.Marshal(terminalRec(t))
		}},
		{bucketIssued, func(k, v []byte) ([]byte, error) {
			var is v1Issuance
			if err := json.Unmarshal(v, &is); err != nil {
				return nil, err
			}
			if len(k) != 8 || pos.VoucherID(binary.BigEndian.Uint64(k)) != is.ID {
				return nil, pos.Errorf(pos.EINTERNAL, "issued voucher %s under another key", is.ID)
			}
			return encodeIssued((*Issuance)(&is)), nil
		}},
	}
	for _, s := range steps {
		if err := rewrite(tx, s.bucket, s.convert); err != nil {
			return n, err
		}
	}
	return n, nil
}

// upgradeV2 builds the followers index of a version 2 file from its
// records and returns how many records it read.
func upgradeV2(tx *bolt.Tx) (int, error) {
	n := 0
	tx.Bucket(bucketFollowers).FillPercent = appendFill
	err := tx.Bucket(bucketRecords).ForEach(func(k, v []byte) error {
		n++
		if len(k) < 9 {
			return pos.Errorf(pos.EINTERNAL, "record key %x", k)
		}
		r, err := decodeRecord(v)
		if err != nil {
			return pos.WrapError(pos.EINTERNAL, err, "upgrade record %x", k)
		}
		return indexFollower(tx, string(k[:len(k)-9]), binary.BigEndian.Uint64(k[len(k)-8:]), r.Entry.Body)
	})
	return n, err
}

func claimsOfV1(cs []v1Claim) []wire.Claim {
	out := make([]wire.Claim, len(cs))
	for i, c := range cs {
		out[i] = wire.Claim(c)
	}
	return out
}
