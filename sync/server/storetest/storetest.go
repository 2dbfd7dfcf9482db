// Package storetest is the one contract test suite of server.Store: every
// storage behaviour the server relies on, with the same assertions for
// every engine (bbolt and PostgreSQL). An engine's test calls Run with a
// function that opens a fresh, empty store.
package storetest

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/postest"
	"fupinpos/pos/voucher"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// Opener returns a fresh, empty store; the store is closed by the suite.
type Opener func(t *testing.T) server.Store

// Run runs every behaviour of the suite against stores from open.
func Run(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"Deployment", testDeployment},
		{"Documents", testDocuments},
		{"IssueBatchAllOrNothing", testIssueBatch},
		{"IssueCapConcurrent", testIssueCapConcurrent},
		{"AdoptIssued", testAdoptIssued},
		{"Terminals", testTerminals},
		{"IngestDuplicatesAndConflicts", testIngest},
		{"DoubleSpendIncident", testDoubleSpend},
		{"VoidReleases", testVoid},
		{"Followers", testFollowers},
		{"ReturnAtAnotherTerminal", testReturnElsewhere},
		{"ReturnAtAnotherTerminalScan", testReturnElsewhereScan},
		{"RevocationsAndChangeFeed", testRevocations},
		{"LastSeen", testLastSeen},
		{"FeedCompactBehind", testFeedCompactBehind},
		{"FeedCompactAhead", testFeedCompactAhead},
		{"FeedSnapshotByCost", testFeedSnapshotByCost},
		{"LedgerTxAllOrNothing", testLedgerTx},
		{"ConcurrentLedgerWrites", testConcurrentLedger},
		{"Report", testReport},
		{"ReportSplit", testReportSplit},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

func openStore(t *testing.T, open Opener) server.Store {
	t.Helper()
	st := open(t)
	t.Cleanup(func() { st.Close() })
	return st
}

// env is a server over the store under test with a postest deployment.
type env struct {
	t   testing.TB
	dep *postest.Deployment
	st  server.Store
	srv *server.Server
	now time.Time
}

func newEnv(t *testing.T, open Opener) *env {
	t.Helper()
	return newEnvOn(t, openStore(t, open))
}

// newEnvOn sets up the postest deployment in st.
func newEnvOn(t testing.TB, st server.Store) *env {
	t.Helper()
	now := time.Date(2020, 9, 15, 10, 0, 0, 0, pos.CST)
	dep := postest.NewDeployment(t, now)
	err := st.UpdateDeployment(func(d *server.Deployment) error {
		d.Campaigns, d.Units, d.Keys, d.Catalogue, d.TrustSeq = dep.Trust.Campaigns, dep.Trust.Units, dep.Trust.Keys, *dep.Catalogue, dep.Trust.Seq
		return nil
	})
	must(t, err)
	must(t, st.SetDocuments(&server.Documents{Trust: dep.TrustDoc(t), TrustSeq: dep.Trust.Seq, Catalogue: dep.CatalogueDoc(t), CatalogueVersion: dep.Catalogue.Version}))
	e := &env{t: t, dep: dep, st: st, now: now}
	e.srv = &server.Server{Store: st, Root: dep.RootPublic(), Now: func() time.Time { return e.now }}
	return e
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	var we *wire.Error
	got := pos.ErrorCode(err)
	if errors.As(err, &we) {
		got = we.Code
	}
	if err == nil || got != code {
		t.Fatalf("error %v (code %s), want code %s", err, got, code)
	}
}

// term is a terminal with its key and chain.
type term struct {
	e     *env
	id    string
	store string
	key   ed25519.PrivateKey
	seq   uint64
	prev  pos.Hash
}

func (e *env) enroll(name string, keyN byte) *term { return e.enrollAt("HF-001", name, keyN) }

// enrollAt adds and enrolls terminal name of store.
func (e *env) enrollAt(store, name string, keyN byte) *term {
	e.t.Helper()
	add, err := e.srv.AddTerminal(wire.AddTerminalRequest{Store: store, Name: name})
	must(e.t, err)
	k := postest.Key(keyN)
	resp, err := e.srv.Enroll(wire.EnrollRequest{Code: add.Code, Public: postest.Public(k)})
	must(e.t, err)
	if resp.Terminal != name {
		e.t.Fatalf("enrolled as %q, want %q", resp.Terminal, name)
	}
	return &term{e: e, id: name, store: store, key: k}
}

func (tm *term) wire() *wire.Terminal {
	tm.e.t.Helper()
	t, err := tm.e.st.Terminal(tm.id)
	must(tm.e.t, err)
	return t
}

