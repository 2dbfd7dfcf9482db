//go:build !windows

package bolt_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/postest"
)

// The crash and full-disk tests run this test binary again as a child
// process (selected by crashChildEnv) that redeems vouchers from a file and
// reports each committed sale on stdout; the parent kills it or limits its
// file size and then inspects the database file.
const crashChildEnv = "FUPINPOS_BOLT_CHILD"

// TestChild is the child's body; it does nothing in a normal test run.
func TestChild(t *testing.T) {
	mode := os.Getenv(crashChildEnv)
	if mode == "" {
		t.Skip("only runs as the child of TestCrashSafety / TestDiskFull")
	}
	var codes []string
	data, err := os.ReadFile(os.Getenv("CODES"))
	if err != nil {
		t.Fatal(err)
	}
	codes = strings.Fields(string(data))
	c := &clock{t: t0}
	db, err := bolt.Open(os.Getenv("DB"), 0o600, &bolt.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	db.SetOnline(true)
	if mode == "diskfull" {
		diskFullChild(t, db, codes)
		return
	}
	for i, code := range codes {
		s, err := db.Redeem(sale(pos.PayCash, []string{code}, item("DS-PEAR-5", 1)))
		switch pos.ErrorCode(err) {
		case "":
			fmt.Printf("OK %d %d\n", s.Record.Seq, i)
		case pos.EALREADYREDEEMED:
		default:
			t.Fatal(err)
		}
	}
	fmt.Println("DONE")
}

func childCmd(t *testing.T, mode, dbPath, codesPath string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+mode, "DB="+dbPath, "CODES="+codesPath)
	cmd.Stderr = os.Stderr
	return cmd
}

