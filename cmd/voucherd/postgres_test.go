package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/pos/voucher"
	"fupinpos/sync/server/pgtest"
	"fupinpos/sync/server/postgres"
	"fupinpos/sync/wire"
)

// TestMain starts one throw-away PostgreSQL cluster for the package. With
// VOUCHERD_AS_MAIN=1 the test binary is voucherd itself, so tests can run
// several `voucherd serve` processes. The tests run in Chinese
// (LANG=zh_CN.UTF-8), whatever the caller's LANG; those that check
// English set it themselves.
func TestMain(m *testing.M) {
	if os.Getenv("VOUCHERD_AS_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Setenv("LANG", "zh_CN.UTF-8")
	os.Exit(pgtest.Main(m))
}

// TestPostgresSchemaChecked: every command with --db refuses a database
// whose schema is not current and says how to fix it; migrate is idempotent.
func TestPostgresSchemaChecked(t *testing.T) {
	url := pgtest.NewDatabase(t)
	data := filepath.Join(t.TempDir(), "server")
	out := mustRun(t, 1, "init", "--data", data, "--db", url)
	if !strings.Contains(out, "voucherd migrate --db URL") || !strings.Contains(out, "version 0") {
		t.Errorf("refusal does not say how to fix it: %s", out)
	}
	if out := mustRun(t, 2, "migrate"); !strings.Contains(out, "缺少 --db（或设置 $VOUCHERD_DB）") {
		t.Errorf("migrate without --db: %s", out)
	}
	if out := mustRun(t, 0, "migrate", "--db", url); !strings.Contains(out, fmt.Sprintf("从第 0 版升级到第 %d 版", postgres.SchemaVersion())) {
		t.Errorf("migrate: %s", out)
	}
	if out := mustRun(t, 0, "migrate", "--db", url); !strings.Contains(out, fmt.Sprintf("数据库结构已是最新（第 %d 版）", postgres.SchemaVersion())) {
		t.Errorf("migrate again: %s", out)
	}
	if out := mustRun(t, 1, "init", "--data", data, "--db", "mysql://x"); !strings.Contains(out, "postgres://") {
		t.Errorf("wrong URL: %s", out)
	}
}

// TestPostgresInitIssueAdmin runs init, migrate and issue on PostgreSQL:
// the keys are files in --data (0600), the database file is never made,
// and the cap holds across commands.
func TestPostgresInitIssueAdmin(t *testing.T) {
	url := pgtest.NewDatabase(t)
	data := filepath.Join(t.TempDir(), "server")
	mustRun(t, 0, "migrate", "--db", url)
	t.Setenv(dbEnv, url) // the default of --db
	mustRun(t, 0, "init", "--data", data, "--demo")
	codes := filepath.Join(t.TempDir(), "codes.csv")
	mustRun(t, 0, "issue", "--data", data, "--campaign", "2020", "--unit", "1001", "--member", "M-1", "--value", "10000", "--count", "3", "--out", codes)
	out := mustRun(t, 1, "issue", "--data", data, "--campaign", "2020", "--unit", "1001", "--member", "M-1 ", "--value", "100")
	if !strings.Contains(out, pos.ECAPEXCEEDED) {
		t.Errorf("over the cap: %s", out)
	}
	if _, err := os.Stat(filepath.Join(data, "voucherd.db")); !os.IsNotExist(err) {
		t.Errorf("a bbolt file was made with --db: %v", err)
	}
	ents, err := os.ReadDir(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if fi, _ := e.Info(); strings.HasSuffix(e.Name(), ".key") && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v", e.Name(), fi.Mode().Perm())
		}
	}
	st, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows := readCodes(t, codes)
	v, err := voucher.Decode(rows[2][4])
	if err != nil {
		t.Fatal(err)
	}
	is, err := st.Issued(v.ID())
	if err != nil || is.Member != "M-1" || is.Value != 10000 || is.Code != rows[2][4] {
		t.Fatalf("issuance in PostgreSQL: %+v %v", is, err)
	}
	if total, _ := st.IssuedTotal(v.Campaign, v.Holder); total != 30000 {
		t.Errorf("issued total %s, want ￥300.00", total)
	}
	add := mustRun(t, 0, "terminal", "add", "--data", data, "--store", "HF-001", "--name", "HF-001-T01")
	if !regexp.MustCompile(`(?m)^注册码：\d{4}-\d{4}-\d{4}$`).MatchString(add) {
		t.Errorf("terminal add: %s", add)
	}
	if list := mustRun(t, 0, "terminal", "list", "--data", data); !strings.Contains(list, "HF-001-T01") || !strings.Contains(list, "pending") ||
		!strings.HasPrefix(list, "终端        门店    状态     密钥指纹") {
		t.Errorf("terminal list: %s", list)
	}
	if tm, err := st.Terminal("HF-001-T01"); err != nil || tm.State != wire.TerminalPending {
		t.Errorf("terminal in PostgreSQL: %+v %v", tm, err)
	}
}

