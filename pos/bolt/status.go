package bolt

import (
	"encoding/binary"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// Status cache geometry: 2 bits per serial, chunks of 4096 serials.
const (
	chunkSerials = 4096
	chunkBytes   = chunkSerials / 4
)

// ApplyStatusSnapshot replaces the whole status list of campaign with
// packed: 2 bits per serial from serial 0 (serial s in byte s/4, bits
// 2*(s%4), values pos.VoucherStatus). All-valid chunks are not stored. One
// transaction: a failed apply leaves the previous list in place.
func (db *DB) ApplyStatusSnapshot(campaign uint16, packed []byte, actor string) error {
	return db.update("apply status snapshot", func(tx *bolt.Tx) error {
		if err := applySnapshot(tx, campaign, packed); err != nil {
			return err
		}
		return db.audit(tx, actor, pos.AuditStatus, map[string]string{
			"campaign": strconv.Itoa(int(campaign)), "snapshot_bytes": strconv.Itoa(len(packed))})
	})
}

// applySnapshot replaces campaign's chunks inside tx.
func applySnapshot(tx *bolt.Tx, campaign uint16, packed []byte) error {
	b := tx.Bucket(bucketStatus)
	prefix := binary.BigEndian.AppendUint16(nil, campaign)
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && len(k) == 6 && binary.BigEndian.Uint16(k) == campaign; k, _ = c.Seek(prefix) {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	b.FillPercent = 1.0
	for off := 0; off < len(packed); off += chunkBytes {
		chunk := packed[off:min(off+chunkBytes, len(packed))]
		if allZero(chunk) {
			continue
		}
		v := make([]byte, chunkBytes)
		copy(v, chunk)
		if err := b.Put(chunkKey(campaign, uint32(off/chunkBytes)), v); err != nil {
			return err
		}
	}
	return nil
}

// applyChanges sets voucher statuses and holder suspensions inside tx.
func applyChanges(tx *bolt.Tx, vouchers []pos.StatusChange, holders []pos.HolderChange) error {
	for _, ch := range vouchers {
		if err := setStatus(tx, ch.Voucher, ch.Status); err != nil {
			return err
		}
	}
	for _, h := range holders {
		if err := setSuspended(tx, h.Holder, h.Suspended); err != nil {
			return err
		}
	}
	return nil
}

// ApplyStatusDelta applies voucher and holder changes in one transaction.
func (db *DB) ApplyStatusDelta(vouchers []pos.StatusChange, holders []pos.HolderChange, actor string) error {
	if len(vouchers) == 0 && len(holders) == 0 {
		return nil
	}
	return db.update("apply status changes", func(tx *bolt.Tx) error {
		if err := applyChanges(tx, vouchers, holders); err != nil {
			return err
		}
		return db.audit(tx, actor, pos.AuditStatus, map[string]string{
			"vouchers": strconv.Itoa(len(vouchers)), "holders": strconv.Itoa(len(holders))})
	})
}

// Status returns what the cache says of voucher id.
func (db *DB) Status(id pos.VoucherID) (pos.VoucherStatus, error) {
	var s pos.VoucherStatus
	err := db.view("read status", func(tx *bolt.Tx) error {
		s = statusOf(tx, id)
		return nil
	})
	return s, err
}

func chunkKey(campaign uint16, chunk uint32) []byte {
	k := binary.BigEndian.AppendUint16(make([]byte, 0, 6), campaign)
	return binary.BigEndian.AppendUint32(k, chunk)
}

func statusOf(tx *bolt.Tx, id pos.VoucherID) pos.VoucherStatus {
	s := id.Serial()
	v := tx.Bucket(bucketStatus).Get(chunkKey(id.Campaign(), s/chunkSerials))
	if v == nil {
		return pos.StatusValid
	}
	i := s % chunkSerials
	return pos.VoucherStatus(v[i/4] >> (2 * (i % 4)) & 3)
}

func setStatus(tx *bolt.Tx, id pos.VoucherID, st pos.VoucherStatus) error {
	if st > pos.StatusSuspended {
		return pos.Errorf(pos.EINVALID, "voucher %s: unknown status %d", id, st)
	}
	b := tx.Bucket(bucketStatus)
	s := id.Serial()
	key := chunkKey(id.Campaign(), s/chunkSerials)
	v := make([]byte, chunkBytes)
	copy(v, b.Get(key))
	i := s % chunkSerials
	v[i/4] = v[i/4]&^(3<<(2*(i%4))) | byte(st)<<(2*(i%4))
	if allZero(v) {
		return b.Delete(key)
	}
	return b.Put(key, v)
}

// holderKey is the holders-bucket key of a suspended member.
func holderKey(h pos.HolderRef) []byte { return append([]byte{'S'}, h[:]...) }

func suspended(tx *bolt.Tx, h pos.HolderRef) bool {
	return tx.Bucket(bucketHolders).Get(holderKey(h)) != nil
}

func setSuspended(tx *bolt.Tx, h pos.HolderRef, on bool) error {
	b := tx.Bucket(bucketHolders)
	if on {
		return b.Put(holderKey(h), []byte{1})
	}
	return b.Delete(holderKey(h))
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// StatusCacheBytes returns the disk pages the status cache occupies, for
// the 1-byte-per-voucher budget and the technician's diagnostics.
func (db *DB) StatusCacheBytes() (int64, error) {
	var n int64
	err := db.view("measure status cache", func(tx *bolt.Tx) error {
		st := tx.Bucket(bucketStatus).Stats()
		n = int64(st.BranchAlloc + st.LeafAlloc)
		return nil
	})
	return n, err
}