// sale seals the next record: two pear boxes paid with codes.
func (tm *term) sale(codes ...string) pos.Entry {
	tm.e.t.Helper()
	r := &pos.Record{Kind: pos.KindSale, Cashier: "1001", Method: pos.PayWeChat}
	p := tm.e.dep.Catalogue.Products[0]
	r.Lines = []pos.Line{pos.NewLine(&p, 2)}
	r.Total = r.Lines[0].Amount()
	r.Eligible = r.Total
	for _, c := range codes {
		v, err := voucher.Decode(c)
		must(tm.e.t, err)
		applied := min(v.Value, r.Total-r.VoucherAmount)
		r.Vouchers = append(r.Vouchers, pos.AppliedVoucher{ID: v.ID(), Campaign: v.Campaign, KeyID: v.KeyID, Holder: v.Holder,
			Unit: v.Unit, Face: v.Value, Applied: applied, Forfeited: v.Value - applied, Code: c})
		r.VoucherAmount += applied
		r.Forfeited += v.Value - applied
	}
	r.SelfPaid = r.Total - r.VoucherAmount
	return tm.seal(r)
}

func (tm *term) void(seq uint64) pos.Entry {
	return tm.seal(&pos.Record{Kind: pos.KindVoid, Voids: seq, Cashier: "1001", Manager: "9001", Reason: "customer"})
}

func (tm *term) seal(r *pos.Record) pos.Entry {
	tm.e.t.Helper()
	tm.seq++
	r.Seq, r.Prev, r.Time, r.Store, r.Terminal = tm.seq, tm.prev, tm.e.now, tm.store, tm.id
	r.Receipt = pos.ReceiptNumber(tm.id, tm.seq)
	e, err := pos.Seal(r, tm.key)
	must(tm.e.t, err)
	tm.prev = e.Hash
	return e
}

func (tm *term) upload(entries ...pos.Entry) []string {
	tm.e.t.Helper()
	rs, err := tm.e.srv.Upload(tm.wire(), entries)
	must(tm.e.t, err)
	var out []string
	for _, r := range rs {
		s := string(r.Result)
		if r.Reason != "" {
			s += ":" + r.Reason
		}
		out = append(out, s)
	}
	return out
}

func (tm *term) download(cursor string) *wire.DownloadResponse {
	tm.e.t.Helper()
	resp, err := tm.e.srv.Download(tm.wire(), wire.DownloadRequest{Cursor: cursor, TrustSeq: tm.e.dep.Trust.Seq, CatalogueVersion: tm.e.dep.Catalogue.Version})
	must(tm.e.t, err)
	return resp
}

func (e *env) view(fn func(l server.LedgerView) error) {
	e.t.Helper()
	must(e.t, e.st.ViewLedger(fn))
}

func (e *env) incidents() []wire.Incident {
	e.t.Helper()
	in, err := e.srv.Incidents()
	must(e.t, err)
	return in
}

