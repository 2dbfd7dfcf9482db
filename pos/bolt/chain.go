package bolt

import (
	"bytes"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// appendEntry adds the next entry of the audit log, whose head (last seq and
// hash) lives under headKey in meta. seal builds and signs the body for the
// seq and previous hash it is given.
func appendEntry(tx *bolt.Tx, bucket, headKey []byte, seal func(seq uint64, prev pos.Hash) (pos.Entry, error)) (uint64, pos.Entry, error) {
	meta := tx.Bucket(bucketMeta)
	seq, prev := readHead(meta.Get(headKey))
	seq++
	e, err := seal(seq, prev)
	if err != nil {
		return 0, e, err
	}
	if err := tx.Bucket(bucket).Put(u64(seq), marshalEntry(e)); err != nil {
		return 0, e, err
	}
	head := binary.BigEndian.AppendUint64(nil, seq)
	head = append(head, e.Hash[:]...)
	return seq, e, meta.Put(headKey, head)
}

func readHead(b []byte) (uint64, pos.Hash) {
	var h pos.Hash
	if len(b) != 8+len(h) {
		return 0, h
	}
	copy(h[:], b[8:])
	return binary.BigEndian.Uint64(b), h
}

// marshalEntry stores an entry as hash ‖ signature ‖ body.
func marshalEntry(e pos.Entry) []byte {
	b := make([]byte, 0, len(e.Hash)+len(e.Sig)+len(e.Body))
	b = append(b, e.Hash[:]...)
	b = append(b, e.Sig...)
	return append(b, e.Body...)
}

// unmarshalEntry copies a stored entry out of the transaction's memory.
func unmarshalEntry(b []byte) (pos.Entry, error) {
	var e pos.Entry
	if len(b) < 32+64+2 {
		return e, pos.Errorf(pos.ECONFLICT, "log entry of %d bytes is truncated", len(b))
	}
	copy(e.Hash[:], b)
	e.Sig = bytes.Clone(b[32:96])
	e.Body = bytes.Clone(b[96:])
	return e, nil
}
