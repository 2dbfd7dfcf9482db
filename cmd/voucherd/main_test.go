package main

import (
	"bytes"
	"encoding/csv"
	"image"
	_ "image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"fupinpos/pos"
	"fupinpos/pos/voucher"
)

// runOK runs voucherd with args and fails the test unless it exits want.
func mustRun(t *testing.T, want int, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if got := run(args, &out, &errb); got != want {
		t.Fatalf("voucherd %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), got, want, out.String(), errb.String())
	}
	return out.String() + errb.String()
}

func readCodes(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

func TestInitIssueTrust(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "server")
	out := mustRun(t, 0, "init", "--data", data)
	pubText, err := os.ReadFile(filepath.Join(data, "root.pub"))
	if err != nil {
		t.Fatal(err)
	}
	root, err := voucher.ParsePublicKey(string(pubText))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, voucher.Fingerprint(root)) {
		t.Errorf("init did not print the root fingerprint %s:\n%s", voucher.Fingerprint(root), out)
	}
	if st, _ := os.Stat(filepath.Join(data, "root.key")); st.Mode().Perm() != 0o600 {
		t.Errorf("root.key mode %v, want 0600", st.Mode().Perm())
	}
	mustRun(t, 1, "init", "--data", data) // never replace a root key

	// The 2020 campaign issues from 07-10 to 08-31 CST.
	out = mustRun(t, 1, "issue", "--data", data, "--unit", "1001", "--member", "M1", "--value", "10000", "--now", "2020-09-01T00:00:00+08:00")
	if !strings.Contains(out, "campaign_closed") {
		t.Errorf("issue after the window: %s", out)
	}
	codes := filepath.Join(dir, "codes.csv")
	qrDir := filepath.Join(dir, "qr")
	mustRun(t, 0, "issue", "--data", data, "--unit", "1001", "--member", "M1", "--value", "10000", "--count", "2",
		"--out", codes, "--qr", qrDir, "--now", "2020-08-31T23:59:59+08:00")
	rows := readCodes(t, codes)
	if len(rows) != 2 || rows[0][0] != "2020-00000001" || rows[1][0] != "2020-00000002" || rows[0][3] != "10000" {
		t.Fatalf("codes = %v", rows)
	}
	// ¥200 issued; another ¥100.01 would pass the ¥300 cap.
	out = mustRun(t, 1, "issue", "--data", data, "--unit", "1002", "--member", "M1", "--value", "10001", "--now", "2020-08-01T10:00:00+08:00")
	if !strings.Contains(out, "cap_exceeded") {
		t.Errorf("over the cap: %s", out)
	}
	mustRun(t, 1, "issue", "--data", data, "--unit", "4242", "--member", "M2", "--value", "100", "--now", "2020-08-01T10:00:00+08:00")
	mustRun(t, 2, "issue", "--data", data, "--unit", "1001", "--member", "M2", "--now", "2020-08-01T10:00:00+08:00")

	// A batch is all or nothing: M3's second row passes the cap, so nobody is issued.
	batch := filepath.Join(dir, "members.csv")
	os.WriteFile(batch, []byte("member,unit,value_fen,count\nM2,1003,5000,2\nM3,1004,30000\nM3,1004,100\n"), 0o644)
	out = mustRun(t, 1, "issue", "--data", data, "--batch", batch, "--now", "2020-08-01T10:00:00+08:00")
	if !strings.Contains(out, "第 4 行（M3）：发放后该成员共 ￥301.00，超过每人上限") {
		t.Errorf("batch over the cap: %s", out)
	}
	os.WriteFile(batch, []byte("M2,1003,5000,2\nM3,1004,30000\n"), 0o644)
	batchCodes := filepath.Join(dir, "batch.csv")
	mustRun(t, 0, "issue", "--data", data, "--batch", batch, "--out", batchCodes, "--now", "2020-08-01T10:00:00+08:00")
	if rows := readCodes(t, batchCodes); len(rows) != 3 || rows[0][0] != "2020-00000003" || rows[2][1] != "M3" {
		t.Errorf("batch codes = %v", rows)
	}

	bundle := filepath.Join(dir, "bundle.json")
	mustRun(t, 0, "trust", "--data", data, "--out", bundle, "--now", "2020-08-01T10:00:00+08:00")
	b, _ := os.ReadFile(bundle)
	tl, cat, err := voucher.OpenBundle(b, root)
	if err != nil {
		t.Fatal(err)
	}
	if tl.Seq != 1 || len(tl.Keys) != 1 || tl.Campaign(2020) == nil || len(cat.Products) < 10 {
		t.Fatalf("bundle: seq %d keys %d products %d", tl.Seq, len(tl.Keys), len(cat.Products))
	}
	mustRun(t, 0, "trust", "--data", data, "--out", bundle, "--now", "2020-08-02T10:00:00+08:00")
	b, _ = os.ReadFile(bundle)
	if tl2, _, err := voucher.OpenBundle(b, root); err != nil || tl2.Seq != 2 {
		t.Fatalf("second bundle: %v %v", tl2, err)
	}

	// Every issued code verifies against the trust list, with the member's holder hash, not the member id.
	v, err := voucher.Verify(rows[0][4], tl)
	if err != nil {
		t.Fatal(err)
	}
	if v.Value != pos.Yuan(100) || v.Unit != 1001 || v.NotAfter.In(pos.CST).Format("2006-01-02 15:04:05") != "2020-10-31 23:59:59" {
		t.Errorf("voucher = %+v", v)
	}
	if strings.Contains(rows[0][4], "M1") || v.Holder == (pos.HolderRef{}) {
		t.Errorf("holder ref %v", v.Holder)
	}

	// The QR PNG decodes back to the code; the sheet lists both vouchers.
	f, err := os.Open(filepath.Join(qrDir, "2020_00000001.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	// A generated image is a pure barcode: read its modules directly. The
	// finder-pattern detector misjudges the size of about one code in 40
	// ("dimension = 47"), while zbarimg reads every one.
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.GetText() != rows[0][4] {
		t.Errorf("QR decodes to %q, want the code", res.GetText())
	}
	sheet, _ := os.ReadFile(filepath.Join(qrDir, "index.html"))
	for _, want := range []string{"2020_00000002.png", "￥100.00", "合肥市总工会机关", "本券不找零、不兑换现金", "持券人 **"} {
		if !strings.Contains(string(sheet), want) {
			t.Errorf("QR sheet lacks %q", want)
		}
	}
}

func TestUsage(t *testing.T) {
	mustRun(t, 2)
	mustRun(t, 2, "frobnicate")
	mustRun(t, 0, "--help")
	mustRun(t, 2, "init")
	mustRun(t, 2, "trust", "--data", t.TempDir())
}
