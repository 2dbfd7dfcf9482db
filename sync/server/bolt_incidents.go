package server

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// The incident indexes of the bbolt engine. A filtered page walks the keys
// of one index (the day's, else the store's, else the open ones) and checks
// the other filters by key lookups, so it decodes only the incidents it
// returns.
var (
	// bucketIncidentIndex holds, for every incident id (8 B):
	// 'd' ‖ CST day "20060102" ‖ id, 's' ‖ len(store) (2 B) ‖ store ‖ id,
	// and 'o' ‖ id while the incident is open. Values are empty.
	bucketIncidentIndex = []byte("incidx")
	// bucketResolutions: incident id (8 B) → boltResolution JSON.
	bucketResolutions = []byte("incres")
)

type boltResolution struct {
	Time time.Time `json:"time"`
	Note string    `json:"note"`
}

func incidentDayPrefix(day string) []byte {
	return append([]byte{'d'}, day[0:4]+day[5:7]+day[8:10]...)
}

func incidentStorePrefix(store string) []byte {
	k := binary.BigEndian.AppendUint16([]byte{'s'}, uint16(len(store)))
	return append(k, store...)
}

func withID(prefix []byte, id []byte) []byte {
	return append(append(make([]byte, 0, len(prefix)+8), prefix...), id...)
}

// indexIncident adds the index keys of incident id (open) of time t at
// store: what the index needs of an incident, whatever type carries it.
func indexIncident(idx *bolt.Bucket, id uint64, t time.Time, store string) error {
	key := u64key(id)
	for _, p := range [][]byte{incidentDayPrefix(pos.DayOf(t)), incidentStorePrefix(store), {'o'}} {
		if err := idx.Put(withID(p, key), nil); err != nil {
			return err
		}
	}
	return nil
}

// keyIndexedUpTo in bucketIncidentIndex is the highest incident id indexed.
var keyIndexedUpTo = []byte("n")

// indexedUpTo returns the highest incident id the index covers (0 without
// an index) and the highest incident id stored.
func indexedUpTo(tx *bolt.Tx) (indexed, last uint64) {
	if idx := tx.Bucket(bucketIncidentIndex); idx != nil {
		if v := idx.Get(keyIndexedUpTo); len(v) == 8 {
			indexed = binary.BigEndian.Uint64(v)
		}
	}
	if k, _ := tx.Bucket(bucketIncidents).Cursor().Last(); len(k) == 8 {
		last = binary.BigEndian.Uint64(k)
	}
	return indexed, last
}

// IndexIncidents brings the incident indexes up to date in tx (a write
// transaction): it indexes the incidents stored since the last call, each
// decoded once, and on a database that predates the indexes, all of them.
// AddIncident indexes each new incident in its own transaction; a
// listing also reads any incident not indexed yet directly, so it never
// misses one.
func IndexIncidents(tx *bolt.Tx) error {
	idx, err := tx.CreateBucketIfNotExists(bucketIncidentIndex)
	if err != nil {
		return err
	}
	if _, err := tx.CreateBucketIfNotExists(bucketResolutions); err != nil {
		return err
	}
	indexed, last := indexedUpTo(tx)
	if last <= indexed {
		return nil
	}
	c := tx.Bucket(bucketIncidents).Cursor()
	for k, v := c.Seek(u64key(indexed + 1)); k != nil; k, v = c.Next() {
		in, err := decodeIncident(binary.BigEndian.Uint64(k), v)
		if err != nil {
			return err
		}
		if err := indexIncident(idx, in.ID, in.Time, in.Store); err != nil {
			return err
		}
	}
	return idx.Put(keyIndexedUpTo, u64key(last))
}

// AddIncident stores in with the next id, as the engine's own record
// (encodeIncident: the API's type does not reach the file), and indexes it
// in the same transaction.
func (l boltLedger) AddIncident(in wire.Incident) (uint64, error) {
	if err := IndexIncidents(l.tx); err != nil {
		return 0, err
	}
	b, idx := l.tx.Bucket(bucketIncidents), l.tx.Bucket(bucketIncidentIndex)
	id, err := b.NextSequence()
	if err != nil {
		return 0, err
	}
	in.ID = id
	v, err := encodeIncident(&in)
	if err != nil {
		return 0, err
	}
	if err := b.Put(u64key(id), v); err != nil {
		return 0, err
	}
	if err := indexIncident(idx, id, in.Time, in.Store); err != nil {
		return 0, err
	}
	return id, idx.Put(keyIndexedUpTo, u64key(id))
}

// ensureIncidentIndex indexes the incidents added since the last call.
func (s *Bolt) ensureIncidentIndex() error {
	current := false
	if err := s.db.View(func(tx *bolt.Tx) error {
		indexed, last := indexedUpTo(tx)
		current = tx.Bucket(bucketIncidentIndex) != nil && last <= indexed
		return nil
	}); err != nil || current {
		return err
	}
	return s.db.Update(IndexIncidents)
}

