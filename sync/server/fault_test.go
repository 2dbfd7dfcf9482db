package server

import (
	"strings"
	"testing"

	"fupinpos/pos"
	"fupinpos/sync/wire"
)

// TestServerFaultGeneric: a terminal whose request meets a storage fault
// gets the code and a reference, not the fault's detail; the log has both.
func TestServerFaultGeneric(t *testing.T) {
	e := newEnv(t)
	tm := e.enroll("T01", 1)
	e.srv.Store.Close() // every read now fails
	var resp wire.DownloadResponse
	st, werr := e.call("POST", wire.PathDownload, tm.signer(), wire.DownloadRequest{}, &resp)
	if st != 500 || werr == nil || werr.Code != pos.ESTORAGE && werr.Code != pos.EINTERNAL {
		t.Fatalf("download on a closed store: %d %+v", st, werr)
	}
	ref, ok := strings.CutPrefix(werr.Message, "server error ")
	ref, _, _ = strings.Cut(ref, ":")
	if !ok || len(ref) != 8 || strings.Contains(werr.Message, "database") {
		t.Errorf("message %q", werr.Message)
	}
	if logs := e.logs.String(); !strings.Contains(logs, "ref="+ref) || !strings.Contains(logs, "database not open") {
		t.Errorf("log lacks the reference %s or the detail:\n%s", ref, logs)
	}
}