// serveProc is a `voucherd serve` process (the test binary as voucherd).
type serveProc struct {
	base string
	cmd  *exec.Cmd
	out  *lockedBuffer
}

func startServeProc(t *testing.T, data, url string) *serveProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve", "--data", data, "--db", url, "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "VOUCHERD_AS_MAIN=1")
	p := &serveProc{cmd: cmd, out: &lockedBuffer{}}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	for i := 0; i < 1000 && p.base == ""; i++ {
		if m := regexp.MustCompile(`正在服务：(http://\S+)`).FindStringSubmatch(p.out.String()); m != nil {
			p.base = m[1]
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if p.base == "" {
		t.Fatalf("serve did not start: %s", p.out.String())
	}
	return p
}

// pterm is a terminal talking to one instance.
type pterm struct {
	t    *testing.T
	id   string
	key  []byte
	base string
}

func (p *pterm) post(path string, sign bool, in, out any) int {
	p.t.Helper()
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest("POST", p.base+path, bytes.NewReader(b))
	if sign {
		wire.Sign(req, b, p.id, p.key, time.Now())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(data, out); err != nil {
			p.t.Fatal(err)
		}
	}
	if resp.StatusCode != 200 {
		p.t.Logf("%s %s: %d %s", p.id, path, resp.StatusCode, data)
	}
	return resp.StatusCode
}

// TestPostgresTwoInstancesDoubleSpend runs two `voucherd serve` processes
// on one database, each with its own copy of the data directory (shared
// keys), and two terminals that redeemed one voucher offline, each syncing
// to a different instance at the same moment: exactly one accepted, one
// incident, both terminals told, the report counts one sale.
func TestPostgresTwoInstancesDoubleSpend(t *testing.T) {
	url := pgtest.NewDatabase(t)
	data := filepath.Join(t.TempDir(), "server")
	mustRun(t, 0, "migrate", "--db", url)
	mustRun(t, 0, "init", "--data", data, "--db", url, "--demo")
	codes := filepath.Join(t.TempDir(), "codes.csv")
	mustRun(t, 0, "issue", "--data", data, "--db", url, "--campaign", "2020", "--unit", "1001", "--member", "M-1", "--value", "10000", "--out", codes)
	code := readCodes(t, codes)[0][4]
	// Each instance and the admin get their own copy of the keys.
	data2, admin := filepath.Join(t.TempDir(), "server2"), filepath.Join(t.TempDir(), "admin")
	for _, d := range []string{data2, admin} {
		if err := os.CopyFS(d, os.DirFS(data)); err != nil {
			t.Fatal(err)
		}
	}
	var terms []*pterm
	for i, name := range []string{"HF-001-T01", "HF-002-T01"} {
		add := mustRun(t, 0, "terminal", "add", "--data", data, "--db", url, "--store", name[:6], "--name", name)
		m := regexp.MustCompile(`(?m)^注册码：(\d{4}-\d{4}-\d{4})$`).FindStringSubmatch(add)
		if m == nil {
			t.Fatalf("no code in %q", add)
		}
		terms = append(terms, &pterm{t: t, id: name, key: postest.Key(byte(50 + i))})
		terms[i].base = m[1] // the code, until the instance is known
	}
	inst := []*serveProc{startServeProc(t, data, url), startServeProc(t, data2, url)}
	var tl *pos.TrustList
	for i, tm := range terms {
		enrollCode := tm.base
		tm.base = inst[i].base
		var en wire.EnrollResponse
		if st := tm.post(wire.PathEnroll, false, wire.EnrollRequest{Code: enrollCode, Public: postest.Public(tm.key)}, &en); st != 200 {
			t.Fatalf("enroll %s at instance %d: %d", tm.id, i, st)
		}
		var err error
		if tl, _, err = voucher.OpenBundle(en.Bundle, en.RootPublic); err != nil {
			t.Fatal(err)
		}
	}
	v, err := voucher.Verify(code, tl)
	if err != nil {
		t.Fatal(err)
	}
	sale := func(tm *pterm) pos.Entry {
		rec := &pos.Record{Seq: 1, Kind: pos.KindSale, Time: time.Now(), Store: tm.id[:6], Terminal: tm.id,
			Receipt: tm.id + "-000001", Cashier: "1001", Total: 12000, Eligible: 12000, VoucherAmount: 10000, SelfPaid: 2000,
			Lines: []pos.Line{{SKU: "X", Name: "梨", County: "砀山县", Price: 6000, Qty: 2, Eligible: true}},
			Vouchers: []pos.AppliedVoucher{{ID: v.ID(), Campaign: v.Campaign, KeyID: v.KeyID, Holder: v.Holder, Unit: v.Unit,
				Face: v.Value, Applied: v.Value, Code: code}}}
		e, err := pos.Seal(rec, tm.key)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	entries := []pos.Entry{sale(terms[0]), sale(terms[1])}
	results := make([]pos.UploadResult, 2)
	done := make(chan int, 2)
	for i, tm := range terms {
		go func() {
			var up wire.UploadResponse
			if st := tm.post(wire.PathUpload, true, wire.UploadRequest{Entries: entries[i : i+1]}, &up); st == 200 && len(up.Results) == 1 {
				results[i] = up.Results[0].Result
			}
			done <- i
		}()
	}
	<-done
	<-done
	accepted, conflict := 0, -1
	for i, r := range results {
		switch r {
		case pos.UploadAccepted:
			accepted++
		case pos.UploadConflict:
			conflict = i
		}
	}
	if accepted != 1 || conflict < 0 {
		t.Fatalf("results %v, want one accepted and one conflict", results)
	}
	first := terms[1-conflict]
	// The first terminal learns of the case from its own instance's download.
	var dl wire.DownloadResponse
	if st := first.post(wire.PathDownload, true, wire.DownloadRequest{TrustSeq: tl.Seq}, &dl); st != 200 ||
		len(dl.Incidents) != 1 || dl.Incidents[0].Kind != wire.IncidentDoubleSpend || dl.Incidents[0].Seq != 1 {
		t.Errorf("first terminal told %+v", dl.Incidents)
	}
	// The admin reads the database directly (no serve.url in its directory).
	inc := mustRun(t, 0, "incidents", "--data", admin, "--db", url)
	if strings.Count(inc, wire.IncidentDoubleSpend) != 1 {
		t.Errorf("incidents:\n%s", inc)
	}
	day := pos.DayOf(time.Now())
	rep := mustRun(t, 0, "report", "--data", admin, "--db", url, "--day", day, "--csv")
	if !strings.Contains(rep, "\ntotal,"+day+",,1,,12000,10000,0,2000,1\n") || !strings.Contains(rep, "\nby_unit,1001,合肥市总工会机关,1,0,10000,10000,0,0,1\n") ||
		!strings.Contains(rep, "\nreview,redeemed_elsewhere,redeemed_elsewhere,1,0,12000,10000,0,0,\n") {
		t.Errorf("report:\n%s", rep)
	}
}
