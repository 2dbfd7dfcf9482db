package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fupinpos/pos/postest"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// startServe runs `voucherd serve` on data with extra flags, its log in
// logs, until the test ends; it returns the base URL.
func startServe(t *testing.T, data string, logs *lockedBuffer, extra ...string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	serveContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	logOutput = logs
	t.Cleanup(func() { logOutput = os.Stderr })
	var out lockedBuffer
	done := make(chan int)
	go func() {
		done <- run(append([]string{"serve", "--data", data, "--listen", "127.0.0.1:0"}, extra...), &out, &out)
	}()
	var base string
	for i := 0; i < 500 && base == ""; i++ {
		if m := regexp.MustCompile(`正在服务：(http://\S+)`).FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("serve did not start: %s", out.String())
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if st := <-done; st != 0 {
			t.Errorf("serve exit %d: %s", st, out.String())
		}
	}
	t.Cleanup(stop)
	return base, stop
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// logLines parses the JSON log lines whose msg is "request".
func logLines(t *testing.T, logs string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", sc.Text(), err)
		}
		if m["msg"] == "request" {
			out = append(out, m)
		}
	}
	return out
}

// TestServeProbesAndJSONLog: /healthz and /readyz answer without auth, and
// --log-format json writes one JSON object per request with the terminal
// of a signed request and the records of a download.
func TestServeProbesAndJSONLog(t *testing.T) {
	data := filepath.Join(t.TempDir(), "server")
	mustRun(t, 0, "init", "--data", data, "--demo")
	var logs lockedBuffer
	base, stop := startServe(t, data, &logs, "--log-format", "json")

	for _, p := range []string{server.PathHealthz, server.PathReadyz} {
		if st, body := get(t, base+p); st != 200 || !strings.Contains(body, `"status"`) {
			t.Errorf("GET %s: %d %s", p, st, body)
		}
	}
	add := mustRun(t, 0, "terminal", "add", "--data", data, "--store", "HF-001", "--name", "HF-001-T09")
	m := regexp.MustCompile(`(?m)^注册码：(\d{4}-\d{4}-\d{4})$`).FindStringSubmatch(add)
	if m == nil {
		t.Fatalf("no code in %q", add)
	}
	key := postest.Key(9)
	post := func(path string, sign bool, in any) int {
		b, _ := json.Marshal(in)
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(string(b)))
		if sign {
			wire.Sign(req, b, "HF-001-T09", key, time.Now())
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post(wire.PathEnroll, false, wire.EnrollRequest{Code: m[1], Public: postest.Public(key)}); st != 200 {
		t.Fatalf("enroll: %d", st)
	}
	if st := post(wire.PathDownload, true, wire.DownloadRequest{}); st != 200 {
		t.Fatalf("download: %d", st)
	}
	if st := post(wire.PathDownload, false, wire.DownloadRequest{}); st != 401 {
		t.Fatalf("unsigned download: %d", st)
	}
	stop()

	lines := logLines(t, logs.String())
	var signed, unsigned map[string]any
	for _, l := range lines {
		if l["path"] != wire.PathDownload {
			continue
		}
		if l["status"] == float64(200) {
			signed = l
		} else {
			unsigned = l
		}
	}
	if signed == nil || unsigned == nil {
		t.Fatalf("no request lines for the downloads in:\n%s", logs.String())
	}
	if signed["terminal"] != "HF-001-T09" || signed["method"] != "POST" || signed["level"] != "INFO" {
		t.Errorf("signed download line: %v", signed)
	}
	if _, ok := signed["records"].(float64); !ok {
		t.Errorf("signed download line has no records count: %v", signed)
	}
	if d, ok := signed["duration_ms"].(float64); !ok || d < 0 {
		t.Errorf("signed download line has no duration: %v", signed)
	}
	if unsigned["status"] != float64(401) || unsigned["terminal"] != nil {
		t.Errorf("refused download line: %v", unsigned)
	}
	for _, l := range lines {
		if l["path"] == server.PathReadyz {
			t.Errorf("probes log at debug level, not: %v", l)
		}
	}
	if mustRun(t, 2, "serve", "--data", data, "--log-format", "xml") == "" {
		t.Error("no word on a bad --log-format")
	}
}

// issuedCount counts the issuance records in a server database file.
func issuedCount(t *testing.T, path string) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket([]byte("issued")).Stats().KeyN
		return nil
	})
	return n
}

