package server

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

var (
	bucketTerminals = []byte("terminals") // id → terminalRec JSON
	bucketCodes     = []byte("codes")     // SHA-256 of an unused enrollment code → pendingCode JSON
	bucketHeads     = []byte("heads")     // terminal id → encodeHead
	bucketRecords   = []byte("records")   // terminal id ‖ 0 ‖ seq (8 B) → encodeRecord
	bucketDays      = []byte("days")      // CST day (4 B) ‖ terminal id ‖ 0 ‖ seq (8 B) → nothing: the records of a day by their own time
	bucketFollowers = []byte("followers") // sale terminal ‖ 0 ‖ sale seq (8 B) ‖ seq (8 B) [‖ terminal, when another] → nothing: the voids and returns of a sale
	bucketClaims    = []byte("claims")    // voucher id (8 B) → encodeClaims
	bucketStatus    = []byte("status")    // voucher id (8 B) → status (1 B), only when not valid
	bucketRedeemed  = []byte("redeemed")  // campaign (2 B) ‖ holder (8 B) → counted fen (8 B)
	bucketSuspended = []byte("suspended") // holder (8 B) → 1 suspended, 0 reinstated
	bucketChanges   = []byte("changes")   // feed seq (8 B) → encodeChange, the latest change of each key only
	bucketFeedKeys  = []byte("feedkeys")  // 'v' ‖ voucher id (8 B) or 'h' ‖ holder (8 B) → feed seq (8 B) of its latest change
	bucketIncidents = []byte("incidents") // id (8 B) → incidentRec JSON (decodeIncident)
	keyEpoch        = []byte("epoch")
	keyDocuments    = []byte("documents")

	syncBuckets = [][]byte{bucketTerminals, bucketCodes, bucketHeads, bucketRecords, bucketDays, bucketFollowers, bucketClaims,
		bucketStatus, bucketRedeemed, bucketSuspended, bucketChanges, bucketIncidents}
)

// appendFill is the fill percent of buckets whose keys mostly grow at the
// end (records per terminal, days, issued serials, the feed): pages split
// full instead of half full, about halving their size on disk.
const appendFill = 1.0

// cstDay is the CST calendar day of t, counted from 1970-01-01.
func cstDay(t time.Time) uint32 {
	return uint32((t.Unix() + 8*3600) / 86400)
}

// cstMidnight is the first instant of CST day d.
func cstMidnight(d uint32) time.Time {
	return time.Unix(int64(d)*86400-8*3600, 0)
}

// dayKey is the key in bucketDays of the record at recordKey rk whose own
// time is t.
func dayKey(t time.Time, rk []byte) []byte {
	k := make([]byte, 4, 4+len(rk))
	binary.BigEndian.PutUint32(k, cstDay(t))
	return append(k, rk...)
}

// feedKey is the key of a change in bucketFeedKeys: the voucher or the
// holder it is about.
func feedKey(ch *Change) []byte {
	if ch.Holder != nil {
		return append([]byte{'h'}, ch.Holder[:]...)
	}
	return append([]byte{'v'}, idKey(ch.Voucher)...)
}

// compactFeed upgrades a database whose change feed predates compaction
// (no bucketFeedKeys): it keeps the latest change of each key, drops the
// older ones and indexes the kept ones, once, in the opening transaction.
// The changes after any cursor stay exactly the keys that changed since.
func compactFeed(tx *bolt.Tx, schema int) error {
	if tx.Bucket(bucketFeedKeys) != nil {
		return nil
	}
	keys, err := tx.CreateBucket(bucketFeedKeys)
	if err != nil {
		return err
	}
	changes := tx.Bucket(bucketChanges)
	var drop [][]byte
	recode := map[string][]byte{} // JSON changes found in a file of schema 2, in its format
	err = changes.ForEach(func(k, v []byte) error {
		var ch Change
		if schema < 2 || (len(v) > 0 && v[0] == '{') {
			if err := json.Unmarshal(v, &ch); err != nil {
				return pos.WrapError(pos.EINTERNAL, err, "decode change")
			}
			if schema >= 2 {
				recode[string(k)] = encodeChange(&ch)
			}
		} else if ch, err = decodeChange(binary.BigEndian.Uint64(k), v); err != nil {
			return err
		}
		fk := feedKey(&ch)
		if old := keys.Get(fk); old != nil {
			drop = append(drop, bytes.Clone(old))
		}
		return keys.Put(fk, bytes.Clone(k))
	})
	if err != nil {
		return err
	}
	for _, k := range drop {
		delete(recode, string(k))
		if err := changes.Delete(k); err != nil {
			return err
		}
	}
	for k, v := range recode {
		if err := changes.Put([]byte(k), v); err != nil {
			return err
		}
	}
	return nil
}

