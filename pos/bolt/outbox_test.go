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
