package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/pos/voucher"
	"fupinpos/sync/wire"
)

// lockedBuffer is a bytes.Buffer safe for the serving goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestServeRefusesPlainHTTPOffLoopback(t *testing.T) {
	data := filepath.Join(t.TempDir(), "server")
	mustRun(t, 0, "init", "--data", data, "--demo")
	out := mustRun(t, 2, "serve", "--data", data, "--listen", "0.0.0.0:0")
	if !strings.Contains(out, "明文 HTTP 只能监听本机回环地址") {
		t.Errorf("refusal does not say why: %s", out)
	}
}

// TestServeEnrollSyncAdmin runs `voucherd serve` on loopback and drives it
// the way a terminal and an administrator do: terminal add while serving
// (through the admin API), enroll, a signed upload of a real voucher,
// incidents, revoke, report and terminal disable.
func TestServeEnrollSyncAdmin(t *testing.T) {
	data := filepath.Join(t.TempDir(), "server")
	mustRun(t, 0, "init", "--data", data, "--demo")
	codes := filepath.Join(t.TempDir(), "codes.csv")
	mustRun(t, 0, "issue", "--data", data, "--campaign", "2020", "--unit", "1001", "--member", "M-1", "--value", "10000", "--out", codes)
	code := readCodes(t, codes)[0][4]

	ctx, cancel := context.WithCancel(context.Background())
	serveContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	var out lockedBuffer
	done := make(chan int)
	go func() { done <- run([]string{"serve", "--data", data, "--listen", "127.0.0.1:0"}, &out, &out) }()
	var base string
	for i := 0; i < 500 && base == ""; i++ {
		if m := regexp.MustCompile(`正在服务：(http://\S+)`).FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if base == "" {
		t.Fatalf("serve did not start: %s", out.String())
	}
	defer func() {
		cancel()
		if st := <-done; st != 0 {
			t.Errorf("serve exit %d: %s", st, out.String())
		}
		if _, err := os.Stat(filepath.Join(data, serveFile)); err == nil {
			t.Errorf("%s left behind", serveFile)
		}
	}()

	add := mustRun(t, 0, "terminal", "add", "--data", data, "--store", "HF-001", "--name", "HF-001-T01")
	m := regexp.MustCompile(`(?m)^注册码：(\d{4}-\d{4}-\d{4})$`).FindStringSubmatch(add)
	if m == nil {
		t.Fatalf("no code in %q", add)
	}
	key := postest.Key(42)
	post := func(path string, sign bool, in, outv any) int {
		b, _ := json.Marshal(in)
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(b))
		if sign {
			wire.Sign(req, b, "HF-001-T01", key, time.Now())
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if outv != nil && resp.StatusCode == 200 {
			if err := json.Unmarshal(data, outv); err != nil {
				t.Fatal(err)
			}
		}
		return resp.StatusCode
	}
	var en wire.EnrollResponse
	if st := post(wire.PathEnroll, false, wire.EnrollRequest{Code: m[1], Public: postest.Public(key)}, &en); st != 200 {
		t.Fatalf("enroll: %d", st)
	}
	root, _ := os.ReadFile(filepath.Join(data, "root.pub"))
	rootKey, _ := voucher.ParsePublicKey(string(root))
	if en.RootFingerprint != voucher.Fingerprint(rootKey) {
		t.Errorf("fingerprint %s, want %s", en.RootFingerprint, voucher.Fingerprint(rootKey))
	}
	tl, _, err := voucher.OpenBundle(en.Bundle, en.RootPublic)
	if err != nil {
		t.Fatalf("bundle: %v", err)
	}
	v, err := voucher.Verify(code, tl)
	if err != nil {
		t.Fatal(err)
	}
	rec := &pos.Record{Seq: 1, Kind: pos.KindSale, Time: time.Now(), Store: "HF-001", Terminal: "HF-001-T01",
		Receipt: "HF-001-T01-000001", Cashier: "1001", Total: 12000, Eligible: 12000, VoucherAmount: 10000, SelfPaid: 2000,
		Lines: []pos.Line{{SKU: "X", Name: "梨", County: "砀山县", Price: 6000, Qty: 2, Eligible: true}},
		Vouchers: []pos.AppliedVoucher{{ID: v.ID(), Campaign: v.Campaign, KeyID: v.KeyID, Holder: v.Holder, Unit: v.Unit,
			Face: v.Value, Applied: v.Value, Code: code}}}
	e, _ := pos.Seal(rec, key)
	var up wire.UploadResponse
	if st := post(wire.PathUpload, true, wire.UploadRequest{Entries: []pos.Entry{e}}, &up); st != 200 || up.Results[0].Result != pos.UploadAccepted {
		t.Fatalf("upload: %d %+v", st, up)
	}

	list := mustRun(t, 0, "terminal", "list", "--data", data)
	if !strings.Contains(list, "HF-001-T01") || !strings.Contains(list, "active") || !strings.Contains(list, voucher.Fingerprint(postest.Public(key))) {
		t.Errorf("terminal list:\n%s", list)
	}
	csvOut := mustRun(t, 0, "report", "--data", data, "--day", pos.DayOf(time.Now()), "--csv")
	if !strings.Contains(csvOut, "by_unit,1001,") || !strings.Contains(csvOut, "by_store,HF-001,HF-001,1,0,12000,10000,0,2000") ||
		!strings.Contains(csvOut, "by_county,砀山县,砀山县,1,2,12000") {
		t.Errorf("report csv:\n%s", csvOut)
	}
	if txt := mustRun(t, 0, "report", "--data", data, "--day", pos.DayOf(time.Now())); !strings.Contains(txt, "HF-001") {
		t.Errorf("report text:\n%s", txt)
	}
	if out := mustRun(t, 0, "revoke", "--data", data, "--holder", v.Holder.String()); !strings.Contains(out, "已暂停使用") {
		t.Errorf("revoke: %s", out)
	}
	var dl wire.DownloadResponse
	if st := post(wire.PathDownload, true, wire.DownloadRequest{TrustSeq: tl.Seq}, &dl); st != 200 ||
		len(dl.Holders) != 1 || !dl.Holders[0].Suspended || snapshotHas(dl, v.ID()) != pos.StatusRedeemedElsewhere {
		t.Errorf("download: %d %+v", st, dl)
	}
	if inc := mustRun(t, 0, "incidents", "--data", data); strings.Count(inc, "\n") != 1 {
		t.Errorf("incidents, want none:\n%s", inc)
	}
	// While serve holds the database, issue and trust go through it: the
	// codes, the QR sheet, a refusal said with its amounts, a new bundle.
	qr := t.TempDir()
	codes2 := filepath.Join(t.TempDir(), "codes2.csv")
	if out := mustRun(t, 0, "issue", "--data", data, "--campaign", "2020", "--unit", "1002", "--member", "m-2", "--value", "25000", "--out", codes2, "--qr", qr); !strings.Contains(out, "已发放 1 张") {
		t.Errorf("issue through serve: %s", out)
	}
	row := readCodes(t, codes2)[0]
	if v2, err := voucher.Verify(row[4], tl); err != nil || row[1] != "M-2" || v2.Value != 25000 || v2.Unit != 1002 {
		t.Errorf("issued through serve: %v %v", row[:4], err)
	}
	if _, err := os.Stat(filepath.Join(qr, strings.ReplaceAll(row[0], "-", "_")+".png")); err != nil {
		t.Errorf("QR sheet through serve: %v", err)
	}
	if out := mustRun(t, 1, "issue", "--data", data, "--campaign", "2020", "--unit", "1002", "--member", "M-2", "--value", "10000"); !strings.Contains(out, "该职工累计将达 ￥350.00，超过每人 ￥300.00 上限 [cap_exceeded]") {
		t.Errorf("over the cap through serve: %s", out)
	}
	mustRun(t, 2, "issue", "--data", data, "--campaign", "2020", "--unit", "1002", "--member", "M-3", "--value", "100", "--now", "2026-01-01T00:00:00Z")
	demoCat := filepath.Join("..", "..", "assets", "demo", "catalogue.csv")
	if out := mustRun(t, 0, "catalogue", "import", "--data", data, "--dry-run", demoCat); !strings.Contains(out, "15 种商品") {
		t.Errorf("catalogue dry run through serve: %s", out)
	}
	if out := mustRun(t, 0, "catalogue", "import", "--data", data, demoCat); !strings.Contains(out, "已保存为商品目录第 2 版") {
		t.Errorf("catalogue import through serve: %s", out)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("商品编码,商品名称\nX-1,\n"), 0o644)
	mustRun(t, 1, "catalogue", "import", "--data", data, bad)
	bundle := filepath.Join(t.TempDir(), "bundle.json")
	mustRun(t, 0, "trust", "--data", data, "--out", bundle)
	b, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	if tl2, _, err := voucher.OpenBundle(b, rootKey); err != nil {
		t.Errorf("trust through serve: %v", err)
	} else if tl2.Seq != tl.Seq+1 {
		t.Errorf("trust through serve: seq %d after %d", tl2.Seq, tl.Seq)
	}
	if _, cat, err := voucher.OpenBundle(b, rootKey); err != nil || cat.Version != 2 || len(cat.Products) != 15 {
		t.Errorf("the bundle signed through serve does not hold the imported catalogue: %v", err)
	}

	mustRun(t, 0, "terminal", "disable", "--data", data, "--terminal", "HF-001-T01")
	if st := post(wire.PathDownload, true, wire.DownloadRequest{}, nil); st != 403 {
		t.Errorf("disabled terminal: %d, want 403", st)
	}
}

func snapshotHas(d wire.DownloadResponse, id pos.VoucherID) pos.VoucherStatus {
	for _, s := range d.Snapshots {
		if s.Campaign == id.Campaign() && int(id.Serial()/4) < len(s.Packed) {
			return pos.VoucherStatus(s.Packed[id.Serial()/4] >> (2 * (id.Serial() % 4)) & 3)
		}
	}
	return pos.StatusValid
}