// initEpoch gives a new database its random epoch.
func initEpoch(tx *bolt.Tx) error {
	m := tx.Bucket(bucketMeta)
	if m.Get(keyEpoch) != nil {
		return nil
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	return m.Put(keyEpoch, []byte(hex.EncodeToString(b)))
}

func recordKey(terminal string, seq uint64) []byte {
	k := make([]byte, 0, len(terminal)+9)
	k = append(k, terminal...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

// boltLedger implements LedgerTx over one bbolt transaction.
type boltLedger struct{ tx *bolt.Tx }

// ViewLedger runs fn in a bbolt read transaction.
func (s *Bolt) ViewLedger(fn func(LedgerView) error) error {
	return s.db.View(func(tx *bolt.Tx) error { return fn(boltLedger{tx}) })
}

// UpdateLedger runs fn through bbolt's Batch: concurrent uploads share one
// fsync'd commit, which is what makes ingest from many terminals fast.
func (s *Bolt) UpdateLedger(fn func(LedgerTx) error) error {
	return storageErr(s.db.Batch(func(tx *bolt.Tx) error { return fn(boltLedger{tx}) }), "update ledger")
}

// Documents returns the published documents.
func (s *Bolt) Documents() (*Documents, error) {
	var r documentsRec
	err := s.db.View(func(tx *bolt.Tx) error {
		_, err := getJSON(tx.Bucket(bucketMeta), keyDocuments, &r)
		return err
	})
	return &Documents{Trust: r.Trust, TrustSeq: r.TrustSeq, Catalogue: r.Catalogue, CatalogueVersion: r.CatalogueVersion}, err
}

// SetDocuments publishes d.
func (s *Bolt) SetDocuments(d *Documents) error {
	return storageErr(s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketMeta), keyDocuments, &documentsRec{Trust: d.Trust, TrustSeq: d.TrustSeq, Catalogue: d.Catalogue, CatalogueVersion: d.CatalogueVersion})
	}), "publish documents")
}

func (l boltLedger) Epoch() string { return string(l.tx.Bucket(bucketMeta).Get(keyEpoch)) }

func (l boltLedger) Record(terminal string, seq uint64) (*StoredRecord, error) {
	v := l.tx.Bucket(bucketRecords).Get(recordKey(terminal, seq))
	if v == nil {
		return nil, nil
	}
	return decodeRecord(v)
}

// splitRecordKey returns the terminal of a record key.
func splitRecordKey(k []byte) (string, error) {
	i := bytes.IndexByte(k, 0)
	if i < 0 || len(k) != i+9 {
		return "", pos.Errorf(pos.EINTERNAL, "bad record key %x", k)
	}
	return string(k[:i]), nil
}

func (l boltLedger) ForEachRecord(fn func(string, *StoredRecord) error) error {
	return l.tx.Bucket(bucketRecords).ForEach(func(k, v []byte) error {
		terminal, err := splitRecordKey(k)
		if err != nil {
			return err
		}
		r, err := decodeRecord(v)
		if err != nil {
			return err
		}
		return fn(terminal, r)
	})
}

var _ RecordsByTime = boltLedger{}

