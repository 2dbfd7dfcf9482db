package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/sync/wire"
)

// TestIncidentsInLANG: a voucher redeemed at two terminals of a store
// while offline becomes a double-spend case at the second one's sync;
// posctl incidents tells it in the language of LANG from its reason code
// with the record's voucher id (as codes.csv writes it), and shows the
// server's English detail only under an English LANG.
func TestIncidentsInLANG(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	url, srv := reconcileServer(t, dep)
	t.Setenv("LANG", "zh_CN.UTF-8")
	counter := func(name string) string {
		add, err := srv.AddTerminal(wire.AddTerminalRequest{Store: "HF-001", Name: name})
		if err != nil {
			t.Fatal(err)
		}
		db := filepath.Join(t.TempDir(), "terminal.db")
		mustPosctl(t, "enroll", "--db", db, "--server", url, "--code", add.Code, "--yes")
		mustPosctl(t, "user", "add", "--db", db, "--id", "1001", "--name", "王芳", "--role", "cashier", "--pin", "2468")
		return db
	}
	t1, t2 := counter("T01"), counter("T02")
	code := dep.Code(t, "m1", pos.Yuan(50))
	for _, db := range []string{t1, t2} {
		mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:2", "--method", "wechat", code)
	}
	mustPosctl(t, "sync", "--db", t1)
	posctl(t, "sync", "--db", t2)
	var listed []ListedRecord
	if err := json.Unmarshal([]byte(mustPosctl(t, "ledger", "list", "--db", t2, "--json")), &listed); err != nil || len(listed) != 1 {
		t.Fatalf("ledger list: %+v %v", listed, err)
	}
	id := listed[0].Vouchers[0]
	for _, tc := range []struct {
		lang      string
		want, not []string
	}{
		{"zh_CN.UTF-8", []string{"T02-000001", "conflict", "重复使用：此券也在其他柜台核销过，服务器已立案", "消费券 " + id}, []string{"already redeemed", "voucher "}},
		{"en_US.UTF-8", []string{"T02-000001", "conflict", "Voucher " + id, "is already redeemed by"}, nil},
	} {
		t.Setenv("LANG", tc.lang)
		out := mustPosctl(t, "incidents", "--db", t2)
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: incidents lack %q:\n%s", tc.lang, w, out)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(out, n) {
				t.Errorf("%s: incidents say %q:\n%s", tc.lang, n, out)
			}
		}
	}
}
