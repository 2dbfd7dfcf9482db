package server

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"fupinpos/pos"
)

// Backupper is a Store that can write a consistent copy of itself while it
// serves. size is called with the copy's length before the first byte.
type Backupper interface {
	Backup(w io.Writer, size func(n int64)) (int64, error)
}

// Backup writes a consistent copy of the database file to w inside one
// read transaction (bbolt's Tx.WriteTo): writers go on meanwhile, the copy
// is the state as of the transaction's start.
func (s *Bolt) Backup(w io.Writer, size func(n int64)) (int64, error) {
	return writeCopy(s.db, w, size)
}

func writeCopy(db *bolt.DB, w io.Writer, size func(int64)) (int64, error) {
	var n int64
	err := db.View(func(tx *bolt.Tx) error {
		if size != nil {
			size(tx.Size())
		}
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// BackupFile writes a consistent copy of the server database at path to w
// when no server holds it: it opens the file read-only (a shared lock).
// While `voucherd serve` holds the file the open fails with pos.EBUSY
// after timeout; back up through its admin endpoint instead.
func BackupFile(path string, w io.Writer, timeout time.Duration) (int64, error) {
	db, err := openReadOnly(path, timeout)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	return writeCopy(db, w, nil)
}

func openReadOnly(path string, timeout time.Duration) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: timeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, pos.WrapError(pos.EBUSY, err, "%s is held by a running voucherd serve", path)
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil, pos.WrapError(pos.ENOTFOUND, err, "open %s", path).Say("no_file", "file", path)
	}
	if errors.Is(err, os.ErrPermission) {
		return nil, pos.WrapError(pos.ESTORAGE, err, "open %s", path).Say("read_file", "file", path)
	}
	if err != nil {
		return nil, pos.WrapError(pos.EINVALID, err, "open %s", path).Say("not_database", "file", path)
	}
	return db, nil
}

// CheckBackup opens a backup copy read-only and checks that it is a server
// database holding a deployment; it returns the deployment.
func CheckBackup(path string) (*Deployment, error) {
	db, err := openReadOnly(path, time.Second)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var d Deployment
	err = db.View(func(tx *bolt.Tx) error {
		m := tx.Bucket(bucketMeta)
		if m == nil {
			return pos.Errorf(pos.EINVALID, "%s is not a voucherd database", path).Say("not_database", "file", path)
		}
		b := m.Get(keyDeployment)
		if b == nil {
			return pos.Errorf(pos.EINVALID, "%s holds no deployment", path).Say("backup_empty", "file", path)
		}
		if err := json.Unmarshal(b, &d); err != nil {
			return pos.WrapError(pos.EINVALID, err, "%s: deployment", path).Say("not_database", "file", path)
		}
		return nil
	})
	return &d, err
}

// NewEpoch gives the database file at path (not open elsewhere) a new
// epoch: after a restore every terminal's download cursor names the old
// one, so each takes a full snapshot instead of trusting a position in a
// feed that was rolled back.
func NewEpoch(path string) error {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	return db.Update(func(tx *bolt.Tx) error {
		m, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		b := make([]byte, 8)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		return m.Put(keyEpoch, []byte(hex.EncodeToString(b)))
	})
}

// RestoreSerialGap is how far a restore moves each campaign's serial
// counter past the last serial the backup (or the replaced database, when
// it still opens) had issued: the vouchers issued after the backup are not
// in it, and their ids must never be issued again. A deployment that can
// issue more than this many vouchers of one campaign between two backups
// gives voucherd restore a larger --serial-gap.
const RestoreSerialGap = 1_000_000

// ReadSerials returns each campaign's last issued serial in the server
// database at path (not open elsewhere), opened read-only.
func ReadSerials(path string) (map[uint16]uint32, error) {
	db, err := openReadOnly(path, time.Second)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	out := map[uint16]uint32{}
	err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSerials)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			if len(k) == 2 && len(v) == 4 {
				out[binary.BigEndian.Uint16(k)] = binary.BigEndian.Uint32(v)
			}
			return nil
		})
	})
	return out, err
}

// MoveSerials moves the serial counter of every campaign of the database
// at path (not open elsewhere: a restored copy) to gap past the higher of
// its own and floor's (the replaced database's, when it could be read), so
// that after a restore no voucher id issued before it — in the backup, or
// since the backup — is issued again. Every campaign of the deployment
// moves, also one that had issued nothing when the backup was made. It
// returns the new counters.
func MoveSerials(path string, floor map[uint16]uint32, gap uint32) (map[uint16]uint32, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	out := map[uint16]uint32{}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketSerials)
		if err != nil {
			return err
		}
		last := map[uint16]uint32{}
		for c, s := range floor {
			last[c] = s
		}
		if m := tx.Bucket(bucketMeta); m != nil {
			var d Deployment
			if v := m.Get(keyDeployment); v != nil && json.Unmarshal(v, &d) == nil {
				for _, c := range d.Campaigns {
					last[c.ID] = max(last[c.ID], 0)
				}
			}
		}
		if err := b.ForEach(func(k, v []byte) error {
			if len(k) == 2 && len(v) == 4 {
				c := binary.BigEndian.Uint16(k)
				last[c] = max(last[c], binary.BigEndian.Uint32(v))
			}
			return nil
		}); err != nil {
			return err
		}
		for c, s := range last {
			next := uint64(s) + uint64(gap)
			if next > uint64(^uint32(0)) {
				return pos.Errorf(pos.ECONFLICT, "campaign %d: serial %d + a gap of %d passes the last serial", c, s, gap)
			}
			out[c] = uint32(next)
			if err := b.Put(binary.BigEndian.AppendUint16(nil, c), binary.BigEndian.AppendUint32(nil, uint32(next))); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}
