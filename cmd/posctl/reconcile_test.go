package main

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/pos/voucher"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// reconcileServer is a central server on loopback over a bbolt file, with
// dep's deployment published; it returns its URL and the server.
func reconcileServer(t *testing.T, dep *postest.Deployment) (string, *server.Server) {
	st, err := server.OpenBolt(filepath.Join(t.TempDir(), server.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.UpdateDeployment(func(d *server.Deployment) error {
		d.Campaigns, d.Units, d.Keys, d.Catalogue, d.TrustSeq = dep.Trust.Campaigns, dep.Trust.Units, dep.Trust.Keys, *dep.Catalogue, dep.Trust.Seq
		return nil
	})
	if err == nil {
		err = st.SetDocuments(&server.Documents{Trust: dep.TrustDoc(t), TrustSeq: dep.Trust.Seq, Catalogue: dep.CatalogueDoc(t), CatalogueVersion: dep.Catalogue.Version})
	}
	if err != nil {
		t.Fatal(err)
	}
	srv := &server.Server{Store: st, Root: dep.RootPublic()}
	h := httptest.NewServer(srv.Handler())
	t.Cleanup(h.Close)
	return h.URL, srv
}

// TestReconcileCommand: two sales synced and one not: posctl reconcile
// exits 1 listing the one not uploaded and the totals; after a sync it
// exits 0, "已对账"; --json is the pos.Reconciliation.
func TestReconcileCommand(t *testing.T) {
	t.Setenv("LANG", "zh_CN.UTF-8")
	dep := postest.NewDeployment(t, time.Now())
	url, srv := reconcileServer(t, dep)
	add, err := srv.AddTerminal(wire.AddTerminalRequest{Store: "HF-001", Name: "T01"})
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "terminal.db")
	mustPosctl(t, "enroll", "--db", db, "--server", url, "--code", add.Code, "--yes")
	mustPosctl(t, "user", "add", "--db", db, "--id", "1001", "--name", "王芳", "--role", "cashier", "--pin", "2468")
	sell := func(member string) {
		mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:2", "--method", "wechat", dep.Code(t, member, pos.Yuan(50)))
	}
	sell("m1")
	sell("m2")
	mustPosctl(t, "sync", "--db", db)
	sell("m3")
	day := pos.DayOf(time.Now())
	code, out, errOut := posctl(t, "reconcile", "--db", db, "--day", day)
	if code != 1 || !strings.Contains(out, "差异 1 笔") || !strings.Contains(out, "未上传  T01-000003") || !strings.Contains(out, "当日合计不符  本机 3 笔，券 ￥150.00；服务器 2 笔，券 ￥100.00") {
		t.Fatalf("before sync: exit %d\n%s%s", code, out, errOut)
	}
	mustPosctl(t, "sync", "--db", db)
	if out := mustPosctl(t, "reconcile", "--db", db, "--day", day); !strings.Contains(out, "已对账") || !strings.Contains(out, "共 3 笔") {
		t.Errorf("after sync: %s", out)
	}
	var rec pos.Reconciliation
	if err := json.Unmarshal([]byte(mustPosctl(t, "reconcile", "--db", db, "--day", day, "--json")), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Terminal != "T01" || rec.Records != 3 || len(rec.Diffs) != 0 || rec.Server.Sales != 3 || rec.Server.VoucherAmount != pos.Yuan(150) {
		t.Errorf("JSON %+v", rec)
	}
}

// TestSettleVerifyCommand: posctl settle verify passes a signed folder
// with the root key given as hex, and exits 1 naming a changed file.
func TestSettleVerifyCommand(t *testing.T) {
	t.Setenv("LANG", "en_US.UTF-8")
	dep := postest.NewDeployment(t, time.Now())
	dir := t.TempDir()
	m := &pos.SettlementManifest{Day: "2020-09-15", Payable: 12980, Withheld: 2, Created: time.Now()}
	for name, body := range map[string]string{"settlement-2020-09-15.csv": "\ufeffa,b\n1,2\n", "settlement-2020-09-15-withheld.csv": "\ufeffx\n"} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		f, err := voucher.HashFile(p)
		if err != nil {
			t.Fatal(err)
		}
		m.Files = append(m.Files, f)
	}
	signed, err := voucher.SignSettlement(m, dep.Root)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, pos.ManifestName), signed, 0o644)
	key := fmt.Sprintf("%x", []byte(dep.RootPublic()))
	if out := mustPosctl(t, "settle", "verify", "--root-key", key, dir); !strings.Contains(out, "2 files") || !strings.Contains(out, "￥129.80") {
		t.Errorf("verify: %s", out)
	}
	os.WriteFile(filepath.Join(dir, "settlement-2020-09-15.csv"), []byte("\ufeffa,b\n1,3\n"), 0o644)
	if code, out, _ := posctl(t, "settle", "verify", "--root-key", key, dir); code != 1 || !strings.Contains(out, "settlement-2020-09-15.csv was changed: it does not match the signed manifest") {
		t.Errorf("tampered: exit %d %s", code, out)
	}
	// Under zh_CN the settlement's own words, not a forged voucher's; a
	// file in a subfolder fails too.
	t.Setenv("LANG", "zh_CN.UTF-8")
	os.WriteFile(filepath.Join(dir, "settlement-2020-09-15.csv"), []byte("\ufeffa,b\n1,2\n"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "sub", "settlement-2020-09-16.csv"), []byte("x"), 0o644)
	if code, out, _ := posctl(t, "settle", "verify", "--root-key", key, dir); code != 1 || !strings.Contains(out, "结算文件未通过校验：多出了清单中没有的 sub/") ||
		strings.Contains(out, "券码") {
		t.Errorf("subfolder: exit %d %s", code, out)
	}
}

// TestReconcileServerDown: with the central server unreachable posctl
// reconcile exits 4, not 1 ("they differ"), and says nothing was
// compared, in the language of LANG; --help tells the exit statuses.
func TestReconcileServerDown(t *testing.T) {
	dep := postest.NewDeployment(t, time.Now())
	db, stop := enrolled(t, dep)
	t.Setenv("LANG", "zh_CN.UTF-8")
	mustPosctl(t, "redeem", "--db", db, "--cashier", "1001", "--item", "DS-PEAR-5:2", "--method", "wechat", dep.Code(t, "m1", pos.Yuan(50)))
	if code, out, errOut := posctl(t, "reconcile", "--db", db); code != 1 || !strings.Contains(out, "未上传  T01-000001") {
		t.Fatalf("differences: exit %d\n%s%s", code, out, errOut)
	}
	stop()
	code, out, errOut := posctl(t, "reconcile", "--db", db, "--timeout", "5s")
	want := "posctl reconcile: 连不上中心服务器，未能对账（没有作任何比较）：请在能连上服务器时再对账 [server_offline]\n"
	if code != exitNoServer || code == 1 || out != "" || !strings.HasPrefix(errOut, want) {
		t.Fatalf("server down: exit %d (want %d)\n%s%s\nwant stderr starting %q", code, exitNoServer, out, errOut, want)
	}
	if _, out, _ := posctl(t, "reconcile", "--help"); !strings.Contains(out, "4 连不上中心服务器，没有作任何比较") {
		t.Errorf("--help does not tell exit status 4:\n%s", out)
	}
}