func epochOf(t *testing.T, path string) string {
	t.Helper()
	st, err := server.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var e string
	st.ViewLedger(func(l server.LedgerView) error { e = l.Epoch(); return nil })
	return e
}

// TestBackupWhileServingAndRestore: a backup while serving comes through
// the server (which holds the file's lock) and holds what was issued;
// restore refuses while serving; stopped, backup reads the file, and
// restore puts the copy back with a new epoch, keeping the replaced file.
func TestBackupWhileServingAndRestore(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "server")
	mustRun(t, 0, "init", "--data", data, "--demo")
	mustRun(t, 0, "issue", "--data", data, "--campaign", "2020", "--unit", "1001", "--member", "M-1", "--value", "10000", "--count", "3")
	dbPath := filepath.Join(data, server.DatabaseFile)
	epoch := epochOf(t, dbPath)

	var logs lockedBuffer
	_, stop := startServe(t, data, &logs)
	hot := filepath.Join(tmp, "hot.db")
	if out := mustRun(t, 0, "backup", "--data", data, "--out", hot); !strings.Contains(out, "取自运行中的服务器") {
		t.Errorf("backup while serving: %s", out)
	}
	if n := issuedCount(t, hot); n != 3 {
		t.Errorf("hot backup holds %d issuances, want 3", n)
	}
	if out := mustRun(t, 1, "restore", "--data", data, "--from", hot); !strings.Contains(out, "stop it first") {
		t.Errorf("restore while serving: %s", out)
	}
	stop()

	mustRun(t, 0, "issue", "--data", data, "--campaign", "2020", "--unit", "1001", "--member", "M-2", "--value", "10000")
	cold := filepath.Join(tmp, "cold.db")
	if out := mustRun(t, 0, "backup", "--data", data, "--out", cold); !strings.Contains(out, "取自数据库文件") {
		t.Errorf("backup while stopped: %s", out)
	}
	if n := issuedCount(t, cold); n != 4 {
		t.Errorf("cold backup holds %d issuances, want 4", n)
	}

	junk := filepath.Join(tmp, "junk.db")
	os.WriteFile(junk, []byte("not a database"), 0o600)
	mustRun(t, 1, "restore", "--data", data, "--from", junk)
	if n := issuedCount(t, dbPath); n != 4 {
		t.Fatalf("a refused restore changed the database: %d issuances", n)
	}

	out := mustRun(t, 0, "restore", "--data", data, "--from", hot)
	if n := issuedCount(t, dbPath); n != 3 {
		t.Errorf("restored database holds %d issuances, want 3", n)
	}
	if e := epochOf(t, dbPath); e == epoch || e == "" {
		t.Errorf("restored epoch %q, want a new one (was %q)", e, epoch)
	}
	m := regexp.MustCompile(`保留为 (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("restore does not say where the replaced file is: %s", out)
	}
	if n := issuedCount(t, m[1]); n != 4 {
		t.Errorf("kept file holds %d issuances, want 4", n)
	}
	// No voucher id issued before the restore is issued again: the counter
	// passes the replaced file's last serial (4) by the gap.
	if !strings.Contains(out, "活动 2020：下一张券的序号从 1000004 之后开始") {
		t.Errorf("restore does not print the moved serial counter: %s", out)
	}
	csv := filepath.Join(tmp, "after.csv")
	mustRun(t, 0, "issue", "--data", data, "--campaign", "2020", "--unit", "1001", "--member", "M-3", "--value", "10000", "--out", csv)
	if rows := readCodes(t, csv); len(rows) != 1 || rows[0][0] != "2020-01000005" {
		t.Errorf("first voucher after the restore: %v, want id 2020-01000005", rows)
	}
	// With the replaced file gone, the gap counts from the backup's serial.
	os.Remove(dbPath)
	out = mustRun(t, 0, "restore", "--data", data, "--from", hot, "--serial-gap", "50")
	if !strings.Contains(out, "活动 2020：下一张券的序号从 53 之后开始") {
		t.Errorf("restore with --serial-gap 50 and no replaced file: %s", out)
	}
}