// ForEachRecordBetween reads the records of [from, to) through the index
// by CST day: the days the range touches, each by terminal then seq, and
// only the records whose own time is inside the range. A day's report
// costs what that day holds.
func (l boltLedger) ForEachRecordBetween(from, to time.Time, fn func(string, *StoredRecord) error) error {
	if !from.Before(to) {
		return nil
	}
	records := l.tx.Bucket(bucketRecords)
	c := l.tx.Bucket(bucketDays).Cursor()
	first, last := cstDay(from), cstDay(to.Add(-time.Nanosecond))
	// Whole CST days (a day's report) need no look at each record's time.
	whole := from.Equal(cstMidnight(first)) && to.Equal(cstMidnight(last+1))
	for k, _ := c.Seek(binary.BigEndian.AppendUint32(nil, first)); k != nil && binary.BigEndian.Uint32(k) <= last; k, _ = c.Next() {
		rk := k[4:]
		terminal, err := splitRecordKey(rk)
		if err != nil {
			return err
		}
		v := records.Get(rk)
		if v == nil {
			return pos.Errorf(pos.EINTERNAL, "day index names a missing record %s/%d", terminal, binary.BigEndian.Uint64(rk[len(rk)-8:]))
		}
		r, err := decodeRecord(v)
		if err != nil {
			return err
		}
		if !whole {
			if t := recordTime(r.Entry.Body); t.Before(from) || !t.Before(to) {
				continue
			}
		}
		if err := fn(terminal, r); err != nil {
			return err
		}
	}
	return nil
}

func (l boltLedger) Head(terminal string) (Head, error) {
	v := l.tx.Bucket(bucketHeads).Get([]byte(terminal))
	if v == nil {
		return Head{}, nil
	}
	return decodeHead(v)
}

func (l boltLedger) Claims(id pos.VoucherID) ([]wire.Claim, error) {
	v := l.tx.Bucket(bucketClaims).Get(idKey(id))
	if v == nil {
		return nil, nil
	}
	return decodeClaims(v)
}

func (l boltLedger) Status(id pos.VoucherID) (pos.VoucherStatus, error) {
	v := l.tx.Bucket(bucketStatus).Get(idKey(id))
	if len(v) == 0 {
		return pos.StatusValid, nil
	}
	return pos.VoucherStatus(v[0]), nil
}

func (l boltLedger) ForEachStatus(fn func(pos.VoucherID, pos.VoucherStatus) error) error {
	return l.tx.Bucket(bucketStatus).ForEach(func(k, v []byte) error {
		return fn(pos.VoucherID(binary.BigEndian.Uint64(k)), pos.VoucherStatus(v[0]))
	})
}

func (l boltLedger) RedeemedTotal(campaign uint16, h pos.HolderRef) (pos.Money, error) {
	v := l.tx.Bucket(bucketRedeemed).Get(holderKey(campaign, h))
	if v == nil {
		return 0, nil
	}
	return pos.Money(binary.BigEndian.Uint64(v)), nil
}

func (l boltLedger) Suspended(h pos.HolderRef) (bool, error) {
	v := l.tx.Bucket(bucketSuspended).Get(h[:])
	return len(v) == 1 && v[0] == 1, nil
}

func (l boltLedger) ForEachHolder(fn func(pos.HolderRef, bool) error) error {
	return l.tx.Bucket(bucketSuspended).ForEach(func(k, v []byte) error {
		var h pos.HolderRef
		copy(h[:], k)
		return fn(h, len(v) == 1 && v[0] == 1)
	})
}

func (l boltLedger) Changes(after uint64, limit int) ([]Change, bool, error) {
	var out []Change
	c := l.tx.Bucket(bucketChanges).Cursor()
	for k, v := c.Seek(u64key(after + 1)); k != nil; k, v = c.Next() {
		if len(out) == limit {
			return out, true, nil
		}
		ch, err := decodeChange(binary.BigEndian.Uint64(k), v)
		if err != nil {
			return nil, false, err
		}
		out = append(out, ch)
	}
	return out, false, nil
}

func (l boltLedger) CountChanges(after uint64, most int) (int, error) {
	n := 0
	c := l.tx.Bucket(bucketChanges).Cursor()
	for k, _ := c.Seek(u64key(after + 1)); k != nil && n < most; k, _ = c.Next() {
		n++
	}
	return n, nil
}

