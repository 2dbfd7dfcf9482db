package bolt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
)

// The day index (bucket days) maps a CST day, "2006-01-02", to the first
// and last ledger seq made on it (two uint64). It is written in the same
// transaction as the record, so a day's report reads only that range of
// the ledger. Record times never go back (the clock floor), so a day's
// records are one range; the readers still check each record's day.

func indexDay(tx *bolt.Tx, day string, seq uint64) error {
	b := tx.Bucket(bucketDays)
	first := seq
	if v := b.Get([]byte(day)); len(v) == 16 {
		first = min(binary.BigEndian.Uint64(v), seq)
		seq = max(binary.BigEndian.Uint64(v[8:]), seq)
	}
	return b.Put([]byte(day), binary.BigEndian.AppendUint64(u64(first), seq))
}

func dayRange(tx *bolt.Tx, day string) (first, last uint64, ok bool) {
	v := tx.Bucket(bucketDays).Get([]byte(day))
	if len(v) != 16 {
		return 0, 0, false
	}
	return binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:]), true
}

// Days returns the CST days that have ledger records, oldest first.
func (db *DB) Days() ([]string, error) {
	days := []string{}
	err := db.view("read day index", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDays).ForEach(func(k, _ []byte) error {
			days = append(days, string(k))
			return nil
		})
	})
	return days, err
}

// DayRecords calls fn with every ledger record made on CST day (2006-01-02)
// in sequence order, reading only that day's part of the ledger. For a
// void, sale is the record it cancels (nil for a sale); a report needs
// its lines and cashier. It stops at the first error fn returns.
func (db *DB) DayRecords(day string, fn func(r, sale *pos.Record) error) error {
	return db.view("read day "+day, func(tx *bolt.Tx) error {
		first, last, ok := dayRange(tx, day)
		if !ok {
			return nil
		}
		c := tx.Bucket(bucketLedger).Cursor()
		for k, v := c.Seek(u64(first)); k != nil && !isHead(k) && getU64(k) <= last; k, v = c.Next() {
			s, err := decodeSale(v)
			if err != nil {
				return err
			}
			r := s.Record
			if pos.DayOf(r.Time) != day {
				continue
			}
			var sale *pos.Record
			if r.Kind == pos.KindVoid {
				if ss, err := readSale(tx, r.Voids); err == nil {
					sale = ss.Record
				} else if pos.ErrorCode(err) != pos.ENOTFOUND {
					return err
				}
			}
			if err := fn(r, sale); err != nil {
				return err
			}
		}
		return nil
	})
}

// recordTime reads only the time of a stored record, for building the
// day index of an upgraded database. pos.Record's JSON has seq, prev
// (hex) and kind (a word) before time, so the first "time" key is its
// own; anything unexpected falls back to decoding the JSON.
func recordTime(body []byte) (time.Time, error) {
	const key = `"time":"`
	if i := bytes.Index(body, []byte(key)); i > 0 && i < 200 {
		rest := body[i+len(key):]
		if j := bytes.IndexByte(rest, '"'); j > 0 {
			if t, err := time.Parse(time.RFC3339Nano, string(rest[:j])); err == nil {
				return t, nil
			}
		}
	}
	var t struct {
		Time time.Time `json:"time"`
	}
	if err := json.Unmarshal(body, &t); err != nil {
		return time.Time{}, err
	}
	return t.Time, nil
}
