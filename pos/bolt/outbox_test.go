package bolt_test

import (
	"testing"

	"fupinpos/pos"
)

func seqs(es []pos.Entry) []uint64 {
	var out []uint64
	for _, e := range es {
		r, _ := pos.DecodeRecord(e)
		out = append(out, r.Seq)
	}
	return out
}

func TestOutbox(t *testing.T) {
	f := newFixture(t, nil)
	for i := range 5 {
		f.MustRedeem(t, sale(pos.PayCash, []string{f.dep.Code(t, "m"+string(rune('a'+i)), pos.Yuan(10))}, item("DS-PEAR-5", 1)))
	}
	steps := []struct {
		name      string
		ack       []pos.UploadAnswer
		wantSeqs  []uint64
		wantQueue pos.QueueState
	}{
		{"nothing answered", nil, []uint64{1, 2, 3, 4, 5}, pos.QueueState{Count: 5, Amount: pos.Yuan(50)}},
		{"out of order", []pos.UploadAnswer{{Seq: 2, Result: pos.UploadAccepted}}, []uint64{1, 3, 4, 5}, pos.QueueState{Count: 4, Amount: pos.Yuan(40)}},
		{"unsettled answer ignored", []pos.UploadAnswer{{Seq: 1, Result: "maybe"}}, []uint64{1, 3, 4, 5}, pos.QueueState{Count: 4, Amount: pos.Yuan(40)}},
		{"conflict settles and is an incident", []pos.UploadAnswer{{Seq: 1, Result: pos.UploadConflict, Reason: pos.EREDEEMEDELSEWHERE, Detail: "T02-000007"}},
			[]uint64{3, 4, 5}, pos.QueueState{Count: 3, Amount: pos.Yuan(30)}},
		{"repeat and unknown are harmless", []pos.UploadAnswer{{Seq: 1, Result: pos.UploadAccepted}, {Seq: 99, Result: pos.UploadAccepted}},
			[]uint64{3, 4, 5}, pos.QueueState{Count: 3, Amount: pos.Yuan(30)}},
		{"the rest", []pos.UploadAnswer{{Seq: 3, Result: pos.UploadDuplicate}, {Seq: 4, Result: pos.UploadRejected, Reason: pos.EBADSIGNATURE}, {Seq: 5, Result: pos.UploadAccepted}},
			nil, pos.QueueState{}},
	}
	for _, st := range steps {
		if err := f.Ack(st.ack); err != nil {
			t.Fatal(err)
		}
		p, err := f.Pending(100)
		if err != nil {
			t.Fatal(err)
		}
		if got := seqs(p); !equal(got, st.wantSeqs) {
			t.Fatalf("%s: pending %v, want %v", st.name, got, st.wantSeqs)
		}
		if q, _ := f.Queue(); q != st.wantQueue {
			t.Fatalf("%s: queue %+v, want %+v", st.name, q, st.wantQueue)
		}
		if lc, err := f.VerifyLedger(); err != nil || lc.Pending != st.wantQueue.Count {
			t.Fatalf("%s: verify %+v %v", st.name, lc, err)
		}
	}
	in, _ := f.Incidents()
	if len(in) != 2 || in[0].Receipt != "T01-000001" || in[0].Reason != pos.EREDEEMEDELSEWHERE || in[1].Seq != 4 || in[1].Result != pos.UploadRejected {
		t.Fatalf("incidents %+v", in)
	}
	// A limit on the batch.
	f.MustRedeem(t, sale(pos.PayCash, nil, item("DS-PEAR-5", 1)))
	f.MustRedeem(t, sale(pos.PayCash, nil, item("DS-PEAR-5", 1)))
	if p, _ := f.Pending(1); !equal(seqs(p), []uint64{6}) {
		t.Fatalf("pending(1) %v", seqs(p))
	}
}

func equal(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRewind: a server restored from an older backup holds this terminal's
// records only up to 2 of the 5 it answered for: the records after 2 go
// back into the outbox, once; a server head of another chain, or one not
// behind, changes nothing.
func TestRewind(t *testing.T) {
	f := newFixture(t, nil)
	var hashes []pos.Hash
	for i := range 5 {
		s := f.MustRedeem(t, sale(pos.PayCash, []string{f.dep.Code(t, "m"+string(rune('a'+i)), pos.Yuan(10))}, item("DS-PEAR-5", 1)))
		hashes = append(hashes, s.Hash)
	}
	var all []pos.UploadAnswer
	for s := uint64(1); s <= 5; s++ {
		all = append(all, pos.UploadAnswer{Seq: s, Result: pos.UploadAccepted})
	}
	must(t, f.Ack(all[:4]))
	must(t, f.Ack(all[4:])) // acked up to 5
	for _, st := range []struct {
		name     string
		seq      uint64
		hash     pos.Hash
		wantN    int
		wantSeqs []uint64
	}{
		{"server not behind", 5, hashes[4], 0, nil},
		{"another chain at the server's head", 2, pos.Hash{1}, 0, nil},
		{"behind: sent again", 2, hashes[1], 3, []uint64{3, 4, 5}},
	} {
		n, err := f.Rewind(st.seq, st.hash, "sync")
		if err != nil || n != st.wantN {
			t.Fatalf("%s: rewound %d, %v; want %d", st.name, n, err, st.wantN)
		}
		p, _ := f.Pending(100)
		if got := seqs(p); !equal(got, st.wantSeqs) {
			t.Fatalf("%s: pending %v, want %v", st.name, got, st.wantSeqs)
		}
	}
	if a, _ := f.Acked(); a != 2 {
		t.Fatalf("acked %d after the rewind, want 2", a)
	}
	// The server refused record 3 and stays at 2: it is not sent again.
	must(t, f.Ack([]pos.UploadAnswer{{Seq: 3, Result: pos.UploadRejected, Reason: pos.EBADSIGNATURE}, all[3], all[4]}))
	if n, err := f.Rewind(2, hashes[1], "sync"); err != nil || n != 0 {
		t.Fatalf("second rewind to the same position: %d, %v", n, err)
	}
	if q, _ := f.Queue(); q.Count != 0 {
		t.Fatalf("outbox after the second rewind %+v", q)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
