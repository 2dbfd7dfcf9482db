package server

import (
	"slices"
	"strconv"
	"strings"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// SnapshotBehind is how many changes behind a terminal's cursor may be
// before it gets full snapshots instead of the changes.
const SnapshotBehind = 50_000

// cursor is "<epoch>.<feed seq>"; opaque to terminals.
func makeCursor(epoch string, seq uint64) string { return epoch + "." + strconv.FormatUint(seq, 10) }

func parseCursor(c, epoch string) (uint64, bool) {
	e, n, ok := strings.Cut(c, ".")
	if !ok || e != epoch {
		return 0, false
	}
	v, err := strconv.ParseUint(n, 10, 64)
	return v, err == nil
}

// Download answers what terminal t lacks: newer signed documents, and the
// status changes after its cursor — or full snapshots when it has no usable
// cursor or is too far behind. One read transaction: a page is consistent.
func (s *Server) Download(t *wire.Terminal, req wire.DownloadRequest) (*wire.DownloadResponse, error) {
	limit := req.Limit
	if limit <= 0 {
		limit = wire.DefaultDownloadLimit
	}
	limit = min(limit, wire.MaxDownloadLimit)
	docs, err := s.Store.Documents()
	if err != nil {
		return nil, err
	}
	_, camps, err := s.verifier()
	if err != nil {
		return nil, err
	}
	var ids []uint16
	for id := range camps {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	resp := &wire.DownloadResponse{ServerTime: s.now().UTC()}
	if len(docs.Trust) > 0 && docs.TrustSeq > req.TrustSeq {
		resp.Trust = docs.Trust
	}
	if len(docs.Catalogue) > 0 && docs.CatalogueVersion > req.CatalogueVersion {
		resp.Catalogue = docs.Catalogue
	}
	err = s.Store.ViewLedger(func(l LedgerView) error {
		epoch := l.Epoch()
		last, err := l.LastChange()
		if err != nil {
			return err
		}
		after, ok := parseCursor(req.Cursor, epoch)
		if !ok || after > last || last-after > SnapshotBehind {
			return snapshot(l, resp, makeCursor(epoch, last), ids)
		}
		changes, more, err := l.Changes(after, limit)
		if err != nil {
			return err
		}
		for _, ch := range changes {
			if ch.Holder != nil {
				resp.Holders = append(resp.Holders, pos.HolderChange{Holder: *ch.Holder, Suspended: ch.Suspended})
			} else {
				resp.Vouchers = append(resp.Vouchers, pos.StatusChange{Voucher: ch.Voucher, Status: ch.Status})
			}
			after = ch.Seq
		}
		resp.Cursor, resp.More = makeCursor(epoch, after), more
		return nil
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// snapshot fills resp with the packed status list of every campaign that
// of the deployment (empty when all valid) and of any other campaign with a
// voucher not valid, and every holder ever suspended or reinstated.
func snapshot(l LedgerView, resp *wire.DownloadResponse, cursor string, campaigns []uint16) error {
	idx := map[uint16]int{}
	resp.Snapshots = []wire.Snapshot{}
	for _, c := range campaigns {
		idx[c] = len(resp.Snapshots)
		resp.Snapshots = append(resp.Snapshots, wire.Snapshot{Campaign: c, Packed: []byte{}})
	}
	err := l.ForEachStatus(func(id pos.VoucherID, st pos.VoucherStatus) error {
		i, ok := idx[id.Campaign()]
		if !ok {
			i = len(resp.Snapshots)
			idx[id.Campaign()] = i
			resp.Snapshots = append(resp.Snapshots, wire.Snapshot{Campaign: id.Campaign()})
		}
		sn := &resp.Snapshots[i]
		s := int(id.Serial())
		for len(sn.Packed) <= s/4 {
			sn.Packed = append(sn.Packed, 0)
		}
		sn.Packed[s/4] |= byte(st&3) << (2 * (s % 4))
		return nil
	})
	if err != nil {
		return err
	}
	err = l.ForEachHolder(func(h pos.HolderRef, on bool) error {
		resp.Holders = append(resp.Holders, pos.HolderChange{Holder: h, Suspended: on})
		return nil
	})
	resp.Cursor = cursor
	return err
}
