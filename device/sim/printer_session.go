package sim

import (
	"io"

	"fupinpos/device/escpos"
)

// printerSession is one connection's worth of bytes: it tokenizes them,
// answers status queries and cuts jobs.
type printerSession struct {
	s        *PrinterSim
	w        io.Writer // where status answers go
	st       escpos.Stream
	job      []byte
	jobBytes int
	paperOut bool
	content  bool // the job has something besides ESC @
	gsI      bool // GS I read, its n not yet (tokenized apart)
}

// feed processes received bytes. It returns true when the DropAfter fault
// says to cut the connection now.
func (ps *printerSession) feed(p []byte) (drop bool) {
	ps.st.Write(p)
	f := ps.s.faultsNow()
	for {
		c, ok := ps.st.Next()
		if !ok {
			return false
		}
		if c.Kind == escpos.KindStatus {
			if b, ok := ps.s.answer(c.Bytes[2]); ok {
				ps.w.Write([]byte{b})
			}
			continue
		}
		// GS I n (transmit printer id) is a query, not part of a job. The
		// tokenizer may give it whole or as GS I followed by n.
		if ps.gsI || len(c.Bytes) >= 2 && c.Bytes[0] == escpos.GS && c.Bytes[1] == 'I' {
			var n byte
			switch {
			case ps.gsI:
				n, ps.gsI = c.Bytes[0], false
			case len(c.Bytes) >= 3:
				n = c.Bytes[2]
			default:
				ps.gsI = true
				continue
			}
			if b, ok := ps.s.modelID(n); ok {
				ps.w.Write([]byte{b})
			}
			continue
		}
		ps.jobBytes += len(c.Bytes)
		if !ps.paperOut && ps.s.paperOut() {
			ps.paperOut = true // out of paper: nothing more reaches the paper
		}
		if !ps.paperOut {
			ps.job = append(ps.job, c.Bytes...)
			if c.Kind != escpos.KindInit {
				ps.content = true
			}
			if c.Kind == escpos.KindLF {
				ps.s.printLine()
			}
		}
		if c.Kind == escpos.KindCut {
			ps.finish(true, false)
		}
		if f.DropAfter > 0 && ps.jobBytes >= f.DropAfter {
			ps.s.logf("dropping the connection after %d bytes of a job", ps.jobBytes)
			ps.finish(false, true)
			return true
		}
	}
}

// finish records the job so far, if it printed anything.
func (ps *printerSession) finish(cut, dropped bool) {
	if ps.content || cut {
		ps.s.record(ps.job, cut, ps.paperOut, dropped)
	}
	ps.job, ps.jobBytes, ps.content, ps.paperOut = nil, 0, false, false
}
