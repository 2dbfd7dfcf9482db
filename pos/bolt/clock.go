package bolt

import (
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// ClockState returns the clock floor (the latest of every server time seen
// and every record made) and the time of the last sync.
func (db *DB) ClockState() (pos.ClockState, error) {
	var cs pos.ClockState
	err := db.view("read clock", func(tx *bolt.Tx) error {
		cs = clockState(tx)
		return nil
	})
	return cs, err
}

// clockState is the stored floor raised to the last ledger record's time,
// which a redemption does not write separately.
func clockState(tx *bolt.Tx) pos.ClockState {
	cs := readClock(tx)
	if t := readLedgerHead(tx).Time; t.After(cs.Floor) {
		cs.Floor = t
	}
	return cs
}

// RecordSync notes a successful exchange with the server: the last sync is
// now, and the floor rises to the server's time when that is later. It
// returns the skew between the terminal's clock and the server's, so that
// the caller can report a large one.
func (db *DB) RecordSync(server time.Time) (time.Duration, error) {
	now := db.timestamp()
	err := db.update("record sync", func(tx *bolt.Tx) error {
		cs := readClock(tx)
		cs.LastSync = now
		if server.After(cs.Floor) {
			cs.Floor = server
		}
		return writeClock(tx, cs)
	})
	return now.Sub(server), err
}

// SetOnline records whether the server answered the last attempt. It is
// process state, not stored: a terminal that restarts is offline until its
// first successful sync.
func (db *DB) SetOnline(online bool) { db.online.Store(online) }

// Online reports the last value given to SetOnline.
func (db *DB) Online() bool { return db.online.Load() }

// Queue returns the count and voucher total of records not yet
// acknowledged by the server.
func (db *DB) Queue() (pos.QueueState, error) {
	var q pos.QueueState
	err := db.view("read queue", func(tx *bolt.Tx) error {
		q = queueState(tx)
		return nil
	})
	return q, err
}

func readClock(tx *bolt.Tx) pos.ClockState {
	b := tx.Bucket(bucketMeta).Get(keyClock)
	if len(b) != 16 {
		return pos.ClockState{}
	}
	return pos.ClockState{
		Floor:    fromUnixNano(int64(binary.BigEndian.Uint64(b))),
		LastSync: fromUnixNano(int64(binary.BigEndian.Uint64(b[8:]))),
	}
}

func writeClock(tx *bolt.Tx, cs pos.ClockState) error {
	b := binary.BigEndian.AppendUint64(nil, uint64(unixNano(cs.Floor)))
	b = binary.BigEndian.AppendUint64(b, uint64(unixNano(cs.LastSync)))
	return tx.Bucket(bucketMeta).Put(keyClock, b)
}

// raiseFloor moves the clock floor up to t when t is later.
func raiseFloor(tx *bolt.Tx, t time.Time) error {
	cs := readClock(tx)
	if !t.After(cs.Floor) {
		return nil
	}
	cs.Floor = t
	return writeClock(tx, cs)
}