// provisionedFile makes a provisioned database file and n voucher codes for
// n different members, written one per line to a file.
func provisionedFile(t *testing.T, n int) (dbPath, codesPath string, dep *postest.Deployment) {
	dir := t.TempDir()
	dep = postest.NewDeployment(t, t0)
	dep.Campaign().Offline.MaxQueueCount = 100000
	db, err := bolt.Open(filepath.Join(dir, "terminal.db"), 0o600, &bolt.Options{Now: (&clock{t: t0}).Now})
	if err != nil {
		t.Fatal(err)
	}
	MustProvision(t, db, dep)
	db.Close()
	var sb strings.Builder
	for i := range n {
		sb.WriteString(dep.Code(t, "member-"+strconv.Itoa(i), pos.Yuan(10)) + "\n")
	}
	codesPath = filepath.Join(dir, "codes.txt")
	if err := os.WriteFile(codesPath, []byte(sb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return db.Path(), codesPath, dep
}

// TestCrashSafety kills a redeeming child with SIGKILL at random points,
// many rounds, and checks after each: the file opens, the ledger verifies,
// every sale the child reported is there exactly once, the outbox holds
// every record (nothing was acknowledged).
func TestCrashSafety(t *testing.T) {
	rounds := 40
	if testing.Short() {
		rounds = 8
	}
	dbPath, codesPath, _ := provisionedFile(t, 3000)
	committed := map[uint64]int{} // seq → code index, as the child reported
	rng := rand.New(rand.NewPCG(1, 2))
	var killedMidway int
	for round := range rounds {
		cmd := childCmd(t, "crash", dbPath, codesPath)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill after a random number of reported sales (0–15) plus a random
		// sub-millisecond delay, so the kill lands anywhere in a commit.
		killAfter := rng.IntN(16)
		sc := bufio.NewScanner(out)
		var seen int
		done := false
		for sc.Scan() {
			line := sc.Text()
			if line == "DONE" {
				done = true
				break
			}
			var seq uint64
			var idx int
			if _, err := fmt.Sscanf(line, "OK %d %d", &seq, &idx); err != nil {
				continue
			}
			committed[seq] = idx
			if seen++; seen > killAfter {
				time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
				break
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		for sc.Scan() { // lines written before the kill still count
			var seq uint64
			var idx int
			if _, err := fmt.Sscanf(sc.Text(), "OK %d %d", &seq, &idx); err == nil {
				committed[seq] = idx
			}
		}
		cmd.Wait()
		if !done {
			killedMidway++
		}

		db, err := bolt.Open(dbPath, 0o600, &bolt.Options{Now: (&clock{t: t0}).Now})
		if err != nil {
			t.Fatalf("round %d: open after kill: %v", round, err)
		}
		lc, err := db.VerifyLedger()
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if lc.Pending != int(lc.Records) {
			t.Fatalf("round %d: %d records but %d in the outbox", round, lc.Records, lc.Pending)
		}
		vouchers := map[pos.VoucherID]uint64{}
		db.Records(0, func(s *bolt.Sale) error {
			for _, v := range s.Record.Vouchers {
				if prev, ok := vouchers[v.ID]; ok {
					t.Fatalf("round %d: voucher %s in records %d and %d", round, v.ID, prev, s.Record.Seq)
				}
				vouchers[v.ID] = s.Record.Seq
			}
			return nil
		})
		for seq := range committed {
			if seq > lc.Records {
				t.Fatalf("round %d: the child reported seq %d committed, ledger ends at %d", round, seq, lc.Records)
			}
		}
		if len(vouchers) != int(lc.Records) {
			t.Fatalf("round %d: %d vouchers in %d records", round, len(vouchers), lc.Records)
		}
		db.Close()
	}
	if len(committed) == 0 || killedMidway == 0 {
		t.Fatalf("no useful rounds: %d sales reported, %d kills mid-run", len(committed), killedMidway)
	}
	t.Logf("%d rounds, %d killed mid-run, %d sales reported committed", rounds, killedMidway, len(committed))
}

// diskFullResult is what the full-disk child reports.
type diskFullResult struct {
	Committed  int    `json:"committed"`
	FailCode   string `json:"fail_code"`
	FailIndex  int    `json:"fail_index"`
	RetriedSeq uint64 `json:"retried_seq"`
	LedgerOK   bool   `json:"ledger_ok"`
}

// diskFullChild limits its own file size to the database's current size,
// redeems until a write fails, then lifts the limit and redeems the voucher
// of the failed sale again.
func diskFullChild(t *testing.T, db *bolt.DB, codes []string) {
	var res diskFullResult
	size, err := db.Size()
	if err != nil {
		t.Fatal(err)
	}
	var old syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old)
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: uint64(size), Max: old.Max}); err != nil {
		t.Fatal(err)
	}
	res.FailIndex = -1
	for i, code := range codes {
		_, err := db.Redeem(sale(pos.PayCash, []string{code}, item("DS-PEAR-5", 1)))
		if err != nil {
			res.FailCode, res.FailIndex = pos.ErrorCode(err), i
			fmt.Fprintln(os.Stderr, "refused as expected:", err)
			break
		}
		res.Committed++
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	if res.FailIndex >= 0 {
		s, err := db.Redeem(sale(pos.PayCash, []string{codes[res.FailIndex]}, item("DS-PEAR-5", 1)))
		if err != nil {
			t.Fatal(err)
		}
		res.RetriedSeq = s.Record.Seq
	}
	_, err = db.VerifyLedger()
	res.LedgerOK = err == nil
	json.NewEncoder(os.Stdout).Encode(res)
}

// TestDiskFull: when the disk refuses a write (here RLIMIT_FSIZE makes the
// file unable to grow, as a full disk would), the sale is refused with
// ESTORAGE, nothing of it is recorded, and the same voucher redeems once
// there is room again.
func TestDiskFull(t *testing.T) {
	dbPath, codesPath, _ := provisionedFile(t, 400)
	cmd := childCmd(t, "diskfull", dbPath, codesPath)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var res diskFullResult
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "{") {
			if err := json.Unmarshal([]byte(l), &res); err != nil {
				t.Fatal(err)
			}
		}
	}
	if res.FailCode != pos.ESTORAGE || !res.LedgerOK || res.RetriedSeq != uint64(res.Committed)+1 {
		t.Fatalf("child result %+v (output %s)", res, out)
	}
	db, err := bolt.Open(dbPath, 0o600, &bolt.Options{Now: (&clock{t: t0}).Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lc, err := db.VerifyLedger()
	if err != nil || lc.Records != uint64(res.Committed)+1 || lc.Pending != int(lc.Records) {
		t.Fatalf("after: %+v %v", lc, err)
	}
	t.Logf("%d sales fitted, then %s; retried as seq %d", res.Committed, res.FailCode, res.RetriedSeq)
}
