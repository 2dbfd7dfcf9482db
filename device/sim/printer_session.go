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
