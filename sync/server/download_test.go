package server

import (
	"testing"

	"fupinpos/pos"
	"fupinpos/pos/voucher"
	"fupinpos/sync/wire"
)

func TestDownloadPages(t *testing.T) {
	e := newEnv(t)
	t1, t2 := e.enroll("T01", 11), e.enroll("T02", 12)
	first := t2.download("")
	if first.Cursor == "" || len(first.Snapshots) != 1 || first.Snapshots[0].Campaign != 2020 || len(first.Snapshots[0].Packed) != 0 {
		t.Fatalf("first download %+v", first)
	}
	var entries []pos.Entry
	for i := 0; i < 5; i++ {
		entries = append(entries, t1.sale(e.dep.Code(t, "M"+string(rune('a'+i)), 1000)))
	}
	t1.upload(entries...)
	// A revocation at a high serial makes a snapshot (~33 KB) dearer than
	// the 6 changes: the terminal pages through the changes.
	// (Set directly: the admin's Revoke refuses a voucher never issued.)
	e.srv.Store.UpdateLedger(func(tx LedgerTx) error { return tx.SetStatus(pos.NewVoucherID(2020, 99_999), pos.StatusRevoked) })

	var got []pos.StatusChange
	cur, pages := first.Cursor, 0
	for {
		var d wire.DownloadResponse
		if st, werr := e.call("POST", wire.PathDownload, t2.signer(), wire.DownloadRequest{Cursor: cur, TrustSeq: 1, CatalogueVersion: e.dep.Catalogue.Version, Limit: 2}, &d); st != 200 {
			t.Fatalf("download: %d %v", st, werr)
		}
		pages++
		got = append(got, d.Vouchers...)
		cur = d.Cursor
		if !d.More {
			break
		}
	}
	if pages != 3 || len(got) != 6 {
		t.Fatalf("%d pages, %d changes: %+v", pages, len(got), got)
	}
	for i, ch := range got[:5] {
		if ch.Voucher != pos.NewVoucherID(2020, uint32(i+1)) || ch.Status != pos.StatusRedeemedElsewhere {
			t.Errorf("change %d: %+v", i, ch)
		}
	}
	if got[5].Voucher != pos.NewVoucherID(2020, 99_999) || got[5].Status != pos.StatusRevoked {
		t.Errorf("last change %+v", got[5])
	}
	if d := t2.download(cur); len(d.Vouchers) != 0 || d.More || d.Cursor != cur {
		t.Errorf("nothing new: %+v", d)
	}
	// A cursor from another database gets a snapshot.
	d := t2.download("0123456789abcdef.3")
	if len(d.Snapshots) != 1 || snapshotStatus(d, pos.NewVoucherID(2020, 3)) != pos.StatusRedeemedElsewhere ||
		snapshotStatus(d, pos.NewVoucherID(2020, 99_999)) != pos.StatusRevoked || snapshotStatus(d, pos.NewVoucherID(2020, 7)) != pos.StatusValid {
		t.Errorf("snapshot %+v", d.Snapshots)
	}
}

func TestDownloadDocuments(t *testing.T) {
	e := newEnv(t)
	t1 := e.enroll("T01", 11)
	var d wire.DownloadResponse
	e.call("POST", wire.PathDownload, t1.signer(), wire.DownloadRequest{}, &d)
	tl, err := voucher.OpenTrust(d.Trust, e.dep.RootPublic())
	if err != nil || tl.Seq != 1 {
		t.Fatalf("trust %v %v", tl, err)
	}
	if c, err := voucher.OpenCatalogue(d.Catalogue, e.dep.RootPublic()); err != nil || c.Version != e.dep.Catalogue.Version {
		t.Fatalf("catalogue %v %v", c, err)
	}
	if d := t1.download(""); d.Trust != nil || d.Catalogue != nil {
		t.Errorf("documents sent though not newer")
	}
}
