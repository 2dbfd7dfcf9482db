package bolt_test

import (
	"bytes"
	"strings"
	"testing"

	"fupinpos/device/escpos"
	"fupinpos/pos"
)

// TestReprintMark follows a cash sale whose first print failed: the copy
// asked for as a reprint is not marked 重印 (nothing reached the paper) and
// opens the cash drawer; once a copy printed, the next is marked and does
// not open the drawer. Both requests are audited.
func TestReprintMark(t *testing.T) {
	f := newFixture(t, nil)
	s := f.MustRedeem(t, sale(pos.PayCash, nil, item("BAG-ECO", 2)))
	seq := s.Record.Seq
	prof := escpos.Paper80
	prof.Drawer = true
	kick := []byte{escpos.ESC, 'p'}
	steps := []struct {
		name      string
		reprint   bool
		printed   bool // the copy reached the printer
		wantMark  bool
		wantKick  bool
		wantFirst string // audit detail first_copy ("": no audit event)
	}{
		{"sale's copy, print fails", false, false, false, true, ""},
		{"reprint after the failure", true, true, false, true, "1"},
		{"reprint after a copy printed", true, true, true, false, "0"},
		{"and again", true, false, true, false, "0"},
	}
	for _, st := range steps {
		var before int
		f.AuditEvents(0, func(*pos.AuditEvent) error { before++; return nil })
		rc, err := f.Receipt(seq, st.reprint, manager)
		if err != nil {
			t.Fatal(err)
		}
		b, err := escpos.Receipt(rc, prof, nil)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := escpos.Interpret(b, prof)
		if err != nil {
			t.Fatal(err)
		}
		if marked := strings.Contains(doc.Text(), "重印"); rc.Reprint != st.wantMark || marked != st.wantMark {
			t.Errorf("%s: reprint %t, 重印 on paper %t, want %t", st.name, rc.Reprint, marked, st.wantMark)
		}
		if got := bytes.Contains(b, kick); got != st.wantKick {
			t.Errorf("%s: drawer kick %t, want %t", st.name, got, st.wantKick)
		}
		var events []*pos.AuditEvent
		f.AuditEvents(0, func(e *pos.AuditEvent) error { events = append(events, e); return nil })
		switch {
		case st.wantFirst == "" && len(events) != before:
			t.Errorf("%s: %d audit events written", st.name, len(events)-before)
		case st.wantFirst != "":
			last := events[len(events)-1]
			first := last.Detail["first_copy"]
			if first == "" {
				first = "0"
			}
			if len(events) != before+1 || last.Action != pos.AuditReprint || last.Actor != manager || first != st.wantFirst || last.Detail["receipt"] != rc.Number {
				t.Errorf("%s: audit %+v, want reprint first_copy=%s", st.name, last, st.wantFirst)
			}
		}
		if st.printed {
			if err := f.MarkPrinted(seq); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n, first, err := f.Printed(seq); n != 2 || first.IsZero() || err != nil {
		t.Errorf("Printed: %d copies, first %s, %v", n, first, err)
	}
	wantCode(t, f.MarkPrinted(seq+99), pos.ENOTFOUND)
}
