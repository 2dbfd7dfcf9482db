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
