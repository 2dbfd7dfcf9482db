package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/sync/client"
	"fupinpos/sync/server/pgtest"
	"fupinpos/sync/synctest"
	"fupinpos/sync/wire"
)

// faultsByPath is a synctest.Chooser that mistreats the first requests of
// each path as listed (then passes), so a run is reproducible: the answer
// to a committed upload lost, a download refused, a download held past the
// client's timeout.
func faultsByPath(plan map[string][]synctest.Fault) synctest.Chooser {
	var mu sync.Mutex
	seen := map[string]int{}
	return func(_ int, r *http.Request) synctest.Fault {
		mu.Lock()
		defer mu.Unlock()
		n := seen[r.URL.Path]
		seen[r.URL.Path]++
		if f := plan[r.URL.Path]; n < len(f) {
			return f[n]
		}
		return synctest.Pass
	}
}

// TestPostgresTwoInstancesThroughClient runs two `voucherd serve` processes
// (the test binary as voucherd) on one PostgreSQL database and two
// terminals with their own bbolt databases, each enrolled and syncing with
// sync/client to a different instance through a fault proxy that loses
// the answer of the first upload and fails the first downloads. The same
// voucher was redeemed at both offline; both sync at once, twice. Exactly
// one sale is accepted, the server holds one incident naming both, each
// terminal's incident list names its own sale, and the day report counts
// the sale once with the other under review. The admin then filters,
// pages and resolves incidents with `voucherd incidents`.
func TestPostgresTwoInstancesThroughClient(t *testing.T) {
	url := pgtest.NewDatabase(t)
	data := filepath.Join(t.TempDir(), "server")
	mustRun(t, 0, "migrate", "--db", url)
	mustRun(t, 0, "init", "--data", data, "--db", url, "--demo")
	codes := filepath.Join(t.TempDir(), "codes.csv")
	mustRun(t, 0, "issue", "--data", data, "--db", url, "--campaign", "2020", "--unit", "1001", "--member", "M-1", "--value", "10000", "--out", codes)
	code := readCodes(t, codes)[0][4]
	data2, admin := filepath.Join(t.TempDir(), "server2"), filepath.Join(t.TempDir(), "admin")
	for _, d := range []string{data2, admin} {
		if err := os.CopyFS(d, os.DirFS(data)); err != nil {
			t.Fatal(err)
		}
	}
	names := []string{"HF-001-T01", "HF-002-T01"}
	var enrollCodes []string
	for _, name := range names {
		add := mustRun(t, 0, "terminal", "add", "--data", data, "--db", url, "--store", name[:6], "--name", name)
		m := regexp.MustCompile(`(?m)^注册码：(\d{4}-\d{4}-\d{4})$`).FindStringSubmatch(add)
		if m == nil {
			t.Fatalf("no code in %q", add)
		}
		enrollCodes = append(enrollCodes, m[1])
	}
	inst := []*serveProc{startServeProc(t, data, url), startServeProc(t, data2, url)}
	opts := client.Options{Timeout: 2 * time.Second, RetryMax: 4, RetryMin: 10 * time.Millisecond, RetryWait: 100 * time.Millisecond}

	type terminal struct {
		db    *bolt.DB
		proxy *synctest.Proxy
		c     *client.Client
		sale  *bolt.Sale
	}
	terms := make([]*terminal, 2)
	for i, name := range names {
		proxy := synctest.New(inst[i].base, faultsByPath(map[string][]synctest.Fault{
			wire.PathUpload:   {synctest.LostAnswer},
			wire.PathDownload: {synctest.Status500, synctest.Stall},
		}), 3*time.Second)
		t.Cleanup(proxy.Close)
		db, err := bolt.Open(filepath.Join(t.TempDir(), name+".db"), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := client.Enroll(context.Background(), db, proxy.URL, enrollCodes[i], pos.TerminalConfig{}, nil, opts); err != nil {
			t.Fatalf("enroll %s through instance %d: %v", name, i, err)
		}
		if err := db.AddUser(pos.User{ID: "1001", Name: "王芳", Role: pos.RoleCashier}, "2468", "tech"); err != nil {
			t.Fatal(err)
		}
		// Offline: the sale is validated and recorded on the terminal alone.
		db.SetOnline(false)
		sale, err := db.Redeem(bolt.SaleRequest{Cashier: "1001", Items: []bolt.Item{{SKU: "YX-CUILAN-250", Qty: 1}}, Codes: []string{code}, Method: pos.PayCash})
		if err != nil {
			t.Fatalf("offline sale at %s: %v", name, err)
		}
		c, err := client.New(db, opts)
		if err != nil {
			t.Fatal(err)
		}
		terms[i] = &terminal{db: db, proxy: proxy, c: c, sale: sale}
	}
	// Both sync at once through their faulty links, round after round: a
	// lost answer fails a sync (the terminal stays offline, the records
	// pending) and the next one resends them, answered as duplicates. After
	// two clean rounds the terminal whose sale was accepted first has
	// downloaded the case too.
	clean := 0
	for round := 0; clean < 2; round++ {
		if round == 6 {
			t.Fatal("the terminals did not sync cleanly in 6 rounds")
		}
		var wg sync.WaitGroup
		errs := make([]error, len(terms))
		for i, tm := range terms {
			wg.Go(func() { errs[i] = tm.c.Sync(context.Background()) })
		}
		wg.Wait()
		if errs[0] == nil && errs[1] == nil {
			clean++
		} else {
			t.Logf("round %d: %v", round, errs)
		}
	}
	for i, tm := range terms {
		counts := tm.proxy.Counts()
		if counts[synctest.LostAnswer] != 1 || counts[synctest.Status500] != 1 || counts[synctest.Stall] != 1 {
			t.Errorf("%s: faults %v, want one lost answer, one 500, one stall", names[i], counts)
		}
		if q, err := tm.db.Queue(); err != nil || q.Count != 0 {
			t.Errorf("%s: queue %+v %v, want empty", names[i], q, err)
		}
		in, err := tm.db.Incidents()
		if err != nil || len(in) != 1 || in[0].Seq != tm.sale.Record.Seq || in[0].Reason != pos.EREDEEMEDELSEWHERE || in[0].Result != pos.UploadConflict {
			t.Errorf("%s told %+v %v, want its sale %d under review", names[i], in, err, tm.sale.Record.Seq)
		}
	}

	// The server: one incident naming both sales, the day's report counts one.
	var page wire.IncidentPage
	if err := json.Unmarshal([]byte(mustRun(t, 0, "incidents", "--data", admin, "--db", url, "--json")), &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Incidents) != 1 || page.More || page.Incidents[0].Kind != wire.IncidentDoubleSpend || len(page.Incidents[0].Claims) != 2 ||
		page.Incidents[0].Claims[0].Terminal == page.Incidents[0].Claims[1].Terminal {
		t.Fatalf("server incidents %+v", page)
	}
	in := page.Incidents[0]
	r := terms[0].sale.Record
	day := pos.DayOf(r.Time)
	rep := mustRun(t, 0, "report", "--data", admin, "--db", url, "--day", day, "--csv")
	total := fmt.Sprintf("\ntotal,%s,,1,,%d,%d,%d,%d,%d\n", day, r.Total, r.VoucherAmount, r.Forfeited, r.SelfPaid, len(r.Vouchers))
	review := fmt.Sprintf("\nreview,redeemed_elsewhere,redeemed_elsewhere,1,0,%d,%d,", r.Total, r.VoucherAmount)
	if !strings.Contains(rep, total) || !strings.Contains(rep, review) {
		t.Errorf("report, want %q and %q:\n%s", total, review, rep)
	}

	// The admin's filters: by store, day and status; then the case resolved.
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"--store", in.Store}, 1},
		{[]string{"--store", "HF-999"}, 0},
		{[]string{"--day", day, "--status", "open"}, 1},
		{[]string{"--day", "2020-01-01"}, 0},
		{[]string{"--status", "resolved"}, 0},
		{[]string{"--after", fmt.Sprint(in.ID)}, 0},
	} {
		out := mustRun(t, 0, append([]string{"incidents", "--data", admin, "--db", url}, tc.args...)...)
		if got := strings.Count(out, wire.IncidentDoubleSpend); got != tc.want {
			t.Errorf("incidents %v: %d cases, want %d:\n%s", tc.args, got, tc.want, out)
		}
		if none := strings.Contains(out, "没有符合条件的事件"); none != (tc.want == 0) {
			t.Errorf("incidents %v: says none %v with %d cases:\n%s", tc.args, none, tc.want, out)
		}
	}
	if out := mustRun(t, 2, "incidents", "--data", admin, "--db", url, "--status", "closed"); !strings.Contains(out, "--status “closed”无效：可用 open 或 resolved") {
		t.Errorf("bad status: %s", out)
	}
	if out := mustRun(t, 0, "incidents", "--data", admin, "--db", url, "--resolve", fmt.Sprint(in.ID), "--note", "refunded by store HF-002"); !strings.Contains(out, "结案：refunded by store HF-002") {
		t.Errorf("resolve: %s", out)
	}
	out := mustRun(t, 0, "incidents", "--data", admin, "--db", url, "--status", "resolved")
	if !strings.Contains(out, wire.IncidentResolved) || strings.Count(out, wire.IncidentDoubleSpend) != 1 ||
		!strings.HasPrefix(out, "编号  时间") {
		t.Errorf("resolved list:\n%s", out)
	}
	if out := mustRun(t, 1, "incidents", "--data", admin, "--db", url, "--resolve", fmt.Sprint(in.ID), "--note", "again"); !strings.Contains(out, "refunded by store HF-002") {
		t.Errorf("second resolve: %s", out)
	}
}
