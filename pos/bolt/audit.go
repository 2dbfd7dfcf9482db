package bolt

import (
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// Audit appends an event to the audit log in its own transaction, for
// actions that change nothing else here (a reprint, a sync, a UI override).
func (db *DB) Audit(actor, action string, detail map[string]string) error {
	return db.update("write audit log", func(tx *bolt.Tx) error {
		return db.audit(tx, actor, action, detail)
	})
}

// audit appends an event inside tx, so that it commits or rolls back with
// the action it records.
func (db *DB) audit(tx *bolt.Tx, actor, action string, detail map[string]string) error {
	k, err := db.keysOf(tx)
	if err != nil {
		return err
	}
	now := db.timestamp()
	_, _, err = appendEntry(tx, bucketAudit, keyAuditHead, func(seq uint64, prev pos.Hash) (pos.Entry, error) {
		return pos.Seal(&pos.AuditEvent{Seq: seq, Prev: prev, Time: now, Actor: actor, Action: action, Detail: detail}, k.priv)
	})
	return err
}

// AuditEvents calls fn with each audit event from seq from on, oldest
// first, until fn returns an error.
func (db *DB) AuditEvents(from uint64, fn func(*pos.AuditEvent) error) error {
	return db.view("read audit log", func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.Seek(u64(from)); k != nil; k, v = c.Next() {
			e, err := unmarshalEntry(v)
			if err != nil {
				return err
			}
			var ev pos.AuditEvent
			if err := json.Unmarshal(e.Body, &ev); err != nil {
				return pos.WrapError(pos.ECONFLICT, err, "audit event %d is not JSON", getU64(k))
			}
			if err := fn(&ev); err != nil {
				return err
			}
		}
		return nil
	})
}
