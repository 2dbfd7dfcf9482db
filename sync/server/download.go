package server

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// Estimated bytes on the wire (JSON) of what a download carries: one
// change of the feed (a voucher's {"voucher":…,"status":…} or a holder's
// {"holder":…,"suspended":…}; 37 B a change measured over 1,000), one
// holder of a snapshot, one campaign's snapshot apart from its packed
// statuses, and a snapshot's own framing (the "snapshots" field), which
// also makes a near tie go to the changes.
const (
	changeBytes           = 38
	snapshotHolderBytes   = 48
	snapshotCampaignBytes = 32
	snapshotFieldBytes    = 64
)

// snapshotBytes estimates a full snapshot's size on the wire: the packed
// statuses (2 bits a serial up to the highest not valid, base64) of each
// campaign, and every holder ever suspended or reinstated.
func snapshotBytes(x SnapshotExtent, campaigns []uint16) int {
	n := snapshotFieldBytes + x.Holders*snapshotHolderBytes
	seen := map[uint16]bool{}
	for _, c := range campaigns {
		seen[c] = true
		n += snapshotCampaignBytes
	}
	for c, serial := range x.MaxSerial {
		if !seen[c] {
			n += snapshotCampaignBytes
		}
		n += (int(serial)/4 + 1 + 2) / 3 * 4
	}
	return n
}

// useDelta reports whether the changes after cursor after cost no more
// bytes than a full snapshot. The feed holds one change per key, so the
// changes behind a terminal are at most the keys ever changed; counting
// stops as soon as they outweigh the snapshot, so the choice costs at most
// a snapshot's worth of key reads.
func useDelta(l LedgerView, after uint64, campaigns []uint16) (bool, error) {
	x, err := l.SnapshotExtent()
	if err != nil {
		return false, err
	}
	most := snapshotBytes(x, campaigns)/changeBytes + 1
	n, err := l.CountChanges(after, most)
	if err != nil {
		return false, err
	}
	return n*changeBytes <= snapshotBytes(x, campaigns), nil
}

// cursor is "<epoch>.<feed seq>.<incident id>"; opaque to terminals. A
// cursor of an older server, "<epoch>.<feed seq>", reads as incident id 0.
func makeCursor(epoch string, seq, incident uint64) string {
	return epoch + "." + strconv.FormatUint(seq, 10) + "." + strconv.FormatUint(incident, 10)
}

// parseCursor returns the feed seq and incident id of cursor c, and
// whether the feed seq can be used (c is from this database, epoch). The
// incident id is 0 whenever the feed seq is not usable.
func parseCursor(c, epoch string) (seq, incident uint64, ok bool) {
	e, rest, ok := strings.Cut(c, ".")
	if !ok || e != epoch {
		return 0, 0, false
	}
	n, in, three := strings.Cut(rest, ".")
	seq, err := strconv.ParseUint(n, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	if three {
		if incident, err = strconv.ParseUint(in, 10, 64); err != nil {
			return 0, 0, false
		}
	}
	return seq, incident, true
}

// Download answers what terminal t lacks: newer signed documents, and the
// status changes after its cursor — or full snapshots when it has no usable
// cursor or when the changes behind it would cost more bytes than a
// snapshot. The feed is compact (the latest change per voucher and holder),
// so the changes after any cursor of this database are complete and their
// number is bounded by the keys ever changed, not by the campaign's age.
// One read transaction: a page is consistent.
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
		after, inc, ok := parseCursor(req.Cursor, epoch)
		more := false
		delta := ok && after <= last
		if delta && after < last {
			if delta, err = useDelta(l, after, ids); err != nil {
				return err
			}
		}
		if !delta {
			if err := snapshot(l, resp, ids); err != nil {
				return err
			}
			after = last
		} else {
			changes, cmore, err := l.Changes(after, limit)
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
			more = cmore
		}
		incidents, imore, err := l.IncidentsAfter(inc, limit)
		if err != nil {
			return err
		}
		for _, in := range incidents {
			resp.Incidents = append(resp.Incidents, forTerminal(t.ID, in)...)
			inc = in.ID
		}
		resp.Cursor, resp.More = makeCursor(epoch, after, inc), more || imore
		h, err := l.Head(t.ID)
		resp.Head = &wire.ChainHead{Seq: h.Seq, Hash: h.Hash}
		return err
	})
	if err != nil {
		return nil, err
	}
	if resp.Resolved, err = s.decisions(t, req.Open); err != nil {
		return nil, err
	}
	return resp, nil
}

// snapshot fills resp with the packed status list of every campaign that
// of the deployment (empty when all valid) and of any other campaign with a
// voucher not valid, and every holder ever suspended or reinstated.
func snapshot(l LedgerView, resp *wire.DownloadResponse, campaigns []uint16) error {
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
	return err
}

// forTerminal returns what incident in tells terminal: one TerminalIncident
// per live record of terminal that in names, except the record whose
// upload opened it (that upload's answer told the terminal already).
func forTerminal(terminal string, in wire.Incident) []wire.TerminalIncident {
	var out []wire.TerminalIncident
	for i, c := range in.Claims {
		if c.Terminal != terminal || c.Voided || (in.Terminal == terminal && c.Seq == in.Seq) {
			continue
		}
		others := slices.Delete(slices.Clone(in.Claims), i, i+1)
		detail := in.Detail
		if in.Kind == wire.IncidentDoubleSpend {
			detail = fmt.Sprintf("voucher %s of this sale (record %d, receipt %s) was also redeemed by %s; both records are kept and this sale is under review at the server",
				in.Voucher, c.Seq, c.Receipt, describe(others))
		}
		out = append(out, wire.TerminalIncident{Incident: in.ID, Time: in.Time, Kind: in.Kind, Result: pos.UploadConflict,
			Reason: in.Reason, Seq: c.Seq, Receipt: c.Receipt, Voucher: in.Voucher, Detail: detail})
	}
	return out
}