func (l boltLedger) LastChange() (uint64, error) {
	return l.tx.Bucket(bucketChanges).Sequence(), nil
}

// SnapshotExtent reads the last status key of each campaign, from the
// last campaign down (one seek per campaign), and counts the holders.
func (l boltLedger) SnapshotExtent() (SnapshotExtent, error) {
	x := SnapshotExtent{MaxSerial: map[uint16]uint32{}}
	c := l.tx.Bucket(bucketStatus).Cursor()
	for k, _ := c.Last(); k != nil; {
		id := pos.VoucherID(binary.BigEndian.Uint64(k))
		x.MaxSerial[id.Campaign()] = id.Serial()
		if id.Campaign() == 0 {
			break
		}
		c.Seek(idKey(pos.NewVoucherID(id.Campaign(), 0)))
		k, _ = c.Prev()
	}
	hc := l.tx.Bucket(bucketSuspended).Cursor()
	for k, _ := hc.First(); k != nil; k, _ = hc.Next() {
		x.Holders++
	}
	return x, nil
}

func (l boltLedger) Incidents() ([]wire.Incident, error) {
	var out []wire.Incident
	err := l.tx.Bucket(bucketIncidents).ForEach(func(k, v []byte) error {
		in, err := decodeIncident(binary.BigEndian.Uint64(k), v)
		if err != nil {
			return err
		}
		out = append(out, in)
		return nil
	})
	return out, err
}

func (l boltLedger) IncidentsAfter(after uint64, limit int) ([]wire.Incident, bool, error) {
	var out []wire.Incident
	c := l.tx.Bucket(bucketIncidents).Cursor()
	for k, v := c.Seek(u64key(after + 1)); k != nil; k, v = c.Next() {
		if len(out) == limit {
			return out, true, nil
		}
		in, err := decodeIncident(binary.BigEndian.Uint64(k), v)
		if err != nil {
			return nil, false, err
		}
		out = append(out, in)
	}
	return out, false, nil
}

// PutRecord stores the record and indexes it under its own CST day (moving
// the index entry when a record at the key is replaced by one of another
// day).
func (l boltLedger) PutRecord(terminal string, seq uint64, r *StoredRecord) error {
	v, err := encodeRecord(r)
	if err != nil {
		return err
	}
	records, days := l.tx.Bucket(bucketRecords), l.tx.Bucket(bucketDays)
	records.FillPercent, days.FillPercent = appendFill, appendFill
	rk := recordKey(terminal, seq)
	t := recordTime(r.Entry.Body)
	if old := records.Get(rk); old != nil {
		if o, err := decodeRecord(old); err == nil {
			if ot := recordTime(o.Entry.Body); !ot.IsZero() && (t.IsZero() || cstDay(ot) != cstDay(t)) {
				if err := days.Delete(dayKey(ot, rk)); err != nil {
					return err
				}
			}
		}
	}
	if !t.IsZero() {
		if err := days.Put(dayKey(t, rk), nil); err != nil {
			return err
		}
	}
	if err := indexFollower(l.tx, terminal, seq, r.Entry.Body); err != nil {
		return err
	}
	return records.Put(rk, v)
}

// indexFollower adds record seq of terminal to the followers of the sale
// it voids or returns, if it is such a record.
func indexFollower(tx *bolt.Tx, terminal string, seq uint64, body []byte) error {
	st, sale := saleOf(terminal, body)
	if sale == 0 {
		return nil
	}
	return tx.Bucket(bucketFollowers).Put(followerKey(st, sale, terminal, seq), nil)
}

// followerKey is the key in bucketFollowers of record seq of terminal,
// which acts on sale seq sale of terminal st: recordKey(st, sale) ‖ seq
// (8 B), then the record's terminal when it is not st (a return at
// another terminal of the store). Keys of schema 3 (the same terminal
// only) keep their meaning.
func followerKey(st string, sale uint64, terminal string, seq uint64) []byte {
	k := binary.BigEndian.AppendUint64(recordKey(st, sale), seq)
	if terminal != st {
		k = append(k, terminal...)
	}
	return k
}

