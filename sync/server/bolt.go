package server

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"fupinpos/pos"
)

var (
	bucketMeta    = []byte("meta")
	bucketIssued  = []byte("issued")  // voucher id (8 B) → encodeIssued
	bucketHolders = []byte("holders") // campaign (2 B) ‖ holder (8 B) → issued fen (8 B)
	bucketSerials = []byte("serials") // campaign (2 B) → last serial (4 B)
	keyDeployment = []byte("deployment")
)

// Bolt is the embedded bbolt Store: one file, fsync on every commit.
type Bolt struct {
	db       *bolt.DB
	upgraded *Upgrade
}

// OpenBolt opens (creating if needed) the server database at path. A file
// of an older schema (BoltSchema) is upgraded once, in the opening
// transaction: all of it or nothing; a file of a newer schema is refused
// (ECONFLICT) and left as it is.
func OpenBolt(path string) (*Bolt, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, pos.WrapError(pos.EBUSY, err, "another process holds %s (voucherd serve, or a voucherd command still running)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open server database %s: %w", path, err)
	}
	s := &Bolt{db: db}
	err = db.Update(func(tx *bolt.Tx) error {
		version := BoltSchema
		if m := tx.Bucket(bucketMeta); m != nil {
			v, err := schemaVersion(m)
			if err != nil {
				return err
			}
			if v > BoltSchema {
				return pos.Errorf(pos.ECONFLICT, "the server database %s has schema version %d, newer than this voucherd knows (%d): upgrade voucherd", path, v, BoltSchema).
					With("schema", strconv.Itoa(v))
			}
			version = v
		}
		for _, b := range append([][]byte{bucketMeta, bucketIssued, bucketHolders, bucketSerials}, syncBuckets...) {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		if err := compactFeed(tx, version); err != nil {
			return err
		}
		if version < BoltSchema {
			n := 0
			if version < 2 {
				var err error
				if n, err = upgradeV1(tx); err != nil {
					return err
				}
			}
			m := 0
			if version < 3 {
				var err error
				if m, err = upgradeV2(tx); err != nil {
					return err
				}
			}
			// 3 → 4: no data change (followerKey).
			s.upgraded = &Upgrade{From: version, To: BoltSchema, Records: max(n, m)}
		}
		if err := IndexIncidents(tx); err != nil {
			return err
		}
		if err := tx.Bucket(bucketMeta).Put(keySchema, []byte(strconv.Itoa(BoltSchema))); err != nil {
			return err
		}
		return initEpoch(tx)
	})
	if err != nil {
		db.Close()
		if pos.ErrorCode(err) != pos.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("init server database %s: %w", path, err)
	}
	return s, nil
}

// Upgraded returns what OpenBolt did to an older file, or nil when the
// file was current (or new).
func (s *Bolt) Upgraded() *Upgrade { return s.upgraded }

// Close closes the database file.
func (s *Bolt) Close() error { return s.db.Close() }

// Deployment returns the stored deployment.
func (s *Bolt) Deployment() (*Deployment, error) {
	var d Deployment
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMeta).Get(keyDeployment)
		if b == nil {
			return pos.Errorf(pos.ENOTFOUND, "no deployment: run voucherd init")
		}
		return json.Unmarshal(b, &d)
	})
	return &d, err
}

// UpdateDeployment runs fn on the deployment (empty before init) and stores it.
func (s *Bolt) UpdateDeployment(fn func(d *Deployment) error) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		var d Deployment
		if b := tx.Bucket(bucketMeta).Get(keyDeployment); b != nil {
			if err := json.Unmarshal(b, &d); err != nil {
				return fmt.Errorf("decode deployment: %w", err)
			}
		}
		if err := fn(&d); err != nil {
			return err
		}
		b, err := json.Marshal(&d)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyDeployment, b)
	})
}

func holderKey(campaign uint16, h pos.HolderRef) []byte {
	k := make([]byte, 10)
	binary.BigEndian.PutUint16(k, campaign)
	copy(k[2:], h[:])
	return k
}

func idKey(id pos.VoucherID) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(id))
}

