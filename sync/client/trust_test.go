package client_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/pos/voucher"
	"fupinpos/sync/client"
	"fupinpos/sync/wire"
)

// TestTrustListRefused: whoever answers the download (a rogue server, a
// proxy) cannot install a trust list that is older than the terminal's or
// not signed by the deployment root; the whole download is refused and
// nothing of it applied.
func TestTrustListRefused(t *testing.T) {
	e := newEnv(t)
	tm := e.enroll("HF-001-T01", e.http.URL)
	e.dep.Trust.Seq = 2
	newer := e.dep.TrustDoc(t)
	if _, err := tm.InstallTrust(newer, "test"); err != nil {
		t.Fatal(err)
	}
	e.dep.Trust.Seq = 1
	older := e.dep.TrustDoc(t)
	e.dep.Trust.Seq = 3
	forged, err := voucher.SignTrust(e.dep.Trust, postest.Key(77))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		doc  []byte
		want string
	}{
		{"older sequence", older, pos.ETRUSTSTALE},
		{"not signed by the root", forged, pos.EBADSIGNATURE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rogue := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				json.NewEncoder(w).Encode(wire.DownloadResponse{Trust: tt.doc, Cursor: "rogue",
					Vouchers: []pos.StatusChange{{Voucher: pos.NewVoucherID(2020, 1), Status: pos.StatusRevoked}}, ServerTime: time.Now()})
			}))
			defer rogue.Close()
			c, err := client.New(tm.DB, client.Options{Server: rogue.URL})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Download(context.Background())
			if got := pos.ErrorCode(err); got != tt.want {
				t.Fatalf("%v: code %q, want %q", err, got, tt.want)
			}
			if tl, _ := tm.Trust(); tl.Seq != 2 {
				t.Fatalf("trust list %d installed", tl.Seq)
			}
			if s, _ := tm.Status(pos.NewVoucherID(2020, 1)); s != pos.StatusValid {
				t.Fatalf("a refused download applied a status: %s", s)
			}
		})
	}
}
