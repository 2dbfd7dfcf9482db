package bolt

import (
	"encoding/binary"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
	"time"
)

// Redemption marks live in one bucket keyed holder ‖ campaign ‖ serial, so
// that "already redeemed here?" is one lookup (the verified voucher names
// its holder) and a member's total for the per-person cap is one short
// prefix scan. The value is seq ‖ time ‖ face of the sale that used it.

type mark struct {
	seq  uint64
	time time.Time
	face pos.Money
}

func markKey(h pos.HolderRef, campaign uint16, serial uint32) []byte {
	k := append(make([]byte, 0, 14), h[:]...)
	k = binary.BigEndian.AppendUint16(k, campaign)
	return binary.BigEndian.AppendUint32(k, serial)
}

func readMark(tx *bolt.Tx, v *pos.Voucher) (mark, bool) {
	b := tx.Bucket(bucketRedeemed).Get(markKey(v.Holder, v.Campaign, v.Serial))
	if len(b) != 24 {
		return mark{}, false
	}
	return mark{
		seq:  binary.BigEndian.Uint64(b),
		time: fromUnixNano(int64(binary.BigEndian.Uint64(b[8:]))),
		face: pos.Money(binary.BigEndian.Uint64(b[16:])),
	}, true
}

func putMark(tx *bolt.Tx, v *pos.Voucher, m mark) error {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 24), m.seq)
	b = binary.BigEndian.AppendUint64(b, uint64(unixNano(m.time)))
	b = binary.BigEndian.AppendUint64(b, uint64(m.face))
	return tx.Bucket(bucketRedeemed).Put(markKey(v.Holder, v.Campaign, v.Serial), b)
}

func deleteMark(tx *bolt.Tx, a pos.AppliedVoucher) error {
	return tx.Bucket(bucketRedeemed).Delete(markKey(a.Holder, a.Campaign, a.ID.Serial()))
}

// holderTotal is the face value member h redeemed here in campaign.
func holderTotal(tx *bolt.Tx, h pos.HolderRef, campaign uint16) pos.Money {
	prefix := markKey(h, campaign, 0)[:10]
	var sum pos.Money
	c := tx.Bucket(bucketRedeemed).Cursor()
	for k, v := c.Seek(prefix); k != nil && string(k[:10]) == string(prefix); k, v = c.Next() {
		if len(v) == 24 {
			sum += pos.Money(binary.BigEndian.Uint64(v[16:]))
		}
	}
	return sum
}

// yieldMarks lifts the "used here" marks whose voucher the server gave back
// (a return of the sale taken at another terminal reinstated it, or a void
// the server applied): the server's word on a sale it holds is the later
// one. A mark yields only for a sale the server answered for (up to the
// watermark, or answered out of order) and still holds (up to serverSeq,
// when known: a server restored from an older backup may have lost it, and
// its "valid" then means nothing), and only when the voucher became valid:
// changed to valid in this download's delta (valid), or not valid before a
// snapshot and valid after it (snapBefore, from marksNotValid). It returns
// how many marks it lifted.
func yieldMarks(tx *bolt.Tx, valid map[pos.VoucherID]bool, snapBefore map[pos.VoucherID]bool, serverSeq uint64, hasServerSeq bool) (int, error) {
	if len(valid) == 0 && len(snapBefore) == 0 {
		return 0, nil
	}
	w := watermark(tx)
	acks := tx.Bucket(bucketAcks)
	var drop [][]byte
	c := tx.Bucket(bucketRedeemed).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != 14 || len(v) != 24 {
			continue
		}
		id := pos.NewVoucherID(binary.BigEndian.Uint16(k[8:]), binary.BigEndian.Uint32(k[10:]))
		if !valid[id] && !snapBefore[id] {
			continue
		}
		seq := binary.BigEndian.Uint64(v)
		if (seq > w && acks.Get(u64(seq)) == nil) || (hasServerSeq && seq > serverSeq) || statusOf(tx, id) != pos.StatusValid {
			continue
		}
		drop = append(drop, append([]byte(nil), k...))
	}
	for _, k := range drop {
		if err := tx.Bucket(bucketRedeemed).Delete(k); err != nil {
			return 0, err
		}
	}
	return len(drop), nil
}

// marksNotValid returns the vouchers marked used here whose cached status
// is not valid, before a snapshot replaces the statuses (yieldMarks).
func marksNotValid(tx *bolt.Tx) map[pos.VoucherID]bool {
	out := map[pos.VoucherID]bool{}
	tx.Bucket(bucketRedeemed).ForEach(func(k, v []byte) error {
		if len(k) == 14 {
			id := pos.NewVoucherID(binary.BigEndian.Uint16(k[8:]), binary.BigEndian.Uint32(k[10:]))
			if statusOf(tx, id) != pos.StatusValid {
				out[id] = true
			}
		}
		return nil
	})
	return out
}