// Issue records a batch in one write transaction: bbolt has one writer at
// a time (and one process holds the file), so the totals check reads are
// the ones the batch adds to.
func (s *Bolt) Issue(campaign uint16, reqs []IssueRequest, check func(map[pos.HolderRef]pos.Money) error, build func(uint32, IssueRequest) (Issuance, error)) ([]Issuance, error) {
	var out []Issuance
	err := s.db.Update(func(tx *bolt.Tx) error {
		out = out[:0]
		holders, issued, serials := tx.Bucket(bucketHolders), tx.Bucket(bucketIssued), tx.Bucket(bucketSerials)
		issued.FillPercent = appendFill
		totals := map[pos.HolderRef]pos.Money{}
		for _, r := range reqs {
			if _, ok := totals[r.Holder]; ok {
				continue
			}
			if b := holders.Get(holderKey(campaign, r.Holder)); b != nil {
				totals[r.Holder] = pos.Money(binary.BigEndian.Uint64(b))
			}
		}
		if err := check(maps.Clone(totals)); err != nil {
			return err
		}
		ck := binary.BigEndian.AppendUint16(nil, campaign)
		var last uint32
		if b := serials.Get(ck); b != nil {
			last = binary.BigEndian.Uint32(b)
		}
		for _, r := range reqs {
			if last == ^uint32(0) {
				return pos.Errorf(pos.ECONFLICT, "campaign %d has no serials left", campaign)
			}
			last++
			is, err := build(last, r)
			if err != nil {
				return err
			}
			if err := issued.Put(idKey(is.ID), encodeIssued(&is)); err != nil {
				return err
			}
			totals[r.Holder] += r.Value
			out = append(out, is)
		}
		for h, total := range totals {
			if err := holders.Put(holderKey(campaign, h), binary.BigEndian.AppendUint64(nil, uint64(total))); err != nil {
				return err
			}
		}
		return serials.Put(ck, binary.BigEndian.AppendUint32(nil, last))
	})
	if err != nil {
		if pos.ErrorCode(err) == pos.EINTERNAL {
			return nil, pos.WrapError(pos.ESTORAGE, err, "record issuance")
		}
		return nil, err
	}
	return out, nil
}

// AdoptIssued records the issuances the database lacks (Store.AdoptIssued).
// A read transaction finds them first, so the usual upload, whose vouchers
// are all known, costs no second commit.
func (s *Bolt) AdoptIssued(iss []Issuance) (int, error) {
	missing := func(tx *bolt.Tx) []Issuance {
		var out []Issuance
		b := tx.Bucket(bucketIssued)
		for _, is := range iss {
			if b.Get(idKey(is.ID)) == nil && !slices.ContainsFunc(out, func(o Issuance) bool { return o.ID == is.ID }) {
				out = append(out, is)
			}
		}
		return out
	}
	var todo []Issuance
	if err := s.db.View(func(tx *bolt.Tx) error { todo = missing(tx); return nil }); err != nil || len(todo) == 0 {
		return 0, err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		todo = missing(tx)
		holders, issued, serials := tx.Bucket(bucketHolders), tx.Bucket(bucketIssued), tx.Bucket(bucketSerials)
		for _, is := range todo {
			if err := issued.Put(idKey(is.ID), encodeIssued(&is)); err != nil {
				return err
			}
			hk := holderKey(is.ID.Campaign(), is.Holder)
			var total pos.Money
			if b := holders.Get(hk); b != nil {
				total = pos.Money(binary.BigEndian.Uint64(b))
			}
			if err := holders.Put(hk, binary.BigEndian.AppendUint64(nil, uint64(total+is.Value))); err != nil {
				return err
			}
			ck := binary.BigEndian.AppendUint16(nil, is.ID.Campaign())
			if b := serials.Get(ck); b == nil || binary.BigEndian.Uint32(b) < is.ID.Serial() {
				if err := serials.Put(ck, binary.BigEndian.AppendUint32(nil, is.ID.Serial())); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, pos.WrapError(pos.ESTORAGE, err, "record issuance")
	}
	return len(todo), nil
}

// IssuedTotal returns the value issued to holder in campaign.
func (s *Bolt) IssuedTotal(campaign uint16, h pos.HolderRef) (pos.Money, error) {
	var total pos.Money
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketHolders).Get(holderKey(campaign, h)); b != nil {
			total = pos.Money(binary.BigEndian.Uint64(b))
		}
		return nil
	})
	return total, err
}

// Issued returns the issuance record of id.
func (s *Bolt) Issued(id pos.VoucherID) (*Issuance, error) {
	var is *Issuance
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketIssued).Get(idKey(id))
		if b == nil {
			return pos.Errorf(pos.ENOTFOUND, "voucher %s was not issued here", id)
		}
		var err error
		is, err = decodeIssued(id, b)
		return err
	})
	if err != nil {
		return &Issuance{}, err
	}
	return is, nil
}

var _ Store = (*Bolt)(nil)

// fileMode is the mode of every secret file the server writes.
const fileMode os.FileMode = 0o600