func eq[T comparable](t testing.TB, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func testDeployment(t *testing.T, open Opener) {
	st := openStore(t, open)
	_, err := st.Deployment()
	wantCode(t, err, pos.ENOTFOUND)
	must(t, st.UpdateDeployment(func(d *server.Deployment) error {
		d.TrustSeq = 7
		d.Campaigns = []pos.Campaign{{ID: 3, Name: "扶贫 2020", Cap: 30000}}
		return nil
	}))
	boom := errors.New("boom")
	if err := st.UpdateDeployment(func(d *server.Deployment) error { d.TrustSeq = 99; return boom }); !errors.Is(err, boom) {
		t.Fatalf("failing update: %v", err)
	}
	d, err := st.Deployment()
	must(t, err)
	eq(t, "trust seq", d.TrustSeq, 7)
	if c := d.Campaign(3); c == nil || c.Name != "扶贫 2020" || c.Cap != 30000 {
		t.Fatalf("campaign %+v", c)
	}
}

func testDocuments(t *testing.T, open Opener) {
	st := openStore(t, open)
	d, err := st.Documents()
	must(t, err)
	if len(d.Trust) != 0 || d.TrustSeq != 0 {
		t.Fatalf("documents before the first: %+v", d)
	}
	must(t, st.SetDocuments(&server.Documents{Trust: []byte(`{"t":1}`), TrustSeq: 2, Catalogue: []byte(`{"c":1}`), CatalogueVersion: 5}))
	must(t, st.SetDocuments(&server.Documents{Trust: []byte(`{"t":2}`), TrustSeq: 3, Catalogue: []byte(`{"c":2}`), CatalogueVersion: 6}))
	d, err = st.Documents()
	must(t, err)
	if string(d.Trust) != `{"t":2}` || d.TrustSeq != 3 || string(d.Catalogue) != `{"c":2}` || d.CatalogueVersion != 6 {
		t.Fatalf("documents %+v", d)
	}
}

func holder(s string) pos.HolderRef {
	var h pos.HolderRef
	copy(h[:], s)
	return h
}

func build(campaign uint16, at time.Time) func(uint32, server.IssueRequest) (server.Issuance, error) {
	return func(serial uint32, r server.IssueRequest) (server.Issuance, error) {
		id := pos.NewVoucherID(campaign, serial)
		return server.Issuance{ID: id, Member: r.Member, Holder: r.Holder, Unit: r.Unit, Value: r.Value, IssuedAt: at, Code: "code-" + id.String()}, nil
	}
}

// capRule is the campaign whose rule the issuance tests run: a ¥300 cap,
// issuable at any time the tests use.
var capRule = &pos.Campaign{ID: 5, Cap: 30000, IssueFrom: time.Date(2000, 1, 1, 0, 0, 0, 0, pos.CST), IssueUntil: time.Date(2100, 1, 1, 0, 0, 0, 0, pos.CST)}

// issue issues reqs in campaign through st with pos.CheckIssuance as the
// check, as server.Issuer does.
func issue(st server.Store, campaign uint16, reqs []server.IssueRequest, b func(uint32, server.IssueRequest) (server.Issuance, error)) ([]server.Issuance, error) {
	var items []pos.IssueItem
	for _, r := range reqs {
		items = append(items, pos.IssueItem{Member: r.Member, Holder: r.Holder, Value: r.Value})
	}
	at := time.Date(2020, 9, 1, 8, 0, 0, 0, pos.CST)
	return st.Issue(campaign, reqs, func(issued map[pos.HolderRef]pos.Money) error {
		return pos.CheckIssuance(capRule, at, issued, items)
	}, b)
}

func testIssueBatch(t *testing.T, open Opener) {
	st := openStore(t, open)
	at := time.Date(2020, 9, 1, 8, 0, 0, 0, time.UTC)
	a, b := holder("AAAAAAAA"), holder("BBBBBBBB")
	got, err := issue(st, 5, []server.IssueRequest{
		{Member: "M-A", Holder: a, Unit: 1001, Value: 10000},
		{Member: "M-A", Holder: a, Unit: 1001, Value: 10000},
		{Member: "M-B", Holder: b, Unit: 1002, Value: 10000},
	}, build(5, at))
	must(t, err)
	var serials []uint32
	for _, is := range got {
		serials = append(serials, is.ID.Serial())
	}
	if !slices.Equal(serials, []uint32{1, 2, 3}) {
		t.Fatalf("serials %v, want 1 2 3", serials)
	}
	// One member over the cap refuses the whole batch: B's voucher too.
	_, err = issue(st, 5, []server.IssueRequest{
		{Member: "M-B", Holder: b, Unit: 1002, Value: 10000},
		{Member: "M-A", Holder: a, Unit: 1001, Value: 20000},
	}, build(5, at))
	wantCode(t, err, pos.ECAPEXCEEDED)
	// A failing build refuses the whole batch as well.
	_, err = issue(st, 5, []server.IssueRequest{
		{Member: "M-B", Holder: b, Unit: 1002, Value: 10000},
		{Member: "M-C", Holder: holder("CCCCCCCC"), Unit: 1002, Value: 10000},
	}, func(serial uint32, r server.IssueRequest) (server.Issuance, error) {
		if r.Member == "M-C" {
			return server.Issuance{}, pos.Errorf(pos.EINVALID, "no")
		}
		return build(5, at)(serial, r)
	})
	wantCode(t, err, pos.EINVALID)
	for _, c := range []struct {
		h    pos.HolderRef
		want pos.Money
	}{{a, 20000}, {b, 10000}, {holder("CCCCCCCC"), 0}} {
		total, err := st.IssuedTotal(5, c.h)
		must(t, err)
		eq(t, "issued total "+c.h.String(), total, c.want)
	}
	total, err := st.IssuedTotal(6, a)
	must(t, err)
	eq(t, "issued total in another campaign", total, 0)
	_, err = st.Issued(pos.NewVoucherID(5, 4))
	wantCode(t, err, pos.ENOTFOUND)
	// The refused batches consumed no serial.
	got, err = issue(st, 5, []server.IssueRequest{{Member: "M-A", Holder: a, Unit: 1001, Value: 10000}}, build(5, at))
	must(t, err)
	eq(t, "next serial", got[0].ID.Serial(), 4)
	// Serials are per campaign.
	got, err = issue(st, 6, []server.IssueRequest{{Member: "M-A", Holder: a, Unit: 1001, Value: 30000}}, build(6, at))
	must(t, err)
	eq(t, "first serial of campaign 6", got[0].ID.Serial(), 1)
	// check sees the totals before the batch of the batch's holders only,
	// per campaign; its refusal refuses the batch and consumes no serial.
	var seen map[pos.HolderRef]pos.Money
	refuse := pos.Errorf(pos.ECAMPAIGNCLOSED, "closed")
	_, err = st.Issue(5, []server.IssueRequest{
		{Member: "M-A", Holder: a, Unit: 1001, Value: 100},
		{Member: "M-C", Holder: holder("CCCCCCCC"), Unit: 1001, Value: 100},
		{Member: "M-A", Holder: a, Unit: 1001, Value: 100},
	}, func(issued map[pos.HolderRef]pos.Money) error { seen = issued; return refuse }, build(5, at))
	wantCode(t, err, pos.ECAMPAIGNCLOSED)
	if len(seen) != 1 || seen[a] != 30000 {
		t.Errorf("check saw %v, want only %s = 30000", seen, a)
	}
	got, err = issue(st, 5, []server.IssueRequest{{Member: "M-C", Holder: holder("CCCCCCCC"), Unit: 1001, Value: 100}}, build(5, at))
	must(t, err)
	eq(t, "serial after a refused check", got[0].ID.Serial(), 5)
	is, err := st.Issued(pos.NewVoucherID(5, 3))
	must(t, err)
	if is.Member != "M-B" || is.Holder != b || is.Unit != 1002 || is.Value != 10000 || !is.IssuedAt.Equal(at) || is.Code != "code-"+pos.NewVoucherID(5, 3).String() {
		t.Fatalf("issuance %+v", is)
	}
}

// testIssueCapConcurrent issues to one member from many goroutines at
// once: the cap holds exactly, and no serial is given twice.
func testIssueCapConcurrent(t *testing.T, open Opener) {
	st := openStore(t, open)
	at := time.Date(2020, 9, 1, 8, 0, 0, 0, time.UTC)
	m := holder("MMMMMMMM")
	const workers, tries = 8, 4
	var mu sync.Mutex
	var ok, refused int
	ids := map[pos.VoucherID]bool{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range tries {
				// Each batch also issues to a member of its own, so batches overlap.
				got, err := issue(st, 5, []server.IssueRequest{
					{Member: fmt.Sprintf("X-%d-%d", w, i), Holder: holder(fmt.Sprintf("X%03d%03d", w, i)), Unit: 1001, Value: 5000},
					{Member: "M", Holder: m, Unit: 1001, Value: 10000},
				}, build(5, at))
				mu.Lock()
				switch {
				case err == nil:
					ok++
					for _, is := range got {
						if ids[is.ID] {
							t.Errorf("serial %s given twice", is.ID)
						}
						ids[is.ID] = true
					}
				case pos.ErrorCode(err) == pos.ECAPEXCEEDED:
					refused++
				default:
					t.Errorf("issue: %v", err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	eq(t, "batches accepted", ok, 3)
	eq(t, "batches refused", refused, workers*tries-3)
	total, err := st.IssuedTotal(5, m)
	must(t, err)
	eq(t, "member total", total, 30000)
}

func testTerminals(t *testing.T, open Opener) {
	e := newEnv(t, open)
	now := e.now.UTC().Truncate(time.Second)
	mk := func(id string) wire.Terminal {
		return wire.Terminal{ID: id, Store: "HF-001", Name: id, State: wire.TerminalPending, Created: now, CodeExpires: now.Add(time.Hour)}
	}
	h := func(s string) [32]byte {
		var b [32]byte
		copy(b[:], s)
		return b
	}
	must(t, e.st.AddTerminal(mk("T2"), h("code-2")))
	must(t, e.st.AddTerminal(mk("T1"), h("code-1")))
	must(t, e.st.AddTerminal(mk("T3"), h("code-3")))
	wantCode(t, e.st.AddTerminal(mk("T1"), h("code-x")), pos.ECONFLICT)
	pub := postest.Public(postest.Key(9))
	_, err := e.st.Enroll(h("code-x"), pub, "pc", now)
	wantCode(t, err, wire.AuthBadCode) // the refused add left no code
	_, err = e.st.Enroll(h("code-1"), pub, "pc", now.Add(time.Hour+time.Second))
	wantCode(t, err, wire.AuthBadCode) // expired
	tt, err := e.st.Enroll(h("code-1"), pub, "counter-1", now.Add(time.Hour))
	must(t, err)
	if tt.ID != "T1" || tt.State != wire.TerminalActive || string(tt.Public) != string(pub) || tt.Hostname != "counter-1" ||
		!tt.Enrolled.Equal(now.Add(time.Hour)) || !tt.CodeExpires.IsZero() {
		t.Fatalf("enrolled %+v", tt)
	}
	_, err = e.st.Enroll(h("code-1"), pub, "pc", now)
	wantCode(t, err, wire.AuthBadCode) // used
	got, err := e.st.Terminal("T1")
	must(t, err)
	if got.State != wire.TerminalActive || string(got.Public) != string(pub) || got.Store != "HF-001" || !got.Created.Equal(now) {
		t.Fatalf("terminal %+v", got)
	}
	_, err = e.st.Terminal("T9")
	wantCode(t, err, pos.ENOTFOUND)
	// Disabling a pending terminal drops its code.
	d, err := e.st.DisableTerminal("T2")
	must(t, err)
	eq(t, "state", d.State, wire.TerminalDisabled)
	_, err = e.st.Enroll(h("code-2"), pub, "pc", now)
	wantCode(t, err, wire.AuthBadCode)
	_, err = e.st.DisableTerminal("T9")
	wantCode(t, err, pos.ENOTFOUND)
	all, err := e.st.Terminals()
	must(t, err)
	var ids, states []string
	for _, x := range all {
		ids, states = append(ids, x.ID), append(states, x.State)
	}
	if !slices.Equal(ids, []string{"T1", "T2", "T3"}) || !slices.Equal(states, []string{wire.TerminalActive, wire.TerminalDisabled, wire.TerminalPending}) {
		t.Fatalf("terminals %v %v", ids, states)
	}
	// A disabled terminal is refused by the server (its records stay).
	tm := e.enroll("T4", 4)
	eq(t, "upload", fmt.Sprint(tm.upload(tm.sale(e.dep.Code(t, "M-1", 10000)))), "[accepted]")
	_, err = e.srv.DisableTerminal(wire.DisableRequest{Terminal: "T4"})
	must(t, err)
	got, err = e.st.Terminal("T4")
	must(t, err)
	if got.State != wire.TerminalDisabled || got.HeadSeq != 1 || got.Records != 1 || !got.LastSeen.Equal(e.now) {
		t.Fatalf("disabled terminal %+v", got)
	}
}

func testIngest(t *testing.T, open Opener) {
	e := newEnv(t, open)
	tm := e.enroll("T1", 1)
	s1 := tm.sale(e.dep.Code(t, "M-1", 10000))
	s2 := tm.sale(e.dep.Code(t, "M-2", 10000))
	eq(t, "first upload", fmt.Sprint(tm.upload(s1, s2)), "[accepted accepted]")
	// A retry after a timeout: duplicates, nothing new.
	eq(t, "retry", fmt.Sprint(tm.upload(s1, s2)), "[duplicate duplicate]")
	// The same seq with other content: the first version is kept.
	tm.seq, tm.prev = 1, s1.Hash
	other := tm.sale(e.dep.Code(t, "M-3", 10000)) // seq 2 again, other body
	eq(t, "rewrite", fmt.Sprint(tm.upload(other)), "[conflict:"+wire.ReasonChainRewritten+"]")
	e.view(func(l server.LedgerView) error {
		r, err := l.Record("T1", 2)
		must(t, err)
		if r == nil || r.Entry.Hash != s2.Hash || string(r.Entry.Body) != string(s2.Body) || r.Result != pos.UploadAccepted {
			t.Fatalf("record 2 %+v", r)
		}
		if !r.Received.Equal(e.now) {
			t.Errorf("received %v", r.Received)
		}
		none, err := l.Record("T1", 3)
		must(t, err)
		if none != nil {
			t.Errorf("record 3 %+v", none)
		}
		h, err := l.Head("T1")
		must(t, err)
		if h.Seq != 2 || h.Hash != s2.Hash || h.Records != 2 {
			t.Errorf("head %+v", h)
		}
		var keys []string
		must(t, l.ForEachRecord(func(term string, r *server.StoredRecord) error {
			keys = append(keys, fmt.Sprintf("%s/%d", term, mustSeq(t, r)))
			return nil
		}))
		eq(t, "records", fmt.Sprint(keys), "[T1/1 T1/2]")
		return nil
	})
	// A gap: record 4 before 3 is a conflict, kept; 3 then fills it.
	tm.seq, tm.prev = 2, s2.Hash
	s3 := tm.sale(e.dep.Code(t, "M-4", 10000))
	s4 := tm.sale(e.dep.Code(t, "M-5", 10000))
	eq(t, "gap", fmt.Sprint(tm.upload(s4)), "[conflict:"+wire.ReasonChainGap+"]")
	eq(t, "fill", fmt.Sprint(tm.upload(s3)), "[accepted]")
	in := e.incidents()
	var kinds []string
	for _, x := range in {
		kinds = append(kinds, x.Kind+":"+x.Reason)
	}
	eq(t, "incidents", fmt.Sprint(kinds), "["+wire.IncidentChain+":"+wire.ReasonChainRewritten+" "+wire.IncidentChain+":"+wire.ReasonChainGap+"]")
	got := tm.wire()
	if got.HeadSeq != 4 || got.Records != 4 {
		t.Errorf("terminal head %d records %d, want 4 4", got.HeadSeq, got.Records)
	}
}

func mustSeq(t testing.TB, r *server.StoredRecord) uint64 {
	rec, err := pos.DecodeRecord(r.Entry)
	must(t, err)
	return rec.Seq
}

func testDoubleSpend(t *testing.T, open Opener) {
	e := newEnv(t, open)
	a, b := e.enroll("TA", 1), e.enroll("TB", 2)
	code := e.dep.Code(t, "M-1", 10000)
	v, err := voucher.Decode(code)
	must(t, err)
	eq(t, "A", fmt.Sprint(a.upload(a.sale(code))), "[accepted]")
	eq(t, "B", fmt.Sprint(b.upload(b.sale(code))), "[conflict:"+pos.EREDEEMEDELSEWHERE+"]")
	in := e.incidents()
	if len(in) != 1 {
		t.Fatalf("incidents %+v", in)
	}
	x := in[0]
	if x.ID != 1 || x.Kind != wire.IncidentDoubleSpend || x.Reason != pos.EREDEEMEDELSEWHERE || x.Terminal != "TB" || x.Store != "HF-001" ||
		x.Seq != 1 || x.Voucher != v.ID() || x.Holder != v.Holder || x.Amount != 10000 || !x.Time.Equal(e.now) || x.Detail == "" {
		t.Fatalf("incident %+v", x)
	}
	if len(x.Claims) != 2 || x.Claims[0].Terminal != "TA" || !x.Claims[0].Counted || x.Claims[1].Terminal != "TB" || x.Claims[1].Counted ||
		x.Claims[1].Receipt != pos.ReceiptNumber("TB", 1) || !x.Claims[1].Time.Equal(e.now) {
		t.Fatalf("incident claims %+v", x.Claims)
	}
	e.view(func(l server.LedgerView) error {
		cs, err := l.Claims(v.ID())
		must(t, err)
		if len(cs) != 2 || cs[0].Terminal != "TA" || !cs[0].Counted || cs[1].Terminal != "TB" || cs[1].Counted {
			t.Errorf("claims %+v", cs)
		}
		s, err := l.Status(v.ID())
		must(t, err)
		eq(t, "status", s, pos.StatusRedeemedElsewhere)
		total, err := l.RedeemedTotal(v.Campaign, v.Holder)
		must(t, err)
		eq(t, "redeemed", total, 10000)
		return nil
	})
	// Both terminals are told (defect 3): B by its upload's answer, A by
	// its next download, once.
	d := a.download("")
	if len(d.Incidents) != 1 || d.Incidents[0].Incident != 1 || d.Incidents[0].Seq != 1 || d.Incidents[0].Voucher != v.ID() ||
		d.Incidents[0].Result != pos.UploadConflict || d.Incidents[0].Receipt != pos.ReceiptNumber("TA", 1) {
		t.Errorf("A told %+v", d.Incidents)
	}
	if again := a.download(d.Cursor); len(again.Incidents) != 0 {
		t.Errorf("A told again %+v", again.Incidents)
	}
	if d := b.download(""); len(d.Incidents) != 0 {
		t.Errorf("B told twice %+v", d.Incidents)
	}
	// IncidentsAfter pages by id.
	c := e.enroll("TC", 3)
	c.upload(c.sale(code))
	c.upload(c.sale(code))
	e.view(func(l server.LedgerView) error {
		var ids []uint64
		after := uint64(0)
		for {
			page, more, err := l.IncidentsAfter(after, 2)
			must(t, err)
			for _, x := range page {
				ids = append(ids, x.ID)
				after = x.ID
			}
			if !more {
				break
			}
		}
		eq(t, "incident ids", fmt.Sprint(ids), "[1 2 3]")
		page, more, err := l.IncidentsAfter(3, 10)
		must(t, err)
		if len(page) != 0 || more {
			t.Errorf("after the last: %v %v", page, more)
		}
		page, _, err = l.IncidentsAfter(2, 10)
		must(t, err)
		if len(page) != 1 || len(page[0].Claims) != 4 {
			t.Errorf("incident 3 %+v", page)
		}
		return nil
	})
}

func testVoid(t *testing.T, open Opener) {
	e := newEnv(t, open)
	a, b := e.enroll("TA", 1), e.enroll("TB", 2)
	code := e.dep.Code(t, "M-1", 10000)
	v, _ := voucher.Decode(code)
	a.upload(a.sale(code))
	b.upload(b.sale(code))
	eq(t, "void", fmt.Sprint(a.upload(a.void(1))), "[accepted]")
	e.view(func(l server.LedgerView) error {
		cs, err := l.Claims(v.ID())
		must(t, err)
		if len(cs) != 2 || !cs[0].Voided || cs[0].Counted || cs[1].Voided || !cs[1].Counted {
			t.Errorf("claims after void %+v", cs)
		}
		total, err := l.RedeemedTotal(v.Campaign, v.Holder)
		must(t, err)
		eq(t, "redeemed", total, 10000)
		return nil
	})
	eq(t, "void B", fmt.Sprint(b.upload(b.void(1))), "[accepted]")
	e.view(func(l server.LedgerView) error {
		total, err := l.RedeemedTotal(v.Campaign, v.Holder)
		must(t, err)
		eq(t, "redeemed after both voids", total, 0)
		s, err := l.Status(v.ID())
		must(t, err)
		eq(t, "status after both voids", s, pos.StatusValid)
		return nil
	})
}

func testRevocations(t *testing.T, open Opener) {
	e := newEnv(t, open)
	tm := e.enroll("T1", 1)
	var epoch string
	e.view(func(l server.LedgerView) error {
		epoch = l.Epoch()
		last, err := l.LastChange()
		must(t, err)
		eq(t, "last change of an empty feed", last, 0)
		return nil
	})
	if epoch == "" {
		t.Fatal("empty epoch")
	}
	// Revoke refuses a voucher never issued: issue serials 1 to 9.
	var reqs []server.IssueRequest
	for range 9 {
		reqs = append(reqs, server.IssueRequest{Member: "M-R", Holder: holder("RRRRRRRR"), Unit: 1001, Value: 100})
	}
	_, err := issue(e.st, 1, reqs, build(1, time.Date(2020, 9, 1, 8, 0, 0, 0, time.UTC)))
	must(t, err)
	_, err = e.srv.Revoke(wire.RevokeRequest{Voucher: pos.NewVoucherID(1, 10)})
	eq(t, "revoke a voucher never issued", pos.ErrorCode(err), pos.ENOTFOUND)
	_, err = e.srv.Revoke(wire.RevokeRequest{Voucher: pos.NewVoucherID(1, 7), Reinstate: true})
	eq(t, "reinstate a voucher", pos.ErrorCode(err), pos.EINVALID)
	h := holder("HHHHHHHH")
	steps := []wire.RevokeRequest{{Voucher: pos.NewVoucherID(1, 7)}, {Holder: h}, {Voucher: pos.NewVoucherID(1, 3)}, {Holder: h, Reinstate: true}, {Holder: holder("GGGGGGGG")}}
	for _, r := range steps {
		_, err := e.srv.Revoke(r)
		must(t, err)
	}
	e.view(func(l server.LedgerView) error {
		eq(t, "epoch stays", l.Epoch(), epoch)
		last, err := l.LastChange()
		must(t, err)
		eq(t, "last change", last, 5)
		// The feed is compact: h's suspension (seq 2) gave way to its
		// reinstatement (seq 4).
		page, more, err := l.Changes(0, 2)
		must(t, err)
		if len(page) != 2 || !more || page[0].Seq != 1 || page[0].Voucher != pos.NewVoucherID(1, 7) || page[0].Status != pos.StatusRevoked ||
			page[1].Seq != 3 || page[1].Voucher != pos.NewVoucherID(1, 3) {
			t.Errorf("first page %+v %v", page, more)
		}
		page, more, err = l.Changes(3, 10)
		must(t, err)
		if len(page) != 2 || more || page[0].Seq != 4 || page[0].Holder == nil || *page[0].Holder != h || page[0].Suspended || page[1].Seq != 5 {
			t.Errorf("last page %+v %v", page, more)
		}
		var st []string
		must(t, l.ForEachStatus(func(id pos.VoucherID, s pos.VoucherStatus) error {
			st = append(st, id.String()+"="+s.String())
			return nil
		}))
		eq(t, "statuses", fmt.Sprint(st), fmt.Sprint([]string{pos.NewVoucherID(1, 3).String() + "=revoked", pos.NewVoucherID(1, 7).String() + "=revoked"}))
		var hs []string
		must(t, l.ForEachHolder(func(x pos.HolderRef, on bool) error {
			hs = append(hs, fmt.Sprintf("%s=%v", x, on))
			return nil
		}))
		eq(t, "holders", fmt.Sprint(hs), fmt.Sprintf("[%s=true %s=false]", holder("GGGGGGGG"), h))
		on, err := l.Suspended(h)
		must(t, err)
		eq(t, "reinstated", on, false)
		return nil
	})
	// A revoked voucher redeemed offline: kept, conflict, incident.
	code := e.dep.Code(t, "M-1", 10000)
	v, _ := voucher.Decode(code)
	// (Its status set directly: Revoke wants the issuance on record, and
	// this code was signed outside the store.)
	must(t, e.st.UpdateLedger(func(tx server.LedgerTx) error { return tx.SetStatus(v.ID(), pos.StatusRevoked) }))
	eq(t, "revoked", fmt.Sprint(tm.upload(tm.sale(code))), "[conflict:"+pos.EREVOKED+"]")
	// The download feed carries the changes after a cursor.
	d := tm.download("")
	more := tm.download(d.Cursor)
	if len(more.Vouchers) != 0 {
		t.Errorf("nothing new, got %+v", more.Vouchers)
	}
	_, err = e.srv.Revoke(wire.RevokeRequest{Voucher: pos.NewVoucherID(1, 9)})
	must(t, err)
	next := tm.download(more.Cursor)
	if len(next.Vouchers) != 1 || next.Vouchers[0].Voucher != pos.NewVoucherID(1, 9) || next.Vouchers[0].Status != pos.StatusRevoked {
		t.Errorf("feed after cursor %+v", next.Vouchers)
	}
}

func testLedgerTx(t *testing.T, open Opener) {
	e := newEnv(t, open)
	boom := errors.New("boom")
	err := e.st.UpdateLedger(func(tx server.LedgerTx) error {
		must(t, tx.SetStatus(pos.NewVoucherID(1, 1), pos.StatusRevoked))
		if _, err := tx.AddIncident(wire.Incident{Kind: wire.IncidentChain, Terminal: "T1", Time: e.now}); err != nil {
			return err
		}
		must(t, tx.SetRedeemedTotal(1, holder("AAAAAAAA"), 500))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("failing update: %v", err)
	}
	e.view(func(l server.LedgerView) error {
		s, _ := l.Status(pos.NewVoucherID(1, 1))
		last, _ := l.LastChange()
		in, _ := l.Incidents()
		total, _ := l.RedeemedTotal(1, holder("AAAAAAAA"))
		if s != pos.StatusValid || last != 0 || len(in) != 0 || total != 0 {
			t.Errorf("a failed transaction left status %v, change %d, incidents %d, total %d", s, last, len(in), total)
		}
		return nil
	})
	// Ids after a rolled-back transaction continue without a hole.
	must(t, e.st.UpdateLedger(func(tx server.LedgerTx) error {
		id, err := tx.AddIncident(wire.Incident{Kind: wire.IncidentChain, Terminal: "T1", Time: e.now})
		eq(t, "first incident id", id, 1)
		return err
	}))
}

// testConcurrentLedger writes from many goroutines at once, some failing:
// every successful write is there, every failed one left nothing, and
// change seqs and incident ids are dense.
func testConcurrentLedger(t *testing.T, open Opener) {
	e := newEnv(t, open)
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := e.st.UpdateLedger(func(tx server.LedgerTx) error {
				if err := tx.SetStatus(pos.NewVoucherID(2, uint32(i+1)), pos.StatusRevoked); err != nil {
					return err
				}
				if _, err := tx.AddIncident(wire.Incident{Kind: wire.IncidentChain, Terminal: fmt.Sprint(i), Time: e.now}); err != nil {
					return err
				}
				if i%4 == 3 {
					return pos.Errorf(pos.EINVALID, "refused %d", i)
				}
				return nil
			})
			if (err != nil) != (i%4 == 3) {
				t.Errorf("write %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	e.view(func(l server.LedgerView) error {
		changes, _, err := l.Changes(0, 1000)
		must(t, err)
		in, err := l.Incidents()
		must(t, err)
		if len(changes) != n-n/4 || len(in) != n-n/4 {
			t.Fatalf("%d changes, %d incidents, want %d", len(changes), len(in), n-n/4)
		}
		for i, ch := range changes {
			if ch.Seq != uint64(i+1) || ch.Voucher.Serial()%4 == 0 {
				t.Errorf("change %d: %+v", i, ch)
			}
		}
		for i, x := range in {
			if x.ID != uint64(i+1) {
				t.Errorf("incident %d has id %d", i, x.ID)
			}
		}
		return nil
	})
}

func testReport(t *testing.T, open Opener) {
	e := newEnv(t, open)
	a, b := e.enroll("TA", 1), e.enroll("TB", 2)
	c1, c2 := e.dep.Code(t, "M-1", 10000), e.dep.Code(t, "M-2", 5000)
	a.upload(a.sale(c1), a.sale(c2))
	b.upload(b.sale(c1)) // double spend: under review, not settled
	a.upload(a.void(2))
	r, err := e.srv.Report(pos.DayOf(e.now), 0)
	must(t, err)
	if r.Sales != 2 || r.Voids != 1 || r.Vouchers != 1 {
		t.Errorf("report sales %d voids %d vouchers %d, want 2 1 1", r.Sales, r.Voids, r.Vouchers)
	}
	// A void the next day of a sale of this day: in the next day's report.
	e.now = e.now.Add(24 * time.Hour)
	a.upload(a.void(1))
	next, err := e.srv.Report("2020-09-16", 0)
	must(t, err)
	p := e.dep.Catalogue.Products[0]
	applied := min(10000, pos.NewLine(&p, 2).Amount()) // of sale 1's voucher
	if next.Sales != 0 || next.Voids != 1 || next.Vouchers != -1 || next.VoucherAmount != -applied {
		t.Errorf("report of the next day: sales %d voids %d vouchers %d voucher amount %s", next.Sales, next.Voids, next.Vouchers, next.VoucherAmount)
	}
	if again, err := e.srv.Report(pos.DayOf(e.now.Add(-24*time.Hour)), 0); err != nil || again.Sales != 2 || again.Voids != 1 {
		t.Errorf("the first day's report changed: %+v %v", again, err)
	}
}

// testLastSeen: Server.Seen (every signed request) records a terminal's
// last contact in its head, at most once a minute, on a terminal with no
// records yet and after an upload alike.
func testLastSeen(t *testing.T, open Opener) {
	e := newEnv(t, open)
	tm := e.enroll("T1", 1)
	start := e.now.UTC()
	seen := func() time.Time {
		got, err := e.st.Terminal("T1")
		must(t, err)
		return got.LastSeen
	}
	for _, step := range []struct {
		after, want time.Duration
		upload      bool
	}{
		{0, 0, false},
		{30 * time.Second, 0, false},
		{2 * time.Minute, 2 * time.Minute, false},
		{2*time.Minute + 5*time.Second, 2*time.Minute + 5*time.Second, true},
		{2*time.Minute + 50*time.Second, 2*time.Minute + 5*time.Second, false},
		{5 * time.Minute, 5 * time.Minute, false},
	} {
		e.now = start.Add(step.after)
		if step.upload {
			eq(t, "upload", fmt.Sprint(tm.upload(tm.sale(e.dep.Code(t, "M-1", 5000)))), "[accepted]")
		}
		w, err := e.st.Terminal("T1")
		must(t, err)
		e.srv.Seen(w)
		if got := seen(); !got.Equal(start.Add(step.want)) {
			t.Errorf("at +%s: last seen %s, want +%s", step.after, got, step.want)
		}
	}
}