// ListIncidents walks one index and checks the other filters by lookups,
// then the incidents stored after the index was brought up to date (those
// it decodes and filters directly).
func (s *Bolt) ListIncidents(q IncidentQuery) ([]wire.Incident, bool, error) {
	if q.Day != "" {
		if _, err := pos.ParseDay(q.Day); err != nil {
			return nil, false, pos.Errorf(pos.EINVALID, "day %q: want YYYY-MM-DD", q.Day)
		}
	}
	if err := s.ensureIncidentIndex(); err != nil {
		return nil, false, err
	}
	var out []wire.Incident
	more := false
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		out, more, err = listIncidents(tx, q)
		return err
	})
	return out, more, err
}

// listIncidents reads the page q selects in tx.
func listIncidents(tx *bolt.Tx, q IncidentQuery) ([]wire.Incident, bool, error) {
	var out []wire.Incident
	idx, res, inc := tx.Bucket(bucketIncidentIndex), tx.Bucket(bucketResolutions), tx.Bucket(bucketIncidents)
	indexed, _ := indexedUpTo(tx)
	var day, store []byte
	if q.Day != "" {
		day = incidentDayPrefix(q.Day)
	}
	if q.Store != "" {
		store = incidentStorePrefix(q.Store)
	}
	// The walk: the most selective index set, else every incident.
	walk, prefix := idx, []byte(nil)
	switch {
	case day != nil:
		prefix = day
	case store != nil:
		prefix = store
	case q.Status == wire.IncidentOpen:
		prefix = []byte{'o'}
	case q.Status == wire.IncidentResolved:
		walk = res
	default:
		walk = inc
	}
	match := func(id []byte) bool {
		if day != nil && idx.Get(withID(day, id)) == nil {
			return false
		}
		if store != nil && idx.Get(withID(store, id)) == nil {
			return false
		}
		switch q.Status {
		case wire.IncidentOpen:
			return idx.Get(withID([]byte{'o'}, id)) != nil
		case wire.IncidentResolved:
			return res.Get(id) != nil
		}
		return true
	}
	c := walk.Cursor()
	for k, _ := c.Seek(withID(prefix, u64key(q.After+1))); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		id := k[len(prefix):]
		if len(id) != 8 || binary.BigEndian.Uint64(id) > indexed || !match(id) {
			continue
		}
		if len(out) == q.Limit {
			return out, true, nil
		}
		in, err := boltIncident(inc, res, id)
		if err != nil {
			return nil, false, err
		}
		out = append(out, *in)
	}
	// The tail not indexed yet (added since ensureIncidentIndex).
	tc := inc.Cursor()
	for k, _ := tc.Seek(u64key(max(indexed, q.After) + 1)); k != nil; k, _ = tc.Next() {
		in, err := boltIncident(inc, res, k)
		if err != nil {
			return nil, false, err
		}
		if (q.Day != "" && pos.DayOf(in.Time) != q.Day) || (q.Store != "" && in.Store != q.Store) ||
			(q.Status == wire.IncidentOpen && !in.Open()) || (q.Status == wire.IncidentResolved && in.Open()) {
			continue
		}
		if len(out) == q.Limit {
			return out, true, nil
		}
		out = append(out, *in)
	}
	return out, false, nil
}

// boltIncident decodes incident id with its resolution; ENOTFOUND when absent.
func boltIncident(inc, res *bolt.Bucket, id []byte) (*wire.Incident, error) {
	v := inc.Get(id)
	if v == nil {
		return nil, pos.Errorf(pos.ENOTFOUND, "no incident %d", binary.BigEndian.Uint64(id)).With("incident", strconv.FormatUint(binary.BigEndian.Uint64(id), 10)).Say("no_incident")
	}
	in, err := decodeIncident(binary.BigEndian.Uint64(id), v)
	if err != nil {
		return nil, err
	}
	if r := res.Get(id); r != nil {
		var br boltResolution
		if err := json.Unmarshal(r, &br); err != nil {
			return nil, pos.WrapError(pos.EINTERNAL, err, "decode resolution")
		}
		in.Resolved, in.Resolution = br.Time, br.Note
	}
	return &in, nil
}

// ResolveIncident stores the resolution and drops the incident from the
// open index.
func (s *Bolt) ResolveIncident(id uint64, r Resolution) (*wire.Incident, error) {
	var out *wire.Incident
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := IndexIncidents(tx); err != nil {
			return err
		}
		idx, res, inc := tx.Bucket(bucketIncidentIndex), tx.Bucket(bucketResolutions), tx.Bucket(bucketIncidents)
		key := u64key(id)
		in, err := boltIncident(inc, res, key)
		if err != nil {
			return err
		}
		if !in.Open() {
			return pos.Errorf(pos.ECONFLICT, "incident %d was resolved at %s: %s", id, in.Resolved.In(pos.CST).Format(time.DateTime), in.Resolution)
		}
		in.Resolved, in.Resolution = r.Time.UTC(), r.Note
		if err := putJSON(res, key, &boltResolution{Time: in.Resolved, Note: r.Note}); err != nil {
			return err
		}
		out = in
		return idx.Delete(withID([]byte{'o'}, key))
	})
	return out, err
}

var _ IncidentStore = (*Bolt)(nil)
