package postgres

import (
	"github.com/jackc/pgx/v5"

	"fupinpos/pos"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// counters are the change seq and incident id of a ledger transaction,
// read once under the ledger lock and written back at flush.
type counters struct {
	loaded           bool
	change, incident int64
	dirty            bool
}

type recKey struct {
	terminal string
	seq      uint64
}

type holderKey struct {
	campaign uint16
	holder   pos.HolderRef
}

// wledger is the LedgerTx of UpdateLedger: reads go to the database unless
// this transaction wrote the row; writes are kept in memory and marked
// dirty, then sent at flush (the end of the call, or before a read that
// scans) as one statement per table over arrays of rows, in one pipelined
// batch. One round trip per read, and a handful of statements per upload
// instead of several per record, is what makes ingest fast.
type wledger struct {
	db        *ledger
	c         *counters
	q         pgx.Batch // rare writes (incidents), in order
	pre       []string  // statements to send ahead of the next read or write (a savepoint)
	records   map[recKey]*server.StoredRecord
	heads     map[string]server.Head
	claims    map[pos.VoucherID][]wire.Claim
	status    map[pos.VoucherID]pos.VoucherStatus
	redeemed  map[holderKey]pos.Money
	suspended map[pos.HolderRef]bool
	dirty     dirtyKeys
}

// dirtyKeys are the rows written since the last flush, and the feed seq of
// each key's latest change.
type dirtyKeys struct {
	records   map[recKey]bool
	heads     map[string]bool
	claims    map[pos.VoucherID]bool
	status    map[pos.VoucherID]bool
	redeemed  map[holderKey]bool
	suspended map[pos.HolderRef]bool
	vchange   map[pos.VoucherID]int64
	hchange   map[pos.HolderRef]int64
}

func newDirtyKeys() dirtyKeys {
	return dirtyKeys{records: map[recKey]bool{}, heads: map[string]bool{}, claims: map[pos.VoucherID]bool{},
		status: map[pos.VoucherID]bool{}, redeemed: map[holderKey]bool{}, suspended: map[pos.HolderRef]bool{},
		vchange: map[pos.VoucherID]int64{}, hchange: map[pos.HolderRef]int64{}}
}

var _ server.LedgerTx = (*wledger)(nil)

func newWLedger(tx pgx.Tx, c *counters) *wledger {
	return &wledger{db: &ledger{tx: tx}, c: c,
		records: map[recKey]*server.StoredRecord{}, heads: map[string]server.Head{},
		claims: map[pos.VoucherID][]wire.Claim{}, status: map[pos.VoucherID]pos.VoucherStatus{},
		redeemed: map[holderKey]pos.Money{}, suspended: map[pos.HolderRef]bool{}, dirty: newDirtyKeys()}
}

// view returns the transaction's reader after sending the statements
// still waiting to go ahead of it.
func (w *wledger) view() (*ledger, error) {
	if len(w.pre) > 0 {
		var b pgx.Batch
		w.queuePre(&b)
		if err := w.db.tx.SendBatch(ctx(), &b).Close(); err != nil {
			return nil, err
		}
	}
	return w.db, nil
}

func (w *wledger) queuePre(b *pgx.Batch) int {
	n := len(w.pre)
	for _, q := range w.pre {
		b.Queue(q)
	}
	w.pre = nil
	return n
}

func (w *wledger) loadCounters() error {
	if w.c.loaded {
		return nil
	}
	if _, err := w.view(); err != nil {
		return err
	}
	if err := w.db.tx.QueryRow(ctx(), `SELECT change_seq, incident_seq FROM meta WHERE id = 1`).Scan(&w.c.change, &w.c.incident); err != nil {
		return err
	}
	w.c.loaded = true
	return nil
}

// flush sends the writes made since the last flush, then the statements
// in after (in the same round trip).
func (w *wledger) flush(after ...string) error {
	var b pgx.Batch
	w.queuePre(&b)
	w.queueRows(&b)
	if w.c.dirty {
		b.Queue(`UPDATE meta SET change_seq = $1, incident_seq = $2 WHERE id = 1`, w.c.change, w.c.incident)
		w.c.dirty = false
	}
	for _, qq := range w.q.QueuedQueries {
		b.Queue(qq.SQL, qq.Arguments...)
	}
	w.q = pgx.Batch{}
	for _, q := range after {
		b.Queue(q)
	}
	if b.Len() == 0 {
		return nil
	}
	return w.db.tx.SendBatch(ctx(), &b).Close()
}

func (w *wledger) Epoch() string {
	db, err := w.view()
	if err != nil {
		return ""
	}
	return db.Epoch()
}

func (w *wledger) Record(terminal string, seq uint64) (*server.StoredRecord, error) {
	if r, ok := w.records[recKey{terminal, seq}]; ok {
		return r, nil
	}
	db, err := w.view()
	if err != nil {
		return nil, err
	}
	return db.Record(terminal, seq)
}

func (w *wledger) ForEachRecord(fn func(string, *server.StoredRecord) error) error {
	if err := w.flush(); err != nil {
		return err
	}
	return w.db.ForEachRecord(fn)
}

func (w *wledger) Head(terminal string) (server.Head, error) {
	if h, ok := w.heads[terminal]; ok {
		return h, nil
	}
	db, err := w.view()
	if err != nil {
		return server.Head{}, err
	}
	return db.Head(terminal)
}

func (w *wledger) Claims(id pos.VoucherID) ([]wire.Claim, error) {
	if c, ok := w.claims[id]; ok {
		return append([]wire.Claim(nil), c...), nil
	}
	db, err := w.view()
	if err != nil {
		return nil, err
	}
	return db.Claims(id)
}

func (w *wledger) Status(id pos.VoucherID) (pos.VoucherStatus, error) {
	if s, ok := w.status[id]; ok {
		return s, nil
	}
	db, err := w.view()
	if err != nil {
		return 0, err
	}
	return db.Status(id)
}

func (w *wledger) ForEachStatus(fn func(pos.VoucherID, pos.VoucherStatus) error) error {
	if err := w.flush(); err != nil {
		return err
	}
	return w.db.ForEachStatus(fn)
}

func (w *wledger) RedeemedTotal(campaign uint16, h pos.HolderRef) (pos.Money, error) {
	if t, ok := w.redeemed[holderKey{campaign, h}]; ok {
		return t, nil
	}
	db, err := w.view()
	if err != nil {
		return 0, err
	}
	return db.RedeemedTotal(campaign, h)
}

func (w *wledger) Suspended(h pos.HolderRef) (bool, error) {
	if on, ok := w.suspended[h]; ok {
		return on, nil
	}
	db, err := w.view()
	if err != nil {
		return false, err
	}
	return db.Suspended(h)
}

func (w *wledger) ForEachHolder(fn func(pos.HolderRef, bool) error) error {
	if err := w.flush(); err != nil {
		return err
	}
	return w.db.ForEachHolder(fn)
}

var _ server.SaleFollowers = (*wledger)(nil)

func (w *wledger) Followers(terminal string, sale uint64) ([]server.RecordKey, error) {
	if err := w.flush(); err != nil {
		return nil, err
	}
	return w.db.Followers(terminal, sale)
}

func (w *wledger) Changes(after uint64, limit int) ([]server.Change, bool, error) {
	if err := w.flush(); err != nil {
		return nil, false, err
	}
	return w.db.Changes(after, limit)
}

func (w *wledger) CountChanges(after uint64, most int) (int, error) {
	if err := w.flush(); err != nil {
		return 0, err
	}
	return w.db.CountChanges(after, most)
}

func (w *wledger) SnapshotExtent() (server.SnapshotExtent, error) {
	if err := w.flush(); err != nil {
		return server.SnapshotExtent{}, err
	}
	return w.db.SnapshotExtent()
}

func (w *wledger) LastChange() (uint64, error) {
	if err := w.loadCounters(); err != nil {
		return 0, err
	}
	return uint64(w.c.change), nil
}

func (w *wledger) Incidents() ([]wire.Incident, error) {
	if err := w.flush(); err != nil {
		return nil, err
	}
	return w.db.Incidents()
}

func (w *wledger) IncidentsAfter(after uint64, limit int) ([]wire.Incident, bool, error) {
	if err := w.flush(); err != nil {
		return nil, false, err
	}
	return w.db.IncidentsAfter(after, limit)
}

func (w *wledger) PutRecord(terminal string, seq uint64, r *server.StoredRecord) error {
	c := *r
	k := recKey{terminal, seq}
	w.records[k] = &c
	w.dirty.records[k] = true
	return nil
}

func (w *wledger) SetHead(terminal string, h server.Head) error {
	w.heads[terminal] = h
	w.dirty.heads[terminal] = true
	return nil
}

func (w *wledger) PutClaims(id pos.VoucherID, claims []wire.Claim) error {
	w.claims[id] = append([]wire.Claim(nil), claims...)
	w.dirty.claims[id] = true
	return nil
}

func (w *wledger) SetRedeemedTotal(campaign uint16, h pos.HolderRef, total pos.Money) error {
	k := holderKey{campaign, h}
	w.redeemed[k] = total
	w.dirty.redeemed[k] = true
	return nil
}

func (w *wledger) nextChange() (int64, error) {
	if err := w.loadCounters(); err != nil {
		return 0, err
	}
	w.c.change++
	w.c.dirty = true
	return w.c.change, nil
}

func (w *wledger) SetStatus(id pos.VoucherID, s pos.VoucherStatus) error {
	seq, err := w.nextChange()
	if err != nil {
		return err
	}
	w.status[id] = s
	w.dirty.status[id] = true
	w.dirty.vchange[id] = seq
	return nil
}

func (w *wledger) SetSuspended(h pos.HolderRef, on bool) error {
	seq, err := w.nextChange()
	if err != nil {
		return err
	}
	w.suspended[h] = on
	w.dirty.suspended[h] = true
	w.dirty.hchange[h] = seq
	return nil
}

func (w *wledger) AddIncident(in wire.Incident) (uint64, error) {
	if err := w.loadCounters(); err != nil {
		return 0, err
	}
	w.c.incident++
	w.c.dirty = true
	id := w.c.incident
	w.q.Queue(sqlAddIncident, id, in.Time, in.Kind, in.Reason, in.Terminal, in.Store, int64(in.Seq), int64(in.Voucher), in.Holder[:], int64(in.Amount), in.Detail)
	for i, c := range in.Claims {
		w.q.Queue(sqlAddIncidentClaim, id, i, c.Terminal, c.Store, int64(c.Seq), c.Receipt, c.Time, c.Voided, c.Counted)
	}
	return uint64(id), nil
}

var _ server.LedgerPrefetcher = (*wledger)(nil)

// Prefetch loads the rows an upload will read in one pipelined round trip,
// absent rows included, so the rules' reads are answered from memory: the
// terminal's head too.
func (w *wledger) Prefetch(terminal string, seqs []uint64, vouchers []pos.VoucherID, holders []server.CampaignHolder) error {
	seqArg := make([]int64, 0, len(seqs))
	for _, s := range seqs {
		if _, ok := w.records[recKey{terminal, s}]; !ok {
			seqArg = append(seqArg, int64(s))
		}
	}
	var ids []int64
	for _, v := range vouchers {
		if _, ok := w.claims[v]; !ok {
			ids = append(ids, int64(v))
		}
	}
	var camps []int32
	var hs, susp [][]byte
	seen := map[pos.HolderRef]bool{}
	for _, h := range holders {
		camps, hs = append(camps, int32(h.Campaign)), append(hs, h.Holder[:])
		if !seen[h.Holder] {
			seen[h.Holder] = true
			susp = append(susp, h.Holder[:])
		}
	}
	var b pgx.Batch
	pre := w.queuePre(&b)
	_, haveHead := w.heads[terminal]
	if !haveHead {
		b.Queue(`SELECT seq, hash, records, last_seen FROM heads WHERE terminal = $1`, terminal)
	}
	b.Queue(`SELECT seq, `+recordCols+` FROM records WHERE terminal = $1 AND seq = ANY($2)`, terminal, seqArg)
	b.Queue(`SELECT voucher, `+claimCols+` FROM claims WHERE voucher = ANY($1) ORDER BY voucher, idx`, ids)
	b.Queue(`SELECT voucher, status FROM voucher_status WHERE voucher = ANY($1)`, ids)
	b.Queue(`SELECT holder, suspended FROM suspended WHERE holder = ANY($1)`, susp)
	b.Queue(`SELECT r.campaign, r.holder, r.total FROM redeemed r JOIN unnest($1::int[], $2::bytea[]) AS k(campaign, holder)
		ON r.campaign = k.campaign AND r.holder = k.holder`, camps, hs)
	res := w.db.tx.SendBatch(ctx(), &b)
	defer res.Close()

	// Absent unless found.
	for _, s := range seqArg {
		w.records[recKey{terminal, uint64(s)}] = nil
	}
	for _, id := range ids {
		w.claims[pos.VoucherID(id)] = nil
		w.status[pos.VoucherID(id)] = pos.StatusValid
	}
	for _, h := range holders {
		w.redeemed[holderKey{h.Campaign, h.Holder}] = 0
		w.suspended[h.Holder] = false
	}

	for range pre {
		if _, err := res.Exec(); err != nil {
			return err
		}
	}
	if !haveHead {
		h, err := scanHead(res.QueryRow())
		if err != nil {
			return err
		}
		w.heads[terminal] = h
	}
	rows, err := res.Query()
	if err != nil {
		return err
	}
	for rows.Next() {
		var seq int64
		r, err := scanRecord(rows, &seq)
		if err != nil {
			rows.Close()
			return err
		}
		w.records[recKey{terminal, uint64(seq)}] = r
	}
	rows.Close()
	if rows, err = res.Query(); err != nil {
		return err
	}
	for rows.Next() {
		var id, seq int64
		var c wire.Claim
		if err := rows.Scan(&id, &c.Terminal, &c.Store, &seq, &c.Receipt, &c.Time, &c.Voided, &c.Counted); err != nil {
			rows.Close()
			return err
		}
		c.Seq = uint64(seq)
		w.claims[pos.VoucherID(id)] = append(w.claims[pos.VoucherID(id)], c)
	}
	rows.Close()
	if rows, err = res.Query(); err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var s int16
		if err := rows.Scan(&id, &s); err != nil {
			rows.Close()
			return err
		}
		w.status[pos.VoucherID(id)] = pos.VoucherStatus(s)
	}
	rows.Close()
	if rows, err = res.Query(); err != nil {
		return err
	}
	for rows.Next() {
		var hb []byte
		var on bool
		if err := rows.Scan(&hb, &on); err != nil {
			rows.Close()
			return err
		}
		var h pos.HolderRef
		copy(h[:], hb)
		w.suspended[h] = on
	}
	rows.Close()
	if rows, err = res.Query(); err != nil {
		return err
	}
	for rows.Next() {
		var camp int32
		var hb []byte
		var total int64
		if err := rows.Scan(&camp, &hb, &total); err != nil {
			rows.Close()
			return err
		}
		var h pos.HolderRef
		copy(h[:], hb)
		w.redeemed[holderKey{uint16(camp), h}] = pos.Money(total)
	}
	rows.Close()
	return rows.Err()
}
