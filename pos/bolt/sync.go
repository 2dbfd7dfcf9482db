package bolt

import (
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// bucketServerIncidents maps a pos.ServerIncident.Key to the local incident id.
// It is made on the first server incident, so older databases need nothing.
var bucketServerIncidents = []byte("server_incidents")

// applyServerIncidents stores each incident whose key is new.
func (db *DB) applyServerIncidents(tx *bolt.Tx, ins []pos.ServerIncident) (int, error) {
	if len(ins) == 0 {
		return 0, nil
	}
	seen, err := tx.CreateBucketIfNotExists(bucketServerIncidents)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, si := range ins {
		if si.Key == "" {
			return n, pos.Errorf(pos.EINVALID, "server incident for record %d has no key", si.Incident.Seq)
		}
		if seen.Get([]byte(si.Key)) != nil {
			continue
		}
		in, err := db.putIncident(tx, si.Incident)
		if err != nil {
			return n, err
		}
		if err := seen.Put([]byte(si.Key), u64(in.ID)); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// ApplyDownload applies a download in one transaction: trust list,
// catalogue, status snapshots and changes, the server's incidents about
// this terminal's records (each key once), the new cursor, and the clock
// (last sync now, floor raised to the server's time). A trust list that is
// older than the installed one, or not signed by the root key, refuses the
// whole download; the same sequence again is ignored. It returns the
// terminal clock's skew from the server's.
func (db *DB) ApplyDownload(d pos.Download, actor string) (time.Duration, error) {
	now := db.timestamp()
	err := db.update("apply download", func(tx *bolt.Tx) error {
		if d.Trust != nil {
			if _, err := db.installTrust(tx, d.Trust, actor); err != nil {
				if pos.ErrorCode(err) != pos.ETRUSTSTALE || pos.ErrorParams(err)["seq"] != pos.ErrorParams(err)["installed"] {
					return err
				}
			}
		}
		if d.Catalogue != nil {
			if _, err := db.installCatalogue(tx, d.Catalogue, actor); err != nil {
				return err
			}
		}
		var before map[pos.VoucherID]bool
		if len(d.Snapshots) > 0 {
			before = marksNotValid(tx)
		}
		for _, s := range d.Snapshots {
			if err := applySnapshot(tx, s.Campaign, s.Packed); err != nil {
				return err
			}
		}
		if err := applyChanges(tx, d.Vouchers, d.Holders); err != nil {
			return err
		}
		valid := map[pos.VoucherID]bool{}
		for _, c := range d.Vouchers {
			if c.Status == pos.StatusValid {
				valid[c.Voucher] = true
			}
		}
		yielded, err := yieldMarks(tx, valid, before, d.ServerSeq, d.HasServerSeq)
		if err != nil {
			return err
		}
		added, err := db.applyServerIncidents(tx, d.Incidents)
		if err != nil {
			return err
		}
		decided, err := applyDecisions(tx, d.Decisions)
		if err != nil {
			return err
		}
		if d.Cursor != "" {
			if err := tx.Bucket(bucketMeta).Put(keySyncCursor, []byte(d.Cursor)); err != nil {
				return err
			}
		}
		cs := readClock(tx)
		cs.LastSync = now
		if d.ServerTime.After(cs.Floor) {
			cs.Floor = d.ServerTime
		}
		if err := writeClock(tx, cs); err != nil {
			return err
		}
		if len(d.Snapshots)+len(d.Vouchers)+len(d.Holders)+added+decided == 0 && d.Trust == nil && d.Catalogue == nil {
			return nil // a quiet download: not worth an audit line each minute
		}
		detail := map[string]string{
			"snapshots": strconv.Itoa(len(d.Snapshots)), "vouchers": strconv.Itoa(len(d.Vouchers)),
			"holders": strconv.Itoa(len(d.Holders)), "incidents": strconv.Itoa(added), "cursor": d.Cursor}
		if yielded > 0 {
			detail["reinstated_here"] = strconv.Itoa(yielded)
		}
		if decided > 0 {
			detail["decided"] = strconv.Itoa(decided)
		}
		return db.audit(tx, actor, pos.AuditSync, detail)
	})
	if err != nil {
		return 0, err
	}
	return now.Sub(d.ServerTime), nil
}

// SyncCursor returns the download cursor of the last applied download, ""
// before the first.
func (db *DB) SyncCursor() (string, error) {
	var c string
	err := db.view("read sync cursor", func(tx *bolt.Tx) error {
		c = string(tx.Bucket(bucketMeta).Get(keySyncCursor))
		return nil
	})
	return c, err
}

// keyLastServer is the meta key of the server URL that last answered.
var keyLastServer = []byte("last_server")

// LastServer returns the server URL (one of the configured list) that
// answered the last sync, "" before the first: the next run of posctl sync
// or the app starts there, not at the first of the list.
func (db *DB) LastServer() (string, error) {
	var u string
	err := db.view("read last server", func(tx *bolt.Tx) error {
		u = string(tx.Bucket(bucketMeta).Get(keyLastServer))
		return nil
	})
	return u, err
}

// SetLastServer records the server URL that answered (LastServer); the
// same URL again writes nothing.
func (db *DB) SetLastServer(u string) error {
	if old, err := db.LastServer(); err != nil || old == u {
		return err
	}
	return db.update("record last server", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyLastServer, []byte(u))
	})
}