// saleOf returns the terminal and seq of the sale a void or a return of
// terminal acts on, seq 0 for any other record; only bodies that name one
// of those kinds are decoded.
func saleOf(terminal string, body []byte) (string, uint64) {
	if !bytes.Contains(body, []byte(`"kind":"void"`)) && !bytes.Contains(body, []byte(`"kind":"return"`)) {
		return "", 0
	}
	r, err := pos.DecodeRecord(pos.Entry{Body: body})
	if err != nil {
		return "", 0
	}
	if r.Kind == pos.KindReturn && r.SaleTerminal != "" {
		return r.SaleTerminal, r.SaleSeq()
	}
	return terminal, r.SaleSeq()
}

var _ SaleFollowers = boltLedger{}

// Followers lists the voids and returns of sale seq of terminal, of any
// terminal, from the followers index (followerKey).
func (l boltLedger) Followers(terminal string, sale uint64) ([]RecordKey, error) {
	prefix := recordKey(terminal, sale)
	var out []RecordKey
	c := l.tx.Bucket(bucketFollowers).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) < len(prefix)+8 {
			continue
		}
		f := RecordKey{Terminal: terminal, Seq: binary.BigEndian.Uint64(k[len(prefix):])}
		if len(k) > len(prefix)+8 {
			f.Terminal = string(k[len(prefix)+8:])
		}
		out = append(out, f)
	}
	slices.SortFunc(out, compareKeys)
	return out, nil
}

// compareKeys orders record keys by terminal, then seq.
func compareKeys(a, b RecordKey) int {
	if c := strings.Compare(a.Terminal, b.Terminal); c != 0 {
		return c
	}
	return cmp.Compare(a.Seq, b.Seq)
}

func (l boltLedger) SetHead(terminal string, h Head) error {
	return l.tx.Bucket(bucketHeads).Put([]byte(terminal), encodeHead(&h))
}

func (l boltLedger) PutClaims(id pos.VoucherID, claims []wire.Claim) error {
	return l.tx.Bucket(bucketClaims).Put(idKey(id), encodeClaims(claims))
}

func (l boltLedger) SetRedeemedTotal(campaign uint16, h pos.HolderRef, total pos.Money) error {
	return l.tx.Bucket(bucketRedeemed).Put(holderKey(campaign, h), binary.BigEndian.AppendUint64(nil, uint64(total)))
}

// appendChange appends ch to the feed and drops the previous change of
// its voucher or holder: the feed keeps the latest change of each key.
func (l boltLedger) appendChange(ch Change) error {
	b, keys := l.tx.Bucket(bucketChanges), l.tx.Bucket(bucketFeedKeys)
	b.FillPercent = appendFill
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	ch.Seq = seq
	fk := feedKey(&ch)
	if old := keys.Get(fk); old != nil {
		if err := b.Delete(old); err != nil {
			return err
		}
	}
	if err := keys.Put(fk, u64key(seq)); err != nil {
		return err
	}
	return b.Put(u64key(seq), encodeChange(&ch))
}

func (l boltLedger) SetStatus(id pos.VoucherID, s pos.VoucherStatus) error {
	b := l.tx.Bucket(bucketStatus)
	var err error
	if s == pos.StatusValid {
		err = b.Delete(idKey(id))
	} else {
		err = b.Put(idKey(id), []byte{byte(s)})
	}
	if err != nil {
		return err
	}
	return l.appendChange(Change{Voucher: id, Status: s})
}

func (l boltLedger) SetSuspended(h pos.HolderRef, on bool) error {
	v := byte(0)
	if on {
		v = 1
	}
	if err := l.tx.Bucket(bucketSuspended).Put(h[:], []byte{v}); err != nil {
		return err
	}
	return l.appendChange(Change{Holder: &h, Suspended: on})
}

func u64key(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

var _ LedgerTx = boltLedger{}
